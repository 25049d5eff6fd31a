import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isSealedSecret, openSecret, sealSecret, SecretUnavailableError } from "./sealed-secret.js";

describe("sealed webhook secrets", () => {
  const key = randomBytes(32);
  const secret = "whsec_" + randomBytes(32).toString("base64");

  it("opens what it sealed, and the sealed form shows nothing of the secret", () => {
    const sealed = sealSecret(key, secret, "whk_1", randomBytes(12));
    expect(isSealedSecret(sealed)).toBe(true);
    expect(sealed).not.toContain(secret.slice(6, 20));
    expect(openSecret(key, sealed, "whk_1")).toBe(secret);
  });

  it("seals the same secret differently every time (a fresh nonce)", () => {
    expect(sealSecret(key, secret, "whk_1", randomBytes(12))).not.toBe(sealSecret(key, secret, "whk_1", randomBytes(12)));
  });

  it("refuses another key, another endpoint, an edited byte and a missing key, naming no secret", () => {
    const sealed = sealSecret(key, secret, "whk_1", randomBytes(12));
    const body = sealed.slice("sealed:v1:".length);
    const flipped = `sealed:v1:${body.slice(0, 20)}${body[20] === "A" ? "B" : "A"}${body.slice(21)}`;
    for (const [k, stored, endpoint] of [
      [randomBytes(32), sealed, "whk_1"],
      [key, sealed, "whk_2"],
      [key, flipped, "whk_1"],
      [null, sealed, "whk_1"],
      [key, "sealed:v1:AAAA", "whk_1"],
    ] as const) {
      let thrown: unknown;
      try {
        openSecret(k, stored, endpoint);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(SecretUnavailableError);
      expect((thrown as Error).message).not.toContain(secret);
    }
  });

  it("passes a secret stored before sealing was configured through as it is", () => {
    expect(openSecret(null, secret, "whk_1")).toBe(secret);
    expect(openSecret(key, secret, "whk_1")).toBe(secret);
  });
});
