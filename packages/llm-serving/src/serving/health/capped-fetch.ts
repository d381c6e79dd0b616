import { LLMError } from "@dataflow/core";

/** Default bound on one chat answer's body: far above any real answer, far below what bloats memory. */
export const DEFAULT_MAX_ANSWER_BYTES = 4 * 1024 * 1024;

const RAW_PREFIX_BYTES = 4096;

/** A 200 whose body is an HTML page: the breaker turns it into a halt naming the serving. */
export class HtmlAnswer extends LLMError {
  readonly html = true;
  constructor(url: string) {
    super("transport", `the server answered HTML, not JSON, at ${url}`, { status: 200 });
  }
}

/** A chat answer longer than `maxAnswerBytes`: bad output with a bounded prefix, never read whole. */
export function answerTooLarge(bytes: number, max: number, prefix: string, complete: boolean): LLMError {
  const size = complete ? `${bytes} bytes` : `more than ${max} bytes (read ${bytes} before stopping)`;
  return new LLMError(
    "bad-output",
    `the answer is ${size}, above maxAnswerBytes ${max}; the first ${RAW_PREFIX_BYTES} bytes are kept as raw output`,
    { raw: prefix },
  );
}

/**
 * `fetch` for the SDKs with every chat-completions answer bounded: a Content-Length above
 * `maxBytes` fails before the body is read, a body that grows past it is cut off mid-stream, and
 * a 200 of HTML (a web UI or proxy at baseURL) fails as HtmlAnswer. Other paths (embeddings,
 * whose vectors are legitimately large) pass through.
 */
export function cappedFetch(maxBytes: number, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!/\/chat\/completions\/?(\?|$)/.test(url)) return response;
    const type = response.headers.get("content-type") ?? "";
    if (response.ok && /text\/html/i.test(type)) {
      await response.body?.cancel().catch(() => {});
      throw new HtmlAnswer(url.replace(/\?.*$/, ""));
    }
    const declared = Number(response.headers.get("content-length") ?? Number.NaN);
    if (declared > maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw answerTooLarge(declared, maxBytes, "", true);
    }
    if (!response.body) return response;
    return new Response(response.body.pipeThrough(counter(maxBytes)), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

function counter(maxBytes: number): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  const head: Uint8Array[] = [];
  let headBytes = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (headBytes < RAW_PREFIX_BYTES) {
        head.push(chunk.subarray(0, RAW_PREFIX_BYTES - headBytes));
        headBytes += Math.min(chunk.byteLength, RAW_PREFIX_BYTES - headBytes);
      }
      if (seen > maxBytes) {
        const prefix = Buffer.concat(head).toString("utf8");
        controller.error(answerTooLarge(seen, maxBytes, prefix, false));
        return;
      }
      controller.enqueue(chunk);
    },
  });
}

/** Our own LLMError (from cappedFetch) somewhere in what an SDK threw around it, if any. */
export function ownLLMError(err: unknown): LLMError | undefined {
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 8; depth++) {
    if (current instanceof LLMError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
