import { describe, expect, it } from "vitest";
import type { EmbedTransportResult } from "../transport.js";
import { newCall } from "./layer.js";
import { vectorCheck } from "./vector-check.js";

const batch = { model: "e", texts: ["a", "b"] };
const answering = (raw: EmbedTransportResult) => vectorCheck(undefined)(async () => raw);

describe("vectorCheck", () => {
  it("turns the answer into float32 vectors, with the billed tokens and the answering model", async () => {
    const checked = await answering({
      vectors: [[1, 2], Float32Array.of(3, 4)],
      promptTokens: 5,
      model: "e-1",
    })(batch, newCall(undefined, undefined));
    expect(checked.vectors.map((v) => [v instanceof Float32Array, Array.from(v)])).toEqual([
      [true, [1, 2]],
      [true, [3, 4]],
    ]);
    expect(checked).toMatchObject({ promptTokens: 5, model: "e-1" });
    const unbilled = await answering({ vectors: [[1], [2]], promptTokens: Number.NaN })(
      batch,
      newCall(undefined, undefined),
    );
    expect(unbilled.promptTokens).toBe(0);
  });

  it("fails an answer of the wrong count, typed, as bad output", async () => {
    await expect(answering({ vectors: [[1]] })(batch, newCall(undefined, undefined))).rejects.toMatchObject({
      kind: "bad-output",
      message: "the embeddings answer has 1 vectors for 2 texts",
    });
  });

  it("checks the vectors' length against embeddingDimensions", async () => {
    const send = vectorCheck(3)(async () => ({
      vectors: [
        [1, 1],
        [2, 1],
      ],
    }));
    await expect(send(batch, newCall(undefined, undefined))).rejects.toThrow(
      /asked for vectors of 3 dimensions .* but got 2/,
    );
  });
});
