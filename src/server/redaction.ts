// What a request log line may show: method, path and query with any key-bearing parameter redacted.
// Headers are never logged, so Authorization and X-API-Key cannot leak through the request logger.
import type { FastifyRequest } from "fastify";

/** Query parameters that commonly carry credentials, redacted whatever the configuration says. */
const ALWAYS_REDACTED = ["key", "api_key", "apikey", "token", "access_token"];

export function redactUrl(url: string, extra?: string): string {
  const question = url.indexOf("?");
  if (question < 0) return url;
  const names = new Set([...ALWAYS_REDACTED, ...(extra ? [extra.toLowerCase()] : [])]);
  const params = new URLSearchParams(url.slice(question + 1));
  let redacted = false;
  for (const name of [...params.keys()]) {
    if (names.has(name.toLowerCase())) {
      params.set(name, "[REDACTED]");
      redacted = true;
    }
  }
  return redacted ? `${url.slice(0, question)}?${params.toString()}` : url;
}

export function requestSerializer(keyQueryParam?: string) {
  return (request: FastifyRequest) => ({
    method: request.method,
    url: redactUrl(request.url, keyQueryParam),
    remoteAddress: request.ip,
  });
}
