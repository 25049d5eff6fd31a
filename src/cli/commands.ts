// The management commands: thin wrappers over the HTTP API, tables for people and --json for scripts.
import { Option, type Command } from "commander";
import { addAuditCommands } from "./audit-commands.js";
import { addSecretsCommands } from "./secrets-commands.js";
import { CliError, createApiClient } from "./client.js";
import { addImportCommand } from "./import-command.js";
import { printJson, printRecord, printTable } from "./output.js";

type Row = Record<string, unknown>;
type Page = { items: Row[]; nextCursor: string | null };
type ListOptions = { limit: string; cursor?: string; json?: boolean };

function show(json: boolean | undefined, value: Row, fields?: string[]) {
  if (json) return printJson(value);
  printRecord(fields ? Object.fromEntries(fields.map((field) => [field, value[field]])) : value);
}

function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])));
  const text = search.toString();
  return text ? `?${text}` : "";
}

function showPage(page: Page, options: ListOptions, columns: string[]) {
  if (options.json) return printJson(page);
  printTable(page.items, columns);
  // On stderr, so that a table piped into another program stays a table.
  if (page.nextCursor) process.stderr.write(`more results: repeat with --cursor ${page.nextCursor}\n`);
}

function addListOptions(command: Command): Command {
  return command.option("--limit <n>", "how many to list (1-100)", "100").option("--cursor <cursor>", "continue a previous listing").option("--json", "print JSON");
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("Paste the key, then press Enter and Ctrl-D:\n");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

export function addManagementCommands(program: Command): void {
  const client = () => createApiClient();

  const apis = program.command("apis").description("manage APIs (keyspaces)");
  apis
    .command("create")
    .description("create an API")
    .requiredOption("--name <name>", "display name")
    .requiredOption("--prefix <prefix>", "key prefix, [a-z][a-z0-9]{1,15}; keys read <prefix>_live_…")
    .option("--json", "print JSON")
    .action(async (options: { name: string; prefix: string; json?: boolean }) => {
      show(options.json, await client().request<Row>("POST", "/v1/apis", { name: options.name, prefix: options.prefix }));
    });
  addListOptions(apis.command("list").description("list APIs")).action(async (options: ListOptions) => {
    const page = await client().request<Page>("GET", `/v1/apis${query({ limit: options.limit, cursor: options.cursor })}`);
    showPage(page, options, ["id", "name", "prefix", "createdAt"]);
  });

  const keys = program.command("keys").description("manage keys");
  keys
    .command("create")
    .description("create a key; the key is printed once and cannot be shown again")
    .requiredOption("--api <apiId>", "the API the key belongs to")
    .option("--name <name>", "display name")
    .addOption(new Option("--env <environment>", "environment, shown in the key").choices(["live", "test"]))
    .option("--external-id <externalId>", "owner id in your system (creates the identity if needed)")
    .option("--permission <permission...>", "permissions (resource:action), repeatable")
    .option("--expires-at <time>", "ISO 8601 expiry, e.g. 2030-01-01T00:00:00Z")
    .option("--json", "print JSON (the key is in the `key` field)")
    .action(async (options: { api: string; name?: string; env?: string; externalId?: string; permission?: string[]; expiresAt?: string; json?: boolean }) => {
      const created = await client().request<Row>("POST", "/v1/keys", {
        apiId: options.api,
        ...(options.name ? { name: options.name } : {}),
        ...(options.env ? { environment: options.env } : {}),
        ...(options.externalId ? { externalId: options.externalId } : {}),
        ...(options.permission ? { permissions: options.permission } : {}),
        ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
      });
      if (options.json) return printJson(created);
      show(false, created, ["id", "apiId", "name", "environment", "identityId", "permissions", "expiresAt"]);
      process.stdout.write(`\nkey          ${String(created.key)}\n\nStore the key now: it will not be shown again.\n`);
    });
  addImportCommand(keys);
  addListOptions(
    keys.command("list").description("list keys (never their secrets)").option("--api <apiId>", "only keys of this API").option("--identity <identityId>", "only keys of this identity"),
  ).action(async (options: ListOptions & { api?: string; identity?: string }) => {
    const path = `/v1/keys${query({ apiId: options.api, identityId: options.identity, limit: options.limit, cursor: options.cursor })}`;
    showPage(await client().request<Page>("GET", path), options, ["id", "start", "name", "environment", "enabled", "expiresAt", "lastUsedAt", "revokedAt"]);
  });
  keys
    .command("get <keyId>")
    .description("show a key (never its secret)")
    .option("--json", "print JSON")
    .action(async (keyId: string, options: { json?: boolean }) => {
      show(options.json, await client().request<Row>("GET", `/v1/keys/${encodeURIComponent(keyId)}`));
    });
  keys
    .command("revoke <keyId>")
    .description("revoke a key at once (cannot be undone)")
    .option("--reason <reason>", "why (kept in the record)")
    .option("--json", "print JSON")
    .action(async (keyId: string, options: { reason?: string; json?: boolean }) => {
      const body = options.reason ? { reason: options.reason } : {};
      show(options.json, await client().request<Row>("POST", `/v1/keys/${encodeURIComponent(keyId)}/revoke`, body), options.json ? undefined : ["id", "revokedAt", "revokedReason"]);
    });
  keys
    .command("rotate <keyId>")
    .description("give a key a new secret (printed once); the previous one keeps working for the grace period")
    .option("--grace <seconds>", "seconds the previous secret stays valid (0: refused at once)", "3600")
    .option("--json", "print JSON")
    .action(async (keyId: string, options: { grace: string; json?: boolean }) => {
      const grace = Number(options.grace);
      if (!Number.isInteger(grace) || grace < 0) throw new CliError("--grace takes a whole number of seconds", 2);
      const rotated = await client().request<Row>("POST", `/v1/keys/${encodeURIComponent(keyId)}/rotate`, { gracePeriodSeconds: grace });
      if (options.json) return printJson(rotated);
      show(false, rotated, ["id", "start", "previousValidUntil"]);
      process.stdout.write(`\nkey  ${String(rotated.key)}\n\nStore the new key now: it will not be shown again.\n`);
    });

  program
    .command("verify [key]")
    .description("verify a key; exits 1 when it is not valid (reads the key from stdin when omitted or '-', which keeps it out of `ps`)")
    .option("--api <apiId>", "the key must belong to this API")
    .option("--permissions <query>", "permission query, e.g. 'docs:read AND docs:write'")
    .option("--json", "print JSON")
    .action(async (key: string | undefined, options: { api?: string; permissions?: string; json?: boolean }) => {
      const secret = key && key !== "-" ? key : await readStdin();
      if (!secret) throw new CliError("no key given: pass it as an argument or on stdin", 2);
      const result = await client().request<Row>("POST", "/v1/keys/verify", {
        key: secret,
        ...(options.api ? { apiId: options.api } : {}),
        ...(options.permissions ? { permissions: options.permissions } : {}),
      });
      show(options.json, result, options.json ? undefined : ["valid", "code", "keyId", "apiId", "name", "identity", "permissions", "expiresAt"]);
      if (!result.valid) process.exitCode = 1;
    });

  addAuditCommands(program);
  addSecretsCommands(program);
}
