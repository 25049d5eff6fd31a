// `keyward secrets keygen`: the key that seals webhook signing secrets at rest (KEYWARD_SECRETS_KEY).
import type { Command } from "commander";
import { SecretsKeyError, writeSecretsKey } from "../webhooks/secrets-key.js";
import { CliError } from "./client.js";

export function addSecretsCommands(program: Command): void {
  const secrets = program.command("secrets").description("the key that seals webhook signing secrets at rest");
  secrets
    .command("keygen <path>")
    .description("write a new secrets key to <path> (mode 0600, never over an existing file)")
    .action((path: string) => {
      try {
        writeSecretsKey(path);
      } catch (error) {
        if (error instanceof SecretsKeyError) throw new CliError(error.message, 2);
        throw error;
      }
      process.stdout.write(
        [
          `secrets key  ${path} (mode 0600)`,
          "",
          `Start every node with KEYWARD_SECRETS_KEY=${path} (the same file on each). Webhook signing secrets are`,
          "then stored sealed with it, and those stored before are sealed at the next start. Keep a copy where",
          "the database's backups are not: without the key, no stored webhook secret can sign again.",
          "",
        ].join("\n"),
      );
    });
}
