import { describe, expect, it } from "vitest";
import { toReaRagMessages } from "./rearag-messages.js";
import type { ReaRagStepContent } from "./rearag-types.js";
import { STEPS, USER } from "./testdata/rearag-steps.js";

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
    expect(messages[0]).toEqual({ role: "user", content: USER });
    expect(messages[3]).toEqual({
      role: "assistant",
      reasoning:
        "Thought 2: Now her birthplace.\nAction 2: \n```\n" +
        `{'function': 'search', 'parameters': {'query': "Agnes Pell's birthplace"}}\n\`\`\``,
    });
    expect(messages[4]).toEqual({ role: "observation", content: "She was born in Brindlemoor." });
    // A search without its observation gets an empty one, so the message order stays valid.
    const { observation: _, ...unanswered } = STEPS[0] as ReaRagStepContent;
    expect(toReaRagMessages(USER, [unanswered])[2]).toEqual({ role: "observation", content: "" });
  });

  it("writes JSON action dicts on request", () => {
    const messages = toReaRagMessages(USER, STEPS.slice(2), "json");
    expect(messages[1]).toEqual({
      role: "assistant",
      reasoning:
        'Thought 1: That answers it.\nAction 1: \n```\n{"function": "finish", "parameters": {"answer": "Brindlemoor"}}\n```',
    });
  });
});
