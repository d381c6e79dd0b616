import { GenerateOperator, type JSONSchema, OperatorRegistry, registerCoreOperators, runOperator } from "@dataflow/core";
import { type ChatServer, type ChatServerOptions, startChatServer } from "@dataflow/llm-serving/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createServing } from "../create-serving.js";

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serving(options: ChatServerOptions, maxConcurrency = 4) {
  server = await startChatServer(options);
  const s = createServing(
    "llm",
    {
      type: "openai",
      model: "tiny",
      baseURL: server.url,
      apiKeyEnv: "OPENAI_API_KEY",
      maxConcurrency,
      timeoutMs: 5_000,
      maxRetries: 2,
    },
    { env: {}, retry: { baseDelayMs: 5, maxDelayMs: 20 } },
  );
  return { server, serving: s };
}

const labelSchema: JSONSchema = {
  type: "object",
  properties: { label: { enum: ["positive", "negative"] } },
  required: ["label"],
};

describe("llm/generate", () => {
  it("ships with core, needs a serving and reads its placeholders", () => {
    const registry = new OperatorRegistry();
    registerCoreOperators(registry);
    expect(registry.origin("llm/generate")).toBe("@dataflow/core");
    const { spec } = GenerateOperator;
    expect(spec.serving).toBe("required");
    expect(spec.concurrency).toBeUndefined();
    expect(
      spec.columns?.({
        prompt: "Q: {{question}} {{ text }}",
        system: "You are {{persona}}.",
        maxAttempts: 3,
      }),
    ).toEqual({
      reads: [
        { column: "question", path: ["params", "prompt"] },
        { column: "text", path: ["params", "prompt"] },
        { column: "persona", path: ["params", "system"] },
      ],
    });
  });

  it("renders the prompt, asks the serving and writes the text", async () => {
    const { server: s, serving: llm } = await serving({
      defaultReply: (req) => `answer to ${req.messages.at(-1)?.content}`,
    });
    const result = await runOperator(GenerateOperator, [{ q: "one" }, { q: 2 }], {
      params: { prompt: "Q: {{q}}", system: "Be brief.", temperature: 0, seed: 1 },
      serving: llm,
    });
    expect(result.rows).toEqual([
      { q: "one", output: "answer to Q: one" },
      { q: 2, output: "answer to Q: 2" },
    ]);
    expect(s.requests[0]?.body).toMatchObject({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Q: one" },
      ],
      temperature: 0,
      seed: 1,
    });
    expect(llm.usage().byTag.test).toMatchObject({ requests: 2 });
  });

  it("writes the validated object, and reasoning only when there is some", async () => {
    const { serving: llm } = await serving({
      rules: [
        { match: "great", reply: '<think>upbeat</think>```json\n{"label": "positive"}\n```' },
        { match: "awful", reply: '{"label": "negative"}' },
      ],
    });
    const result = await runOperator(GenerateOperator, [{ text: "great" }, { text: "awful" }], {
      params: { prompt: "Review: {{text}}", schema: labelSchema },
      outputs: { output: "sentiment", reasoning: "why" },
      serving: llm,
    });
    expect(result.rows).toEqual([
      { text: "great", sentiment: { label: "positive" }, why: "upbeat" },
      { text: "awful", sentiment: { label: "negative" } },
    ]);
  });

  it("asks again on bad output up to maxAttempts, then rejects the row with the raw output", async () => {
    const { server: s, serving: llm } = await serving({
      rules: [
        { match: "second", reply: "no idea", times: 1 },
        { match: "second", reply: '{"label": "positive"}' },
        { match: "never", reply: "I refuse." },
      ],
    });
    const result = await runOperator(GenerateOperator, [{ t: "second" }, { t: "never" }], {
      params: { prompt: "{{t}}", schema: labelSchema, maxAttempts: 3 },
      serving: llm,
    });
    expect(result.rows).toEqual([{ t: "second", output: { label: "positive" } }]);
    expect(result.rejected).toEqual([
      { id: "2", type: "bad-output", message: expect.stringContaining("no JSON found"), raw: "I refuse." },
    ]);
    expect(result.counters.bad_output_retries).toBe(3);
    expect(s.requests).toHaveLength(5);
  });

  it("rejects a row whose request fails, typed, and one missing a column without a request", async () => {
    const { server: s, serving: llm } = await serving({
      rules: [{ match: "boom", fault: { status: 400, message: "context length exceeded" } }],
    });
    const result = await runOperator(GenerateOperator, [{ t: "fine" }, { t: "boom" }, { other: 1 }], {
      params: { prompt: "{{t}}" },
      serving: llm,
    });
    expect(result.rows).toEqual([{ t: "fine", output: "fine" }]);
    expect(result.rejected.map((r) => [r.id, r.type]).sort()).toEqual([
      ["2", "bad-request"],
      ["3", "bad-input"],
    ]);
    expect(s.requests).toHaveLength(2);
  });

  it("runs as many rows at once as the serving allows", async () => {
    const { server: s, serving: llm } = await serving({ latencyMs: 30 }, 6);
    const rows = Array.from({ length: 30 }, (_, i) => ({ i }));
    const result = await runOperator(GenerateOperator, rows, { params: { prompt: "n{{i}}" }, serving: llm });
    expect(result.rows.map((r) => r.output)).toEqual(rows.map((r) => `n${r.i}`));
    expect(s.maxInFlight).toBe(6);
  });

  it("fails the step on an invalid schema before any request", async () => {
    const { server: s, serving: llm } = await serving({});
    await expect(
      runOperator(GenerateOperator, [{ t: 1 }], {
        params: { prompt: "{{t}}", schema: { type: "nonsense" } },
        serving: llm,
      }),
    ).rejects.toThrow(/params.schema: invalid JSON Schema/);
    expect(s.requests).toHaveLength(0);
  });
});
