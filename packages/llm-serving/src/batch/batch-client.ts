import { LLMError } from "@dataflow/core";
import type { Batch } from "openai/resources/batches";
import { commonTransportError, redactError, statusError } from "../serving/llm-errors.js";
import { parseRetryAfter } from "../serving/retry-policy.js";
import { BATCH_ENDPOINT } from "./batch-line.js";

export interface BatchClientOptions {
  baseURL: string;
  apiKey: string;
  /** Per HTTP request. */
  timeoutMs: number;
  /** Values never to appear in errors (the API key). */
  secrets: readonly string[];
}

/** The fields of a batch this package reads. */
export type BatchObject = Pick<Batch, "id" | "status" | "input_file_id"> &
  Partial<Pick<Batch, "output_file_id" | "error_file_id" | "request_counts" | "errors" | "metadata">>;

/**
 * The OpenAI Files and Batch API over `fetch`: upload an input file, create, retrieve, list and
 * cancel batches, download a file. Plain fetch rather than the openai SDK: five small calls,
 * the same for `openai` and `ai-sdk` servings, with errors typed as the synchronous ones are.
 */
export class BatchClient {
  private readonly base: string;

  constructor(private readonly o: BatchClientOptions) {
    this.base = o.baseURL.replace(/\/+$/, "");
  }

  /** Uploads `jsonl` with purpose `batch`; its file id. */
  async upload(jsonl: string, name: string): Promise<string> {
    const form = new FormData();
    form.append("purpose", "batch");
    form.append("file", new Blob([jsonl], { type: "application/jsonl" }), name);
    const file = (await this.json("POST", "/files", form)) as { id?: unknown };
    if (typeof file.id !== "string") throw new LLMError("transport", "the file upload answered no id");
    return file.id;
  }

  create(inputFileId: string, metadata: Record<string, string>): Promise<BatchObject> {
    const body = { input_file_id: inputFileId, endpoint: BATCH_ENDPOINT, completion_window: "24h", metadata };
    return this.json("POST", "/batches", JSON.stringify(body)) as Promise<BatchObject>;
  }

  retrieve(id: string): Promise<BatchObject> {
    return this.json("GET", `/batches/${encodeURIComponent(id)}`) as Promise<BatchObject>;
  }

  cancel(id: string): Promise<BatchObject> {
    return this.json("POST", `/batches/${encodeURIComponent(id)}/cancel`) as Promise<BatchObject>;
  }

  /** One page of batches, newest first. */
  async list(after: string | undefined): Promise<{ data: BatchObject[]; hasMore: boolean }> {
    const query = `?limit=100${after ? `&after=${encodeURIComponent(after)}` : ""}`;
    const page = (await this.json("GET", `/batches${query}`)) as { data?: BatchObject[]; has_more?: boolean };
    return { data: Array.isArray(page.data) ? page.data : [], hasMore: page.has_more === true };
  }

  /** A file's content as text. */
  async content(fileId: string): Promise<string> {
    const res = await this.request("GET", `/files/${encodeURIComponent(fileId)}/content`);
    return res.text();
  }

  private async json(method: string, path: string, body?: string | FormData): Promise<unknown> {
    const res = await this.request(method, path, body);
    try {
      return await res.json();
    } catch (err) {
      throw this.typed(err);
    }
  }

  private async request(method: string, path: string, body?: string | FormData): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.o.apiKey}` };
    if (typeof body === "string") headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
    } catch (err) {
      throw this.typed(err);
    }
    if (res.ok) return res;
    const text = await res.text().catch(() => "");
    const message = errorMessage(text) ?? (text.slice(0, 200) || res.statusText);
    const retryAfterMs = parseRetryAfter(res.headers);
    const err = statusError(res.status, `${method} ${path}: ${message}`, {
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
    throw redactError(err, this.o.secrets);
  }

  private typed(err: unknown): LLMError {
    if (err instanceof LLMError) return redactError(err, this.o.secrets);
    if (err instanceof DOMException && (err.name === "TimeoutError" || err.name === "AbortError")) {
      return new LLMError("timeout", `the Batch API request timed out after ${this.o.timeoutMs} ms`);
    }
    const typed =
      commonTransportError(err) ?? new LLMError("transport", `the Batch API request failed: ${String(err)}`);
    return redactError(typed, this.o.secrets);
  }
}

function errorMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    return typeof body.error?.message === "string" ? body.error.message : undefined;
  } catch {
    return undefined;
  }
}
