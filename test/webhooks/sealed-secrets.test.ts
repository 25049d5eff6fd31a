// Webhook signing secrets sealed at rest under KEYWARD_SECRETS_KEY: the database holds no usable secret,
// secrets stored before the key was set are sealed at the next start, a new key put first in the file
// re-seals them all, deliveries still verify at a real receiver, and a node without the key sends
// nothing unsigned.
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { addSecretsKey, loadSecretsKeys, writeSecretsKey } from "../../src/webhooks/secrets-key.js";
import { makeTempDir } from "../e2e/support/keyward-process.js";
import { eventually, startKeyward, type Keyward } from "./support/keyward.js";
import { startReceiver, verify, type Receiver } from "./support/receiver.js";

const tmp = makeTempDir("sealed-secrets");
const running: { keyward?: Keyward; receiver?: Receiver } = {};

afterAll(async () => {
  await running.keyward?.close();
  await running.receiver?.close();
  tmp.remove();
});

function storedSecrets(): { id: string; secret: string; previous_secret: string | null }[] {
  const db = new Database(join(tmp.dir, "keyward.db"), { readonly: true });
  try {
    return db.prepare("select id, secret, previous_secret from webhook_endpoints order by id").all() as never;
  } finally {
    db.close();
  }
}

async function newKey(keyward: Keyward) {
  const api = await keyward.call("POST", "/v1/apis", { name: `api ${Math.random()}`, prefix: `s${Math.random().toString(36).slice(2, 8)}` });
  expect((await keyward.call("POST", "/v1/keys", { apiId: api.json.id })).status).toBe(201);
}

describe("webhook secrets sealed at rest", () => {
  it("seals old and new secrets, rotates the sealing key, still signs verifiably, and sends nothing without the key", async () => {
    const receiver = (running.receiver = await startReceiver());
    let keyward = (running.keyward = await startKeyward(tmp.dir));
    const rootKey = keyward.rootKey;

    // Before a key is configured: stored as they are (the upgrade case).
    const before = await keyward.call("POST", "/v1/webhooks", { url: receiver.url, events: ["key.created"] });
    const rotated = await keyward.call("POST", `/v1/webhooks/${before.json.id}/rotate-secret`, { overlapSeconds: 3600 });
    expect(rotated.status).toBe(200);
    expect(storedSecrets()).toEqual([{ id: before.json.id, secret: rotated.json.secret, previous_secret: before.json.secret }]);
    await keyward.close();

    // With the key: the old row is sealed at start, a new endpoint is stored sealed.
    const keyFile = join(tmp.dir, "secrets.key");
    writeSecretsKey(keyFile);
    keyward = running.keyward = await startKeyward(tmp.dir, { KEYWARD_SECRETS_KEY: keyFile }, rootKey);
    const after = await keyward.call("POST", "/v1/webhooks", { url: receiver.url, events: ["key.created"] });
    expect(after.status).toBe(201);
    const plaintexts = [before.json.secret, rotated.json.secret, after.json.secret];
    const rows = storedSecrets();
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.id === before.json.id)?.previous_secret).not.toBeNull();
    for (const row of rows) {
      for (const value of [row.secret, row.previous_secret].filter((v) => v !== null)) {
        expect(value).toMatch(/^sealed:v1:/);
        for (const plaintext of plaintexts) expect(value).not.toContain(plaintext.slice("whsec_".length, 30));
      }
    }

    await newKey(keyward);
    const received = await receiver.waitFor(2);
    const byEndpoint = new Map([
      [before.json.id, rotated.json.secret],
      [after.json.id, after.json.secret],
    ]);
    const verified = received.map((request) => {
      const delivery = request.headers["webhook-id"] as string;
      // Each endpoint's current secret verifies its own delivery; the overlap also signs with the previous one.
      const endpointId = [...byEndpoint.keys()].find((id) => {
        try {
          verify(byEndpoint.get(id)!, request);
          return true;
        } catch {
          return false;
        }
      });
      return { delivery, endpointId };
    });
    expect(verified.map((v) => v.endpointId).sort()).toEqual([...byEndpoint.keys()].sort());
    expect(() => verify(before.json.secret, received.find((r) => verified.some((v) => v.endpointId === before.json.id && v.delivery === r.headers["webhook-id"]))!)).not.toThrow();
    await keyward.close();

    // Key rotation: a new key first in the file; the next start re-seals every row under it, after which
    // a file holding only the new key still opens them all.
    const oldKeyId = loadSecretsKeys(keyFile).keys.current.id;
    const newKeyId = addSecretsKey(keyFile);
    keyward = running.keyward = await startKeyward(tmp.dir, { KEYWARD_SECRETS_KEY: keyFile }, rootKey);
    await keyward.close();
    for (const row of storedSecrets()) {
      for (const value of [row.secret, row.previous_secret].filter((v) => v !== null)) expect(value!.startsWith(`sealed:v1:${newKeyId}:`)).toBe(true);
    }
    writeFileSync(keyFile, `${readFileSync(keyFile, "utf8").trim().split("\n")[0]}\n`);
    expect([...loadSecretsKeys(keyFile).keys.byId.keys()]).toEqual([newKeyId]);
    expect(newKeyId).not.toBe(oldKeyId);
    keyward = running.keyward = await startKeyward(tmp.dir, { KEYWARD_SECRETS_KEY: keyFile }, rootKey);
    const sentBeforeRotation = receiver.received.length;
    await newKey(keyward);
    const afterRotation = (await receiver.waitFor(sentBeforeRotation + 2)).slice(sentBeforeRotation);
    for (const request of afterRotation) {
      expect([rotated.json.secret, after.json.secret].filter((secret) => {
        try {
          verify(secret, request);
          return true;
        } catch {
          return false;
        }
      })).toHaveLength(1);
    }
    await keyward.close();

    // A node started without the key: a failed attempt that says why, nothing sent, no secret shown.
    keyward = running.keyward = await startKeyward(tmp.dir, {}, rootKey);
    const sentBefore = receiver.received.length;
    await newKey(keyward);
    const failed = await eventually(async () => {
      const page = await keyward.call("GET", `/v1/webhooks/${after.json.id}/deliveries`);
      return page.json.items.find((d: any) => d.lastError !== null);
    });
    expect(failed.lastError).toContain("KEYWARD_SECRETS_KEY");
    expect(failed.lastStatusCode).toBeNull();
    for (const plaintext of plaintexts) expect(JSON.stringify(failed)).not.toContain(plaintext);
    expect(receiver.received.length).toBe(sentBefore);
  }, 60_000);
});
