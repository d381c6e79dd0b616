import { OperatorRegistry, runOperator } from "@dataflow/core";
import type { ChatServer } from "@dataflow/llm-serving/testing";
import { chatRequests, lastUserMessage, loopbackServing } from "@dataflow/llm-serving/testing";
import { afterEach, describe, expect, it } from "vitest";
import { Doc2QueryOperator } from "./doc2query.js";
import { register } from "./index.js";

const DOC =
  "A honey bee colony that runs out of space in late spring starts raising new queens and prepares to " +
  "swarm: about half the workers leave with the old queen. Beekeepers delay swarming by adding boxes " +
  "before the brood nest is crowded, by removing capped queen cells, or by splitting the colony.";

const SCENARIO =
  "In May a beekeeper opens a strong colony and finds the brood box full and three capped queen cells.";
const QUESTION =
  "Which intervention best keeps the colony's honey crop, and what risks does each option carry?";
const GOOD = JSON.stringify({ scenario: SCENARIO, question: QUESTION });

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function run(
  replies: Parameters<typeof loopbackServing>[0],
  params: Record<string, unknown> = {},
  rows = [{ text: DOC }],
) {
  const s = await loopbackServing(replies);
  server = s.server;
  const r = await runOperator(Doc2QueryOperator, rows, { params, serving: s.serving });
  return { ...r, requests: chatRequests(s.server) };
}

describe("rare/doc2query", () => {
  it("is registered by the plugin as an LLM operator with question and scenario ports", () => {
    const registry = new OperatorRegistry();
    register(registry);
    expect(registry.origin("rare/doc2query")).toBe("@dataflow/operators-rare");
    const { spec } = Doc2QueryOperator;
    expect(spec.serving).toBe("required");
    expect(Object.keys(spec.outputs)).toEqual(["question", "scenario"]);
  });

  it("reads a plain JSON answer and records the question length", async () => {
    const r = await run({ defaultReply: GOOD }, { temperature: 0.3, seed: 7, maxTokens: 600 });
    expect(r.rows).toEqual([{ text: DOC, scenario: SCENARIO, question: QUESTION }]);
    expect(r.observed.question_chars).toEqual([QUESTION.length]);
    expect(r.requests).toHaveLength(1);
    const body = r.requests[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({ temperature: 0.3, seed: 7 });
    // Structured output is requested; the document is in the prompt, with no template artefacts.
    expect(JSON.stringify(body.response_format)).toContain("question");
    const prompt = lastUserMessage(body);
    expect(prompt).toContain(DOC);
    expect(prompt).not.toContain("{{");
    expect(prompt).toContain("in English");
  });

  it("takes JSON from a fence, after leading reasoning, and after <think> blocks", async () => {
    const replies = [
      `Here is the problem:\n\`\`\`json\n${GOOD}\n\`\`\`\nGood luck!`,
      `The field is apiculture; the core idea is swarm control. A good problem weighs interventions.\n\n${GOOD}`,
      `<think>The document is about swarming. I should not mention it.</think>\n${GOOD}`,
      // The ReasonIR-style wrapper: the object inside it is taken.
      JSON.stringify({ hard_query: { scenario: SCENARIO, question: QUESTION } }),
    ];
    for (const reply of replies) {
      const r = await run({ defaultReply: reply });
      expect(r.rows, reply).toEqual([{ text: DOC, scenario: SCENARIO, question: QUESTION }]);
      expect(r.rejected).toEqual([]);
      await server?.close();
    }
  });

  it("rejects the row with the raw output after maxAttempts invalid answers, calling exactly maxAttempts times", async () => {
    for (const maxAttempts of [1, 3]) {
      const raw = "I think the best question is about swarming, but I will not format it {as asked";
      const r = await run({ defaultReply: raw }, { maxAttempts });
      expect(r.rows).toEqual([]);
      expect(r.requests).toHaveLength(maxAttempts);
      expect(r.rejected).toHaveLength(1);
      expect(r.rejected[0]).toMatchObject({ id: "1", type: "bad-output", raw });
      expect(r.rejected[0]?.message).toMatch(new RegExp(`after ${maxAttempts} attempts?`));
      expect(r.counters.bad_output_retries ?? 0).toBe(maxAttempts - 1);
      await server?.close();
    }
  });

  it("asks again after schema-invalid JSON and keeps the first valid answer", async () => {
    const r = await run({
      rules: [
        { reply: JSON.stringify({ scenario: SCENARIO }), times: 1 },
        { reply: JSON.stringify({ scenario: SCENARIO, question: 42 }), times: 1 },
      ],
      defaultReply: GOOD,
    });
    expect(r.rows).toEqual([{ text: DOC, scenario: SCENARIO, question: QUESTION }]);
    expect(r.requests).toHaveLength(3);
    // A retry says why the previous answer was refused.
    expect(lastUserMessage(r.requests[1]?.body)).toMatch(/previous reply could not be used \(.*question/);
  });

  it("rejects schema-invalid JSON on every attempt", async () => {
    const raw = JSON.stringify({ scenario: SCENARIO, questions: [QUESTION] });
    const r = await run({ defaultReply: raw }, { maxAttempts: 2 });
    expect(r.rows).toEqual([]);
    expect(r.requests).toHaveLength(2);
    expect(r.rejected[0]).toMatchObject({ type: "bad-output", raw });
  });

  it("treats an empty or source-referring question as bad output and asks again", async () => {
    const referring = JSON.stringify({
      scenario: SCENARIO,
      question: "According to the passage, when do bees swarm?",
    });
    const empty = JSON.stringify({ scenario: SCENARIO, question: "   " });
    const r = await run({
      rules: [
        { reply: referring, times: 1 },
        { reply: empty, times: 1 },
      ],
      defaultReply: GOOD,
    });
    expect(r.rows).toEqual([{ text: DOC, scenario: SCENARIO, question: QUESTION }]);
    expect(r.requests).toHaveLength(3);
    expect(lastUserMessage(r.requests[1]?.body)).toContain("refers to its source text");
    expect(lastUserMessage(r.requests[2]?.body)).toContain("the question is empty");

    const always = await run({ defaultReply: referring });
    expect(always.requests).toHaveLength(3);
    expect(always.rejected[0]).toMatchObject({ type: "bad-output", raw: referring });
    expect(always.rejected[0]?.message).toContain('"the passage"');
  });

  it("lets other failures through at once, without asking again", async () => {
    const r = await run({ defaultReply: { fault: { status: 413, message: "payload too large" } } });
    expect(r.requests).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({ type: "bad-request" });
  });

  it("filters documents shorter than minDocChars without calling the model, and rejects non-text", async () => {
    const r = await run({ defaultReply: GOOD }, { minDocChars: 100 }, [
      { text: "Too short." },
      { text: DOC },
      { text: 5 } as never,
    ]);
    expect(r.filtered).toEqual([{ id: "1", reason: "document shorter than minDocChars" }]);
    expect(r.rows).toHaveLength(1);
    expect(r.rejected).toEqual([
      {
        id: "3",
        type: "bad-input",
        message: 'column "text" must hold the document as a string, got a number',
      },
    ]);
    expect(r.requests).toHaveLength(1);
  });

  it("passes the language and domain hints, and cuts long documents to maxDocChars", async () => {
    const r = await run(
      { defaultReply: GOOD },
      { language: "German", domain: "apiculture", maxDocChars: 100 },
    );
    const prompt = lastUserMessage(r.requests[0]?.body);
    expect(prompt).toContain("in German");
    expect(prompt).toContain("apiculture");
    expect(prompt).toContain(DOC.slice(0, 100));
    expect(prompt).not.toContain(DOC.slice(0, 101));
    expect(r.counters.documents_cut_to_maxDocChars).toBe(1);
  });

  it("writes several problems per document from one call: rows <id>.0 … <id>.k-1, each keeping its document", async () => {
    const other = {
      scenario: "A beekeeper in a cold spring sees a colony with little stored honey and many drones.",
      question: "Should she feed, split or requeen the colony first, and why?",
    };
    const nearCopy = { scenario: SCENARIO, question: `${QUESTION.replace("?", "")} ` };
    const third = {
      scenario: "A town asks a beekeeper to remove a swarm hanging from a school fence.",
      question: "How can the swarm be moved safely, and how likely is it to stay in its new hive?",
    };
    const reply = JSON.stringify({
      problems: [{ scenario: SCENARIO, question: QUESTION }, nearCopy, other, third],
    });
    const r = await run({ defaultReply: reply }, { questions: 3 }, [{ text: DOC }, { text: DOC }]);
    expect(r.records.map((x) => x.id)).toEqual(["1.0", "1.1", "2.0", "2.1"]);
    expect(r.rows[0]).toEqual({ text: DOC, scenario: SCENARIO, question: QUESTION });
    expect(r.rows[1]).toEqual({ text: DOC, ...other });
    // Only the first three problems count; the near-copy of the first is dropped and counted.
    expect(r.counters.near_duplicate_questions_dropped).toBe(2);
    expect(r.requests).toHaveLength(2);
    const body = r.requests[0]?.body as Record<string, unknown>;
    expect(JSON.stringify(body.response_format)).toContain('"minItems":3');
    expect(lastUserMessage(body)).toContain("write 3 challenging problems");
    expect(lastUserMessage(body)).toContain('{"problems": [');
  });

  it("asks again when the list is short or one problem refers to its source", async () => {
    const two = JSON.stringify({ problems: [{ scenario: SCENARIO, question: QUESTION }] });
    const referring = JSON.stringify({
      problems: [
        { scenario: SCENARIO, question: QUESTION },
        { scenario: SCENARIO, question: "According to the passage, when do bees swarm?" },
      ],
    });
    const good = JSON.stringify({
      problems: [
        { scenario: SCENARIO, question: QUESTION },
        { scenario: SCENARIO, question: "What would you expect to happen if all queen cells are removed?" },
      ],
    });
    const r = await run(
      {
        rules: [
          { reply: two, times: 1 },
          { reply: referring, times: 1 },
        ],
        defaultReply: good,
      },
      { questions: 2 },
    );
    expect(r.requests).toHaveLength(3);
    expect(r.records.map((x) => x.id)).toEqual(["1.0", "1.1"]);
    expect(lastUserMessage(r.requests[2]?.body)).toContain("refers to its source text");
    expect(lastUserMessage(r.requests[2]?.body)).toContain('{"problems": [...]} holding 2 problems');
  });

  it("takes its prompt from the step's params, and refuses unknown placeholders", async () => {
    const prompt = {
      system: "Du bist Imker.",
      user: "Schreibe auf {{language}} eine Aufgabe zu:\n{{document}}\n{{answer_format}}",
    };
    const r = await run({ defaultReply: GOOD }, { prompt, language: "Deutsch" });
    const messages =
      (r.requests[0]?.body as { messages: { role: string; content: string }[] } | undefined)?.messages ?? [];
    expect(messages[0]).toEqual({ role: "system", content: "Du bist Imker." });
    expect(messages[1]?.content).toBe(
      `Schreibe auf Deutsch eine Aufgabe zu:\n${DOC}\nEnd your reply with exactly one JSON object of this shape, and nothing after it:\n{"scenario": "<the situation>", "question": "<the question>"}`,
    );
    expect(r.rows).toEqual([{ text: DOC, scenario: SCENARIO, question: QUESTION }]);
    await expect(
      runOperator(Doc2QueryOperator, [], { params: { prompt: { user: "{{documnet}}" } } }),
    ).rejects.toThrow(/\/prompt\/user unknown placeholder \{\{documnet\}\}/);
  });
});
