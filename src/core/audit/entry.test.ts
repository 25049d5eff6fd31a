import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.js";
import { auditView, encodeEntry, GENESIS_HASH, hashEntry, sealEntry, type AuditDraft, type AuditEntry } from "./entry.js";

const text = fc.option(fc.string({ unit: "binary", maxLength: 40 }), { nil: null });
const drafts: fc.Arbitrary<AuditDraft> = fc.record({
  id: fc.string({ minLength: 1, maxLength: 30 }),
  workspaceId: fc.string({ minLength: 1, maxLength: 30 }),
  time: fc.date({ min: new Date(0), max: new Date("2200-01-01T00:00:00Z"), noInvalidDate: true }),
  actor: fc.oneof(fc.constant({ type: "system" as const }), fc.record({ type: fc.constant("root_key" as const), id: fc.string({ unit: "binary" }) })),
  action: fc.string({ unit: "binary", maxLength: 30 }),
  target: fc.record({ type: fc.string({ maxLength: 20 }), id: fc.string({ unit: "binary", maxLength: 30 }) }),
  before: fc.option(fc.jsonValue({ maxDepth: 3 }).map((value) => canonicalJson(value)), { nil: null }),
  after: fc.option(fc.jsonValue({ maxDepth: 3 }).map((value) => canonicalJson(value)), { nil: null }),
  requestId: text,
  sourceIp: text,
  userAgent: text,
});
const heads = fc.option(fc.record({ seq: fc.integer({ min: 0, max: 2 ** 40 }), hash: fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 }) }), { nil: null });

/** The entry as the plain JSON object the encoding stands for. */
function asObject(entry: Omit<AuditEntry, "hash">) {
  return {
    ...entry,
    v: 1,
    time: entry.time.toISOString(),
    before: entry.before === null ? null : JSON.parse(entry.before),
    after: entry.after === null ? null : JSON.parse(entry.after),
  };
}

describe("audit entry encoding", () => {
  it("is exactly the canonical JSON of the entry", () => {
    fc.assert(
      fc.property(drafts, heads, (draft, head) => {
        const { hash: _hash, ...entry } = sealEntry(draft, head);
        expect(encodeEntry(entry)).toBe(canonicalJson(asObject(entry)));
      }),
      { numRuns: 300 },
    );
  });

  it("seals onto the head: seq + 1, the head's hash as prevHash, genesis for the first", () => {
    fc.assert(
      fc.property(drafts, heads, (draft, head) => {
        const sealed = sealEntry(draft, head);
        expect(sealed.seq).toBe((head?.seq ?? 0) + 1);
        expect(sealed.prevHash).toBe(head?.hash ?? GENESIS_HASH);
        expect(sealed.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(hashEntry(sealed)).toBe(sealed.hash);
      }),
    );
  });

  it("changes the hash when any field changes", () => {
    fc.assert(
      fc.property(drafts, heads, drafts, (draft, head, other) => {
        const sealed = sealEntry(draft, head);
        for (const field of ["id", "workspaceId", "time", "actor", "action", "target", "before", "after", "requestId", "sourceIp", "userAgent"] as const) {
          const changed = { ...sealed, [field]: other[field] };
          if (canonicalJson(asObject(changed)) === canonicalJson(asObject(sealed))) continue;
          expect(hashEntry(changed), field).not.toBe(sealed.hash);
        }
        expect(hashEntry({ ...sealed, seq: sealed.seq + 1 })).not.toBe(sealed.hash);
        expect(hashEntry({ ...sealed, prevHash: sealed.prevHash === GENESIS_HASH ? "f".repeat(64) : GENESIS_HASH })).not.toBe(sealed.hash);
      }),
      { numRuns: 200 },
    );
  });

  it("stores views as canonical text", () => {
    expect(auditView({ b: [1, { d: 1, c: 2 }], a: "x" })).toBe('{"a":"x","b":[1,{"c":2,"d":1}]}');
    expect(auditView(null)).toBeNull();
  });
});
