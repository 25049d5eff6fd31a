// `keyward gateway` as a user runs it: the built CLI in a child process.
import { readFileSync } from "node:fs";
import { spawnKeyward, type KeywardProcess } from "../../e2e/support/keyward-process.js";

export interface GatewayProcess {
  process: KeywardProcess;
  url: string;
  /** Peak resident memory of the process so far (VmHWM), in bytes; null where /proc is missing. */
  peakRss(): number | null;
  stop(): Promise<void>;
}

/** Waits for the "keyward gateway listening" log line; throws with the output when it never comes. */
export async function waitForGateway(child: KeywardProcess, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = child.stdout().split("\n").find((text) => text.includes('"msg":"keyward gateway listening"'));
    if (line) return (JSON.parse(line) as { url: string }).url;
    if (child.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`keyward gateway did not start (exit ${child.child.exitCode})\n--- stdout ---\n${child.stdout()}\n--- stderr ---\n${child.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function spawnGateway(args: string[], env: Record<string, string>, cwd: string): Promise<GatewayProcess> {
  const child = spawnKeyward(env, { cwd, args: ["gateway", "--port", "0", ...args] });
  const url = await waitForGateway(child);
  return {
    process: child,
    url,
    peakRss() {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.child.pid}/status`, "utf8"));
        return match ? Number(match[1]) * 1024 : null;
      } catch {
        return null;
      }
    },
    stop: async () => {
      await child.stop();
    },
  };
}
