// A private nginx for tests: loopback only, its own prefix, temp and log files in a temp dir, in the
// foreground (daemon off) as a child process stopped by PID. Nothing is written to system paths.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function nginxBinary(): string | null {
  for (const candidate of ["nginx", "/usr/sbin/nginx"]) {
    if (spawnSync(candidate, ["-v"], { stdio: "ignore" }).status === 0) return candidate;
  }
  return null;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

export interface NginxServer {
  pid: number;
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * Runs nginx with `config` (a whole nginx.conf). Temp paths and the access log are pointed into the
 * prefix, since the packaged defaults are under /var; as root, workers run as nobody.
 */
export async function startNginx(binary: string, config: string, port: number): Promise<NginxServer> {
  const prefix = mkdtempSync(join(tmpdir(), "keyward-nginx-"));
  chmodSync(prefix, 0o755);
  const local = [
    `client_body_temp_path ${prefix}/client_body;`,
    `proxy_temp_path ${prefix}/proxy;`,
    `fastcgi_temp_path ${prefix}/fastcgi;`,
    `uwsgi_temp_path ${prefix}/uwsgi;`,
    `scgi_temp_path ${prefix}/scgi;`,
    `access_log ${prefix}/access.log;`,
  ].join("\n    ");
  const root = process.getuid?.() === 0 ? "user nobody nogroup;\n" : "";
  const file = join(prefix, "nginx.conf");
  writeFileSync(file, root + config.replace(/^http \{$/m, `http {\n    ${local}`));
  const errorLog = join(prefix, "error.log");
  const child: ChildProcess = spawn(binary, ["-p", prefix, "-c", file, "-e", errorLog, "-g", `daemon off; pid ${prefix}/nginx.pid; error_log ${errorLog} info;`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const readLog = () => {
    try {
      return readFileSync(errorLog, "utf8");
    } catch {
      return "";
    }
  };
  for (let attempt = 0; ; attempt++) {
    if (await accepts(port)) break;
    if (child.exitCode !== null || attempt > 100) {
      child.kill("SIGKILL");
      rmSync(prefix, { recursive: true, force: true });
      throw new Error(`nginx did not start on port ${port}\n${stderr}\n${readLog()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    pid: child.pid!,
    errorLog: readLog,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        // SIGTERM is nginx's fast shutdown: the master stops its workers, then exits.
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
