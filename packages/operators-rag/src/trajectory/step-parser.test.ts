import { describe, expect, it } from "vitest";
import { parseStep, toAction } from "./step-parser.js";

const SEARCH = "{'function': 'search', 'parameters': {'query': 'inventor of the Calloway loom'}}";
const step = (n: number, thought: string, action: string) =>
  `Thought ${n}: ${thought}\nAction ${n}: \n\`\`\`\n${action}\n\`\`\``;

describe("parseStep", () => {
  it("reads a ReaRAG step with a Python dict in a fence", () => {
    expect(parseStep(step(1, "I need the inventor.", SEARCH), 1)).toEqual({
      ok: true,
      step: {
        thought: "I need the inventor.",
        action: { type: "search", query: "inventor of the Calloway loom" },
        discarded: "",
      },
    });
  });

  it("reads JSON, a language tag on the fence, a bare dict and markdown emphasis", () => {
    const json = '{"function": "finish", "parameters": {"answer": "Brindlemoor"}}';
    const finish = { type: "finish", answer: "Brindlemoor" };
    for (const text of [
      step(3, "Done.", json),
      "Thought 3: Done.\nAction 3:\n```python\n" + json + "\n```",
      "Thought 3: Done.\nAction 3: " + json,
      "**Thought 3:** Done.\n**Action 3:** \n```json\n" + json + "\n```",
      "Sure, here is my step.\n\nThought 3: Done.\nAction 3: \n```\n" + json,
    ]) {
      const parsed = parseStep(text, 3);
      expect(parsed, text).toMatchObject({ ok: true, step: { thought: "Done.", action: finish } });
    }
  });

  it("keeps only the first step: an invented observation and later steps are discarded", () => {
    const text =
      step(1, "I need the inventor.\nIt is a loom, so a weaver.", SEARCH) +
      "\nObservation 1: Agnes Pell invented it.\n" +
      step(2, "Now I know.", "{'function': 'finish', 'parameters': {'answer': 'Agnes Pell'}}");
    const parsed = parseStep(text, 1);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.step.thought).toBe("I need the inventor.\nIt is a loom, so a weaver.");
    expect(parsed.step.action).toEqual({ type: "search", query: "inventor of the Calloway loom" });
    expect(parsed.step.discarded).toMatch(/^Observation 1: Agnes Pell invented it\.\nThought 2:/);
  });

  it("trims the query and the answer", () => {
    const parsed = parseStep(step(1, "t", "{'function': 'search', 'parameters': {'query': '  loom  '}}"), 1);
    expect(parsed).toMatchObject({ ok: true, step: { action: { type: "search", query: "loom" } } });
  });

  it("names what is wrong with an unusable reply", () => {
    const cases: [string, string, RegExp][] = [
      ["I would search for the inventor.", "no-thought", /no "Thought 2:" line/],
      [step(3, "t", SEARCH), "wrong-number", /expected "Thought 2:", the reply has "Thought 3:"/],
      ["Thought 2: t\nAction 3: \n```\n" + SEARCH + "\n```", "wrong-number", /expected "Action 2:"/],
      ["Thought 2: t\nObservation 2: made up", "no-action", /not followed by "Action 2:"/],
      ["Thought 2: I will search next.", "no-action", /not followed by "Action 2:"/],
      ["Thought 2:   \nAction 2: " + SEARCH, "empty-thought", /"Thought 2:" is empty/],
      ["Thought 2: t\nAction 2: search for the inventor", "bad-action-dict", /has no action dict/],
      ["Thought 2: t\nAction 2: \n```\n\n```", "bad-action-dict", /fenced block .* is empty/],
      [
        "Thought 2: t\nAction 2: \n```\n{'function': 'search', 'parameters': {'query': 'x'}\n```",
        "bad-action-dict",
        /not closed/,
      ],
      [
        "Thought 2: t\nAction 2: \n```\n{'function': 'search'} {'function': 'finish'}\n```",
        "bad-action-dict",
        /unexpected text after the literal/,
      ],
      ["Thought 2: t\nAction 2: \n```\n['search', 'x']\n```", "bad-action-dict", /not a dict/],
      [
        "Thought 2: t\nAction 2: \n```\n{'function': 'lookup', 'parameters': {'query': 'x'}}\n```",
        "unknown-function",
        /got "lookup"/,
      ],
      ["Thought 2: t\nAction 2: \n```\n{'parameters': {'query': 'x'}}\n```", "unknown-function", /got none/],
      [
        "Thought 2: t\nAction 2: \n```\n{'function': 'search', 'parameters': {'query': '  '}}\n```",
        "bad-parameters",
        /search needs "parameters": \{"query"/,
      ],
      [
        "Thought 2: t\nAction 2: \n```\n{'function': 'finish', 'parameters': {'query': 'x'}}\n```",
        "bad-parameters",
        /finish needs "parameters": \{"answer"/,
      ],
      [
        "Thought 2: t\nAction 2: \n```\n{'function': 'search', 'parameters': 'x'}\n```",
        "bad-parameters",
        /search needs/,
      ],
    ];
    for (const [text, code, message] of cases) {
      const parsed = parseStep(text, 2);
      expect(parsed, text).toMatchObject({ ok: false, code });
      if (!parsed.ok) expect(parsed.message, text).toMatch(message);
    }
  });

  it("accepts an unclosed fence when the dict in it is complete (a reply cut at max tokens)", () => {
    expect(parseStep("Thought 1: t\nAction 1: \n```\n" + SEARCH + "\n", 1)).toMatchObject({ ok: true });
  });
});

describe("toAction", () => {
  it("ignores extra keys and parameters", () => {
    expect(
      toAction({ function: "finish", parameters: { answer: "Osk", confidence: "high" }, note: 1 }),
    ).toEqual({
      ok: true,
      action: { type: "finish", answer: "Osk" },
    });
  });
});
