import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunManifest } from "@dataflow/core";
import { type ChatServer, startChatServer } from "@dataflow/llm-serving/testing";
import { afterAll, describe, expect, it } from "vitest";
import { captureIO } from "./cli-test-io.js";
import { runCli } from "./run-cli.js";

const tmp = mkdtempSync(join(tmpdir(), "dataflow-endpoints-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ROWS = 40;

// Three endpoints behind one serving; the step's extraBody merged over the serving's.
const pipeline = `
name: three-endpoints
source: { path: notes.jsonl, idColumn: id }
servings:
  writer:
    type: openai
    model: test-model
    baseURL:
      - \${EP1}
      - \${EP2}
      - \${EP3}
    maxConcurrency: 8
    timeoutMs: 5000
    hedge: false
    breaker: { failures: 3 }
    extraBody: { top_k: 20, chat_template_kwargs: { enable_thinking: true } }
steps:
  - id: summarise
    op: llm/generate
    serving: writer
    outputs: { output: summary }
    params:
      prompt: "Summarise: {{text}}"
      extraBody: { chat_template_kwargs: { enable_thinking: false }, min_p: 0.05 }
`;

const chats = (s: ChatServer) => s.requests.filter((r) => r.path.endsWith("/chat/completions"));
const answered = (s: ChatServer) => chats(s).filter((r) => r.outcome === "reply" && !r.aborted).length;

describe("dataflow run with a serving over three endpoints", () => {
  it("finishes every row when one endpoint goes away mid-run; summary and manifest show each endpoint", async () => {
    const holder: { third?: ChatServer; closing?: Promise<void> } = {};
    const servers = await Promise.all(
      [0, 1, 2].map((i) =>
        startChatServer({
          latencyMs: (req) => {
            if (i === 2 && req.index === 4) holder.closing ??= holder.third?.close();
            return 10;
          },
        }),
      ),
    );
    holder.third = servers[2];
    try {
      const file = join(tmp, "pipeline.yaml");
      writeFileSync(file, pipeline);
      const notes = Array.from({ length: ROWS }, (_, i) =>
        JSON.stringify({ id: `n${i}`, text: `note ${i}` }),
      );
      writeFileSync(join(tmp, "notes.jsonl"), `${notes.join("\n")}\n`);
      const output = join(tmp, "out.jsonl");
      const cache = join(tmp, "cache");
      const env = Object.fromEntries(servers.map((s, i) => [`EP${i + 1}`, s.url]));
      const c = captureIO({ ...env, OPENAI_API_KEY: "sk-endpoint-secret-98765" });
      const code = await runCli(["run", file, "--output", output, "--set", `cache.dir=${cache}`], c.io);
      await holder.closing;
      expect(c.stderr()).not.toContain("sk-endpoint-secret-98765");
      expect(code).toBe(0);
      const rows = readFileSync(output, "utf8").trim().split("\n");
      expect(rows).toHaveLength(ROWS);

      const [a, b, gone] = servers.map(answered) as [number, number, number];
      expect(a + b + gone).toBe(ROWS);
      expect(gone).toBeLessThanOrEqual(4);
      expect(Math.min(a, b)).toBeGreaterThan(gone);
      for (const s of servers.slice(0, 2)) {
        const body = chats(s)[0]?.body as Record<string, unknown>;
        expect(body).toMatchObject({
          top_k: 20,
          min_p: 0.05,
          chat_template_kwargs: { enable_thinking: false },
        });
      }

      const stdout = c.stdout();
      for (const s of servers) expect(stdout).toContain(`writer @ ${s.url}: `);
      expect(stdout).toMatch(/taken out 1× \(out of rotation at the end\)/);
      const manifest = JSON.parse(
        readFileSync(join(cache, "three-endpoints", "manifest.json"), "utf8"),
      ) as RunManifest;
      const endpoints = manifest.endpoints?.writer ?? [];
      expect(endpoints.map((e) => e.url)).toEqual(servers.map((s) => s.url));
      expect(endpoints[0]).toMatchObject({ requests: a, errors: 0 });
      expect(endpoints[2]?.errors).toBeGreaterThanOrEqual(3);
      expect(JSON.stringify(manifest)).not.toContain("sk-endpoint-secret-98765");
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });
});
