import { LLMError, type LLMErrorKind } from "@dataflow/core";

/** The error kind for an HTTP status from the endpoint. */
export function kindForStatus(status: number): LLMErrorKind {
  if (status === 429) return "rate-limited";
  if (status === 408) return "timeout";
  // 409 is a transient conflict (OpenAI sends it under load), not the caller's fault.
  if (status >= 400 && status < 500 && status !== 409) return "bad-request";
  return "transport";
}

/** An LLMError for an HTTP error response. */
export function statusError(
  status: number,
  message: string,
  options: { retryAfterMs?: number; raw?: string; cause?: unknown } = {},
): LLMError {
  const kind = kindForStatus(status);
  const text = message.startsWith(String(status)) ? message : `HTTP ${status}: ${message}`;
  return new LLMError(kind, text, { status, ...options });
}

/**
 * An LLMError for the failures every transport shares: a body cut off mid-read
 * (undici's TypeError "terminated"), a body that is not JSON (SyntaxError), a
 * connection that failed. Undefined for anything else.
 */
export function commonTransportError(err: unknown): LLMError | undefined {
  if (err instanceof SyntaxError) {
    return new LLMError("transport", `the response body is not valid JSON: ${err.message}`, { cause: err });
  }
  if (err instanceof TypeError) {
    const cause = (err as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? ` (${cause.message})` : "";
    const what = /terminated/i.test(err.message)
      ? "the connection closed before the response was complete"
      : `the request failed: ${err.message}`;
    return new LLMError("transport", `${what}${detail}`, { cause: err });
  }
  return undefined;
}

/** A catch-all: something failed in the transport that no mapping knows. */
export function unknownTransportError(err: unknown): LLMError {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new LLMError("transport", `the request failed: ${message}`, { cause: err });
}

/** Removes each secret from `text`; secrets shorter than 4 characters are ignored (they would mangle text). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4 && out.includes(s)) out = out.split(s).join("***");
  return out.replace(/\b(Bearer\s+)[A-Za-z0-9._~+/-]{8,}=*/g, "$1***");
}

/**
 * The same error with secrets removed from its message and raw text. The SDK
 * error is dropped from `cause` when it mentions a secret anywhere, so nothing
 * that prints the error (util.inspect walks causes) can leak it.
 */
export function redactError(err: LLMError, secrets: readonly string[]): LLMError {
  const live = secrets.filter((s) => s.length >= 4);
  if (live.length === 0) return err;
  const message = redact(err.message, live);
  const raw = err.raw === undefined ? undefined : redact(err.raw, live);
  const causeLeaks = err.cause !== undefined && live.some((s) => describe(err.cause).includes(s));
  if (message === err.message && raw === err.raw && !causeLeaks) return err;
  const copy = new LLMError(err.kind, message, {
    ...(raw !== undefined ? { raw } : {}),
    ...(err.status !== undefined ? { status: err.status } : {}),
    ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    ...(causeLeaks ? {} : { cause: err.cause }),
  });
  copy.stack = redact(err.stack ?? "", live);
  return copy;
}

function describe(value: unknown): string {
  const parts: string[] = [];
  let current: unknown = value;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? "");
      try {
        parts.push(JSON.stringify(current));
      } catch {
        // cyclic: the message and stack are checked
      }
      current = (current as { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join("\n");
}
