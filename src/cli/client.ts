// The CLI's HTTP client for the management API: KEYWARD_URL and KEYWARD_ROOT_KEY from the environment,
// never from argv (argv is visible to every user of the machine through `ps`).
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface ApiClient {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

export function createApiClient(env: NodeJS.ProcessEnv = process.env): ApiClient {
  const baseUrl = (env.KEYWARD_URL ?? "http://127.0.0.1:8080").replace(/\/+$/, "");
  const rootKey = env.KEYWARD_ROOT_KEY;
  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      if (!rootKey) throw new CliError("KEYWARD_ROOT_KEY is not set: export the root key printed at first start.", 2);
      let response: Response;
      try {
        response = await fetch(baseUrl + path, {
          method,
          headers: { authorization: `Bearer ${rootKey}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
      } catch (error) {
        throw new CliError(`cannot reach Keyward at ${baseUrl} (${(error as Error).cause ?? (error as Error).message})`, 2);
      }
      const text = await response.text();
      const data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      if (!response.ok) {
        const detail = data.detail ?? data.title ?? response.statusText;
        throw new CliError(`${response.status} ${String(data.code ?? "")}: ${String(detail)}`.trim());
      }
      return data as T;
    },
  };
}
