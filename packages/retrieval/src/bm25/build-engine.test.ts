import { describe, expect, it } from "vitest";
import { buildBm25Engine } from "./build-engine.js";

describe("buildBm25Engine", () => {
  const texts = ["heart valves", "heart", "lungs and airways"];

  it("builds the compact engine by default and lunr on request, with the same ranking", () => {
    const compact = buildBm25Engine(texts, { scoring: "lunr" });
    const lunrEngine = buildBm25Engine(texts, { engine: "lunr" });
    expect(compact.kind).toBe("compact");
    expect(lunrEngine.kind).toBe("lunr");
    expect(compact.search("heart valve", 5)).toEqual(lunrEngine.search("heart valve", 5));
  });

  it("refuses combinations it cannot honour", () => {
    expect(() => buildBm25Engine(texts, { engine: "lunr", scoring: "lucene" })).toThrow(/lunr/);
    expect(() => buildBm25Engine(texts, { engine: "sqlite" as never })).toThrow(/unknown BM25 engine/);
  });
});
