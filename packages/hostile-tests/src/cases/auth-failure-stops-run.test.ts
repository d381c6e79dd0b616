import { chatRequests, startChatServer } from "@dataflow/llm-serving/testing";
import { afterAll, expect, it } from "vitest";
import { expectCleanError, runDataflow, Workspace } from "../harness/index.js";

const ws = new Workspace();
afterAll(() => ws.remove());

it("401 on every call stops the run at once: exit 2, one message with the fix, no row paid for after it", async () => {
  const server = await startChatServer({ rules: [{ fault: { status: 401, message: "invalid key" } }] });
  try {
    ws.write(
      "in.jsonl",
      Array.from({ length: 40 }, (_, i) => JSON.stringify({ text: `note ${i}` })).join("\n"),
    );
    const file = ws.write(
      "p.yaml",
      [
        "name: p",
        "source: { path: in.jsonl }",
        "servings:",
        "  writer: { type: openai, model: m, maxConcurrency: 4, maxRetries: 5 }",
        "steps:",
        "  - id: g",
        "    op: llm/generate",
        "    serving: writer",
        '    params: { prompt: "Title: {{text}}" }',
        "",
      ].join("\n"),
    );
    const r = await runDataflow(["run", file], {
      env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-hostile-canary-0001" },
    });
    expectCleanError(r, { exit: 2 });
    const all = r.stderr + r.stdout;
    for (const w of [`at ${server.url} answered HTTP 401`, "OPENAI_API_KEY"]) expect(all).toContain(w);
    expect(all).not.toContain("sk-hostile-canary-0001");
    expect(chatRequests(server).length).toBeLessThanOrEqual(4);
  } finally {
    await server.close();
  }
});
