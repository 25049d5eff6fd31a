import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, isLoopbackHost, loadConfig } from "./index.js";

let dir: string;
let pem: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "keyward-config-"));
  pem = join(dir, "tls.pem");
  writeFileSync(pem, "not checked here");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** The problems loadConfig reports, or a failure when it accepts the input. */
function problemsOf(...args: Parameters<typeof loadConfig>): string[] {
  try {
    loadConfig(...args);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("loadConfig accepted the configuration");
}

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    expect(loadConfig({})).toEqual({
      host: "127.0.0.1",
      port: 8080,
      databaseUrl: "./data/keyward.db",
      logLevel: "info",
      allowInsecureBind: false,
      cacheMaxEntries: 200_000,
      cacheTtlMs: 60_000,
      negativeCacheTtlMs: 10_000,
      usageFlushIntervalMs: 5_000,
      bodyLimitBytes: 1024 * 1024,
      trustProxy: false,
      creditBlockSize: 100,
      authFailureLimit: 60,
      authFailureWindowMs: 60_000,
      auditCheckpointIntervalMs: 300_000,
      lifecycleSweepIntervalMs: 60_000,
      webhooksAllowInternal: false,
      webhookTimeoutMs: 10_000,
      webhookPollIntervalMs: 1_000,
    });
  });

  it("converts environment strings to numbers and booleans", () => {
    const config = loadConfig({ KEYWARD_PORT: "8081", KEYWARD_TRUST_PROXY: "true", KEYWARD_ALLOW_INSECURE_BIND: "0", KEYWARD_LOG_LEVEL: "warn" });
    expect(config.port).toBe(8081);
    expect(config.trustProxy).toBe(true);
    expect(config.allowInsecureBind).toBe(false);
    expect(config.logLevel).toBe("warn");
    expect(loadConfig({ KEYWARD_TRUST_PROXY: "FALSE", KEYWARD_PORT: " 9000 " })).toMatchObject({ trustProxy: false, port: 9000 });
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ KEYWARD_PORT: "", KEYWARD_HOST: "  " })).toMatchObject({ port: 8080, host: "127.0.0.1" });
  });

  it("refuses numbers that would otherwise be truncated", () => {
    // Truncating "80.5" to 80 or "1e3" to 1 would silently run something else than asked for.
    for (const raw of ["80.5", "1e3", "0x50", "abc"]) {
      expect(problemsOf({ KEYWARD_PORT: raw })).toEqual([`KEYWARD_PORT must be a whole number from 0 to 65535, got "${raw}"`]);
    }
  });

  it("reports every bad value at once, each by its variable name", () => {
    const problems = problemsOf({ KEYWARD_PORT: "70000", KEYWARD_LOG_LEVEL: "loud", KEYWARD_TRUST_PROXY: "maybe", KEYWARD_CACHE_TTL_MS: "-1" });
    expect(problems).toHaveLength(4);
    expect(problems).toContain('KEYWARD_PORT must be a whole number from 0 to 65535, got "70000"');
    expect(problems).toContain('KEYWARD_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"');
    expect(problems).toContain('KEYWARD_TRUST_PROXY must be true or false, got "maybe"');
    expect(problems).toContain('KEYWARD_CACHE_TTL_MS must be a whole number of at least 0, got "-1"');
  });

  it("puts every problem in the error message", () => {
    expect(() => loadConfig({ KEYWARD_PORT: "abc", KEYWARD_LOG_LEVEL: "loud" })).toThrow(/invalid configuration:\n {2}- KEYWARD_PORT .*\n {2}- KEYWARD_LOG_LEVEL /);
  });

  it("never echoes a URL that may hold a password in an error", () => {
    const error = (() => {
      try {
        loadConfig({ KEYWARD_REDIS_URL: "http://admin:hunter2@cache:6379" });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error("expected a ConfigError");
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("KEYWARD_REDIS_URL");
    expect(error.message).not.toContain("hunter2");
  });

  it("reads the Redis URL and the credit block size", () => {
    const config = loadConfig({ KEYWARD_REDIS_URL: "redis://127.0.0.1:6379/2", KEYWARD_CREDIT_BLOCK_SIZE: "25" });
    expect(config.redisUrl).toBe("redis://127.0.0.1:6379/2");
    expect(config.creditBlockSize).toBe(25);
  });

  it("checks the key query parameter name", () => {
    expect(loadConfig({ KEYWARD_KEY_QUERY_PARAM: "api_key" }).keyQueryParam).toBe("api_key");
    expect(problemsOf({ KEYWARD_KEY_QUERY_PARAM: "a b" })[0]).toMatch(/^KEYWARD_KEY_QUERY_PARAM must match /);
  });
});

describe("loadConfig with a config file", () => {
  it("reads settings from the file, and the environment beats the file", () => {
    const file = writeJson("merge.json", { port: 9001, logLevel: "debug", databaseUrl: "/var/lib/keyward.db" });
    const config = loadConfig({ KEYWARD_PORT: "9002" }, {}, file);
    expect(config).toMatchObject({ port: 9002, logLevel: "debug", databaseUrl: "/var/lib/keyward.db" });
  });

  it("reads the file named by KEYWARD_CONFIG", () => {
    const file = writeJson("by-env.json", { usageFlushIntervalMs: 250 });
    expect(loadConfig({ KEYWARD_CONFIG: file }).usageFlushIntervalMs).toBe(250);
  });

  it("lets explicit overrides beat both", () => {
    const file = writeJson("overrides.json", { port: 9001 });
    expect(loadConfig({ KEYWARD_PORT: "9002" }, { port: 0 }, file).port).toBe(0);
  });

  it("refuses an unknown setting, naming it and the file", () => {
    const file = writeJson("unknown.json", { port: 9001, prot: 9002 });
    const [problem] = problemsOf({}, {}, file);
    expect(problem).toContain(`config file ${file}: unknown setting "prot"`);
    expect(problem).toContain("port");
  });

  it("names the file's field when a value there is bad", () => {
    const file = writeJson("bad.json", { port: "8080", logLevel: "loud" });
    expect(problemsOf({}, {}, file)).toEqual([
      `"port" in config file ${file} must be a whole number from 0 to 65535, got "8080"`,
      `"logLevel" in config file ${file} must be one of fatal, error, warn, info, debug, trace, silent, got "loud"`,
    ]);
  });

  it("refuses a file that is missing or not one JSON object", () => {
    expect(problemsOf({}, {}, join(dir, "missing.json"))).toEqual([`config file ${join(dir, "missing.json")} cannot be read (ENOENT)`]);
    const notJson = join(dir, "not.json");
    writeFileSync(notJson, "port = 8080");
    expect(problemsOf({}, {}, notJson)).toEqual([`config file ${notJson} must hold one JSON object`]);
    expect(problemsOf({}, {}, writeJson("array.json", [1]))).toEqual([`config file ${join(dir, "array.json")} must hold one JSON object`]);
  });
});

describe("loadConfig TLS and bind rules", () => {
  it("accepts a certificate and key together", () => {
    expect(loadConfig({ KEYWARD_TLS_CERT: pem, KEYWARD_TLS_KEY: pem })).toMatchObject({ tlsCert: pem, tlsKey: pem });
  });

  it("refuses a certificate without a key, and a key without a certificate", () => {
    expect(problemsOf({ KEYWARD_TLS_CERT: pem })).toEqual([
      "KEYWARD_TLS_CERT is set alone: KEYWARD_TLS_CERT and KEYWARD_TLS_KEY must be set together",
    ]);
    expect(problemsOf({ KEYWARD_TLS_KEY: pem })[0]).toMatch(/^KEYWARD_TLS_KEY is set alone/);
  });

  it("refuses an audit signing key file that cannot be read, naming the variable", () => {
    const missing = join(dir, "missing-signing.pem");
    expect(problemsOf({ KEYWARD_AUDIT_SIGNING_KEY: missing })).toEqual([`KEYWARD_AUDIT_SIGNING_KEY names ${missing}, which cannot be read (ENOENT)`]);
    expect(problemsOf({ KEYWARD_AUDIT_CHECKPOINT_INTERVAL_MS: "10" })[0]).toMatch(/^KEYWARD_AUDIT_CHECKPOINT_INTERVAL_MS must be a whole number from 1000 to 86400000/);
  });

  it("refuses TLS files that cannot be read, naming the variable", () => {
    const missing = join(dir, "missing.pem");
    expect(problemsOf({ KEYWARD_TLS_CERT: missing, KEYWARD_TLS_KEY: pem })).toEqual([`KEYWARD_TLS_CERT names ${missing}, which cannot be read (ENOENT)`]);
  });

  it("refuses a non-loopback host without TLS unless insecure binding is allowed", () => {
    const [problem] = problemsOf({ KEYWARD_HOST: "0.0.0.0" });
    expect(problem).toMatch(/^KEYWARD_HOST is 0\.0\.0\.0, not a loopback address, and TLS is off/);
    expect(problem).toContain("KEYWARD_ALLOW_INSECURE_BIND=true");
    expect(loadConfig({ KEYWARD_HOST: "0.0.0.0", KEYWARD_ALLOW_INSECURE_BIND: "true" }).host).toBe("0.0.0.0");
    expect(loadConfig({ KEYWARD_HOST: "0.0.0.0", KEYWARD_TLS_CERT: pem, KEYWARD_TLS_KEY: pem }).host).toBe("0.0.0.0");
    expect(loadConfig({ KEYWARD_HOST: "::1" }).host).toBe("::1");
  });
});

describe("isLoopbackHost", () => {
  it.each(["localhost", "LOCALHOST", "127.0.0.1", "127.8.9.10", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"])("%s is loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "128.0.0.1", "::ffff:10.0.0.1", "example.com", "localhost.example.com", "127.0.0.1.nip.io", ""])(
    "%s is not loopback",
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );
});
