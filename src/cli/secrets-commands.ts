// `keyward secrets keygen|rotate`: the keys that seal webhook signing secrets at rest (KEYWARD_SECRETS_KEY).
import type { Command } from "commander";
import { addSecretsKey, SecretsKeyError, writeSecretsKey } from "../webhooks/secrets-key.js";
import { asUsageError } from "./client.js";

const say = (...lines: string[]) => process.stdout.write([...lines, ""].join("\n"));

export function addSecretsCommands(program: Command): void {
  const secrets = program.command("secrets").description("the keys that seal webhook signing secrets at rest");
  secrets
    .command("keygen <path>")
    .description("write a new secrets key file to <path> (mode 0600, never over an existing file)")
    .action((path: string) => {
      const id = asUsageError(SecretsKeyError, () => writeSecretsKey(path));
      say(
        `secrets key  ${path} (mode 0600, key ${id})`,
        "",
        `Start every node with KEYWARD_SECRETS_KEY=${path} (the same file on each). Webhook signing secrets are`,
        "then stored sealed with it, and those stored before are sealed at the next start. Keep a copy where",
        "the database's backups are not: without the key, no stored webhook secret can sign again.",
      );
    });
  secrets
    .command("rotate <path>")
    .description("put a new key first in the file at <path>; the older keys stay to open what they sealed")
    .action((path: string) => {
      const id = asUsageError(SecretsKeyError, () => addSecretsKey(path));
      say(
        `new key ${id} first in ${path}; the older keys stay in it`,
        "",
        "Copy the file to every node, then restart them: each start re-seals the stored secrets under the new",
        "key. Once every node runs with it, the older lines can be deleted from the file.",
      );
    });
}
