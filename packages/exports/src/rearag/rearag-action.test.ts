import { describe, expect, it } from "vitest";
import { renderAction, toReaRagAction } from "./rearag-action.js";

describe("renderAction", () => {
  it("writes Python repr by default and JSON on request", () => {
    const action = { type: "search", query: "Agnes Pell's birthplace" } as const;
    expect(renderAction(action)).toBe(
      `{'function': 'search', 'parameters': {'query': "Agnes Pell's birthplace"}}`,
    );
    expect(renderAction(action, "json")).toBe(
      `{"function": "search", "parameters": {"query": "Agnes Pell's birthplace"}}`,
    );
    expect(renderAction({ type: "finish", answer: 'the "Osk"' })).toBe(
      `{'function': 'finish', 'parameters': {'answer': 'the "Osk"'}}`,
    );
  });
});

describe("toReaRagAction", () => {
  it("ignores extra keys and parameters", () => {
    expect(
      toReaRagAction({ function: "finish", parameters: { answer: "Osk", confidence: "high" }, note: 1 }),
    ).toEqual({ ok: true, action: { type: "finish", answer: "Osk" } });
  });

  it("trims the text only when asked", () => {
    const dict = { function: "search", parameters: { query: " loom " } };
    expect(toReaRagAction(dict)).toEqual({ ok: true, action: { type: "search", query: " loom " } });
    expect(toReaRagAction(dict, { trim: true })).toEqual({
      ok: true,
      action: { type: "search", query: "loom" },
    });
  });

  it("names what is wrong", () => {
    expect(toReaRagAction(null)).toMatchObject({ ok: false, code: "bad-action-dict" });
    expect(toReaRagAction({ function: 3 })).toEqual({
      ok: false,
      code: "unknown-function",
      message: `the action's "function" must be "search" or "finish", got none`,
    });
    expect(toReaRagAction({ function: "finish", parameters: { answer: 1921 } })).toEqual({
      ok: false,
      code: "bad-parameters",
      message: 'finish needs "parameters": {"answer": "<non-empty text>"}',
    });
  });
});
