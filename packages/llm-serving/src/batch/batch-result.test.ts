import { describe, expect, it } from "vitest";
import { type LineOutcome, readResultFile } from "./batch-result.js";

const completion = {
  model: "m-1",
  choices: [{ message: { role: "assistant", content: "hi", reasoning_content: "hmm" } }],
  usage: { prompt_tokens: 7, completion_tokens: 3 },
};

describe("readResultFile", () => {
  it("maps answers, per-request errors and lines a batch never ran; junk lines are skipped", () => {
    const lines = [
      { custom_id: "a", response: { status_code: 200, body: completion }, error: null },
      {
        custom_id: "b",
        response: { status_code: 429, body: { error: { message: "slow down" } } },
        error: null,
      },
      { custom_id: "c", response: { status_code: 400, body: { error: { message: "bad" } } }, error: null },
      { custom_id: "d", response: null, error: { code: "batch_expired", message: "window ran out" } },
      { custom_id: "e", response: null, error: { code: "server_error", message: "boom" } },
    ];
    const map = new Map<string, LineOutcome>();
    readResultFile(`${lines.map((l) => JSON.stringify(l)).join("\n")}\nnot json\n{"no":"id"}\n`, map);
    expect(map.get("a")).toEqual({
      kind: "answer",
      result: {
        text: "hi",
        reasoningContent: "hmm",
        usage: { promptTokens: 7, completionTokens: 3 },
        model: "m-1",
      },
    });
    expect(map.get("b")).toMatchObject({ kind: "error", error: { kind: "rate-limited", status: 429 } });
    expect(map.get("c")).toMatchObject({
      kind: "error",
      error: { kind: "bad-request", message: "HTTP 400: bad" },
    });
    expect(map.get("d")).toEqual({ kind: "unfinished", reason: "batch_expired: window ran out" });
    expect(map.get("e")).toMatchObject({ kind: "error", error: { kind: "transport" } });
    expect(map.size).toBe(5);
  });

  it("an answer without a message is a transport error, a refusal is its text", () => {
    const map = new Map<string, LineOutcome>();
    const refusal = { choices: [{ message: { content: null, refusal: "I can't" } }] };
    readResultFile(
      [
        JSON.stringify({ custom_id: "x", response: { status_code: 200, body: { choices: [] } } }),
        JSON.stringify({ custom_id: "y", response: { status_code: 200, body: refusal } }),
      ].join("\n"),
      map,
    );
    expect(map.get("x")).toMatchObject({ kind: "error", error: { kind: "transport" } });
    expect(map.get("y")).toEqual({ kind: "answer", result: { text: "I can't" } });
  });
});
