/**
 * Vectors as base64 of their float32 values, little-endian whatever the platform: a quarter of
 * the size of a JSON number array, and exactly the float32 values that were computed.
 */
export function encodeVector(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i] ?? 0, i * 4);
  return bytes.toString("base64");
}

/** The vector `encodeVector` wrote; undefined when `text` is not a whole number of float32s. */
export function decodeVector(text: string): Float32Array | undefined {
  const bytes = Buffer.from(text, "base64");
  if (bytes.length % 4 !== 0) return undefined;
  const vector = new Float32Array(bytes.length / 4);
  for (let i = 0; i < vector.length; i++) vector[i] = bytes.readFloatLE(i * 4);
  return vector;
}
