// A leak reported by GitHub ends in a signed `key.leaked` webhook at a real receiver on 127.0.0.1:
// the key's public view, where it leaked, actor `system` — and never the key.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir } from "../e2e/support/keyward-process.js";
import { startKeyward, type Keyward } from "../webhooks/support/keyward.js";
import { startReceiver, verify, type Receiver } from "../webhooks/support/receiver.js";
import { githubSigner } from "./support.js";

const tmp = makeTempDir("leaks-webhook");
const signer = githubSigner();
let keyward: Keyward;
let receiver: Receiver;

beforeAll(async () => {
  const keysFile = join(tmp.dir, "github-keys.json");
  writeFileSync(keysFile, signer.keysFile);
  keyward = await startKeyward(tmp.dir, { KEYWARD_GITHUB_SCANNING_KEYS: keysFile });
  receiver = await startReceiver();
}, 60_000);

afterAll(async () => {
  await keyward?.close();
  await receiver?.close();
  tmp.remove();
});

describe("key.leaked webhook", () => {
  it("is sent once when GitHub reports a live key, and not again for the same report", async () => {
    const endpoint = await keyward.call("POST", "/v1/webhooks", { url: receiver.url, events: ["key.leaked"] });
    expect(endpoint.status).toBe(201);
    const api = await keyward.call("POST", "/v1/apis", { name: "leaky", prefix: "leaky" });
    const key = (await keyward.call("POST", "/v1/keys", { apiId: api.json.id, name: "in a commit" })).json;
    const body = JSON.stringify([{ token: key.key, type: "keyward_api_key", url: "https://github.com/o/r/blob/1/.env", source: "commit" }]);

    const reply = await fetch(`${keyward.url}/v1/leaks/github`, { method: "POST", headers: signer.headers(body), body });
    expect(reply.status).toBe(200);
    const [delivery] = await receiver.waitFor(1);
    const event = verify(endpoint.json.secret, delivery!);
    expect(event.type).toBe("key.leaked");
    expect(event.data).toMatchObject({
      id: key.id,
      revokedAt: expect.any(String),
      actor: { type: "system" },
      leak: { source: "github", url: "https://github.com/o/r/blob/1/.env", githubSource: "commit" },
    });
    expect(delivery!.body).not.toContain(key.key);

    await fetch(`${keyward.url}/v1/leaks/github`, { method: "POST", headers: signer.headers(body), body });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.received).toHaveLength(1);
  });
});
