import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  MemoryStorage,
  OperatorRegistry,
  compilePipeline,
  registerCoreOperators,
  runPipeline,
} from "@dataflow/core";
import { type ChatServer, startChatServer } from "@dataflow/llm-serving/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createServing } from "./create-serving.js";
import { register } from "./register.js";

let server: ChatServer | undefined;
let cacheDir: string | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  cacheDir = undefined;
});

const pipeline = (type: string) => `
name: label-reviews
source: { path: reviews.jsonl, columns: [id, text] }
output: { path: out.jsonl }
servings:
  llm: { type: ${type}, model: tiny, temperature: 0, maxConcurrency: 4 }
steps:
  - id: label
    op: llm/generate
    serving: llm
    outputs: { output: sentiment }
    params:
      system: You label reviews.
      prompt: "Review: {{text}}"
      schema:
        type: object
        properties: { label: { enum: [positive, negative] } }
        required: [label]
  - id: render
    op: core/template
    params: { template: "{{id}}: {{sentiment}}" }
`;

// Wired as the CLI would: the plan's servings built by createServing with OPENAI_BASE_URL set.
describe.each(["openai", "ai-sdk", "auto"])("a pipeline with llm/generate on a %s serving", (type) => {
  it("runs against the loopback server, and a second run is answered from the cache", async () => {
    server = await startChatServer({
      rules: [
        { match: "loved", reply: '<think>warm words</think>{"label": "positive"}' },
        { match: "broke", reply: 'Sure: ```json\n{"label": "negative"}\n```' },
      ],
    });
    cacheDir = await mkdtemp(join(tmpdir(), "dataflow-pipeline-"));
    const env = { OPENAI_BASE_URL: server.url };
    const registry = new OperatorRegistry();
    registerCoreOperators(registry);
    registry.use({ register }, "@dataflow/llm-serving");
    const { plan, diagnostics } = await compilePipeline(pipeline(type), "/virtual/label.yaml", {
      registry,
      env,
    });
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    if (!plan) throw new Error("no plan");

    const run = async () => {
      const servings = Object.fromEntries(
        Object.entries(plan.servings).map(([name, config]) => [
          name,
          createServing(name, config, { env, cacheDir }),
        ]),
      );
      const storage = new MemoryStorage([
        { id: 1, text: "I loved it" },
        { id: 2, text: "It broke on day two" },
      ]);
      const summary = await runPipeline({ plan, storage, servings });
      return { summary, storage };
    };

    const first = await run();
    expect(first.summary.status).toBe("ok");
    expect(first.storage.output.map((r) => r.row.output)).toEqual([
      '1: {"label":"positive"}',
      '2: {"label":"negative"}',
    ]);
    expect(first.storage.output[0]?.row.reasoning).toBe("warm words");
    expect(server.requests).toHaveLength(2);
    expect(first.summary.usage).toMatchObject({ requests: 2, cached: 0 });

    const second = await run();
    expect(second.summary.status).toBe("ok");
    expect(second.storage.output.map((r) => r.row.sentiment)).toEqual([
      { label: "positive" },
      { label: "negative" },
    ]);
    expect(server.requests).toHaveLength(2);
    expect(second.summary.usage).toMatchObject({ requests: 0, cached: 2 });
  });
});
