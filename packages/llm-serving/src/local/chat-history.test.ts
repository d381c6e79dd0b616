import { describe, expect, it } from "vitest";
import { toChatHistory } from "./chat-history.js";

describe("toChatHistory", () => {
  it("maps roles and leaves the model an empty turn to answer in", () => {
    expect(
      toChatHistory([
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello." },
        { role: "user", content: "Again" },
      ]),
    ).toEqual([
      { type: "system", text: "Be brief." },
      { type: "user", text: "Hi" },
      { type: "model", response: ["Hello."] },
      { type: "user", text: "Again" },
      { type: "model", response: [] },
    ]);
  });

  it("lets the model continue a final assistant message", () => {
    expect(
      toChatHistory([
        { role: "user", content: "JSON?" },
        { role: "assistant", content: "{" },
      ]).at(-1),
    ).toEqual({
      type: "model",
      response: ["{"],
    });
  });
});
