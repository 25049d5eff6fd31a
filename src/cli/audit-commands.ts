// `keyward audit`: verify the chain (on the server, or here against exported checkpoints), export the
// entries as JSONL, keep a copy of the signed checkpoints, and make a signing key.
import { Option, type Command } from "commander";
import { loadPublicKey, SigningKeyError, writeSigningKeyPair } from "../audit/signing-key.js";
import { asUsageError, CliError, createApiClient } from "./client.js";
import { appendCheckpoints, auditPages, checkpointFromJson, readCheckpointFile, verifyLocally } from "./audit-files.js";
import { printJson, printTable } from "./output.js";

type Row = Record<string, any>;

function printVerdict(verdict: Row, json: boolean | undefined): void {
  if (json) return printJson(verdict);
  const checkpoints = verdict.checkpoints as Row | undefined;
  if (verdict.valid) {
    process.stdout.write(`valid: ${verdict.entries} entries${verdict.head ? `, head ${verdict.head.seq} ${verdict.head.hash}` : ""}\n`);
  } else {
    process.stdout.write(`INVALID: ${verdict.problems.length} problem(s) in ${verdict.entries} entries\n`);
    printTable(verdict.problems, ["kind", "seq", "entryId", "detail"]);
  }
  if (checkpoints?.enabled === false) process.stderr.write(`note: ${checkpoints.note ?? "checkpoints are off on the server"}\n`);
  else if (checkpoints) process.stdout.write(`checkpoints: ${checkpoints.checked} checked${checkpoints.latest ? `, latest at entry ${checkpoints.latest.seq} (${checkpoints.latest.at})` : ""}\n`);
}

export function addAuditCommands(program: Command): void {
  const client = () => createApiClient();
  const audit = program.command("audit").description("the audit log: verify, export, checkpoints, signing key");

  audit
    .command("verify")
    .description("verify the workspace's audit chain; exits 1 when it is not intact")
    .option("--checkpoints <file.jsonl>", "verify here, against checkpoints kept in this file (trusts neither server nor database)")
    .option("--public-key <file>", "the signing key's public half (with --checkpoints)")
    .option("--json", "print JSON")
    .action(async (options: { checkpoints?: string; publicKey?: string; json?: boolean }) => {
      if (!options.checkpoints) {
        const verdict = await client().request<Row>("GET", "/v1/audit/verify");
        printVerdict(verdict, options.json);
        if (!verdict.valid) process.exitCode = 1;
        return;
      }
      if (!options.publicKey) throw new CliError("--checkpoints needs --public-key (the .pub file `keyward audit keygen` wrote)", 2);
      const publicKey = wrapKeyErrors(() => loadPublicKey(options.publicKey!));
      const verdict = await verifyLocally(client(), readCheckpointFile(options.checkpoints), publicKey);
      const latest = verdict.checkpoints.latest;
      const view = { ...verdict, head: verdict.last, checkpoints: { enabled: true, checked: verdict.checkpoints.checked, latest: latest && { seq: latest.seq, at: latest.at.toISOString() } } };
      printVerdict(view, options.json);
      if (!verdict.valid) process.exitCode = 1;
    });

  audit
    .command("export")
    .description("print audit entries, one JSON object a line, oldest first (pages through GET /v1/audit)")
    .addOption(new Option("--format <format>", "output format").choices(["jsonl"]).default("jsonl"))
    .option("--target <id>", "only entries about this object")
    .option("--actor <id>", "only entries by this root key id, or `system`")
    .option("--action <action>", "only this action, e.g. key.revoke")
    .option("--since <time>", "only entries at or after this ISO 8601 time")
    .addOption(new Option("--order <order>", "asc: oldest first; desc: newest first").choices(["asc", "desc"]).default("asc"))
    .action(async (options: { target?: string; actor?: string; action?: string; since?: string; order: string }) => {
      const query = new URLSearchParams({ order: options.order });
      for (const field of ["target", "actor", "action", "since"] as const) if (options[field]) query.set(field, options[field]);
      for await (const page of auditPages(client(), query)) {
        if (page.length > 0) process.stdout.write(`${page.map((entry) => JSON.stringify(entry)).join("\n")}\n`);
      }
    });

  audit
    .command("checkpoints")
    .description("copy the signed checkpoints into a JSONL file kept where the database's admins cannot write (only new ones are appended)")
    .requiredOption("--out <file.jsonl>", "the file to append to, or - for stdout")
    .action(async (options: { out: string }) => {
      const api = client();
      const all = [];
      let cursor: string | null = null;
      let enabled = true;
      do {
        const page: Row = await api.request<Row>("GET", `/v1/audit/checkpoints?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
        enabled = page.enabled;
        all.push(...(page.items as Row[]).map(checkpointFromJson));
        cursor = page.nextCursor;
      } while (cursor);
      if (!enabled) process.stderr.write("note: checkpoints are off on the server (KEYWARD_AUDIT_SIGNING_KEY is not set)\n");
      if (options.out === "-") {
        for (const checkpoint of all) process.stdout.write(`${JSON.stringify({ ...checkpoint, at: checkpoint.at.toISOString() })}\n`);
        return;
      }
      const { added, conflicts } = appendCheckpoints(options.out, all);
      process.stdout.write(`${added} new checkpoint(s) appended to ${options.out} (${all.length} on the server)\n`);
      for (const checkpoint of conflicts) {
        process.stderr.write(`keyward: the server's checkpoint of entry ${checkpoint.seq} differs from the one in ${options.out}: the server's was changed (the file's is kept)\n`);
      }
      if (conflicts.length > 0) process.exitCode = 1;
    });

  audit
    .command("keygen <path>")
    .description("write a new Ed25519 key pair for signing checkpoints: <path> (private, mode 0600) and <path>.pub")
    .action((path: string) => {
      const { keyId, publicKeyPath } = wrapKeyErrors(() => writeSigningKeyPair(path));
      process.stdout.write(
        [
          `private key  ${path} (mode 0600)`,
          `public key   ${publicKeyPath}`,
          `key id       ${keyId}`,
          "",
          `Start the server with KEYWARD_AUDIT_SIGNING_KEY=${path}. Keep a copy of the public key, and of`,
          "exported checkpoints (keyward audit checkpoints --out …), where the database's admins cannot write.",
          "",
        ].join("\n"),
      );
    });
}

const wrapKeyErrors = <T>(work: () => T): T => asUsageError(SigningKeyError, work);
