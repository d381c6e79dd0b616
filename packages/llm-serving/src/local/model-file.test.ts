import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { LocalModelUnavailableError } from "./local-errors.js";
import { obtainModelFile } from "./model-file.js";
import { parseModelReference } from "./model-reference.js";

const tmp = mkdtempSync(join(tmpdir(), "dataflow-model-file-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// A stand-in for the Hub on 127.0.0.1: resolve URLs, Range requests, and the sha256 in X-Linked-Etag.
const body = Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(200_000, 7)]);
const sha256 = createHash("sha256").update(body).digest("hex");
let publishedSha = sha256;
let hub: Server;
let hubUrl: string;
const requests: string[] = [];

function serve(req: IncomingMessage, res: ServerResponse): void {
  requests.push(`${req.method} ${req.url}`);
  if (!req.url?.startsWith("/owner/repo/resolve/main/tiny.gguf")) {
    res.writeHead(404).end();
    return;
  }
  const headers = {
    "accept-ranges": "bytes",
    "x-linked-etag": `"${publishedSha}"`,
    "content-type": "application/octet-stream",
  };
  const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? "");
  if (range) {
    const start = Number(range[1]);
    const end = range[2] ? Number(range[2]) : body.length - 1;
    res.writeHead(206, {
      ...headers,
      "content-length": end - start + 1,
      "content-range": `bytes ${start}-${end}/${body.length}`,
    });
    res.end(req.method === "HEAD" ? undefined : body.subarray(start, end + 1));
    return;
  }
  res.writeHead(200, { ...headers, "content-length": body.length });
  res.end(req.method === "HEAD" ? undefined : body);
}

beforeAll(async () => {
  hub = createServer(serve);
  await new Promise<void>((resolve) => hub.listen(0, "127.0.0.1", resolve));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => hub.close(() => resolve())));

const logger = () => ({ debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() });

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe("obtainModelFile", () => {
  it("a file reference is used as it is; a missing file says what to set instead", async () => {
    const file = join(tmp, "mine.gguf");
    writeFileSync(file, body);
    const o = { servingName: "teacher", modelsDir: join(tmp, "unused"), env: {}, logger: logger() };
    expect(await obtainModelFile(parseModelReference("mine.gguf", tmp), o)).toBe(file);
    await expect(obtainModelFile(parseModelReference("nope.gguf", tmp), o)).rejects.toThrow(
      /no model file at .*nope\.gguf\. .*--set servings\.teacher\.model=PATH.*OPENAI_BASE_URL.*OPENAI_API_KEY/s,
    );
  });

  it("downloads an hf: URI once, verifies the sha256 the hub publishes, and reuses the file offline", async () => {
    const modelsDir = join(tmp, "models-ok");
    const log = logger();
    const written: string[] = [];
    const o = {
      servingName: "teacher",
      modelsDir,
      env: { HF_ENDPOINT: hubUrl },
      logger: log,
      progressStream: { isTTY: true, write: (s: string) => written.push(s) },
    };
    const ref = parseModelReference("hf:owner/repo/tiny.gguf");
    const path = await obtainModelFile(ref, o);
    expect(path.startsWith(modelsDir)).toBe(true);
    expect(readFileSync(path).equals(body)).toBe(true);
    expect(requests.some((r) => r.startsWith("HEAD /owner/repo/resolve/main/tiny.gguf"))).toBe(true);
    expect(log.info).toHaveBeenCalledWith(
      expect.stringMatching(/downloading the local model hf:owner\/repo\/tiny\.gguf/),
    );
    expect(log.info).toHaveBeenCalledWith(
      expect.stringMatching(/matches the sha256 published by Hugging Face/),
    );
    expect(written.join("")).toMatch(/downloading hf:owner\/repo\/tiny\.gguf .*100%/);

    // Found again by name: no request at all, even with the hub gone.
    const before = requests.length;
    const again = await obtainModelFile(ref, {
      ...o,
      env: { HF_ENDPOINT: `http://127.0.0.1:${await closedPort()}/` },
    });
    expect(again).toBe(path);
    expect(requests.length).toBe(before);
  });

  it("a download whose sha256 does not match is moved aside and refused", async () => {
    publishedSha = "0".repeat(64);
    try {
      const modelsDir = join(tmp, "models-bad");
      const ref = parseModelReference("hf:owner/repo/tiny.gguf");
      const err = await obtainModelFile(ref, {
        servingName: "teacher",
        modelsDir,
        env: { HF_ENDPOINT: hubUrl },
        logger: logger(),
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LocalModelUnavailableError);
      expect((err as Error).message).toMatch(
        new RegExp(
          `has sha256 ${sha256}, but the sha256 published by Hugging Face is 0{64}; the file was moved to .*\\.rejected`,
        ),
      );
      const kept = (err as Error).message.match(/moved to (\S+)\. Run/)?.[1] ?? "";
      expect(existsSync(kept)).toBe(true);
      expect(existsSync(kept.replace(/\.rejected$/, ""))).toBe(false);
    } finally {
      publishedSha = sha256;
    }
  });

  it("a pinned sha256 wins over the hub's", async () => {
    const ref = { ...parseModelReference("hf:owner/repo/tiny.gguf"), sha256: "f".repeat(64) };
    await expect(
      obtainModelFile(ref, {
        servingName: "s",
        modelsDir: join(tmp, "models-pin"),
        env: { HF_ENDPOINT: hubUrl },
        logger: logger(),
      }),
    ).rejects.toThrow(/but the sha256 pinned for it is f{64}/);
  });

  it("an unreachable hub is a clear error saying what to set instead, with no network beyond 127.0.0.1", async () => {
    const started = performance.now();
    const err = await obtainModelFile(parseModelReference("hf:owner/repo/tiny.gguf"), {
      servingName: "teacher",
      modelsDir: join(tmp, "models-offline"),
      env: { HF_ENDPOINT: `http://127.0.0.1:${await closedPort()}/` },
      logger: logger(),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalModelUnavailableError);
    expect((err as Error).message).toMatch(
      /cannot download the local model hf:owner\/repo\/tiny\.gguf: cannot reach http:\/\/127\.0\.0\.1:\d+ \(.*\)\. .*--set servings\.teacher\.model=PATH.*OPENAI_BASE_URL.*OPENAI_API_KEY/s,
    );
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
