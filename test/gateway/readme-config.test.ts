// The gateway.yaml shown in the README is a configuration the gateway accepts, as written.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { loadGatewayConfig, matchRoute, normalizePath } from "../../src/gateway/index.js";

it("accepts the README's gateway.yaml and routes by it", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const block = readme.split("<!-- gateway-config:begin -->")[1]?.split("<!-- gateway-config:end -->")[0] ?? "";
  const yaml = /```yaml\n([\s\S]*?)```/.exec(block)?.[1];
  expect(yaml, "no yaml block between the gateway-config markers").toBeTruthy();
  const dir = mkdtempSync(join(tmpdir(), "keyward-readme-gateway-"));
  try {
    const file = join(dir, "gateway.yaml");
    writeFileSync(file, yaml!);
    const { config, routes } = loadGatewayConfig({}, file);
    expect(config).toMatchObject({ port: 8081, realm: "documents", stripKey: true });
    const route = (method: string, path: string) => matchRoute(routes, method, normalizePath(path));
    expect(route("DELETE", "/v1/documents/7")).toMatchObject({ cost: 5, permissions: { text: "documents:write OR admin:*" } });
    expect(route("GET", "/status").public).toBe(true);
    expect(route("GET", "/admin/x").permissions?.text).toBe("admin:*");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
