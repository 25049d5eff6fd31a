// A private, throw-away redis-server for tests and the bench: loopback only, no persistence, its own
// temp dir, stopped by PID. Also the test's view of KEYWARD_TEST_REDIS_URL.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const testRedisUrl = (): string | undefined => process.env.KEYWARD_TEST_REDIS_URL || undefined;

export function hasRedisServer(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** True when something on the port answers PING with PONG. */
export function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => finish(data.toString().startsWith("+PONG")));
  });
}

export interface RedisServer {
  port: number;
  url: string;
  readonly pid: number;
  /** Kills the server (SIGKILL: an outage, not a shutdown) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
  /** Stops it and removes its temp dir. */
  stop(): Promise<void>;
}

export async function startRedisServer(port?: number): Promise<RedisServer> {
  const chosen = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "keyward-redis-"));
  let child: ChildProcess | null = null;

  const launch = async () => {
    const process_ = spawn(
      "redis-server",
      ["--port", String(chosen), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir, "--logfile", ""],
      { stdio: "ignore" },
    );
    child = process_;
    const exited = new Promise<void>((resolve) => process_.once("exit", () => resolve()));
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await pings(chosen)) return;
      if (process_.exitCode !== null) break;
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 50)), exited]);
    }
    process_.kill("SIGKILL");
    throw new Error(`redis-server did not start on port ${chosen}`);
  };

  const terminate = async (signal: NodeJS.Signals) => {
    const current = child;
    child = null;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => current.once("exit", () => resolve()));
    current.kill(signal);
    await exited;
  };

  await launch();
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    get pid() {
      return child?.pid ?? -1;
    },
    kill: () => terminate("SIGKILL"),
    restart: launch,
    async stop() {
      await terminate("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
