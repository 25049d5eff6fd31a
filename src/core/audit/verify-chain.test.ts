import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signCheckpoint, signingKeyId, type AuditSigningKey } from "./checkpoint.js";
import { GENESIS_HASH, hashEntry, sealEntry, type AuditEntry } from "./entry.js";
import { verifyChain, type ChainVerdict } from "./verify-chain.js";

const T0 = Date.UTC(2025, 0, 1);

function chain(length: number, workspaceId = "ws_1"): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let i = 0; i < length; i++) entries.push(next(entries, `e${i + 1}`, workspaceId));
  return entries;
}

function next(entries: AuditEntry[], id: string, workspaceId = "ws_1", action = "key.update"): AuditEntry {
  const last = entries[entries.length - 1];
  return sealEntry(
    {
      id,
      workspaceId,
      time: new Date(T0 + entries.length * 1000),
      actor: { type: "root_key", id: "key_root" },
      action,
      target: { type: "key", id: `key_${entries.length % 3}` },
      before: '{"enabled":true}',
      after: '{"enabled":false}',
      requestId: `req-${id}`,
      sourceIp: "203.0.113.7",
      userAgent: "test",
    },
    last ? { seq: last.seq, hash: last.hash } : null,
  );
}

const headOf = (entries: AuditEntry[]) => ({ seq: entries[entries.length - 1]?.seq ?? 0, hash: entries[entries.length - 1]?.hash ?? GENESIS_HASH });
const kinds = (verdict: ChainVerdict) => (verdict.valid ? [] : verdict.problems.map((problem) => `${problem.kind}:${problem.entryId}`));
const rehash = (entry: Omit<AuditEntry, "hash">): AuditEntry => ({ ...entry, hash: hashEntry(entry) });

function newSigningKey(): AuditSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privateKey, publicKey, keyId: signingKeyId(publicKey) };
}

describe("verifyChain", () => {
  it("accepts an untouched chain and an empty one", () => {
    const entries = chain(20);
    expect(verifyChain(entries, { head: headOf(entries) })).toMatchObject({ valid: true, entries: 20, last: headOf(entries) });
    expect(verifyChain([], { head: { seq: 0, hash: GENESIS_HASH } })).toMatchObject({ valid: true, entries: 0, last: null });
  });

  it("names an edited entry, whether or not its hash was recomputed", () => {
    const entries = chain(10);
    const edited = entries.map((entry) => (entry.seq === 4 ? { ...entry, after: '{"enabled":true}' } : entry));
    expect(kinds(verifyChain(edited, { head: headOf(entries) }))).toEqual(["edited:e4"]);
    const rehashed = entries.map((entry) => (entry.seq === 4 ? rehash({ ...entry, action: "key.create" }) : entry));
    expect(kinds(verifyChain(rehashed, { head: headOf(entries) }))).toEqual(["edited:e4"]);
  });

  it("names a deletion by the entry after the gap, with the missing seq", () => {
    const entries = chain(10);
    const verdict = verifyChain(entries.filter((entry) => entry.seq !== 5 && entry.seq !== 6), { head: headOf(entries) });
    expect(kinds(verdict)).toEqual(["deleted:e7"]);
    expect(verdict.valid ? null : verdict.problems[0]).toMatchObject({ seq: 5, detail: expect.stringContaining("5..6") });
  });

  it("names an insertion that renumbers the entries after it, and the ones it pushed along", () => {
    const entries = chain(6);
    const forged = next(entries.slice(0, 2), "forged");
    const tampered = [...entries.slice(0, 2), forged, ...entries.slice(2).map((entry) => ({ ...entry, seq: entry.seq + 1 }))];
    expect(kinds(verifyChain(tampered, { head: { seq: 7, hash: entries[5]!.hash } }))).toEqual([
      "inserted:forged",
      "reordered:e3",
      "reordered:e4",
      "reordered:e5",
      "reordered:e6",
    ]);
  });

  it("names entries appended past the chain head", () => {
    const entries = chain(5);
    const forged = next(entries, "forged");
    expect(kinds(verifyChain([...entries, forged], { head: headOf(entries) }))).toEqual(["inserted:forged"]);
  });

  it("names two swapped entries as reordered", () => {
    const entries = chain(8);
    const swapped = entries.map((entry) => (entry.seq === 4 ? { ...entry, seq: 5 } : entry.seq === 5 ? { ...entry, seq: 4 } : entry)).sort((a, b) => a.seq - b.seq);
    expect(kinds(verifyChain(swapped, { head: headOf(entries) })).sort()).toEqual(["reordered:e4", "reordered:e5"]);
  });

  it("names a cut tail by the stored head, and a chain cut and recomputed by a signed checkpoint", () => {
    const entries = chain(10);
    expect(kinds(verifyChain(entries.slice(0, 7), { head: headOf(entries) }))).toEqual(["truncated:e7"]);

    const key = newSigningKey();
    const checkpoint = signCheckpoint({ workspaceId: "ws_1", ...headOf(entries.slice(0, 8)) }, new Date(T0 + 60_000), key);
    // Entries 6.. removed, new ones written in their place and the head moved: the chain itself is sound.
    const rewritten = entries.slice(0, 5);
    for (let i = 0; i < 5; i++) rewritten.push(next(rewritten, `new${i}`, "ws_1", "api.update"));
    const options = { head: headOf(rewritten), checkpoints: [checkpoint], publicKey: key.publicKey };
    expect(verifyChain(rewritten, { head: headOf(rewritten) }).valid).toBe(true);
    expect(kinds(verifyChain(rewritten, options))).toEqual(["truncated:new2"]);
    const cut = entries.slice(0, 6);
    expect(kinds(verifyChain(cut, { ...options, head: headOf(cut) }))).toEqual(["truncated:e6"]);
    expect(verifyChain(entries, { ...options, head: headOf(entries) })).toMatchObject({ valid: true, checkpoints: { checked: 1, latest: { seq: 8 } } });
  });

  it("refuses checkpoints not signed by the configured key", () => {
    const entries = chain(3);
    const checkpoint = signCheckpoint({ workspaceId: "ws_1", ...headOf(entries) }, new Date(T0), newSigningKey());
    const verdict = verifyChain(entries, { head: headOf(entries), checkpoints: [checkpoint], publicKey: newSigningKey().publicKey });
    expect(verdict.valid ? [] : verdict.problems.map((problem) => problem.kind)).toEqual(["checkpoint_invalid"]);
    const forged = { ...signCheckpoint({ workspaceId: "ws_1", ...headOf(entries) }, new Date(T0), newSigningKey()), seq: 2 };
    expect(verifyChain(entries, { checkpoints: [forged], publicKey: newSigningKey().publicKey }).valid).toBe(false);
  });

  it("detects any change to any single field of any entry", () => {
    const entries = chain(12);
    const fields = ["id", "workspaceId", "time", "actor", "action", "target", "before", "after", "requestId", "sourceIp", "userAgent", "seq", "prevHash", "hash"] as const;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 11 }), fc.constantFrom(...fields), (at, field) => {
        const original = entries[at]!;
        const changed: AuditEntry = { ...original };
        if (field === "time") changed.time = new Date(original.time.getTime() + 1);
        else if (field === "seq") changed.seq = original.seq + 100;
        else if (field === "actor") changed.actor = { type: "system" };
        else if (field === "target") changed.target = { ...original.target, id: "key_other" };
        else if (field === "prevHash" || field === "hash") changed[field] = "a".repeat(64);
        else changed[field] = `${original[field]}x`;
        const tampered = entries.map((entry, i) => (i === at ? changed : entry)).sort((a, b) => a.seq - b.seq);
        expect(verifyChain(tampered, { head: headOf(entries) }).valid).toBe(false);
      }),
    );
  });
});
