import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isSealedSecret, openSecret, resealSecret, sealSecret, secretsKey, secretsKeyring, SecretUnavailableError } from "./sealed-secret.js";

describe("sealed webhook secrets", () => {
  const key = secretsKey(randomBytes(32));
  const ring = secretsKeyring([key]);
  const secret = "whsec_" + randomBytes(32).toString("base64");

  it("opens what it sealed, and the sealed form shows nothing of the secret", () => {
    const sealed = sealSecret(key, secret, "whk_1", randomBytes(12));
    expect(isSealedSecret(sealed)).toBe(true);
    expect(sealed.startsWith(`sealed:v1:${key.id}:`)).toBe(true);
    expect(sealed).not.toContain(secret.slice(6, 20));
    expect(openSecret(ring, sealed, "whk_1")).toBe(secret);
  });

  it("seals the same secret differently every time (a fresh nonce)", () => {
    expect(sealSecret(key, secret, "whk_1", randomBytes(12))).not.toBe(sealSecret(key, secret, "whk_1", randomBytes(12)));
  });

  it("refuses a key not in the ring, another endpoint, an edited byte and a missing keyring, naming no secret", () => {
    const sealed = sealSecret(key, secret, "whk_1", randomBytes(12));
    const prefix = `sealed:v1:${key.id}:`;
    const body = sealed.slice(prefix.length);
    const flipped = `${prefix}${body.slice(0, 20)}${body[20] === "A" ? "B" : "A"}${body.slice(21)}`;
    // The same id over another key's bytes: the tag check catches it.
    const impostor = secretsKeyring([{ id: key.id, bytes: randomBytes(32) }]);
    for (const [keys, stored, endpoint] of [
      [secretsKeyring([secretsKey(randomBytes(32))]), sealed, "whk_1"],
      [impostor, sealed, "whk_1"],
      [ring, sealed, "whk_2"],
      [ring, flipped, "whk_1"],
      [null, sealed, "whk_1"],
      [ring, `${prefix}AAAA`, "whk_1"],
      [ring, "sealed:v1:nokeyid", "whk_1"],
    ] as const) {
      let thrown: unknown;
      try {
        openSecret(keys, stored, endpoint);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(SecretUnavailableError);
      expect((thrown as Error).message).not.toContain(secret);
    }
  });

  it("passes a secret stored before sealing was configured through as it is", () => {
    expect(openSecret(null, secret, "whk_1")).toBe(secret);
    expect(openSecret(ring, secret, "whk_1")).toBe(secret);
  });

  it("rotates: the newest key seals, older ones still open, reseal moves values to the newest", () => {
    const newer = secretsKey(randomBytes(32));
    const rotated = secretsKeyring([newer, key]);
    const old = sealSecret(key, secret, "whk_1", randomBytes(12));
    expect(openSecret(rotated, old, "whk_1")).toBe(secret);

    const moved = resealSecret(rotated, old, "whk_1", randomBytes(12));
    expect(moved.startsWith(`sealed:v1:${newer.id}:`)).toBe(true);
    expect(openSecret(secretsKeyring([newer]), moved, "whk_1")).toBe(secret);
    expect(resealSecret(rotated, moved, "whk_1", randomBytes(12))).toBe(moved);
    expect(openSecret(secretsKeyring([newer]), resealSecret(rotated, secret, "whk_1", randomBytes(12)), "whk_1")).toBe(secret);
    // Sealed under a key the ring does not hold: left as it is, not lost.
    const foreign = sealSecret(secretsKey(randomBytes(32)), secret, "whk_1", randomBytes(12));
    expect(resealSecret(rotated, foreign, "whk_1", randomBytes(12))).toBe(foreign);
  });
});
