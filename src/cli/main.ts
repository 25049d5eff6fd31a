// `keyward`: the server (`keyward serve`, what `npm start` runs) and the management commands.
import { Command, CommanderError } from "commander";
import { ConfigError, loadConfig } from "../config/index.js";
import { startServer } from "../server/start.js";
import { CliError } from "./client.js";
import { addManagementCommands } from "./commands.js";

const program = new Command()
  .name("keyward")
  .description("Self-hosted API keys: issue, verify, limit, rotate, revoke, audit.")
  .showHelpAfterError()
  .exitOverride();

program
  .command("serve")
  .description("run the Keyward server (configuration from KEYWARD_* variables or KEYWARD_CONFIG)")
  .option("--config <file>", "JSON config file (same as KEYWARD_CONFIG)")
  .action(async (options: { config?: string }) => {
    const config = loadConfig(process.env, {}, options.config ?? process.env.KEYWARD_CONFIG);
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
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof ConfigError || error instanceof CliError) {
    process.stderr.write(`keyward: ${error.message}\n`);
    process.exit(error instanceof CliError ? error.exitCode : 2);
  }
  process.stderr.write(`keyward: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
