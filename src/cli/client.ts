// The CLI's HTTP client for the management API: KEYWARD_URL and KEYWARD_ROOT_KEY from the environment,
// never from argv (argv is visible to every user of the machine through `ps`).
export class CliError extends Error {
  /** 1: the server refused or answered "invalid"; 2: the CLI could not do its job (setup, network). */
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Runs `work`, turning an error of `known` (a bad key file, say) into a CliError with exit code 2. */
export function asUsageError<T>(known: new (...args: never[]) => Error, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof known) throw new CliError(error.message, 2);
    throw error;
  }
}

export interface ApiClient {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

export const DEFAULT_URL = "http://127.0.0.1:8080";
/** A request that takes longer than this is given up, rather than hanging a script forever. */
const TIMEOUT_MS = 30_000;

interface Problem {
  code?: unknown;
  title?: unknown;
  detail?: unknown;
  errors?: { pointer?: unknown; message?: unknown }[];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** "404 API_NOT_FOUND: No API api_x.", plus the fields a validation problem lists. */
function describeFailure(response: Response, text: string): string {
  const problem = parseJson(text);
  if (!problem || typeof problem !== "object") {
    // Not Keyward talking (a proxy's error page, a different service): show the start of it.
    const snippet = text.replace(/\s+/g, " ").trim().slice(0, 200);
    return `${response.status} ${response.statusText}${snippet ? `: ${snippet}` : ""}`;
  }
  const { code, title, detail, errors } = problem as Problem;
  const head = `${response.status}${code ? ` ${String(code)}` : ""}: ${String(detail ?? title ?? response.statusText)}`;
  const fields = Array.isArray(errors) ? errors.map((field) => `\n  ${String(field.pointer ?? "")}: ${String(field.message ?? "")}`) : [];
  return head + fields.join("");
}

export function createApiClient(env: NodeJS.ProcessEnv = process.env): ApiClient {
  const baseUrl = (env.KEYWARD_URL?.trim() || DEFAULT_URL).replace(/\/+$/, "");
  const rootKey = env.KEYWARD_ROOT_KEY?.trim();
  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      if (!rootKey) throw new CliError("KEYWARD_ROOT_KEY is not set: export the root key printed at first start.", 2);
      if (!URL.canParse(baseUrl)) throw new CliError(`KEYWARD_URL is not a URL: ${JSON.stringify(baseUrl)}`, 2);
      let response: Response;
      let text: string;
      try {
        response = await fetch(baseUrl + path, {
          method,
          headers: { authorization: `Bearer ${rootKey}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        text = await response.text();
      } catch (error) {
        const reason = (error as Error).name === "TimeoutError" ? `no answer within ${TIMEOUT_MS / 1000} s` : String((error as Error).cause ?? (error as Error).message);
        throw new CliError(`cannot reach Keyward at ${baseUrl} (${reason})`, 2);
      }
      if (!response.ok) throw new CliError(describeFailure(response, text));
      const data = text ? parseJson(text) : {};
      if (!data || typeof data !== "object") {
        throw new CliError(`${baseUrl}${path} did not answer with JSON: is KEYWARD_URL pointing at Keyward?`, 2);
      }
      return data as T;
    },
  };
}
