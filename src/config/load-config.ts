// Loads configuration: defaults ← config file (KEYWARD_CONFIG, JSON) ← environment ← overrides.
// Validated once at start-up; every bad value is reported by name, then start-up stops.
import { readFileSync } from "node:fs";
import { Value } from "@sinclair/typebox/value";
import { ConfigSchema, ENV_VARIABLES, type KeywardConfig } from "./config-schema.js";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const ENV_BY_FIELD = Object.fromEntries(Object.entries(ENV_VARIABLES).map(([env, field]) => [field, env]));

function fromEnvironment(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(ENV_VARIABLES)) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    out[field] = raw;
  }
  return out;
}

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

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<KeywardConfig> = {},
  configFile = env.KEYWARD_CONFIG,
): KeywardConfig {
  const merged = { ...(configFile ? readConfigFile(configFile) : {}), ...fromEnvironment(env), ...overrides };
  // Convert strings from the environment ("8080", "true") to the schema's types, then fill defaults.
  const candidate = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, merged));
  const problems = [...Value.Errors(ConfigSchema, candidate)].map((error) => {
    const field = error.path.replace(/^\//, "") || "(root)";
    const source = ENV_BY_FIELD[field] ? ` (${ENV_BY_FIELD[field]})` : "";
    const value = field in merged ? `: got ${JSON.stringify((merged as Record<string, unknown>)[field])}` : "";
    return `${field}${source} ${error.message.toLowerCase()}${value}`;
  });
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  const config = candidate as KeywardConfig;
  if (Boolean(config.tlsCert) !== Boolean(config.tlsKey)) {
    throw new ConfigError(["tlsCert (KEYWARD_TLS_CERT) and tlsKey (KEYWARD_TLS_KEY) must be set together"]);
  }
  return config;
}

export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
