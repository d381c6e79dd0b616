import { mix32 } from "../text/hash32.js";
import type { LshBands } from "./lsh-params.js";

/**
 * MinHash signatures cut into LSH band keys. Hash function k permutes 32-bit shingle hashes as
 * x ↦ xorshift(imul(x ^ c_k, a_k)) (xor, multiply by an odd constant and xorshift are each
 * bijections), with c_k, a_k drawn from `seed`; the signature keeps each function's minimum (as
 * a signed int: any fixed order makes a min-wise hash). Only the band keys leave this class.
 */
export class MinHasher {
  readonly numPerm: number;
  private readonly xors: Int32Array;
  private readonly muls: Int32Array;
  private readonly signature: Int32Array;
  private readonly keys: Uint32Array;

  constructor(
    readonly banding: LshBands,
    seed: number,
  ) {
    this.numPerm = banding.bands * banding.rows;
    this.xors = new Int32Array(this.numPerm);
    this.muls = new Int32Array(this.numPerm);
    let state = mix32(seed ^ 0x5bd1e995);
    for (let k = 0; k < this.numPerm; k++) {
      state = mix32(state + 0x9e3779b9);
      this.xors[k] = state;
      state = mix32(state + 0x9e3779b9);
      this.muls[k] = state | 1;
    }
    this.signature = new Int32Array(this.numPerm);
    this.keys = new Uint32Array(banding.bands);
  }

  /** One key per band for a non-empty sorted shingle set; valid until the next call. */
  bandKeys(shingles: Uint32Array): Uint32Array {
    const sig = this.signature;
    const count = shingles.length;
    for (let k = 0; k < this.numPerm; k++) {
      const c = this.xors[k] as number;
      const a = this.muls[k] as number;
      let min = 0x7fffffff;
      for (let i = 0; i < count; i++) {
        let h = Math.imul((shingles[i] as number) ^ c, a);
        h ^= h >>> 15;
        h = Math.imul(h, 0x2c1b3c6d);
        h ^= h >>> 12;
        if (h < min) min = h;
      }
      sig[k] = min;
    }
    const { bands, rows } = this.banding;
    for (let band = 0; band < bands; band++) {
      let h = mix32(Math.imul(band + 1, 0x9e3779b9));
      for (let j = band * rows; j < (band + 1) * rows; j++) h = mix32((h + (sig[j] as number)) | 0);
      this.keys[band] = h;
    }
    return this.keys;
  }
}
