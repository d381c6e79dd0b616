import { errorBody } from "./chat-completion.js";

/** What happens to one batch once it has been processed. */
export type BatchFate =
  | "complete"
  /** Validation fails: status `failed`, no output, nothing answered. */
  | "fail"
  /** The completion window runs out after `answered` lines: the rest are `batch_expired` in the error file. */
  | { expire: { answered: number } };

/** What `fate` sees of a batch when it is created. */
export interface BatchInfo {
  /** 0-based position among the batches this server has created. */
  index: number;
  id: string;
  /** The custom_ids of its lines, in file order. */
  customIds: string[];
}

export interface BatchApiOptions {
  /**
   * Time a batch spends in each of `validating`, `in_progress` and `finalizing` before it ends;
   * 0 by default (a batch is finished at the first retrieve).
   */
  batchStageMs?: number;
  /** Each batch's fate; every batch completes by default. */
  batchFate?: (batch: BatchInfo) => BatchFate;
  /**
   * Delay of the reply to a batch creation, the batch already created (and counted): a client
   * killed meanwhile never learns its id. 0 by default.
   */
  batchCreateLatencyMs?: number;
}

/** The server's counts of the Files and Batch API, for tests to assert on. */
export interface BatchCounters {
  filesUploaded: number;
  batchesCreated: number;
  batchesCancelled: number;
  /** How many times each custom_id was sent in a batch that was created. */
  requestsByCustomId: Map<string, number>;
}

/** One line's answer, as synchronous chat would give it: a status and a body. */
export type LineAnswer = (body: Record<string, unknown>) => Promise<{ status: number; body: unknown }>;

interface StoredFile {
  id: string;
  purpose: string;
  filename: string;
  bytes: Buffer;
  createdAt: number;
}

interface StoredBatch {
  info: BatchInfo;
  inputFileId: string;
  lines: { customId: string; body: Record<string, unknown> }[];
  fate: BatchFate;
  createdAt: number;
  /** Date.now() at creation: the stages are timed from it. */
  createdMs: number;
  metadata: Record<string, string> | null;
  /** Set once the batch reached a terminal state. */
  ended?: {
    status: "completed" | "failed" | "expired" | "cancelled";
    outputFileId?: string;
    errorFileId?: string;
    completed: number;
    failed: number;
  };
  cancelling?: boolean;
  /** In flight while the lines are being answered, so two polls never answer them twice. */
  finishing?: Promise<void>;
}

/** An HTTP reply of the Files and Batch API. */
export interface ApiReply {
  status: number;
  /** JSON, or raw bytes for file content. */
  body: unknown;
  raw?: Buffer;
}

const ENDPOINT = "/v1/chat/completions";

/**
 * The OpenAI Files and Batch API on the loopback server: upload (multipart), file content,
 * create, retrieve, list and cancel batches. Each batch's lines are answered by `answer` (the
 * chat script), once, when the batch ends; per-request failures go to the error file.
 */
export class BatchApi {
  readonly counters: BatchCounters = {
    filesUploaded: 0,
    batchesCreated: 0,
    batchesCancelled: 0,
    requestsByCustomId: new Map(),
  };
  private readonly files = new Map<string, StoredFile>();
  private readonly batches = new Map<string, StoredBatch>();

  constructor(
    private readonly options: BatchApiOptions,
    private readonly answer: LineAnswer,
  ) {}

  /** The reply for `method path`, or undefined when the path is not the Files or Batch API. */
  async handle(
    method: string,
    path: string,
    query: URLSearchParams,
    text: string,
    contentType: string,
  ): Promise<ApiReply | undefined> {
    if (path === "/v1/files" && method === "POST") return this.upload(text, contentType);
    if (path === "/v1/batches" && method === "POST") {
      const reply = this.create(text);
      const latency = this.options.batchCreateLatencyMs ?? 0;
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      return reply;
    }
    if (path === "/v1/batches" && method === "GET") return this.list(query);
    const content = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
    if (content && method === "GET") return this.content(decodeURIComponent(content[1] ?? ""));
    const cancel = /^\/v1\/batches\/([^/]+)\/cancel$/.exec(path);
    if (cancel && method === "POST") return this.cancel(decodeURIComponent(cancel[1] ?? ""));
    const one = /^\/v1\/batches\/([^/]+)$/.exec(path);
    if (one && method === "GET") return this.retrieve(decodeURIComponent(one[1] ?? ""));
    return undefined;
  }

  private async upload(text: string, contentType: string): Promise<ApiReply> {
    let form: FormData;
    try {
      form = await new Response(text, { headers: { "content-type": contentType } }).formData();
    } catch (err) {
      return bad(`the upload is not multipart/form-data: ${String(err)}`);
    }
    const file = form.get("file");
    const purpose = form.get("purpose");
    if (purpose !== "batch") return bad(`purpose must be "batch", got ${JSON.stringify(purpose)}`);
    if (!(file instanceof Blob)) return bad("the form has no file field");
    const id = `file-test-${this.files.size}`;
    const bytes = Buffer.from(await file.arrayBuffer());
    const filename = file instanceof File ? file.name : "upload.jsonl";
    this.files.set(id, { id, purpose, filename, bytes, createdAt: now() });
    this.counters.filesUploaded++;
    return ok(fileObject(this.files.get(id) as StoredFile));
  }

  private create(text: string): ApiReply {
    const body = parseObject(text);
    if (!body) return bad("the body is not a JSON object");
    if (body.endpoint !== ENDPOINT) return bad(`endpoint must be ${ENDPOINT}`);
    if (body.completion_window !== "24h") return bad('completion_window must be "24h"');
    const input = typeof body.input_file_id === "string" ? this.files.get(body.input_file_id) : undefined;
    if (!input) return { status: 404, body: errorBody(404, `no file ${String(body.input_file_id)}`) };
    const lines = parseLines(input.bytes.toString("utf8"));
    if (typeof lines === "string") return bad(lines);
    const index = this.counters.batchesCreated++;
    const id = `batch-test-${index}`;
    const info: BatchInfo = { index, id, customIds: lines.map((l) => l.customId) };
    for (const { customId } of lines) {
      const n = this.counters.requestsByCustomId.get(customId) ?? 0;
      this.counters.requestsByCustomId.set(customId, n + 1);
    }
    const metadata = isRecord(body.metadata) ? (body.metadata as Record<string, string>) : null;
    const fate = this.options.batchFate?.(info) ?? "complete";
    const batch: StoredBatch = {
      info,
      inputFileId: input.id,
      lines,
      fate,
      createdAt: now(),
      createdMs: Date.now(),
      metadata,
    };
    this.batches.set(id, batch);
    return ok(batchObject(batch, "validating"));
  }

  private async retrieve(id: string): Promise<ApiReply> {
    const batch = this.batches.get(id);
    if (!batch) return { status: 404, body: errorBody(404, `no batch ${id}`) };
    return ok(batchObject(batch, await this.advance(batch)));
  }

  private async list(query: URLSearchParams): Promise<ApiReply> {
    const limit = Math.min(100, Math.max(1, Number(query.get("limit") ?? 20) || 20));
    // Newest first, as OpenAI lists them; `after` is the last id of the previous page.
    const all = [...this.batches.values()].reverse();
    const after = query.get("after");
    const start = after ? all.findIndex((b) => b.info.id === after) + 1 : 0;
    const page = all.slice(start, start + limit);
    const data = [];
    for (const b of page) data.push(batchObject(b, await this.advance(b)));
    return ok({
      object: "list",
      data,
      first_id: page[0]?.info.id ?? null,
      last_id: page.at(-1)?.info.id ?? null,
      has_more: start + limit < all.length,
    });
  }

  private async cancel(id: string): Promise<ApiReply> {
    const batch = this.batches.get(id);
    if (!batch) return { status: 404, body: errorBody(404, `no batch ${id}`) };
    if (!batch.ended) {
      batch.cancelling = true;
      this.counters.batchesCancelled++;
    }
    return ok(batchObject(batch, await this.advance(batch)));
  }

  private content(id: string): ApiReply {
    const file = this.files.get(id);
    if (!file) return { status: 404, body: errorBody(404, `no file ${id}`) };
    return { status: 200, body: undefined, raw: file.bytes };
  }

  /** The batch's status now; past its stages it ends (answering its lines, once). */
  private async advance(batch: StoredBatch): Promise<string> {
    if (batch.ended) return batch.ended.status;
    const stage = this.options.batchStageMs ?? 0;
    const elapsed = Date.now() - batch.createdMs;
    if (batch.cancelling) {
      batch.ended = { status: "cancelled", completed: 0, failed: 0 };
      return "cancelled";
    }
    if (elapsed < stage) return "validating";
    if (batch.fate === "fail") {
      batch.ended = { status: "failed", completed: 0, failed: 0 };
      return "failed";
    }
    if (elapsed < 2 * stage) return "in_progress";
    if (elapsed < 3 * stage) return "finalizing";
    batch.finishing ??= this.finish(batch);
    await batch.finishing;
    return (batch as StoredBatch).ended?.status ?? "finalizing";
  }

  /** Answers the lines into an output file and an error file. */
  private async finish(batch: StoredBatch): Promise<void> {
    const answered = typeof batch.fate === "object" ? batch.fate.expire.answered : batch.lines.length;
    const outputs: string[] = [];
    const errors: string[] = [];
    for (const [i, line] of batch.lines.entries()) {
      const lineId = `batch_req_${batch.info.index}_${i}`;
      if (i >= answered) {
        const error = {
          code: "batch_expired",
          message: "This request could not be executed before the completion window expired.",
        };
        errors.push(JSON.stringify({ id: lineId, custom_id: line.customId, response: null, error }));
        continue;
      }
      const reply = await this.answer(line.body);
      const response = { status_code: reply.status, request_id: `req_${lineId}`, body: reply.body };
      const record = JSON.stringify({ id: lineId, custom_id: line.customId, response, error: null });
      (reply.status === 200 ? outputs : errors).push(record);
    }
    const ended: NonNullable<StoredBatch["ended"]> = {
      status: typeof batch.fate === "object" ? "expired" : "completed",
      completed: outputs.length,
      failed: errors.length,
    };
    if (outputs.length > 0) ended.outputFileId = this.store(batch, "output", outputs);
    if (errors.length > 0) ended.errorFileId = this.store(batch, "error", errors);
    batch.ended = ended;
  }

  private store(batch: StoredBatch, kind: string, lines: string[]): string {
    const id = `file-test-${batch.info.id}-${kind}`;
    const bytes = Buffer.from(`${lines.join("\n")}\n`);
    this.files.set(id, { id, purpose: "batch_output", filename: `${kind}.jsonl`, bytes, createdAt: now() });
    return id;
  }
}

function batchObject(batch: StoredBatch, status: string): Record<string, unknown> {
  const ended = batch.ended;
  const total = batch.lines.length;
  return {
    id: batch.info.id,
    object: "batch",
    endpoint: ENDPOINT,
    input_file_id: batch.inputFileId,
    completion_window: "24h",
    status,
    created_at: batch.createdAt,
    output_file_id: ended?.outputFileId ?? null,
    error_file_id: ended?.errorFileId ?? null,
    errors:
      status === "failed"
        ? {
            object: "list",
            data: [{ code: "invalid_request", message: "injected: the batch failed validation", line: null }],
          }
        : null,
    request_counts: { total, completed: ended?.completed ?? 0, failed: ended?.failed ?? 0 },
    metadata: batch.metadata,
  };
}

function fileObject(file: StoredFile): Record<string, unknown> {
  return {
    id: file.id,
    object: "file",
    bytes: file.bytes.length,
    created_at: file.createdAt,
    filename: file.filename,
    purpose: file.purpose,
  };
}

/** The request lines of a batch input file, or what is wrong with it. */
function parseLines(text: string): { customId: string; body: Record<string, unknown> }[] | string {
  const lines: { customId: string; body: Record<string, unknown> }[] = [];
  const seen = new Set<string>();
  for (const [n, raw] of text.split("\n").entries()) {
    if (!raw.trim()) continue;
    const line = parseObject(raw);
    if (!line) return `line ${n + 1} is not a JSON object`;
    const customId = line.custom_id;
    if (typeof customId !== "string" || !customId) return `line ${n + 1} has no custom_id`;
    if (seen.has(customId)) return `line ${n + 1}: duplicate custom_id ${customId}`;
    if (line.method !== "POST" || line.url !== ENDPOINT)
      return `line ${n + 1}: method/url must be POST ${ENDPOINT}`;
    if (!isRecord(line.body)) return `line ${n + 1} has no body`;
    seen.add(customId);
    lines.push({ customId, body: line.body });
  }
  return lines.length > 0 ? lines : "the file has no requests";
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const ok = (body: unknown): ApiReply => ({ status: 200, body });
const bad = (message: string): ApiReply => ({ status: 400, body: errorBody(400, message) });
const now = (): number => Math.floor(Date.now() / 1000);
