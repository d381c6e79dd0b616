import { LLMError } from "@dataflow/core";

/**
 * An embeddings answer checked and turned into float32 vectors: one per text, each a non-empty
 * run of finite numbers (after float32 rounding too), all of one length, and of `dimensions`
 * when that was asked for. Anything else is a bad-output LLMError saying what was wrong.
 */
export function toVectors(raw: unknown, count: number, dimensions: number | undefined): Float32Array[] {
  if (!Array.isArray(raw)) throw new LLMError("bad-output", "the embeddings answer has no list of vectors");
  if (raw.length !== count) {
    throw new LLMError("bad-output", `the embeddings answer has ${raw.length} vectors for ${count} texts`);
  }
  const vectors: Float32Array[] = [];
  for (const [i, item] of raw.entries()) {
    const vector = toVector(item, i);
    const first = vectors[0];
    if (first && vector.length !== first.length) {
      throw new LLMError(
        "bad-output",
        `the embeddings answer has vectors of different lengths: ${first.length} (vector 0) and ${vector.length} (vector ${i})`,
      );
    }
    vectors.push(vector);
  }
  const length = vectors[0]?.length;
  if (dimensions !== undefined && length !== undefined && length !== dimensions) {
    throw new LLMError(
      "bad-output",
      `asked for vectors of ${dimensions} dimensions (embeddingDimensions) but got ${length}: the model or ` +
        "endpoint does not support `dimensions`; remove embeddingDimensions, or set it to the model's own size",
    );
  }
  return vectors;
}

function toVector(item: unknown, i: number): Float32Array {
  const isArray = Array.isArray(item) || item instanceof Float32Array || item instanceof Float64Array;
  if (!isArray)
    throw new LLMError("bad-output", `vector ${i} of the embeddings answer is not a list of numbers`);
  const values = item as ArrayLike<unknown>;
  if (values.length === 0) throw new LLMError("bad-output", `vector ${i} of the embeddings answer is empty`);
  const vector = new Float32Array(values.length);
  for (let j = 0; j < values.length; j++) {
    const v = values[j];
    // A number beyond float32 range becomes Infinity here, and fails as a non-finite one.
    if (typeof v === "number") vector[j] = v;
    if (typeof v !== "number" || !Number.isFinite(vector[j])) {
      throw new LLMError(
        "bad-output",
        `vector ${i} of the embeddings answer has ${show(v)} at position ${j}, not a finite number`,
      );
    }
  }
  return vector;
}

function show(value: unknown): string {
  const text = typeof value === "number" ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
