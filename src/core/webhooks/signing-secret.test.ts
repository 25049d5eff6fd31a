import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { createWebhookSecret, signingSecrets } from "./signing-secret.js";

describe("webhook signing secrets", () => {
  it("are whsec_ and base64 of 32 random bytes, usable by standardwebhooks", () => {
    const secret = createWebhookSecret(randomBytes);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    expect(createWebhookSecret(randomBytes)).not.toBe(secret);
    const signature = new Webhook(secret).sign("msg_1", new Date(), "{}");
    expect(signature).toMatch(/^v1,/);
  });

  it("sign with the previous secret only until its overlap ends", () => {
    const now = new Date("2025-01-01T00:00:00Z");
    const later = new Date(now.getTime() + 1000);
    expect(signingSecrets({ current: "a", previous: "b", previousExpiresAt: later }, now)).toEqual(["a", "b"]);
    expect(signingSecrets({ current: "a", previous: "b", previousExpiresAt: now }, now)).toEqual(["a"]);
    expect(signingSecrets({ current: "a", previous: null, previousExpiresAt: null }, now)).toEqual(["a"]);
  });
});
