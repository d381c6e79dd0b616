import { describe, expect, it } from "vitest";
import { renderAction, renderStep, toReaRagMessages, validateReaRagMessages } from "./rearag-messages.js";
import type { TrajectoryStep } from "./trajectory-step.js";

const USER =
  "Question: Where was the inventor of the Calloway loom born?\n\nReasoning process with function call:";
const STEPS: TrajectoryStep[] = [
  {
    thought: "I need the inventor.",
    action: { type: "search", query: "inventor of the Calloway loom" },
    observation: "Agnes Pell invented the Calloway loom.",
  },
  {
    thought: "Now her birthplace.",
    action: { type: "search", query: "Agnes Pell's birthplace" },
    observation: "She was born in Brindlemoor.",
  },
  { thought: "That answers it.", action: { type: "finish", answer: "Brindlemoor" } },
];

describe("renderAction / renderStep", () => {
  it("writes Python repr by default and JSON on request", () => {
    const action = { type: "search", query: "Agnes Pell's birthplace" } as const;
    expect(renderAction(action)).toBe(
      `{'function': 'search', 'parameters': {'query': "Agnes Pell's birthplace"}}`,
    );
    expect(renderAction(action, "json")).toBe(
      `{"function": "search", "parameters": {"query": "Agnes Pell's birthplace"}}`,
    );
    expect(renderStep(4, "Done.", { type: "finish", answer: 'the "Osk"' })).toBe(
      "Thought 4: Done.\nAction 4: \n```\n{'function': 'finish', 'parameters': {'answer': 'the \"Osk\"'}}\n```",
    );
  });
});

describe("toReaRagMessages", () => {
  it("puts an observation after each search and none after finish", () => {
    const messages = toReaRagMessages(USER, STEPS);
    expect(messages.map((m) => m.role)).toEqual([
      "user",
      "assistant",
      "observation",
      "assistant",
      "observation",
      "assistant",
    ]);
    expect(messages[3]).toEqual({
      role: "assistant",
      reasoning:
        "Thought 2: Now her birthplace.\nAction 2: \n```\n" +
        `{'function': 'search', 'parameters': {'query': "Agnes Pell's birthplace"}}\n\`\`\``,
    });
    expect(validateReaRagMessages(messages, "Brindlemoor")).toEqual([]);
    expect(validateReaRagMessages(toReaRagMessages(USER, STEPS, "json"), ["Kelport", "brindlemoor"])).toEqual(
      [],
    );
  });
});

describe("validateReaRagMessages", () => {
  const good = toReaRagMessages(USER, STEPS);
  const rules = (messages: unknown, gold?: string) =>
    validateReaRagMessages(messages, gold).map((p) => p.rule);

  it("checks that the first message is the user's", () => {
    expect(rules([{ role: "observation", content: "x" }, ...good.slice(1)])).toContain("first-user");
    expect(rules([])).toEqual(["message-shape"]);
    expect(rules("not a list")).toEqual(["message-shape"]);
  });

  it("checks that every step but the last is followed by an observation", () => {
    const problems = validateReaRagMessages([...good.slice(0, 2), ...good.slice(3)]);
    expect(problems).toContainEqual({
      rule: "observation-follows-step",
      index: 1,
      message: "an assistant step that is not the last message must be followed by an observation",
    });
  });

  it("checks that observations follow searches only", () => {
    const afterFinish = [...good, { role: "observation", content: "extra" }];
    expect(rules(afterFinish)).toEqual(["observation-after-search", "ends-with-finish"]);
    const twice = [...good.slice(0, 3), { role: "observation", content: "again" }, ...good.slice(3)];
    expect(rules(twice)).toContain("observation-after-search");
  });

  it("checks that thought numbers run without gaps", () => {
    const gap = good.map((m, i) =>
      i === 3 && m.role === "assistant"
        ? { role: "assistant", reasoning: renderStep(3, "t", STEPS[1]!.action) }
        : m,
    );
    const problems = validateReaRagMessages(gap);
    expect(problems.map((p) => [p.rule, p.index])).toEqual([
      ["thought-numbers", 3],
      ["observation-after-search", 4],
    ]);
  });

  it("checks that the conversation ends with a finish step", () => {
    expect(rules(good.slice(0, 4))).toEqual(["ends-with-finish"]);
    expect(rules(good.slice(0, 5))).toEqual(["ends-with-finish"]);
    expect(rules(good.slice(0, 1))).toEqual(["ends-with-finish"]);
  });

  it("checks token F1 against the gold answer when there is one", () => {
    expect(rules(good)).toEqual([]);
    expect(rules(good, "the Brindlemoor")).toEqual([]);
    const problems = validateReaRagMessages(good, "Kelport");
    expect(problems).toEqual([
      {
        rule: "answer-f1",
        index: 5,
        message: "token F1 0.000 between the answer and the gold answer is not above 0",
      },
    ]);
    expect(validateReaRagMessages(good, "Brindlemoor town", { minF1: 0.7 }).map((p) => p.rule)).toEqual([
      "answer-f1",
    ]);
  });

  it("reports messages of the wrong shape", () => {
    const shapes = [
      good[0],
      { role: "assistant", content: good[1]?.role === "assistant" ? good[1].reasoning : "" },
      { role: "tool", content: "x" },
      { role: "user", content: "again" },
      {
        role: "assistant",
        reasoning: `${renderStep(2, "t", { type: "finish", answer: "x" })}\nObservation 2: invented`,
      },
    ];
    const problems = validateReaRagMessages(shapes);
    expect(problems.map((p) => [p.rule, p.index])).toEqual([
      ["message-shape", 1],
      ["message-shape", 2],
      ["message-shape", 3],
      ["message-shape", 4],
    ]);
    expect(problems[0]?.message).toMatch(/"reasoning"/);
    expect(problems[3]?.message).toMatch(/text after its action/);
  });
});
