import { afterEach, describe, expect, it } from "vitest";
import { type ChatServer, type ChatServerOptions, startChatServer } from "./chat-server.js";

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options?: ChatServerOptions): Promise<ChatServer> {
  server = await startChatServer(options);
  return server;
}

type Json = Record<string, unknown>;

const line = (id: string, content: string) =>
  JSON.stringify({
    custom_id: id,
    method: "POST",
    url: "/v1/chat/completions",
    body: { model: "m", messages: [{ role: "user", content }] },
  });

async function upload(s: ChatServer, text: string, purpose = "batch"): Promise<Response> {
  const form = new FormData();
  form.append("purpose", purpose);
  form.append("file", new Blob([text]), "in.jsonl");
  return fetch(`${s.url}/files`, { method: "POST", body: form });
}

async function create(s: ChatServer, fileId: string): Promise<Json> {
  const body = { input_file_id: fileId, endpoint: "/v1/chat/completions", completion_window: "24h" };
  const res = await fetch(`${s.url}/batches`, { method: "POST", body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}

const get = async (s: ChatServer, path: string): Promise<Json> =>
  (await (await fetch(`${s.url}${path}`)).json()) as Json;

const contentLines = async (s: ChatServer, fileId: unknown): Promise<Json[]> =>
  (await (await fetch(`${s.url}/files/${String(fileId)}/content`)).text())
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Json);

async function submit(s: ChatServer, lines: string[]): Promise<Json> {
  const file = (await (await upload(s, `${lines.join("\n")}\n`)).json()) as Json;
  return create(s, String(file.id));
}

describe("the loopback server's Files and Batch API", () => {
  it("answers each line of a batch as chat would, per-request faults in the error file, and counts", async () => {
    const s = await start({ rules: [{ match: "boom", fault: { status: 500, message: "injected" } }] });
    const batch = await submit(s, [line("a", "hello"), line("b", "boom")]);
    expect(batch).toMatchObject({ object: "batch", status: "validating", input_file_id: "file-test-0" });
    const done = await get(s, `/batches/${String(batch.id)}`);
    expect(done).toMatchObject({
      status: "completed",
      request_counts: { total: 2, completed: 1, failed: 1 },
    });
    const [out] = await contentLines(s, done.output_file_id);
    expect(out).toMatchObject({
      custom_id: "a",
      response: { status_code: 200, body: { choices: [{ message: { content: "hello" } }] } },
    });
    const [err] = await contentLines(s, done.error_file_id);
    expect(err).toMatchObject({
      custom_id: "b",
      response: { status_code: 500, body: { error: { message: "injected" } } },
    });
    expect(s.batches).toMatchObject({ filesUploaded: 1, batchesCreated: 1, batchesCancelled: 0 });
    expect(Object.fromEntries(s.batches.requestsByCustomId)).toEqual({ a: 1, b: 1 });
    // Batch lines are not chat-completion requests.
    expect(s.requests.filter((r) => r.path.endsWith("/chat/completions"))).toHaveLength(0);
  });

  it("goes through validating, in_progress and finalizing, each batchStageMs long", async () => {
    const s = await start({ batchStageMs: 60 });
    const batch = await submit(s, [line("a", "x")]);
    const seen = new Set<unknown>();
    const end = Date.now() + 5_000;
    for (let status: unknown = ""; status !== "completed" && Date.now() < end; ) {
      status = (await get(s, `/batches/${String(batch.id)}`)).status;
      seen.add(status);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect([...seen]).toEqual(["validating", "in_progress", "finalizing", "completed"]);
  });

  it("expires a batch after some lines (batch_expired for the rest), fails one, and cancels one", async () => {
    const s = await start({
      batchStageMs: 0,
      batchFate: (b) => (b.index === 0 ? { expire: { answered: 1 } } : b.index === 1 ? "fail" : "complete"),
    });
    const expired = await get(
      s,
      `/batches/${String((await submit(s, [line("a", "1"), line("b", "2")])).id)}`,
    );
    expect(expired).toMatchObject({ status: "expired", request_counts: { completed: 1, failed: 1 } });
    expect((await contentLines(s, expired.error_file_id))[0]).toMatchObject({
      custom_id: "b",
      response: null,
      error: { code: "batch_expired" },
    });
    const failed = await get(s, `/batches/${String((await submit(s, [line("c", "3")])).id)}`);
    expect(failed).toMatchObject({
      status: "failed",
      output_file_id: null,
      errors: { data: [{ code: "invalid_request" }] },
    });

    await s.close();
    const s2 = await start({ batchStageMs: 10_000 });
    const pending = await submit(s2, [line("d", "4")]);
    const cancelled = (await (
      await fetch(`${s2.url}/batches/${String(pending.id)}/cancel`, { method: "POST" })
    ).json()) as Json;
    expect(cancelled).toMatchObject({ status: "cancelled", output_file_id: null });
    expect(s2.batches.batchesCancelled).toBe(1);
  });

  it("lists batches newest first, a page at a time", async () => {
    const s = await start({ batchStageMs: 10_000 });
    for (const id of ["a", "b", "c"]) await submit(s, [line(id, id)]);
    const first = await get(s, "/batches?limit=2");
    expect((first.data as Json[]).map((b) => b.id)).toEqual(["batch-test-2", "batch-test-1"]);
    expect(first.has_more).toBe(true);
    const next = await get(s, `/batches?limit=2&after=${String(first.last_id)}`);
    expect((next.data as Json[]).map((b) => b.id)).toEqual(["batch-test-0"]);
    expect(next.has_more).toBe(false);
  });

  it("refuses a wrong purpose, a duplicate custom_id, an unknown file and another endpoint", async () => {
    const s = await start();
    expect((await upload(s, line("a", "x"), "fine-tune")).status).toBe(400);
    const dup = (await (await upload(s, `${line("a", "x")}\n${line("a", "y")}\n`)).json()) as Json;
    const res = await fetch(`${s.url}/batches`, {
      method: "POST",
      body: JSON.stringify({
        input_file_id: dup.id,
        endpoint: "/v1/chat/completions",
        completion_window: "24h",
      }),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("duplicate custom_id a");
    const missing = await fetch(`${s.url}/batches`, {
      method: "POST",
      body: JSON.stringify({
        input_file_id: "nope",
        endpoint: "/v1/chat/completions",
        completion_window: "24h",
      }),
    });
    expect(missing.status).toBe(404);
    const other = await fetch(`${s.url}/batches`, {
      method: "POST",
      body: JSON.stringify({ input_file_id: dup.id, endpoint: "/v1/embeddings", completion_window: "24h" }),
    });
    expect(other.status).toBe(400);
    expect(s.batches.batchesCreated).toBe(0);
  });
});
