import { readFileSync } from "node:fs";
import { startChatServer } from "@dataflow/llm-serving/testing";
import { afterAll, expect, it } from "vitest";
import { expectCleanError, jsonl, runDataflow, Workspace } from "../harness/index.js";

const ws = new Workspace();
afterAll(() => ws.remove());

it("a secret interpolated into model: is redacted in the halt message and stored nowhere", async () => {
  const canary = `canary-${process.pid}-d41c8e0a7b`;
  // The server refuses the model and echoes its name, as real servers do.
  const server = await startChatServer({
    rules: [{ match: /./, fault: { status: 404, message: `The model ${canary} does not exist` } }],
  });
  try {
    ws.write("in.jsonl", jsonl([{ id: "a", text: "one row" }]));
    const file = ws.write(
      "p.yaml",
      [
        "name: p",
        "source: { path: in.jsonl, idColumn: id }",
        "cache: { dir: cache }",
        "servings:",
        "  w: { type: openai, model: '${CANARY_API_KEY}', maxRetries: 0 }",
        "steps:",
        "  - { id: ask, op: llm/generate, serving: w, outputs: { output: a }, params: { prompt: 'Q: {{text}}' } }",
        "",
      ].join("\n"),
    );
    const r = await runDataflow(["run", file, "--output", ws.path("out/rows.jsonl")], {
      env: { OPENAI_BASE_URL: server.url, CANARY_API_KEY: canary },
    });
    expectCleanError(r, { exit: 2 });
    // The halt is reported in the run summary, on stdout.
    expect(r.stdout).toContain("HTTP 404 (404 The model [redacted CANARY_API_KEY] does not exist)");
    expect(r.stdout).toContain('the endpoint has no model "[redacted CANARY_API_KEY]"');
    expect(`${r.stdout}${r.stderr}`).not.toContain(canary);
    for (const f of ws.files()) expect(readFileSync(ws.path(f), "utf8"), f).not.toContain(canary);
  } finally {
    await server.close();
  }
});
