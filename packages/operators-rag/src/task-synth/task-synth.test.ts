import { runOperator } from "@dataflow/core";
import type { ChatRequestInfo, ChatServer, ChatServerOptions } from "@dataflow/llm-serving/testing";
import { chatRequests, lastUserMessage, loopbackServing } from "@dataflow/llm-serving/testing";
import { Bm25Retriever } from "@dataflow/retrieval";
import { afterEach, describe, expect, it } from "vitest";
import { TaskSynthOperator } from "./task-synth.js";
import { TASK_TYPES } from "./task-types.js";

const DOCS = [
  {
    id: "swarm",
    text:
      "A honey bee colony that runs out of space in late spring starts raising new queens and prepares to " +
      "swarm: about half the workers leave with the old queen.",
  },
  {
    id: "split",
    text:
      "Beekeepers delay swarming by adding boxes before the brood nest is crowded, by removing capped queen " +
      "cells, or by splitting the colony into two hives.",
  },
  {
    id: "varroa",
    text:
      "Varroa mites feed on developing bees; a colony with more than three mites per hundred bees in August " +
      "needs treatment before winter bees are raised.",
  },
  {
    id: "chain",
    text: "A worn bicycle chain stretches and skips on the cassette under load; replace it at 0.5% elongation.",
  },
];

const GOOD_QUERY = "How can a beekeeper stop a crowded colony from swarming in May?";
const GOOD_ANSWER =
  "Add boxes before the brood nest is crowded, remove capped queen cells, or split the colony.";
const GOOD = JSON.stringify({ query: GOOD_QUERY, answer: GOOD_ANSWER });

/** A plausible answer for whatever task type the prompt asks for. */
function replyFor(req: ChatRequestInfo): string {
  const type = /Write ONE (\S+) task/.exec(req.prompt)?.[1] ?? "unknown";
  if (type === "fact-verification") {
    const verdict = /so the verdict is '(\w+)'/.exec(req.prompt)?.[1] ?? "Supported";
    return JSON.stringify({
      query: "Is it true that swarming colonies leave with the old queen?",
      answer: `${verdict}. About half the workers leave with the old queen.`,
    });
  }
  return JSON.stringify({
    query: `A ${type} request about swarm control in honey bees?`,
    answer: GOOD_ANSWER,
  });
}

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function run(
  replies: ChatServerOptions,
  params: Record<string, unknown> = {},
  rows: { id: string; row: Record<string, unknown> }[] = [{ id: "swarm", row: { text: DOCS[0]?.text } }],
  retriever?: Bm25Retriever,
) {
  const s = await loopbackServing(replies);
  server = s.server;
  const r = await runOperator(TaskSynthOperator, rows, {
    params,
    serving: s.serving,
    ...(retriever ? { retriever } : {}),
  });
  return { ...r, requests: chatRequests(s.server) };
}

function manyRows(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    id: `doc-${i}`,
    row: { text: `${DOCS[i % 3]?.text} (copy ${i})` },
  }));
}

describe("rag/task-synth", () => {
  it("declares a required serving, an optional retriever and its five output ports", () => {
    const { spec } = TaskSynthOperator;
    expect(spec.name).toBe("rag/task-synth");
    expect(spec.serving).toBe("required");
    expect(spec.retriever).toBe("optional");
    expect(Object.fromEntries(Object.entries(spec.outputs).map(([k, v]) => [k, v.column]))).toEqual({
      task_type: "task_type",
      query: "query",
      answer: "answer",
      gold_ids: "gold_ids",
      gold_passages: "gold_passages",
    });
  });

  it("writes the task, the query, the answer and the row's own id and text as gold", async () => {
    const r = await run({ defaultReply: GOOD }, { taskMix: { "open-ended-advice": 1 }, temperature: 0.4 });
    expect(r.rejected).toEqual([]);
    expect(r.rows).toEqual([
      {
        text: DOCS[0]?.text,
        task_type: "open-ended-advice",
        query: GOOD_QUERY,
        answer: GOOD_ANSWER,
        gold_ids: ["swarm"],
        gold_passages: [DOCS[0]?.text],
      },
    ]);
    expect(r.observed.query_chars).toEqual([GOOD_QUERY.length]);
    expect(r.counters["task:open-ended-advice"]).toBe(1);
    const body = r.requests[0]?.body as Record<string, unknown>;
    expect(body.temperature).toBe(0.4);
    expect(JSON.stringify(body.response_format)).toContain("query");
    const prompt = lastUserMessage(body);
    expect(prompt).toContain("Write ONE open-ended-advice task");
    expect(prompt).toContain(DOCS[0]?.text);
    expect(prompt).toMatch(/Write the answer as (a well-organised answer|a bulleted list)/);
  });

  it("draws task types reproducibly by (seed, row id), in proportion to taskMix", async () => {
    const rows = manyRows(120);
    const params = { taskMix: { "factoid-qa": 3, summarisation: 1, unanswerable: 0 } };
    const a = await run({ defaultReply: replyFor }, params, rows);
    const types = new Map(a.records.map((rec) => [rec.id, rec.row.task_type]));
    // Same seed, rows in another order: every row keeps its task type.
    const b = await run({ defaultReply: replyFor }, params, [...rows].reverse());
    for (const rec of b.records) expect(rec.row.task_type, rec.id).toBe(types.get(rec.id));
    // Another seed changes the draws.
    const c = await run({ defaultReply: replyFor }, { ...params, seed: 9 }, rows);
    const changed = c.records.filter((rec) => rec.row.task_type !== types.get(rec.id)).length;
    expect(changed).toBeGreaterThan(20);

    const factoid = a.counters["task:factoid-qa"] ?? 0;
    const summaries = a.counters["task:summarisation"] ?? 0;
    expect(factoid + summaries).toBe(120);
    expect(a.counters["task:unanswerable"]).toBeUndefined();
    // 3:1 → 90 expected (sd ≈ 4.7); the fixed-seed draws land well inside ±20.
    expect(factoid).toBeGreaterThan(70);
    expect(factoid).toBeLessThan(110);
    // The default mix draws every task type somewhere in 120 rows.
    const d = await run({ defaultReply: replyFor }, {}, rows);
    expect(d.rejected).toEqual([]);
    const drawn = TASK_TYPES.filter((t) => (d.counters[`task:${t}`] ?? 0) > 0);
    // Without a retriever the two-document types fall back, so only the six single-document ones remain.
    expect(drawn.sort()).toEqual(
      [
        "extraction",
        "fact-verification",
        "factoid-qa",
        "open-ended-advice",
        "summarisation",
        "unanswerable",
      ].sort(),
    );
    expect((d.counters.fallback_no_retriever ?? 0) > 0).toBe(true);
  });

  it("pairs a multi-hop row with the best-ranked other passage of the retriever, skipping copies of itself", async () => {
    // "swarm-copy" repeats the row's text under another id: the same text never counts as a second document.
    const corpus = [...DOCS, { id: "swarm-copy", text: `  ${DOCS[0]?.text}\n` }];
    const retriever = new Bm25Retriever({
      name: "docs",
      corpus: { ids: corpus.map((d) => d.id), texts: corpus.map((d) => d.text) },
    });
    const r = await run(
      { defaultReply: GOOD },
      { taskMix: { "multi-hop-qa": 1 } },
      [{ id: "swarm", row: { text: DOCS[0]?.text } }],
      retriever,
    );
    expect(r.rejected).toEqual([]);
    expect(r.rows[0]).toMatchObject({
      task_type: "multi-hop-qa",
      gold_ids: ["swarm", "split"],
      gold_passages: [DOCS[0]?.text, DOCS[1]?.text],
    });
    expect(r.counters.neighbour_same_text_skipped).toBe(1);
    const prompt = lastUserMessage(r.requests[0]?.body);
    expect(prompt).toContain(`<document id="A">\n${DOCS[0]?.text}\n</document>`);
    expect(prompt).toContain(`<document id="B">\n${DOCS[1]?.text}\n</document>`);
  });

  it("falls back to a single-document type, drawn from the mix, when no second document is found", async () => {
    const lonely = new Bm25Retriever({
      name: "one",
      corpus: { ids: ["swarm"], texts: [DOCS[0]?.text ?? ""] },
    });
    const r = await run(
      { defaultReply: GOOD },
      { taskMix: { comparison: 1, summarisation: 1 } },
      manyRows(12).map((rec) => ({ ...rec, row: { text: DOCS[0]?.text } })),
      lonely,
    );
    expect(r.rejected).toEqual([]);
    expect(r.rows.every((row) => row.task_type === "summarisation")).toBe(true);
    expect(r.counters.fallback_no_second_document).toBeGreaterThan(0);
    expect(r.counters["task:summarisation"]).toBe(12);

    // A mix of two-document types only falls back to factoid QA.
    const alone = await run({ defaultReply: GOOD }, { taskMix: { comparison: 1 } });
    expect(alone.rows[0]).toMatchObject({ task_type: "factoid-qa", gold_ids: ["swarm"] });
    expect(alone.counters.fallback_no_retriever).toBe(1);
  });

  it("asks again after bad JSON and keeps the first valid answer", async () => {
    const r = await run(
      {
        rules: [
          { reply: "Sure! Here is a task: query = how do bees swarm", times: 1 },
          { reply: JSON.stringify({ query: GOOD_QUERY }), times: 1 },
        ],
        defaultReply: GOOD,
      },
      { taskMix: { "factoid-qa": 1 } },
    );
    expect(r.rejected).toEqual([]);
    expect(r.rows[0]).toMatchObject({ query: GOOD_QUERY, answer: GOOD_ANSWER });
    expect(r.requests).toHaveLength(3);
    expect(r.counters.bad_output_retries).toBe(2);
    expect(lastUserMessage(r.requests[2]?.body)).toMatch(/previous reply could not be used \(.*answer/);
  });

  it("rejects a query that refers to the document after maxAttempts, with the raw output", async () => {
    const referring = JSON.stringify({
      query: "According to the passage, when do bees swarm?",
      answer: "In spring.",
    });
    const r = await run({ defaultReply: referring }, { taskMix: { "factoid-qa": 1 } });
    expect(r.rows).toEqual([]);
    expect(r.requests).toHaveLength(3);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({ id: "swarm", type: "bad-output", raw: referring });
    expect(r.rejected[0]?.message).toMatch(
      /refers to its source documents \("the passage"\).*after 3 attempts/,
    );
    expect(lastUserMessage(r.requests[1]?.body)).toContain("refers to its source documents");

    const empty = await run(
      { defaultReply: JSON.stringify({ query: GOOD_QUERY, answer: "  " }) },
      { maxAttempts: 2, taskMix: { "factoid-qa": 1 } },
    );
    expect(empty.requests).toHaveLength(2);
    expect(empty.rejected[0]?.message).toMatch(/the answer is empty \(after 2 attempts\)/);
  });

  it("asks for a balanced verdict in fact verification and refuses answers without one", async () => {
    const noVerdict = JSON.stringify({
      query: "Is it true that bees swarm in autumn?",
      answer: "Bees swarm in spring.",
    });
    const r = await run(
      { rules: [{ reply: noVerdict, times: 1 }], defaultReply: replyFor },
      { taskMix: { "fact-verification": 1 } },
      manyRows(40),
    );
    expect(r.rejected).toEqual([]);
    expect(r.counters.bad_output_retries).toBe(1);
    expect(lastUserMessage(r.requests[1]?.body)).toContain("verdict");
    const supported = r.counters["verdict:supported"] ?? 0;
    const refuted = r.counters["verdict:refuted"] ?? 0;
    expect(supported + refuted).toBe(40);
    expect(supported).toBeGreaterThan(8);
    expect(refuted).toBeGreaterThan(8);
    expect(r.counters.verdict_differs_from_target).toBeUndefined();
  });

  it("writes a structured extraction answer as JSON text, in a format the mix allows", async () => {
    const items = [{ method: "add boxes" }, { method: "remove queen cells" }, { method: "split" }];
    const r = await run(
      {
        defaultReply: JSON.stringify({
          query: "List every swarm-control method for honey bees as JSON.",
          answer: items,
        }),
      },
      { taskMix: { extraction: 1 }, answerFormat: { json: 1, "long-form": 5 } },
    );
    expect(r.rows[0]?.answer).toBe(JSON.stringify(items, null, 2));
    expect(r.counters["answer_format:json"]).toBe(1);
    expect(lastUserMessage(r.requests[0]?.body)).toContain("Write the answer as a JSON value");
  });

  it("filters short documents, rejects non-text, and refuses a mix without weight", async () => {
    const r = await run({ defaultReply: GOOD }, {}, [
      { id: "a", row: { text: "Too short." } },
      { id: "b", row: { text: 7 } },
    ]);
    expect(r.filtered).toEqual([{ id: "a", reason: "document shorter than minDocChars" }]);
    expect(r.rejected).toEqual([
      {
        id: "b",
        type: "bad-input",
        message: 'column "text" must hold the document as a string, got a number',
      },
    ]);
    expect(r.requests).toHaveLength(0);
    await expect(run({ defaultReply: GOOD }, { taskMix: { "factoid-qa": 0 } })).rejects.toThrow(
      /taskMix gives no task type a positive weight/,
    );
  });

  it("takes its prompt from the step's params, and refuses unknown placeholders", async () => {
    const prompt = {
      system: "Du schreibst Trainingsdaten.",
      user: "Aufgabe {{task_type}} auf {{language}}:\n{{task_rules}}\n{{documents}}",
    };
    const r = await run(
      { defaultReply: GOOD },
      { prompt, language: "Deutsch", taskMix: { "factoid-qa": 1 } },
    );
    const messages =
      (r.requests[0]?.body as { messages: { role: string; content: string }[] } | undefined)?.messages ?? [];
    expect(messages[0]).toEqual({ role: "system", content: "Du schreibst Trainingsdaten." });
    expect(messages[1]?.content).toMatch(/^Aufgabe factoid-qa auf Deutsch:\n- /);
    expect(messages[1]?.content).toContain(`<document>\n${DOCS[0]?.text}\n</document>`);
    expect(r.rows[0]).toMatchObject({ query: GOOD_QUERY, task_type: "factoid-qa" });
    await expect(
      runOperator(TaskSynthOperator, [], { params: { prompt: { user: "{{text}}" } } }),
    ).rejects.toThrow(/\/prompt\/user unknown placeholder \{\{text\}\}/);
  });
});
