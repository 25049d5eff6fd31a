// The SDK's committed types must be what `npm run sdk:types` makes from today's server: a route or
// schema change without a regeneration fails here, so the client cannot drift from the server.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderSdkFiles, SDK_DOCUMENT_PATH } from "../../scripts/generate-sdk-types.js";
import { MAX_KEY_CHARS } from "../../src/sdk/index.js";

const REPO = new URL("../../", import.meta.url);

describe("generated SDK types", () => {
  it("match the server's OpenAPI document (run `npm run sdk:types` when this fails)", async () => {
    const files = await renderSdkFiles();
    expect(Object.keys(files).sort()).toEqual(["src/sdk/generated/api.ts", "src/sdk/openapi.json"]);
    for (const [path, content] of Object.entries(files)) {
      // toBe, not a diff of 10 000 lines: the message says what to do.
      expect(readFileSync(new URL(path, REPO), "utf8") === content, `${path} is stale: run npm run sdk:types`).toBe(true);
    }
  }, 60_000);

  it("the middleware's key length bound is the verify schema's", () => {
    const document = JSON.parse(readFileSync(new URL(SDK_DOCUMENT_PATH, REPO), "utf8"));
    const body = document.paths["/v1/keys/verify"].post.requestBody.content["application/json"].schema;
    expect(body.properties.key.maxLength).toBe(MAX_KEY_CHARS);
  });
});
