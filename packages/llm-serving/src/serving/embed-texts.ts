import { LLMError } from "@dataflow/core";

/** Texts `embed` can send: strings, none empty (endpoints refuse them; a local model has no vector for one). */
export function checkTexts(texts: readonly string[], serving: string): void {
  if (!Array.isArray(texts)) {
    throw new LLMError("bad-request", `serving "${serving}": embed takes an array of strings`);
  }
  for (const [i, text] of texts.entries()) {
    if (typeof text !== "string") {
      throw new LLMError(
        "bad-request",
        `serving "${serving}": texts[${i}] to embed is a ${typeof text}, not a string`,
      );
    }
    if (text.length === 0) {
      throw new LLMError(
        "bad-request",
        `serving "${serving}": texts[${i}] to embed is empty; leave empty passages or queries out before embedding`,
      );
    }
  }
}

/** Each distinct text once, in first-seen order, with the positions it holds in `texts`. */
export function distinctTexts(texts: readonly string[]): Map<string, number[]> {
  const positions = new Map<string, number[]>();
  for (const [i, text] of texts.entries()) {
    const at = positions.get(text);
    if (at) at.push(i);
    else positions.set(text, [i]);
  }
  return positions;
}

/**
 * The distinct texts' vectors put back at every position their text holds. Vectors of different
 * lengths in one call are bad output; with cached ones among them, the cache may hold an
 * earlier version of the model, and the message says so.
 */
export function spreadVectors(
  positions: Map<string, number[]>,
  distinct: readonly Float32Array[],
  count: number,
  cached: number,
): Float32Array[] {
  const vectors: Float32Array[] = new Array(count);
  let d = 0;
  for (const at of positions.values()) {
    const vector = distinct[d++] as Float32Array;
    for (const i of at) vectors[i] = vector;
  }
  const length = vectors[0]?.length;
  const odd = vectors.findIndex((v) => v?.length !== length);
  if (odd >= 0) {
    throw new LLMError(
      "bad-output",
      `embeddings of different lengths in one call: ${length} (texts[0]) and ${vectors[odd]?.length} (texts[${odd}])` +
        (cached > 0
          ? "; the response cache may hold vectors of an earlier version of the model: clear it"
          : ""),
    );
  }
  return vectors;
}
