import { runOperator, seededPermutation } from "@dataflow/core";
import type { ChatServer } from "@dataflow/llm-serving/testing";
import { chatRequests, lastUserMessage, loopbackServing } from "@dataflow/llm-serving/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ReasonDistillOperator } from "./reason-distill.js";

const POSITIVE = "POSITIVE: adding a super before the brood nest is crowded delays swarming.";
const NEGATIVES = [
  "NEG-A: varroa counts rise in late summer.",
  "NEG-B: wax moths attack stored comb.",
  "NEG-C: nectar flow ends in July.",
];
const row = (question = "How can the beekeeper keep the swarm from leaving?") => ({
  text: POSITIVE,
  question,
  scenario: "A strong colony in May has a full brood box.",
  hard_negatives: NEGATIVES,
});

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function run(
  replies: Parameters<typeof loopbackServing>[0],
  input: Parameters<typeof runOperator>[1],
  params: Record<string, unknown> = {},
) {
  const s = await loopbackServing(replies);
  server = s.server;
  const r = await runOperator(ReasonDistillOperator, input, { params, serving: s.serving });
  return { ...r, requests: chatRequests(s.server) };
}

/** The labels [Document n] in prompt order, mapped to the document each one shows. */
function shownOrder(prompt: string): string[] {
  return [...prompt.matchAll(/\[Document (\d+)\]\n(\S+):/g)].map((m) => m[2] as string);
}

describe("rare/reason-distill", () => {
  it("labels the shuffled documents, records the positive's label, and splits reasoning from the answer", async () => {
    const reply =
      "The core problem is swarm control.\n[Document 2] is irrelevant.\nSo: add space early.\n\nAnswer: add a super now.";
    const r = await run({ defaultReply: reply }, [row()], { seed: 3 });
    expect(r.rejected).toEqual([]);
    const out = r.rows[0] as Record<string, unknown>;
    expect(out.reasoning).toBe(
      "The core problem is swarm control.\n[Document 2] is irrelevant.\nSo: add space early.",
    );
    expect(out.answer).toBe("add a super now.");
    const prompt = lastUserMessage(r.requests[0]?.body);
    const order = shownOrder(prompt);
    expect(order).toHaveLength(4);
    expect(order[(out.positive_index as number) - 1]).toBe("POSITIVE");
    // The order is the seeded permutation of [positive, ...negatives] for (seed, row id).
    const expected = seededPermutation(4, "3\u00001").map((i) => ["POSITIVE", "NEG-A", "NEG-B", "NEG-C"][i]);
    expect(order).toEqual(expected);
    expect(prompt).toContain("# Scenario\nA strong colony in May has a full brood box.");
    expect(prompt).toMatch(/not all relevant/);
    expect(r.observed.reasoning_chars).toEqual([(out.reasoning as string).length]);
  });

  it("shuffles deterministically per row id and seed, and differently across rows and seeds", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `doc-${i}`);
    const input = ids.map((id) => ({ id, row: row() }));
    const positions = async (seed: number) => {
      const r = await run({ defaultReply: "Reasoning.\nAnswer: x" }, input, { seed });
      const orders = r.requests.map((q) => shownOrder(lastUserMessage(q.body)).join(",")).sort();
      await server?.close();
      return { index: r.rows.map((x) => x.positive_index), orders };
    };
    const a = await positions(1);
    const again = await positions(1);
    const b = await positions(2);
    expect(again).toEqual(a);
    expect(b.index).not.toEqual(a.index);
    expect(new Set(a.index).size).toBeGreaterThan(1);
    expect(new Set(a.orders).size).toBeGreaterThan(4);
  });

  it("keeps <think> reasoning and reasoning_content, taking the text as the answer", async () => {
    const think = await run(
      { defaultReply: "<think>Doc 1 is the only relevant one.</think>\nAdd a super." },
      [row()],
    );
    expect(think.rows[0]).toMatchObject({
      reasoning: "Doc 1 is the only relevant one.",
      answer: "Add a super.",
    });

    const both = await run(
      {
        defaultReply: {
          reasoningContent: "Weighing the documents.",
          content: "Also visible steps.\nAnswer: split the colony",
        },
      },
      [row()],
    );
    expect(both.rows[0]).toMatchObject({
      reasoning: "Weighing the documents.\n\nAlso visible steps.",
      answer: "split the colony",
    });
  });

  it("keeps reasoning without a marked answer, with a null answer", async () => {
    const r = await run({ defaultReply: "Step by step, the documents suggest more space." }, [row()]);
    expect(r.rows[0]).toMatchObject({
      reasoning: "Step by step, the documents suggest more space.",
      answer: null,
    });
    expect(r.counters.no_marked_answer).toBe(1);
  });

  it("asks again after an empty answer or one with no reasoning, then rejects with the raw output", async () => {
    const r = await run(
      {
        rules: [
          { reply: "   ", times: 1 },
          { reply: "Answer: yes", times: 1 },
        ],
        defaultReply: "Because of space.\nAnswer: yes",
      },
      [row()],
    );
    expect(r.rows[0]).toMatchObject({ reasoning: "Because of space.", answer: "yes" });
    expect(r.requests).toHaveLength(3);
    expect(lastUserMessage(r.requests[2]?.body)).toContain("no reasoning before its answer");

    const bad = await run({ defaultReply: "<think>only thinking, no reply" }, [row()], { maxAttempts: 2 });
    expect(bad.requests).toHaveLength(2);
    expect(bad.rows).toEqual([]);
    expect(bad.rejected[0]).toMatchObject({ type: "bad-output", raw: "<think>only thinking, no reply" });
  });

  it("rejects rows without a question or with negatives that are not texts; works with no negatives", async () => {
    const r = await run({ defaultReply: "Reasoning.\nAnswer: y" }, [
      row(""),
      { ...row(), hard_negatives: "NEG" },
      { ...row(), hard_negatives: [] },
    ]);
    expect(r.rejected.map((x) => [x.id, x.type])).toEqual([
      ["1", "bad-input"],
      ["2", "bad-input"],
    ]);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]?.positive_index).toBe(1);
  });

  it("takes its prompt from the step's params, and refuses unknown placeholders", async () => {
    const prompt = { user: "Q: {{question}}\n{{documents}}\nEnd with Answer: in {{language}}." };
    const r = await run({ defaultReply: "Think.\n\nAnswer: a super." }, [row()], { prompt, seed: 1 });
    const messages =
      (r.requests[0]?.body as { messages: { role: string; content: string }[] } | undefined)?.messages ?? [];
    expect(messages[0]?.content).toMatch(/^You are a careful domain expert/);
    const user = messages[1]?.content as string;
    expect(user).toMatch(/^Q: How can the beekeeper keep the swarm from leaving\?\n\[Document 1\]\n/);
    expect(user).toMatch(/End with Answer: in English\.$/);
    expect(shownOrder(user)).toHaveLength(4);
    expect(r.rows[0]).toMatchObject({ answer: "a super." });
    await expect(
      runOperator(ReasonDistillOperator, [], { params: { prompt: { system: "{{negatives}}" } } }),
    ).rejects.toThrow(/\/prompt\/system unknown placeholder \{\{negatives\}\}/);
  });
});
