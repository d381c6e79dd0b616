import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { BatchApi, type BatchApiOptions, type BatchCounters, type LineAnswer } from "./batch-api.js";
import { completionBody, errorBody, modelsBody } from "./chat-completion.js";
import {
  type EmbeddingRequestInfo,
  EmbeddingScript,
  type EmbeddingScriptOptions,
  embeddingsBody,
  readInput,
} from "./embedding-script.js";
import {
  type ChatRequestInfo,
  type Fault,
  type ReceivedMessage,
  ReplyScript,
  type ReplyScriptOptions,
  type ScriptedReply,
} from "./reply-script.js";

export interface ChatServerOptions extends ReplyScriptOptions, EmbeddingScriptOptions, BatchApiOptions {
  /** Delay before each chat-completion reply (faults included, hangs aside); 0 by default. */
  latencyMs?: number | ((req: ChatRequestInfo) => number);
  /** Delay before each embeddings reply (faults included, hangs aside); 0 by default. */
  embeddingLatencyMs?: number;
  /** Listed by GET /v1/models; defaults to ["test-model"]. Any model name is accepted in requests. */
  models?: string[];
}

export type RequestOutcome =
  | "reply"
  | "error-status"
  | "hang"
  | "truncated"
  | "malformed"
  | "html"
  | "bad-request"
  | "not-found"
  | "models"
  | "batch-api";

/** One request as the server received it, with what it did about it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  /** Lower-cased names; credentials (authorization, api-key, …) are never recorded. */
  headers: Record<string, string>;
  /** The parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
  /**
   * Set for chat completions and embeddings: the index their matchers and reply functions saw
   * (counted apart for each endpoint).
   */
  index?: number;
  /** `performance.now()` when the request arrived. */
  receivedAt: number;
  /** `performance.now()` when the reply was fully sent (or cut, for `truncated`). */
  repliedAt?: number;
  /** Requests in flight when this one arrived, itself included. */
  inFlightOnArrival: number;
  outcome?: RequestOutcome;
  status?: number;
  /** Index of the rule that answered. */
  rule?: number;
  randomFault?: boolean;
  /** The client went away (abort, timeout) or the server closed before the reply was complete. */
  aborted?: boolean;
}

export interface ChatServer {
  /** Base URL for OpenAI-compatible clients: `http://127.0.0.1:PORT/v1`. */
  url: string;
  port: number;
  /** Every request received, in arrival order. */
  requests: ReceivedRequest[];
  /** Requests being handled now. */
  readonly inFlight: number;
  /** The most requests ever handled at once. */
  readonly maxInFlight: number;
  /** Counts of the Files and Batch API (batch-api.ts): files uploaded, batches created, lines per custom_id. */
  batches: BatchCounters;
  /** Stops the server; hung and pending requests are cut, so it never waits on a client. */
  close(): Promise<void>;
}

const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "api-key", "x-api-key", "cookie"]);

/**
 * A real HTTP server on 127.0.0.1 (a free port) speaking the OpenAI
 * chat-completions and embeddings protocols with scripted replies, latency and
 * injected faults, for testing servings and operators without a model or a network.
 */
export async function startChatServer(options: ChatServerOptions = {}): Promise<ChatServer> {
  const script = new ReplyScript(options);
  const embeddings = new EmbeddingScript(options);
  const models = options.models ?? ["test-model"];
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const pending = new Set<AbortController>();
  // Settle when each response closes, so close() returns with the log final.
  const open = new Set<Promise<void>>();
  let chatIndex = 0;
  let embeddingIndex = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let closed: Promise<void> | undefined;
  // A batch line is answered as the same body sent to /v1/chat/completions would be.
  const lineAnswer: LineAnswer = async (body) => {
    const messages = readMessages(body.messages) ?? [];
    const model = typeof body.model === "string" ? body.model : "";
    const prompt = messages.map((m) => m.content).join("\n");
    const index = chatIndex++;
    const info = { index, model, messages, prompt, body, signal: new AbortController().signal };
    const { spec } = await script.next(info);
    const fault = spec.fault;
    if (typeof fault === "object")
      return { status: fault.status, body: errorBody(fault.status, fault.message ?? "injected") };
    if (fault) return { status: 500, body: errorBody(500, `injected ${fault}`) };
    return { status: 200, body: completionBody({ id: `chatcmpl-test-${index}`, model, prompt, spec }) };
  };
  const batchApi = new BatchApi(options, lineAnswer);

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A throwing latency function or the like: answer 500 rather than crash the test run.
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify(errorBody(500, `test server failed: ${String(err)}`)));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("clientError", (_err, socket) => socket.destroy());

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const entry: ReceivedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      headers: recordHeaders(req),
      body: undefined,
      receivedAt: performance.now(),
      inFlightOnArrival: ++inFlight,
    };
    maxInFlight = Math.max(maxInFlight, inFlight);
    requests.push(entry);

    // Aborted when the client goes away or the server closes, so waits end with them.
    const gone = new AbortController();
    pending.add(gone);
    res.on("error", () => {});
    const closedRes = new Promise<void>((resolve) => {
      res.on("close", () => {
        inFlight--;
        pending.delete(gone);
        open.delete(closedRes);
        if (!res.writableFinished && entry.outcome !== "truncated") {
          entry.aborted = true;
          gone.abort();
        }
        resolve();
      });
    });
    open.add(closedRes);
    res.on("finish", () => {
      entry.repliedAt = performance.now();
    });

    let text: string;
    try {
      text = await readBody(req);
    } catch {
      return; // the client went away mid-body
    }
    entry.body = text ? parseJson(text) : undefined;

    const path = url.pathname.replace(/\/+$/, "");
    if (path === "/v1/models" && entry.method === "GET") {
      entry.outcome = "models";
      send(res, entry, 200, modelsBody(models));
    } else if (path === "/v1/chat/completions" && entry.method === "POST") {
      await chat(text, entry, res, gone.signal);
    } else if (path === "/v1/embeddings" && entry.method === "POST") {
      await embed(text, entry, res, gone.signal);
    } else {
      const type = req.headers["content-type"] ?? "";
      const api = await batchApi.handle(entry.method, path, url.searchParams, text, type);
      if (api) {
        entry.outcome = "batch-api";
        if (api.raw) sendBytes(res, entry, api.raw);
        else send(res, entry, api.status, api.body);
        return;
      }
      entry.outcome = "not-found";
      send(res, entry, 404, errorBody(404, `the test server has no ${entry.method} ${url.pathname}`));
    }
  }

  async function chat(text: string, entry: ReceivedRequest, res: ServerResponse, signal: AbortSignal) {
    const body = entry.body;
    const badRequest = (message: string) => {
      entry.outcome = "bad-request";
      send(res, entry, 400, errorBody(400, message));
    };
    if (!isRecord(body)) return badRequest(`request body is not a JSON object: ${text.slice(0, 80)}`);
    const messages = readMessages(body.messages);
    if (!messages) return badRequest("messages must be an array of { role, content }");
    if (body.stream === true) {
      return badRequest("stream: true is not supported by the dataflow test server; send stream: false");
    }

    const info: ChatRequestInfo = {
      index: chatIndex++,
      model: typeof body.model === "string" ? body.model : "",
      messages,
      prompt: messages.map((m) => m.content).join("\n"),
      body,
      signal,
    };
    entry.index = info.index;

    let scripted: ScriptedReply;
    try {
      scripted = await script.next(info);
    } catch (err) {
      entry.outcome = "error-status";
      return send(res, entry, 500, errorBody(500, `test server reply function threw: ${String(err)}`));
    }
    const { spec } = scripted;
    if (scripted.rule !== undefined) entry.rule = scripted.rule;
    if (scripted.randomFault) entry.randomFault = true;

    const latency = () =>
      spec.latencyMs ??
      (typeof options.latencyMs === "function" ? options.latencyMs(info) : (options.latencyMs ?? 0));
    await answer(entry, res, signal, spec.fault, latency, () =>
      JSON.stringify(
        completionBody({ id: `chatcmpl-test-${info.index}`, model: info.model, prompt: info.prompt, spec }),
      ),
    );
  }

  async function embed(text: string, entry: ReceivedRequest, res: ServerResponse, signal: AbortSignal) {
    const body = entry.body;
    const badRequest = (message: string) => {
      entry.outcome = "bad-request";
      send(res, entry, 400, errorBody(400, message));
    };
    if (!isRecord(body)) return badRequest(`request body is not a JSON object: ${text.slice(0, 80)}`);
    const input = readInput(body.input);
    if (typeof input === "string") return badRequest(input);
    const encoding = body.encoding_format ?? "float";
    if (encoding !== "float" && encoding !== "base64") {
      return badRequest(`encoding_format must be "float" or "base64", got ${JSON.stringify(encoding)}`);
    }
    const dimensions = body.dimensions;
    if (dimensions !== undefined && !(Number.isInteger(dimensions) && (dimensions as number) > 0)) {
      return badRequest(`dimensions must be a positive integer, got ${JSON.stringify(dimensions)}`);
    }
    const info: EmbeddingRequestInfo = {
      index: embeddingIndex++,
      model: typeof body.model === "string" ? body.model : "",
      input,
      ...(typeof dimensions === "number" ? { dimensions } : {}),
      body,
    };
    entry.index = info.index;
    const faulted = embeddings.fault(info);
    if (faulted) entry.rule = faulted.rule;
    const fault = faulted?.fault;
    let vectors: number[][] = [];
    if (fault === undefined || typeof fault === "string") {
      try {
        vectors = embeddings.vectors(info);
      } catch (err) {
        entry.outcome = "error-status";
        return send(res, entry, 500, errorBody(500, `test server embed function threw: ${String(err)}`));
      }
    }
    await answer(
      entry,
      res,
      signal,
      fault,
      () => options.embeddingLatencyMs ?? 0,
      () => JSON.stringify(embeddingsBody(info, vectors, encoding)),
    );
  }

  /** Sends a successful body, or the fault in its place, after the latency (a hang never answers). */
  async function answer(
    entry: ReceivedRequest,
    res: ServerResponse,
    signal: AbortSignal,
    fault: Fault | undefined,
    latencyMs: () => number,
    body: () => string,
  ): Promise<void> {
    if (fault === "hang") {
      entry.outcome = "hang";
      return; // never answered: the client's timeout or close() ends it
    }
    const latency = latencyMs();
    if (latency > 0) {
      try {
        await delay(latency, undefined, { signal });
      } catch {
        return;
      }
    }
    if (res.destroyed) return;

    if (typeof fault === "object") {
      entry.outcome = "error-status";
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
      const message = fault.message ?? `injected HTTP ${fault.status} from the dataflow test server`;
      return send(res, entry, fault.status, errorBody(fault.status, message), headers);
    }

    const text = body();
    if (fault === "truncated") {
      // Headers promise the whole body; half of it is sent and the connection is cut.
      entry.outcome = "truncated";
      entry.status = 200;
      const bytes = Buffer.from(text);
      res.writeHead(200, { "content-type": "application/json", "content-length": bytes.length });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => {
        entry.repliedAt = performance.now();
        res.destroy();
      });
      return;
    }
    if (fault === "malformed") {
      // A complete HTTP response whose body is cut-off JSON.
      entry.outcome = "malformed";
      return sendText(res, entry, 200, text.slice(0, Math.floor(text.length / 2)));
    }
    if (fault === "html") {
      entry.outcome = "html";
      entry.status = 200;
      const page = "<!doctype html><html><head><title>Open WebUI</title></head><body>sign in</body></html>";
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "content-length": Buffer.byteLength(page),
      });
      res.end(page);
      return;
    }
    entry.outcome = "reply";
    sendText(res, entry, 200, text);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    batches: batchApi.counters,
    close() {
      closed ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const controller of pending) controller.abort();
        // Hung and slow requests are cut rather than awaited: close() never waits on a client.
        for (const socket of sockets) socket.destroy();
        await Promise.all([stopped, ...open]);
      })();
      return closed;
    },
  };
}

function send(
  res: ServerResponse,
  entry: ReceivedRequest,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendText(res, entry, status, JSON.stringify(body), headers);
}

function sendText(
  res: ServerResponse,
  entry: ReceivedRequest,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  entry.status = status;
  if (res.destroyed) return;
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendBytes(res: ServerResponse, entry: ReceivedRequest, bytes: Buffer): void {
  entry.status = 200;
  if (res.destroyed) return;
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length });
  res.end(bytes);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function recordHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || SECRET_HEADERS.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function readMessages(raw: unknown): ReceivedMessage[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const messages: ReceivedMessage[] = [];
  for (const m of raw) {
    if (!isRecord(m) || typeof m.role !== "string") return undefined;
    messages.push({ role: m.role, content: contentText(m.content) });
  }
  return messages;
}

/** A message's text: a string, or the text parts of a content array. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : "")).join("");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
