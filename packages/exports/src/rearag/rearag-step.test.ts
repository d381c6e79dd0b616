import { describe, expect, it } from "vitest";
import { parseReaRagStep, ReaRagStepError, readReaRagStep, renderStep } from "./rearag-step.js";

const SEARCH = "{'function': 'search', 'parameters': {'query': 'inventor of the Calloway loom'}}";
const step = (n: number, thought: string, action: string) =>
  `Thought ${n}: ${thought}\nAction ${n}: \n\`\`\`\n${action}\n\`\`\``;
const reply = (text: string, n: number) => readReaRagStep(text, { expected: n, reply: true });

describe("renderStep", () => {
  it("writes ReaRAG's layout and reads back as the same step", () => {
    const action = { type: "finish", answer: 'the "Osk"' } as const;
    const text = renderStep(4, "Done.", action);
    expect(text).toBe(
      "Thought 4: Done.\nAction 4: \n```\n{'function': 'finish', 'parameters': {'answer': 'the \"Osk\"'}}\n```",
    );
    expect(parseReaRagStep(text)).toEqual({ number: 4, thought: "Done.", action });
    expect(parseReaRagStep(renderStep(2, "Look.", { type: "search", query: "Pell's loom" }, "json"))).toEqual(
      {
        number: 2,
        thought: "Look.",
        action: { type: "search", query: "Pell's loom" },
      },
    );
  });
});

describe("parseReaRagStep (a stored step)", () => {
  it("splits a turn into its number, thought and action", () => {
    expect(
      parseReaRagStep(
        "Thought 2: Dura-Ace is made by Shimano. Now I need the year Shimano was founded.\nAction 2: \n```\n" +
          `{'function': 'search', 'parameters': {'query': "Shimano's founding year"}}\n\`\`\``,
      ),
    ).toEqual({
      number: 2,
      thought: "Dura-Ace is made by Shimano. Now I need the year Shimano was founded.",
      action: { type: "search", query: "Shimano's founding year" },
    });
    expect(
      parseReaRagStep(
        'Thought 4: multi\nline thought\nAction 4:\n```python\n{"function": "finish", "parameters": {"answer": "x"}}\n```\n',
      ),
    ).toEqual({
      number: 4,
      thought: "multi\nline thought",
      action: { type: "finish", answer: "x" },
    });
  });

  it("keeps the query as written and allows an empty thought", () => {
    expect(
      parseReaRagStep(step(1, "", "{'function': 'search', 'parameters': {'query': '  loom  '}}")),
    ).toEqual({
      number: 1,
      thought: "",
      action: { type: "search", query: "  loom  " },
    });
  });

  it("says what is wrong with a malformed turn", () => {
    const cases: [string, string, string | RegExp][] = [
      ["I will search.\nAction 1: ...", "no-thought", 'the step does not start with "Thought N:"'],
      [`Sure.\n${step(1, "t", SEARCH)}`, "text-before-thought", 'the step does not start with "Thought N:"'],
      ["**Thought 1:** t\nAction 1: \n```\n" + SEARCH + "\n```", "no-thought", /does not start with/],
      ["Thought 1: hmm", "no-action", '"Thought 1:" is not followed by "Action 1:"'],
      ["Thought 1: a\nAction 2: \n```\n{}\n```", "wrong-number", '"Thought 1:" is followed by "Action 2:"'],
      ["Thought 1: a\nAction 1: {'function': 'finish'}", "no-fence", "not in a ``` block"],
      ["Thought 1: a\nAction 1: \n```\n" + SEARCH, "no-fence", "the action's ``` block is not closed"],
      [
        `${step(1, "a", "{'function': 'finish', 'parameters': {'answer': 'done'}}")}\nObservation 1: made up`,
        "text-after-action",
        "text after its action block",
      ],
      [
        step(1, "a", "{'function': 'lookup', 'parameters': {}}"),
        "unknown-function",
        `the action's "function" must be "search" or "finish", got "lookup"`,
      ],
      [
        step(1, "a", "{'function': 'search', 'parameters': {'q': 'x'}}"),
        "bad-parameters",
        'search needs "parameters": {"query": "<non-empty text>"}',
      ],
      [step(1, "a", "['search']"), "bad-action-dict", "the action is not a dict"],
      [
        step(1, "a", "{'function': 'finish', 'parameters': {'answer': true}}"),
        "bad-action-dict",
        /not a valid Python dict literal: "true" is JSON/,
      ],
      // A model's slip, read in a reply, is not ReaRAG data.
      [
        step(1, "a", "{'function': 'search', 'parameters': {'query': 'Pell's loom'}}"),
        "bad-action-dict",
        /not a valid Python dict literal/,
      ],
    ];
    for (const [text, code, message] of cases) {
      expect(() => parseReaRagStep(text), text).toThrow(message);
      expect(readReaRagStep(text), text).toMatchObject({ ok: false, code });
    }
    expect(() => parseReaRagStep("")).toThrow(ReaRagStepError);
  });
});

describe("readReaRagStep with reply (a model's reply)", () => {
  it("reads a ReaRAG step with a Python dict in a fence", () => {
    expect(reply(step(1, "I need the inventor.", SEARCH), 1)).toEqual({
      ok: true,
      step: {
        number: 1,
        thought: "I need the inventor.",
        action: { type: "search", query: "inventor of the Calloway loom" },
        discarded: "",
      },
    });
  });

  it("reads JSON, a language tag on the fence, a bare dict, markdown emphasis and a cut-off fence", () => {
    const json = '{"function": "finish", "parameters": {"answer": "Brindlemoor"}}';
    const finish = { type: "finish", answer: "Brindlemoor" };
    for (const text of [
      step(3, "Done.", json),
      "Thought 3: Done.\nAction 3:\n```python\n" + json + "\n```",
      "Thought 3: Done.\nAction 3: " + json,
      "**Thought 3:** Done.\n**Action 3:** \n```json\n" + json + "\n```",
      "Sure, here is my step.\n\nThought 3: Done.\nAction 3: \n```\n" + json,
      // JSON's constants and an unescaped apostrophe are a model's slips, read all the same.
      "Thought 3: Done.\nAction 3: {'function': 'finish', 'parameters': {'answer': 'Brindlemoor', 'sure': true}}",
    ]) {
      expect(reply(text, 3), text).toMatchObject({ ok: true, step: { thought: "Done.", action: finish } });
    }
    expect(
      reply(step(1, "t", "{'function': 'search', 'parameters': {'query': 'Agnes Pell's birthplace'}}"), 1),
    ).toMatchObject({ ok: true, step: { action: { type: "search", query: "Agnes Pell's birthplace" } } });
  });

  it("keeps only the first step: an invented observation and later steps are discarded", () => {
    const text =
      step(1, "I need the inventor.\nIt is a loom, so a weaver.", SEARCH) +
      "\nObservation 1: Agnes Pell invented it.\n" +
      step(2, "Now I know.", "{'function': 'finish', 'parameters': {'answer': 'Agnes Pell'}}");
    const parsed = reply(text, 1);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.step.thought).toBe("I need the inventor.\nIt is a loom, so a weaver.");
    expect(parsed.step.action).toEqual({ type: "search", query: "inventor of the Calloway loom" });
    expect(parsed.step.discarded).toMatch(/^Observation 1: Agnes Pell invented it\.\nThought 2:/);
  });

  it("trims the query and the answer", () => {
    const parsed = reply(step(1, "t", "{'function': 'search', 'parameters': {'query': '  loom  '}}"), 1);
    expect(parsed).toMatchObject({ ok: true, step: { action: { type: "search", query: "loom" } } });
  });

  it("ignores extra keys and parameters", () => {
    expect(
      reply(
        step(
          1,
          "t",
          "{'function': 'finish', 'parameters': {'answer': 'Osk', 'confidence': 'high'}, 'note': 1}",
        ),
        1,
      ),
    ).toMatchObject({ ok: true, step: { action: { type: "finish", answer: "Osk" } } });
  });

  it("names what is wrong with an unusable reply", () => {
    const cases: [string, string, RegExp][] = [
      ["   ", "empty-reply", /the reply is empty/],
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
      const parsed = reply(text, 2);
      expect(parsed, text).toMatchObject({ ok: false, code });
      if (!parsed.ok) expect(parsed.message, text).toMatch(message);
    }
  });
});
