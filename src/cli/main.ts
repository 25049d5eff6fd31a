// `keyward`: the server (`keyward serve`, what `npm start` runs) and the management commands.
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { ConfigError, ConfigSchema, ENV_VARIABLES, loadConfig } from "../config/index.js";
import { CliError, DEFAULT_URL } from "./client.js";
import { addManagementCommands } from "./commands.js";

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

/** Each variable, the config file field it sets, and its default. */
const serveHelp = [
  "",
  "Environment (config file field, default):",
  ...Object.entries(ENV_VARIABLES).map(([name, field]) => {
    const fallback = (ConfigSchema.properties[field] as { default?: unknown }).default;
    return `  ${name.padEnd(33)}${field}${fallback === undefined ? "" : `, ${JSON.stringify(fallback)}`}`;
  }),
].join("\n");

const program = new Command()
  .name("keyward")
  .description("Self-hosted API keys: issue, verify, limit, rotate, revoke, audit.")
  .version(version)
  .showHelpAfterError()
  .exitOverride()
  .addHelpText(
    "after",
    [
      "",
      "Environment (management commands):",
      `  KEYWARD_URL        the server, default ${DEFAULT_URL}`,
      "  KEYWARD_ROOT_KEY   a root key (never pass secrets as arguments: `ps` shows them)",
      "",
      "Exit codes: 0 success; 1 refused (error answer, or `verify` found the key invalid);",
      "2 usage or setup problem (bad arguments or configuration, no root key, server unreachable).",
    ].join("\n"),
  );

program
  .command("serve")
  .description("run the Keyward server (configuration from KEYWARD_* variables or KEYWARD_CONFIG)")
  .option("--config <file>", "JSON config file (same as KEYWARD_CONFIG); the environment wins over it")
  .addHelpText("after", serveHelp)
  .action(async (options: { config?: string }) => {
    const config = loadConfig(process.env, {}, options.config ?? process.env.KEYWARD_CONFIG);
    // Loaded here, not at the top: the management commands need none of the server's modules.
    const { startServer } = await import("../server/start.js");
    const server = await startServer(config);
    const stop = (signal: string) => {
      process.stderr.write(`keyward: ${signal}, flushing and stopping\n`);
      server.close().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`keyward: error while stopping: ${String(error)}\n`);
          process.exit(1);
        },
      );
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });

addManagementCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Commander has printed its message (and the usage); help and --version end with 0, misuse with 2.
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  if (error instanceof ConfigError || error instanceof CliError) {
    process.stderr.write(`keyward: ${error.message}\n`);
    process.exit(error instanceof CliError ? error.exitCode : 2);
  }
  process.stderr.write(`keyward: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
