import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { toReaRagMessages } from "./rearag-messages.js";
import { renderStep } from "./rearag-step.js";
import {
  bareQuestion,
  parseReaRagTrajectory,
  TrajectoryError,
  validateReaRagMessages,
} from "./rearag-trajectory.js";
import type { ReaRagStepContent } from "./rearag-types.js";
import { STEPS, USER } from "./testdata/rearag-steps.js";

const fixture = JSON.parse(
  readFileSync(new URL("../testdata/trajectory.input.json", import.meta.url), "utf8"),
) as {
  messages: Record<string, string>[];
};
const [question, , o1, , o2, s3] = fixture.messages as Record<string, string>[];

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

describe("parseReaRagTrajectory", () => {
  it("reads a valid trajectory into steps with their observations", () => {
    const t = parseReaRagTrajectory(fixture.messages);
    expect(t.user).toBe(question?.content);
    expect(t.system).toBeUndefined();
    expect(t.steps.map((s) => [s.number, s.action.type, s.observation])).toEqual([
      [1, "search", o1?.content],
      [2, "search", o2?.content],
      [3, "finish", undefined],
    ]);
    expect(t.steps[2]?.reasoning).toBe(s3?.reasoning);
    expect(t.steps[0]?.action).toEqual({ type: "search", query: "Dura-Ace groupset manufacturer" });
    expect(t.steps[1]?.thought).toBe("Dura-Ace is made by Shimano. Now I need the year Shimano was founded.");
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

  it("reports an unreadable step once, without guessing what may follow it", () => {
    const bad = step(2, "{'function': 'search', 'parameters': {'query': 'x'}}");
    const unreadable = { role: "assistant", reasoning: `${bad.reasoning}\nObservation 2: made up` };
    expect(problems([user, search(1), obs(), unreadable, obs(), finish(3)])).toEqual([
      "message 4 (assistant step 2): it has text after its action block (a turn holds exactly one Thought and one Action)",
    ]);
    expect(problems([user, search(1), obs(), unreadable])).toHaveLength(1);
  });

  it("keeps each problem's rule and message index on the error", () => {
    const error = (() => {
      try {
        parseReaRagTrajectory([user, search(1), obs(), finish(3)]);
      } catch (err) {
        return err as TrajectoryError;
      }
    })();
    expect(error?.details).toEqual([
      {
        rule: "thought-numbers",
        index: 3,
        message: 'message 4 is "Thought 3" where step 2 was expected (numbers run 1, 2, 3… without gaps)',
      },
    ]);
  });
});

describe("validateReaRagMessages", () => {
  const good = toReaRagMessages(USER, STEPS);
  const rules = (messages: unknown, gold?: string) =>
    validateReaRagMessages(messages, gold).map((p) => p.rule);

  it("accepts what toReaRagMessages writes, in either action style", () => {
    expect(validateReaRagMessages(good, "Brindlemoor")).toEqual([]);
    expect(validateReaRagMessages(toReaRagMessages(USER, STEPS, "json"), ["Kelport", "brindlemoor"])).toEqual(
      [],
    );
  });

  it("checks that the first message is the user's", () => {
    expect(rules([{ role: "observation", content: "x" }, ...good.slice(1)])).toContain("first-user");
    expect(rules([])).toEqual(["message-shape"]);
    expect(rules("not a list")).toEqual(["message-shape"]);
  });

  it("checks that every step but the last is followed by an observation", () => {
    const problems = validateReaRagMessages([...good.slice(0, 2), ...good.slice(3)]);
    expect(problems).toContainEqual({
      rule: "observation-follows-step",
      index: 2,
      message: "message 3: step 1 searched but is followed by another assistant step, not an observation",
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
        ? { role: "assistant", reasoning: renderStep(3, "t", (STEPS[1] as ReaRagStepContent).action) }
        : m,
    );
    // The misnumbered step is still a search, so the observation after it is in place.
    expect(validateReaRagMessages(gap).map((p) => [p.rule, p.index])).toEqual([["thought-numbers", 3]]);
  });

  it("checks that the conversation ends with a finish step", () => {
    expect(rules(good.slice(0, 4))).toEqual(["ends-with-finish"]);
    expect(rules(good.slice(0, 5))).toEqual(["ends-with-finish"]);
    expect(rules(good.slice(0, 1))).toEqual(["ends-with-finish"]);
  });

  it("checks token F1 against the gold answer when there is one", () => {
    expect(rules(good)).toEqual([]);
    expect(rules(good, "the Brindlemoor")).toEqual([]);
    expect(validateReaRagMessages(good, "Kelport")).toEqual([
      {
        rule: "answer-f1",
        index: 5,
        message: "token F1 0.000 between the answer and the gold answer is not above 0",
      },
    ]);
    expect(validateReaRagMessages(good, "Brindlemoor town", { minF1: 0.7 }).map((p) => p.rule)).toEqual([
      "answer-f1",
    ]);
    // No finish, no F1 to check.
    expect(rules(good.slice(0, 4), "Kelport")).toEqual(["ends-with-finish"]);
  });

  it("takes the system message and step bound of parseReaRagTrajectory", () => {
    const withSystem = [{ role: "system", content: "Use the tools." }, ...good];
    expect(rules(withSystem)).toContain("first-user");
    expect(validateReaRagMessages(withSystem, "Brindlemoor", { allowSystem: true })).toEqual([]);
    expect(validateReaRagMessages(good, undefined, { maxSteps: 2 })).toEqual([
      { rule: "max-steps", message: "3 steps, more than maxSteps (2)" },
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

describe("bareQuestion", () => {
  it("unwraps ReaRAG's construction prompt and leaves a bare question alone", () => {
    expect(bareQuestion(question?.content as string)).toBe(
      "In what year was the company that makes the Dura-Ace groupset founded?",
    );
    expect(bareQuestion("Already bare?")).toBe("Already bare?");
  });
});
