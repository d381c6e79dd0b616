import { describe, expect, it } from "vitest";
import { sameTextKey } from "./same-text.js";

describe("sameTextKey", () => {
  it("equates texts that differ only in whitespace, and nothing else", () => {
    expect(sameTextKey("  Bees\n swarm\tin May. ")).toBe(sameTextKey("Bees swarm in May."));
    expect(sameTextKey("Bees swarm in May.")).not.toBe(sameTextKey("bees swarm in May."));
  });
});
