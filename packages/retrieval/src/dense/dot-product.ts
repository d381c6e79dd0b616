/**
 * The arithmetic every dense score follows, whichever kernel computes it (the WebAssembly SIMD one
 * or this JavaScript fallback), so results never depend on the runtime:
 *
 * - rows and queries are float32, zero-padded to a multiple of 4 dimensions;
 * - element j of the product goes into lane j % 4 of one four-lane float32 accumulator, in
 *   order: `lane = fround(lane + fround(row[j] * query[j]))` (WebAssembly never fuses a
 *   multiply-add, so the SIMD kernel rounds the same way);
 * - the score is `fround(fround(lane0 + lane1) + fround(lane2 + lane3))`.
 */

/** Dimensions are padded to a multiple of this (one f32x4 register). */
export const LANES = 4;

/** Floats per stored row: `dims` rounded up to a multiple of LANES. */
export function rowStride(dims: number): number {
  return Math.ceil(dims / LANES) * LANES;
}

const fround = Math.fround;

/** The score of the row at `offset` in `data` against `query` (both `stride` floats, padded). */
export function dotF32(data: Float32Array, offset: number, query: Float32Array, stride: number): number {
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  for (let j = 0; j < stride; j += 4) {
    const o = offset + j;
    l0 = fround(l0 + fround((data[o] as number) * (query[j] as number)));
    l1 = fround(l1 + fround((data[o + 1] as number) * (query[j + 1] as number)));
    l2 = fround(l2 + fround((data[o + 2] as number) * (query[j + 2] as number)));
    l3 = fround(l3 + fround((data[o + 3] as number) * (query[j + 3] as number)));
  }
  return fround(fround(l0 + l1) + fround(l2 + l3));
}
