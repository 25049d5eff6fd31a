// Loads configuration: defaults ← config file (KEYWARD_CONFIG, JSON) ← environment ← overrides.
// Validated once at start-up; every bad value is reported by the name the operator used for it
// (the variable, or the field of the file), then start-up stops.
import { accessSync, constants, readFileSync } from "node:fs";
import ipaddr from "ipaddr.js";
import type { TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { ConfigSchema, ENV_VARIABLES, type KeywardConfig } from "./config-schema.js";

/** Settings whose values may carry credentials (URLs with passwords): never echoed in an error. */
const SECRET_BEARING = new Set(["databaseUrl", "redisUrl"]);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const FIELDS = ConfigSchema.properties as Record<string, TSchema>;

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError([`config file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`]);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ConfigError([`config file ${path} must hold one JSON object`]);
}

/**
 * Environment values are strings; they are converted strictly ("8080" → 8080, "true" → true).
 * Anything else stays a string so that validation reports it: "80.5" or "1e3" must never be
 * silently truncated to a different port or interval.
 */
function convertEnvValue(schema: TSchema, raw: string): unknown {
  if (schema.type === "integer") return /^[+-]?\d+$/.test(raw) ? Number(raw) : raw;
  if (schema.type === "boolean") {
    const word = raw.toLowerCase();
    if (["true", "1", "yes", "on"].includes(word)) return true;
    if (["false", "0", "no", "off"].includes(word)) return false;
  }
  return raw;
}

/** What a field accepts, in words, from its schema. */
function expectation(schema: TSchema): string {
  if (Array.isArray(schema.anyOf)) return `must be one of ${(schema.anyOf as TSchema[]).map((option) => String(option.const)).join(", ")}`;
  if (schema.type === "integer") {
    const { minimum: min, maximum: max } = schema as { minimum?: number; maximum?: number };
    if (min !== undefined && max !== undefined) return `must be a whole number from ${min} to ${max}`;
    return min !== undefined ? `must be a whole number of at least ${min}` : "must be a whole number";
  }
  if (schema.type === "boolean") return "must be true or false";
  if (typeof schema.pattern === "string") return `must match ${schema.pattern}`;
  return "must be a non-empty string";
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<KeywardConfig> = {},
  configFile = env.KEYWARD_CONFIG,
): KeywardConfig {
  const problems: string[] = [];
  const merged: Record<string, unknown> = {};
  /** Per field: how the operator named it, and the value as they wrote it. */
  const origin = new Map<string, { label: string; raw: unknown }>();
  const set = (field: string, value: unknown, label: string, raw: unknown = value) => {
    merged[field] = value;
    origin.set(field, { label, raw });
  };

  if (configFile) {
    for (const [field, value] of Object.entries(readConfigFile(configFile))) {
      if (!(field in FIELDS)) problems.push(`config file ${configFile}: unknown setting "${field}" (known: ${Object.keys(FIELDS).join(", ")})`);
      else set(field, value, `"${field}" in config file ${configFile}`);
    }
  }
  for (const [name, field] of Object.entries(ENV_VARIABLES)) {
    const raw = env[name]?.trim();
    if (raw) set(field, convertEnvValue(FIELDS[field]!, raw), name, raw);
  }
  for (const [field, value] of Object.entries(overrides)) if (value !== undefined) set(field, value, field);

  const candidate = Value.Default(ConfigSchema, structuredClone(merged));
  const reported = new Set<string>();
  for (const error of Value.Errors(ConfigSchema, candidate)) {
    // A union reports once per alternative; one line per field is enough.
    const field = error.path.split("/")[1] ?? "";
    if (reported.has(field)) continue;
    reported.add(field);
    const schema = FIELDS[field];
    const source = origin.get(field);
    const shown = SECRET_BEARING.has(field) ? "a value that is not shown (it may hold a password)" : JSON.stringify(source?.raw);
    problems.push(schema && source ? `${source.label} ${expectation(schema)}, got ${shown}` : `${field || "(root)"}: ${error.message}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const config = candidate as KeywardConfig;
  const label = (field: keyof KeywardConfig) => origin.get(field)?.label ?? field;
  if (Boolean(config.tlsCert) !== Boolean(config.tlsKey)) {
    problems.push(`${config.tlsCert ? label("tlsCert") : label("tlsKey")} is set alone: KEYWARD_TLS_CERT and KEYWARD_TLS_KEY must be set together`);
  }
  for (const field of ["tlsCert", "tlsKey", "auditSigningKey", "secretsKey", "githubScanningKeys"] as const) {
    const path = config[field];
    if (!path) continue;
    try {
      accessSync(path, constants.R_OK);
    } catch (error) {
      problems.push(`${label(field)} names ${path}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  if (!config.tlsCert && !config.allowInsecureBind && !isLoopbackHost(config.host)) {
    problems.push(
      `${label("host")} is ${config.host}, not a loopback address, and TLS is off: set KEYWARD_TLS_CERT and KEYWARD_TLS_KEY, ` +
        "or KEYWARD_ALLOW_INSECURE_BIND=true when a TLS-terminating proxy is in front (keys would otherwise cross the network in clear text)",
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** True for addresses only this machine can reach: `localhost`, 127.0.0.0/8, ::1 (also IPv4-mapped). */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase();
  if (name === "localhost" || name === "localhost.") return true;
  if (!ipaddr.isValid(name)) return false;
  return ipaddr.process(name).range() === "loopback";
}
