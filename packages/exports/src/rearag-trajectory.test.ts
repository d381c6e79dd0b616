import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  bareQuestion,
  parseReaRagStep,
  parseReaRagTrajectory,
  TrajectoryError,
} from "./rearag-trajectory.js";

const fixture = JSON.parse(
  readFileSync(new URL("./testdata/trajectory.input.json", import.meta.url), "utf8"),
) as {
  messages: Record<string, string>[];
};
const [question, , o1, s2, o2, s3] = fixture.messages as Record<string, string>[];

const step = (n: number, action: string, thought = `thinking ${n}`) => ({
  role: "assistant",
  reasoning: `Thought ${n}: ${thought}\nAction ${n}: \n\`\`\`\n${action}\n\`\`\``,
});
const search = (n: number, query = `q${n}`) =>
  step(n, `{'function': 'search', 'parameters': {'query': '${query}'}}`);
const finish = (n: number) => step(n, "{'function': 'finish', 'parameters': {'answer': 'done'}}");
const obs = (content = "found it") => ({ role: "observation", content });
const user = { role: "user", content: "Question: q?\n\nReasoning process with function call:" };

function problems(messages: unknown, options = {}): string[] {
  try {
    parseReaRagTrajectory(messages, options);
  } catch (err) {
    expect(err).toBeInstanceOf(TrajectoryError);
    return [...(err as TrajectoryError).problems];
  }
  throw new Error("expected the trajectory to be rejected");
}

describe("parseReaRagStep", () => {
  it("splits a turn into its number, thought and action", () => {
    expect(parseReaRagStep(s2?.reasoning as string)).toEqual({
      number: 2,
      thought: "Dura-Ace is made by Shimano. Now I need the year Shimano was founded.",
      action: { function: "search", query: "Shimano's founding year" },
    });
    expect(
      parseReaRagStep(
        'Thought 4: multi\nline thought\nAction 4:\n```python\n{"function": "finish", "parameters": {"answer": "x"}}\n```\n',
      ),
    ).toEqual({
      number: 4,
      thought: "multi\nline thought",
      action: { function: "finish", answer: "x" },
    });
  });

  it("says what is wrong with a malformed turn", () => {
    expect(() => parseReaRagStep("I will search.\nAction 1: ...")).toThrow(
      'it does not start with "Thought N:"',
    );
    expect(() => parseReaRagStep("Thought 1: hmm")).toThrow('no "Action N:" line');
    expect(() => parseReaRagStep("Thought 1: a\nAction 2: \n```\n{}\n```")).toThrow(
      '"Thought 1" is followed by "Action 2"',
    );
    expect(() => parseReaRagStep("Thought 1: a\nAction 1: {'function': 'finish'}")).toThrow(
      "not in a ``` block",
    );
    expect(() => parseReaRagStep(`${finish(1).reasoning}\nObservation 1: made up`)).toThrow(
      "text follows the action block",
    );
    expect(() => parseReaRagStep(step(1, "{'function': 'lookup', 'parameters': {}}").reasoning)).toThrow(
      `the action's 'function' is "lookup", not 'search' or 'finish'`,
    );
    expect(() =>
      parseReaRagStep(step(1, "{'function': 'search', 'parameters': {'q': 'x'}}").reasoning),
    ).toThrow("the search action needs a non-empty string 'parameters': {'query': ...}");
    expect(() => parseReaRagStep(step(1, "['search']").reasoning)).toThrow("the action is not a dict");
    expect(() =>
      parseReaRagStep(step(1, "{'function': 'finish', 'parameters': {'answer': true}}").reasoning),
    ).toThrow(/not a Python dict literal \("true" is JSON/);
  });
});

describe("parseReaRagTrajectory", () => {
  it("reads a valid trajectory into steps with their observations", () => {
    const t = parseReaRagTrajectory(fixture.messages);
    expect(t.user).toBe(question?.content);
    expect(t.system).toBeUndefined();
    expect(t.steps.map((s) => [s.number, s.action.function, s.observation])).toEqual([
      [1, "search", o1?.content],
      [2, "search", o2?.content],
      [3, "finish", undefined],
    ]);
    expect(t.steps[2]?.reasoning).toBe(s3?.reasoning);
    expect(t.steps[0]?.action).toEqual({ function: "search", query: "Dura-Ace groupset manufacturer" });
  });

  it("accepts a finish-only trajectory and an empty observation", () => {
    expect(parseReaRagTrajectory([user, finish(1)]).steps).toHaveLength(1);
    expect(parseReaRagTrajectory([user, search(1), obs(""), finish(2)]).steps[0]?.observation).toBe("");
  });

  it("enforces each cleaning rule with a reason", () => {
    // (a) the first message is the user's
    expect(problems([obs(), search(1), obs(), finish(2)])).toContain(
      'message 1 must be the user\'s question (role "user"), got role "observation"',
    );
    // (b) a search step is followed by an observation
    expect(problems([user, search(1), search(2), obs(), finish(3)])).toEqual([
      "message 3: step 1 searched but is followed by another assistant step, not an observation",
    ]);
    // (c) an observation only follows a search
    expect(problems([user, search(1), obs(), obs(), finish(2)])).toEqual([
      "message 4 is an observation after another observation; observations only follow a search",
    ]);
    expect(problems([user, obs(), finish(1)])).toEqual([
      "message 2 is an observation after the question; observations only follow a search",
    ]);
    // (d) thought numbers run 1, 2, 3…
    expect(problems([user, search(1), obs(), finish(3)])).toEqual([
      'message 4 is "Thought 3" where step 2 was expected (numbers run 1, 2, 3… without gaps)',
    ]);
    // (e) the last message is an assistant finish
    expect(problems([user, search(1), obs()])).toEqual([
      "the last message (3) is not an assistant finish action; a trajectory ends with one",
    ]);
    expect(problems([user, search(1)])).toEqual([
      "the last message (2) is a search step; a trajectory ends with an assistant finish action",
    ]);
    expect(problems([user, finish(1), obs(), finish(2)])).toEqual([
      "message 3 is an observation after a finish action; observations only follow a search",
    ]);
    expect(problems([user, finish(1), finish(2)])).toEqual([
      "message 3: step 1 finished but more steps follow",
    ]);
  });

  it("lists every problem at once and hints at content-for-reasoning", () => {
    expect(
      problems([
        user,
        { role: "assistant", content: "Thought 1: x" },
        { role: "tool", content: "r" },
        finish(2),
      ]),
    ).toEqual([
      'message 2 (assistant) needs a string "reasoning" (ReaRAG keeps the step in "reasoning", not "content")',
      'message 3 has role "tool"; after the question a ReaRAG row holds only "assistant" steps and "observation"s',
    ]);
    expect(problems("not a list")).toEqual([
      "messages must be a list of {role, content|reasoning} objects, got a string",
    ]);
    expect(problems([])).toEqual(['message 1 must be the user\'s question (role "user"), got nothing']);
  });

  it("allows a leading system message only when asked, and bounds the steps", () => {
    const withSystem = [{ role: "system", content: "Use the tools." }, user, finish(1)];
    expect(problems(withSystem)[0]).toMatch(/message 1 must be the user's question/);
    expect(parseReaRagTrajectory(withSystem, { allowSystem: true }).system).toBe("Use the tools.");
    expect(problems([user, search(1), obs(), finish(2)], { maxSteps: 1 })).toEqual([
      "2 steps, more than maxSteps (1)",
    ]);
  });
});

describe("bareQuestion", () => {
  it("unwraps ReaRAG's construction prompt and leaves a bare question alone", () => {
    expect(bareQuestion(question?.content as string)).toBe(
      "In what year was the company that makes the Dura-Ace groupset founded?",
    );
    expect(bareQuestion("Already bare?")).toBe("Already bare?");
  });
});
