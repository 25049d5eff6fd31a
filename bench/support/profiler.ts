// A CPU profile of a window of a process's life (not its start-up): the HTTP case profiles the Keyward
// server only while wrk measures it. The file opens in Chrome DevTools or speedscope.
import { writeFileSync, mkdirSync } from "node:fs";
import { Session } from "node:inspector";
import { dirname } from "node:path";

let session: Session | null = null;

const post = (method: string, params?: object) =>
  new Promise<any>((resolve, reject) => session!.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));

export async function startProfile(): Promise<void> {
  session = new Session();
  session.connect();
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 200 });
  await post("Profiler.start");
}

export async function stopProfile(file: string): Promise<void> {
  if (!session) return;
  const { profile } = await post("Profiler.stop");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
  session = null;
}
