// Loads the gateway configuration: defaults ← YAML file ← command-line flags. Validated once at
// start-up; every problem is reported by the name the operator used (the flag, or the file's field),
// then start-up stops with a ConfigError (exit code 2).
import { readFileSync } from "node:fs";
import type { TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { parse as parseYaml } from "yaml";
import { ConfigError, isLoopbackHost } from "../config/index.js";
import { parseKeyHeaderRule, type KeyHeaderRule } from "../core/index.js";
import { GatewayConfigSchema, type GatewayConfig, type GatewayFlags } from "./gateway-config-schema.js";
import { compileRoute, type GatewayRoute } from "./route-matcher.js";

export interface LoadedGatewayConfig {
  config: GatewayConfig;
  routes: GatewayRoute[];
  keyHeaders: KeyHeaderRule[];
  upstream: URL;
}

function readYamlFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError([`gateway config ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`]);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError([`gateway config ${path} is not valid YAML: ${(error as Error).message.split("\n")[0]}`]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) throw new ConfigError([`gateway config ${path} must hold one mapping (field: value)`]);
  return parsed as Record<string, unknown>;
}

/** `/routes/0/method` → `routes[0].method`. */
function fieldName(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join("");
}

/** The literals a union of literals (or of lists of them, as `method`) accepts; null for other schemas. */
function literals(schema: TSchema | undefined): { values: string[]; list: boolean } | null {
  const options = schema?.anyOf as TSchema[] | undefined;
  if (!options) return null;
  const values: string[] = [];
  let list = false;
  for (const option of options) {
    if (option.const !== undefined) values.push(String(option.const));
    else if (option.type === "array") list = true;
    else if (option.anyOf) values.push(...(literals(option)?.values ?? []));
    else return null;
  }
  return { values, list };
}

/** What a value must be, in words. */
function describeError(schema: TSchema | undefined, message: string, unexpected: boolean): string {
  if (unexpected) return "is not a known setting";
  const accepted = literals(schema);
  if (accepted) return `must be one of ${accepted.values.join(", ")}${accepted.list ? " (or a list of them)" : ""}`;
  if (typeof schema?.pattern === "string") return `must match ${schema.pattern}`;
  if (schema?.type === "integer") {
    const { minimum: min, maximum: max } = schema as { minimum?: number; maximum?: number };
    return min !== undefined && max !== undefined ? `must be a whole number from ${min} to ${max}` : "must be a whole number";
  }
  if (schema?.type === "boolean") return "must be true or false";
  return `is not valid: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
}

function schemaAt(pointer: string): TSchema | undefined {
  let schema: TSchema | undefined = GatewayConfigSchema;
  for (const part of pointer.split("/").slice(1)) {
    if (!schema) return undefined;
    if (schema.type === "array") schema = schema.items as TSchema;
    else if (schema.properties) schema = (schema.properties as Record<string, TSchema>)[part];
    else return undefined;
  }
  return schema;
}

const FLAG_FIELDS = ["upstream", "api", "port", "host", "mode", "workspace"] as const;

export function loadGatewayConfig(flags: GatewayFlags = {}, configFile?: string): LoadedGatewayConfig {
  const merged: Record<string, unknown> = configFile ? readYamlFile(configFile) : {};
  const fromFlag = new Set<string>();
  for (const field of FLAG_FIELDS) {
    const raw = flags[field];
    if (raw === undefined) continue;
    // "80.5" must be reported, never truncated into another port.
    merged[field] = field === "port" && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
    fromFlag.add(field);
  }
  const where = configFile ? ` in ${configFile}` : "";
  const label = (pointer: string) => {
    const field = fieldName(pointer);
    return fromFlag.has(field) ? `--${field}` : `"${field}"${where}`;
  };

  const problems: string[] = [];
  const candidate = Value.Default(GatewayConfigSchema, structuredClone(merged));
  const reported = new Set<string>();
  for (const error of Value.Errors(GatewayConfigSchema, candidate)) {
    // A union reports once per alternative; one line per field is enough.
    if (reported.has(error.path)) continue;
    reported.add(error.path);
    const unexpected = error.message === "Unexpected property";
    const shown = unexpected ? "" : `, got ${JSON.stringify(error.value)?.slice(0, 80)}`;
    problems.push(`${error.path === "" ? "(root)" : label(error.path)} ${describeError(schemaAt(error.path), error.message, unexpected)}${shown}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const config = candidate as GatewayConfig;
  const routes: GatewayRoute[] = [];
  config.routes.forEach((routeConfig, index) => {
    const compiled = compileRoute(routeConfig);
    if ("problem" in compiled) problems.push(`${label(`/routes/${index}/${compiled.field}`)}: ${compiled.problem}`);
    else routes.push(compiled);
  });
  const keyHeaders: KeyHeaderRule[] = [];
  config.keyHeaders.forEach((text, index) => {
    const rule = parseKeyHeaderRule(text);
    if (rule) keyHeaders.push(rule);
    else problems.push(`${label(`/keyHeaders/${index}`)} must be "Header" or "Header: Scheme", got ${JSON.stringify(text)}`);
  });
  let upstream: URL | null = null;
  try {
    upstream = new URL(config.upstream);
    if (upstream.search || upstream.hash || upstream.username) problems.push(`${label("/upstream")} must have no query, fragment or credentials`);
  } catch {
    problems.push(`${label("/upstream")} is not a URL, got ${JSON.stringify(config.upstream)}`);
  }
  if (config.auth && !config.api) problems.push(`the API is missing: pass --api api_… or set "api"${where}`);
  if (Boolean(config.tlsCert) !== Boolean(config.tlsKey)) problems.push(`"tlsCert" and "tlsKey"${where} must be set together`);
  if (!config.tlsCert && !config.allowInsecureBind && !isLoopbackHost(config.host)) {
    problems.push(
      `${label("/host")} is ${config.host}, not a loopback address, and TLS is off: set "tlsCert" and "tlsKey", or "allowInsecureBind: true" ` +
        "when a TLS-terminating proxy is in front (keys would otherwise cross the network in clear text)",
    );
  }
  if (problems.length > 0 || !upstream) throw new ConfigError(problems);
  return { config, routes, keyHeaders, upstream };
}
