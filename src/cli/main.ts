// `keyward`: the server (`keyward serve`, what `npm start` runs) and the management commands.
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { ConfigError, ConfigSchema, ENV_VARIABLES, loadConfig } from "../config/index.js";
import { CliError, DEFAULT_URL } from "./client.js";
import { addManagementCommands } from "./commands.js";
import { addScanCommand } from "./scan-command.js";

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

program
  .command("gateway")
  .description("run the gateway: a reverse proxy that verifies API keys in front of an unchanged API")
  .option("--upstream <url>", "the API to protect, e.g. http://127.0.0.1:3000")
  .option("--api <apiId>", "the Keyward API whose keys are accepted")
  .option("--port <port>", "port to listen on (default 8081)")
  .option("--host <host>", "address to listen on (default 127.0.0.1)")
  .option("--config <file>", "YAML config: routes, key headers, timeouts; flags win over it")
  .option("--mode <mode>", "embedded (verify against KEYWARD_DATABASE_URL) or remote (ask KEYWARD_URL); default: remote when KEYWARD_URL is set")
  .option("--workspace <workspaceId>", "embedded mode: pin the workspace and check that --api belongs to it")
  .addHelpText(
    "after",
    [
      "",
      "Embedded mode reads the server's KEYWARD_* settings (KEYWARD_DATABASE_URL, KEYWARD_REDIS_URL, …).",
      "Remote mode needs KEYWARD_URL and KEYWARD_ROOT_KEY (a root key with keys:verify) in the environment.",
      "The config file is described in the README: \"Protect your API without code: the gateway\".",
    ].join("\n"),
  )
  .action(async (options: { config?: string; upstream?: string; api?: string; port?: string; host?: string; mode?: string; workspace?: string }) => {
    const { loadGatewayConfig, startGateway } = await import("../gateway/index.js");
    const { config: file, ...flags } = options;
    const gateway = await startGateway(loadGatewayConfig(flags, file));
    const stop = (signal: string) => {
      process.stderr.write(`keyward gateway: ${signal}, stopping\n`);
      gateway.close().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`keyward gateway: error while stopping: ${String(error)}\n`);
          process.exit(1);
        },
      );
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });

addManagementCommands(program);
addScanCommand(program);

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
