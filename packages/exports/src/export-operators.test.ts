import { readFileSync } from "node:fs";
import { runOperator } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { OpenAIChatExportOperator } from "./openai-chat-operator.js";
import { toReaRag } from "./rearag.js";
import { ReaRagExportOperator } from "./rearag-operator.js";
import { ShareGptExportOperator } from "./sharegpt-operator.js";
import { toTrl } from "./trl.js";
import { TrlExportOperator } from "./trl-operator.js";

const read = (name: string) =>
  JSON.parse(readFileSync(new URL(`./testdata/${name}`, import.meta.url), "utf8"));
const rare = read("rare.input.json") as Record<string, unknown>;
const trajectory = read("trajectory.input.json") as { messages: Record<string, string>[] } & Record<
  string,
  unknown
>;
const noisy = read("noisy-context.input.json") as Record<string, unknown>;
const unanswerable = read("noisy-context-unanswerable.input.json") as Record<string, unknown>;

/** The run wrote nothing and rejected its one row as bad input with `message`. */
function expectBadInput(r: { rows: unknown[]; rejected: unknown[] }, message: string): void {
  expect(r.rows).toEqual([]);
  expect(r.rejected).toEqual([{ id: "1", type: "bad-input", message }]);
}

describe("export operators: bad rows are rejected with the reason", () => {
  it("names every missing or mistyped column of the row's kind", async () => {
    const r = await runOperator(
      OpenAIChatExportOperator,
      [{ question: "Why?", documents: "one text", answer: 3 }],
      {
        params: { from: "rare" },
      },
    );
    expectBadInput(
      r,
      'column "documents" must be a non-empty list of texts (the documents in the order the teacher saw them), got a string; ' +
        'column "reasoning" is missing: it should hold the teacher\'s reasoning; ' +
        'column "answer" must be a non-empty string or null (the teacher\'s answer, or null when it marked none), got a number',
    );
  });

  it("reads bound ports and names the bound column when it is missing", async () => {
    const { question, documents, ...rest } = rare;
    const inputs = { question: "q", documents: "docs" };
    const ok = await runOperator(TrlExportOperator, [{ ...rest, q: question, docs: documents }], {
      params: { from: "rare" },
      inputs,
    });
    expect(ok.rows).toEqual([read("trl.rare.expected.json")]);
    const bad = await runOperator(TrlExportOperator, [{ ...rest, docs: documents }], {
      params: { from: "rare" },
      inputs,
    });
    expect(bad.rejected[0]?.message).toBe(
      'column "q" (port question) is missing: it should hold the question',
    );
  });

  it("checks noisy-context rows' answerable flag and answer", async () => {
    const { answerable: _, ...noFlag } = noisy;
    const r = await runOperator(
      ShareGptExportOperator,
      [noFlag, { ...noisy, answerable: "yes" }, { ...noisy, answer: null }, { ...unanswerable, answer: 42 }],
      { params: { from: "noisy-context" } },
    );
    expect(r.rejected.map((x) => x.message)).toEqual([
      'column "answerable" is missing: it should hold whether the passages hold the answer, null when unknown',
      'column "answerable" must be true, false or null (whether the passages hold the answer, null when unknown), got a string',
      'column "answer" must be a non-empty string (the gold answer), got null',
    ]);
    // An unanswerable row trains the refusal whatever its answer column holds.
    expect(r.rows).toEqual([read("sharegpt.noisy-context-unanswerable.expected.json")]);
  });

  it("trains the answer of a row whose answerability is unknown, and counts it", async () => {
    const r = await runOperator(ShareGptExportOperator, [{ ...noisy, answerable: null }], {
      params: { from: "noisy-context" },
    });
    expect(r.rows).toEqual([read("sharegpt.noisy-context.expected.json")]);
    expect(r.counters).toEqual({ answerable_unknown: 1 });
  });

  it("rejects a trajectory that breaks ReaRAG's rules, in every format", async () => {
    const [q, s1, o1, , o2, s3] = trajectory.messages;
    // Two observations in a row would also break ShareGPT's alternation (observation at an even turn).
    const broken = { messages: [q, s1, o1, o2, s3] };
    for (const op of [
      OpenAIChatExportOperator,
      ShareGptExportOperator,
      TrlExportOperator,
      ReaRagExportOperator,
    ]) {
      const r = await runOperator(op, [broken], { params: { from: "trajectory" } });
      expectBadInput(
        r,
        'column "messages": the trajectory breaks ReaRAG\'s rules: message 4 is an observation after another observation; ' +
          'observations only follow a search; message 5 is "Thought 3" where step 2 was expected (numbers run 1, 2, 3… without gaps)',
      );
    }
  });

  it("rejects a record its format's schema refuses with the validator's errors, never writing it", async () => {
    const r = await runOperator(
      OpenAIChatExportOperator,
      [rare, { ...rare, reasoning: "  ", answer: null }],
      {
        params: { from: "rare" },
      },
    );
    expect(r.rows).toEqual([read("openai-chat.rare.expected.json")]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({
      id: "2",
      type: "invalid-record",
      message:
        "the openai-chat record does not match its format: /messages/1/content must NOT have fewer than 1 characters; " +
        "/messages/1 must have required property 'tool_calls'; /messages/1 must match a schema in anyOf",
    });
    expect(JSON.parse(r.rejected[0]?.raw as string).messages[1]).toEqual({
      role: "assistant",
      content: "",
      weight: 1,
    });
  });

  it("accounts for every row, in order", async () => {
    const r = await runOperator(TrlExportOperator, [noisy, { query: "q" }, unanswerable, noisy], {
      params: { from: "noisy-context" },
      concurrency: 2,
    });
    expect(r.records.map((x) => x.id)).toEqual(["1", "3", "4"]);
    expect(r.rejected.map((x) => x.id)).toEqual(["2"]);
    expect(r.counters).toEqual({ refusal_targets: 1 });
    expect(r.observed.target_chars).toHaveLength(3);
  });
});

describe("export operators: keep and the columns they leave", () => {
  it("writes only the format's fields unless keep names more", async () => {
    const plain = await runOperator(OpenAIChatExportOperator, [noisy], { params: { from: "noisy-context" } });
    expect(Object.keys(plain.rows[0] ?? {})).toEqual(["messages"]);
    const kept = await runOperator(OpenAIChatExportOperator, [noisy], {
      params: { from: "noisy-context", keep: ["id", "task_type", "passage_meta"] },
    });
    expect(kept.rows[0]).toEqual({
      ...read("openai-chat.noisy-context.expected.json"),
      id: noisy.id,
      task_type: noisy.task_type,
      passage_meta: noisy.passage_meta,
    });
    expect(Object.keys(kept.rows[0] ?? {})).toEqual(["messages", "id", "task_type", "passage_meta"]);
  });

  it("rejects a row without a kept column", async () => {
    const { id: _, ...noId } = noisy;
    const r = await runOperator(ShareGptExportOperator, [noId], {
      params: { from: "noisy-context", keep: ["id"] },
    });
    expect(r.rejected).toEqual([
      { id: "1", type: "bad-input", message: 'column "id" (listed in keep) missing from the row' },
    ]);
  });

  it("declares what it reads, keeps and writes for the compiler", () => {
    expect(OpenAIChatExportOperator.spec.columns?.({ from: "rare", keep: ["id"] })).toEqual({
      reads: [{ column: "id", path: ["params", "keep", 0] }],
      keepOnly: [{ column: "id", path: ["params", "keep", 0] }],
      writes: [{ column: "messages", path: ["op"] }],
      requiresInputs: ["question", "documents", "reasoning", "answer"],
    });
    const writes = (effects: { writes?: { column: string }[] } | undefined) =>
      effects?.writes?.map((w) => w.column);
    expect(
      writes(
        OpenAIChatExportOperator.spec.columns?.({ from: "trajectory", keep: [], observationAs: "tool" }),
      ),
    ).toEqual(["messages", "tools"]);
    expect(writes(ShareGptExportOperator.spec.columns?.({ from: "rare", keep: [], system: "s" }))).toEqual([
      "conversations",
      "system",
    ]);
    expect(writes(TrlExportOperator.spec.columns?.({ from: "rare", keep: [], layout: "auto" }))).toEqual([
      "prompt",
      "completion",
    ]);
    expect(
      writes(TrlExportOperator.spec.columns?.({ from: "trajectory", keep: [], layout: "auto" })),
    ).toEqual(["messages"]);
    expect(
      writes(ReaRagExportOperator.spec.columns?.({ from: "trajectory", keep: [], maxSteps: 25 })),
    ).toEqual(["messages"]);
  });

  it("refuses to keep a column the record writes", async () => {
    expect(() =>
      TrlExportOperator.spec.columns?.({ from: "rare", keep: ["prompt"], layout: "auto" }),
    ).toThrow(
      'keep lists "prompt", which the trl record writes; rename that column in an earlier step to carry it',
    );
    await expect(
      runOperator(OpenAIChatExportOperator, [trajectory], {
        params: { from: "trajectory", keep: ["messages"] },
      }),
    ).rejects.toThrow('keep lists "messages", which the openai-chat record writes');
  });
});

describe("export operators: params", () => {
  it("refuses options that do not fit the row kind, before any row", async () => {
    await expect(
      runOperator(OpenAIChatExportOperator, [rare], {
        params: { from: "rare", observationAs: "tool", userContent: "bare-question" },
      }),
    ).rejects.toThrow(
      "openai-chat export options: userContent applies only to from: trajectory (this step exports from: rare); " +
        "observationAs applies only to from: trajectory (this step exports from: rare)",
    );
    await expect(
      runOperator(TrlExportOperator, [trajectory], {
        params: { from: "trajectory", layout: "prompt-completion" },
      }),
    ).rejects.toThrow(/layout "prompt-completion" cannot hold a trajectory/);
    await expect(
      runOperator(ShareGptExportOperator, [trajectory], {
        params: { from: "trajectory", instruction: "Be brief." },
      }),
    ).rejects.toThrow("instruction applies only to from: rare, rare-qa and noisy-context");
    expect(() => ShareGptExportOperator.spec.columns?.({ from: "rare", keep: [], refusal: "No." })).toThrow(
      "sharegpt export options: refusal applies only to from: noisy-context (this step exports from: rare)",
    );
  });

  it("plain functions check option values the params schema would", () => {
    expect(() =>
      toTrl(trajectory, { from: "trajectory", observationAs: "function" as never, layout: "chat" as never }),
    ).toThrow(
      'trl export options: observationAs must be one of "user", "tool", got "function"; layout must be one of "auto", "messages", "prompt-completion", got "chat"',
    );
    expect(() => toReaRag(rare, { from: "rare" as never })).toThrow(
      "rearag export options: the ReaRAG format holds trajectories only (from: trajectory), not from: rare",
    );
  });

  it("checks params against the schema", async () => {
    await expect(runOperator(ShareGptExportOperator, [], { params: {} })).rejects.toThrow(
      /must have required property 'from'/,
    );
    await expect(runOperator(ReaRagExportOperator, [], { params: { from: "rare" } })).rejects.toThrow(
      /\/from must be equal to one of the allowed values/,
    );
    await expect(
      runOperator(OpenAIChatExportOperator, [], {
        params: { from: "trajectory", observationAs: "observation" },
      }),
    ).rejects.toThrow(/\/observationAs must be equal to one of the allowed values/);
  });

  it("uses a custom instruction and refusal", async () => {
    const r = await runOperator(TrlExportOperator, [unanswerable], {
      params: {
        from: "noisy-context",
        instruction: "Answer from the documents.",
        refusal: "Not in the documents.",
      },
    });
    const row = r.rows[0] as { prompt: { content: string }[]; completion: { content: string }[] };
    expect(row.prompt[0]?.content.endsWith("\n\nAnswer from the documents.")).toBe(true);
    expect(row.completion).toEqual([{ role: "assistant", content: "Not in the documents." }]);
  });

  it("bounds ReaRAG trajectories by maxSteps", async () => {
    const r = await runOperator(ReaRagExportOperator, [trajectory], {
      params: { from: "trajectory", maxSteps: 2 },
    });
    expect(r.rejected).toEqual([
      { id: "1", type: "bad-input", message: "the trajectory has 3 steps, more than maxSteps (2)" },
    ]);
    const ok = await runOperator(ReaRagExportOperator, [trajectory], { params: { from: "trajectory" } });
    expect(ok.observed.steps_per_trajectory).toEqual([3]);
  });
});
