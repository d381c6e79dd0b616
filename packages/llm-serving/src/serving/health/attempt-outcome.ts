import type { LLMError } from "@dataflow/core";

/** What one failed attempt says about the endpoint's health. */
export type Outcome =
  | "alive" // it answered (a 400, a 429, bad output): the endpoint works
  | "auth" // 401/403
  | "not-found" // 404
  | "server-error" // 5xx, 409, a timeout, a truncated or malformed body
  | "connection" // no connection at all (refused, unknown host, reset)
  | "html"; // a 200 of HTML: baseURL is a web page, not the API

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

/** The health outcome of a failed attempt, from its status or its causes. */
export function outcomeOf(err: LLMError): Outcome {
  if ((err as { html?: unknown }).html === true) return "html";
  const status = err.status;
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not-found";
  if (status !== undefined && (status >= 500 || status === 409)) return "server-error";
  if (status !== undefined) return "alive";
  if (err.kind === "transport") return connectionCode(err) ? "connection" : "server-error";
  if (err.kind === "timeout") return "server-error";
  return "alive";
}

/** The system error code (ECONNREFUSED, …) somewhere in the cause chain, if any. */
export function connectionCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; current !== null && typeof current === "object" && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_CODES.has(code)) return code;
    const errors = (current as { errors?: unknown }).errors; // AggregateError of happy-eyeballs attempts
    if (Array.isArray(errors)) for (const e of errors) if (connectionCode(e)) return connectionCode(e);
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
