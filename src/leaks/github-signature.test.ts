import { generateKeyPairSync, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GithubKeysError, parseGithubPublicKeys } from "./github-public-keys.js";
import { verifyGithubSignature } from "./github-signature.js";

// GitHub's sample request from the partner-program documentation (a known-answer test).
const vector = JSON.parse(readFileSync(new URL("../../test/fixtures/github-secret-scanning.json", import.meta.url), "utf8"));
const githubKeys = parseGithubPublicKeys(JSON.stringify(vector.public_keys), "fixture");
const headersOf = (identifier: string, signature: string) => ({ "github-public-key-identifier": identifier, "github-public-key-signature": signature });
const sample = headersOf(vector.request.headers["Github-Public-Key-Identifier"], vector.request.headers["Github-Public-Key-Signature"]);

describe("GitHub's signature over a report", () => {
  it("verifies GitHub's published sample", () => {
    expect(verifyGithubSignature(githubKeys, Buffer.from(vector.request.body), sample)).toEqual({ ok: true });
  });

  it("refuses the sample with one byte of the body changed, or re-serialised", () => {
    const body = Buffer.from(vector.request.body);
    body[body.length - 3]! ^= 1;
    expect(verifyGithubSignature(githubKeys, body, sample)).toEqual({ ok: false, reason: "bad_signature" });
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(vector.request.body), null, 1));
    expect(verifyGithubSignature(githubKeys, reserialised, sample)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses the sample signature under the other (non-current) key, an unknown key, or no headers", () => {
    const other = vector.public_keys.public_keys.find((key: { is_current: boolean }) => !key.is_current).key_identifier;
    const body = Buffer.from(vector.request.body);
    expect(verifyGithubSignature(githubKeys, body, { ...sample, "github-public-key-identifier": other })).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyGithubSignature(githubKeys, body, { ...sample, "github-public-key-identifier": "f".repeat(64) })).toEqual({ ok: false, reason: "unknown_key" });
    expect(verifyGithubSignature(githubKeys, body, {})).toEqual({ ok: false, reason: "missing" });
    expect(verifyGithubSignature(githubKeys, body, { ...sample, "github-public-key-signature": ["a", "b"] })).toEqual({ ok: false, reason: "missing" });
  });

  it("refuses garbage signatures without throwing", () => {
    const body = Buffer.from(vector.request.body);
    for (const signature of ["not base64!", "AAAA", "x".repeat(300), Buffer.from("junk").toString("base64")]) {
      expect(verifyGithubSignature(githubKeys, body, { ...sample, "github-public-key-signature": signature }).ok).toBe(false);
    }
  });

  it("verifies with a key that is not current (GitHub rotates)", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const keys = parseGithubPublicKeys(
      JSON.stringify({ public_keys: [{ key_identifier: "old", key: publicKey.export({ type: "spki", format: "pem" }), is_current: false }, vector.public_keys.public_keys[1]] }),
      "local",
    );
    const body = Buffer.from('[{"token":"x","type":"t","url":"u"}]');
    expect(verifyGithubSignature(keys, body, headersOf("old", sign("sha256", body, privateKey).toString("base64")))).toEqual({ ok: true });
  });
});

describe("the keys file", () => {
  it("refuses what is not GitHub's format, or not ECDSA P-256", () => {
    const ed25519 = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" });
    const cases: [string, RegExp][] = [
      ["not json", /not JSON/],
      ["{}", /no "public_keys"/],
      ['{"public_keys":[]}', /no "public_keys"/],
      ['{"public_keys":[{"key":"x"}]}', /key_identifier/],
      ['{"public_keys":[{"key_identifier":"a","key":"x"}]}', /not a PEM public key/],
      [JSON.stringify({ public_keys: [{ key_identifier: "a", key: ed25519 }] }), /not an ECDSA P-256 key/],
    ];
    for (const [text, message] of cases) expect(() => parseGithubPublicKeys(text, "keys.json")).toThrow(message);
    expect(() => parseGithubPublicKeys("x", "keys.json")).toThrow(GithubKeysError);
  });
});
