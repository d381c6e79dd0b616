/**
 * Dot products of stored rows against 1, 2, 4 or 8 queries per pass, as a WebAssembly SIMD module
 * assembled here byte by byte (no toolchain, no binary in the repository). One pass over the rows
 * serves several queries, so each row is read from memory once per group instead of once per
 * query: the loop is bound by memory bandwidth for one query and by arithmetic for eight.
 *
 * The arithmetic is the one described in dot-product.ts: one f32x4 accumulator per query, element
 * j in lane j % 4, multiply then add (WebAssembly never fuses them), lanes summed as
 * (0 + 1) + (2 + 3). So the JavaScript fallback gives bit-identical scores.
 *
 * Exported functions `dot1`, `dot2`, `dot4`, `dot8`, each
 *   (queryPtr, rowPtr, rows, strideBytes, outPtr) -> ()
 * write `out[r * Q + k] = row r · query k` as float32, for `rows` consecutive rows of `strideBytes`
 * bytes from `rowPtr`. The Q queries are interleaved in 16-byte blocks: block b of query k lies at
 * `queryPtr + (b * Q + k) * 16`. Pointers and strides must be multiples of 16.
 */

/** Query-group sizes the kernel has a function for. */
export const QUERY_GROUPS = [1, 2, 4, 8] as const;
export type QueryGroup = (typeof QUERY_GROUPS)[number];
export const MAX_QUERY_GROUP: QueryGroup = 8;

/** The group size that fits `count` queries (1 ≤ count ≤ 8): unused slots hold zero queries. */
export function queryGroupFor(count: number): QueryGroup {
  for (const q of QUERY_GROUPS) if (q >= count) return q;
  return MAX_QUERY_GROUP;
}

/** The part of the WebAssembly API used here (the Node typings in use do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}

export type DotFunction = (
  queryPtr: number,
  rowPtr: number,
  rows: number,
  strideBytes: number,
  outPtr: number,
) => void;

export const WASM_PAGE_BYTES = 65_536;

/** Compiles the kernel once; undefined where WebAssembly or its SIMD is unavailable (`--jitless`). */
export class WasmDotKernel {
  private static compiled: WasmDotKernel | null | undefined;

  private constructor(
    private readonly api: WasmApi,
    private readonly module: object,
  ) {}

  static load(): WasmDotKernel | undefined {
    if (WasmDotKernel.compiled === undefined) {
      const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
      try {
        WasmDotKernel.compiled = api ? new WasmDotKernel(api, new api.Module(kernelModuleBytes())) : null;
      } catch {
        WasmDotKernel.compiled = null;
      }
    }
    return WasmDotKernel.compiled ?? undefined;
  }

  /** A shared memory: other threads score the same rows (search-pool.ts) without a copy. */
  memory(initialPages: number, maximumPages: number): WasmMemory {
    return new this.api.Memory({ initial: initialPages, maximum: maximumPages, shared: true });
  }

  /** The dot functions bound to `memory`, by query-group size. */
  instantiate(memory: WasmMemory): Record<QueryGroup, DotFunction> {
    const { exports } = new this.api.Instance(this.module, { env: { memory } });
    return {
      1: exports.dot1 as DotFunction,
      2: exports.dot2 as DotFunction,
      4: exports.dot4 as DotFunction,
      8: exports.dot8 as DotFunction,
    };
  }
}

// ---------- assembly ----------

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  f32Store: 0x38,
  f32Add: 0x92,
  simd: 0xfd,
} as const;
const simd = {
  v128Load: 0x00,
  v128Const: 0x0c,
  f32x4ExtractLane: 0x1f,
  f32x4Add: 0xe4,
  f32x4Mul: 0xe6,
} as const;
const EMPTY_BLOCK = 0x40;

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const name = (s: string): number[] => vec([...new TextEncoder().encode(s)].map((b) => [b]));
const get = (local: number) => [op.localGet, ...uleb(local)];
const set = (local: number) => [op.localSet, ...uleb(local)];
const i32 = (n: number) => [op.i32Const, ...sleb(n)];
const simdOp = (code: number, ...immediates: number[]) => [op.simd, ...uleb(code), ...immediates];
/** v128.load with a 16-byte alignment hint and a constant offset. */
const v128Load = (offset: number) => simdOp(simd.v128Load, 4, ...uleb(offset));
const lane = (i: number) => simdOp(simd.f32x4ExtractLane, i);

/** The body of `dot<Q>`. */
function dotBody(q: number): number[] {
  // Params: 0 queryPtr, 1 rowPtr (advances row by row), 2 rows (counts down), 3 strideBytes,
  // 4 outPtr (advances). Locals: 5 rowEnd, 6 qp, 7 the row's current f32x4, 8.. one accumulator per query.
  const [queryPtr, rowPtr, rows, stride, outPtr, rowEnd, qp, d] = [0, 1, 2, 3, 4, 5, 6, 7];
  const acc = Array.from({ length: q }, (_, k) => 8 + k);
  const code: number[] = [];
  code.push(op.block, EMPTY_BLOCK, op.loop, EMPTY_BLOCK);
  code.push(...get(rows), op.i32Eqz, op.brIf, 1);
  code.push(...get(rowPtr), ...get(stride), op.i32Add, ...set(rowEnd));
  code.push(...get(queryPtr), ...set(qp));
  for (const a of acc) code.push(...simdOp(simd.v128Const, ...new Array<number>(16).fill(0)), ...set(a));
  code.push(op.block, EMPTY_BLOCK, op.loop, EMPTY_BLOCK);
  code.push(...get(rowPtr), ...get(rowEnd), op.i32GeU, op.brIf, 1);
  code.push(...get(rowPtr), ...v128Load(0), ...set(d));
  for (let k = 0; k < q; k++) {
    const a = acc[k] as number;
    // acc += row * query, rounded after the multiply and after the add.
    code.push(...get(a), ...get(d), ...get(qp), ...v128Load(16 * k));
    code.push(...simdOp(simd.f32x4Mul), ...simdOp(simd.f32x4Add), ...set(a));
  }
  code.push(...get(rowPtr), ...i32(16), op.i32Add, ...set(rowPtr));
  code.push(...get(qp), ...i32(16 * q), op.i32Add, ...set(qp));
  code.push(op.br, 0, op.end, op.end);
  for (let k = 0; k < q; k++) {
    const a = acc[k] as number;
    code.push(...get(outPtr));
    code.push(...get(a), ...lane(0), ...get(a), ...lane(1), op.f32Add);
    code.push(...get(a), ...lane(2), ...get(a), ...lane(3), op.f32Add, op.f32Add);
    code.push(op.f32Store, 2, ...uleb(4 * k));
  }
  code.push(...get(outPtr), ...i32(4 * q), op.i32Add, ...set(outPtr));
  code.push(...get(rows), ...i32(1), op.i32Sub, ...set(rows));
  code.push(op.br, 0, op.end, op.end, op.end);
  const locals = vec([
    [...uleb(2), I32],
    [...uleb(1 + q), V128],
  ]);
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

function kernelModuleBytes(): Uint8Array {
  const fnType = [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), ...vec([])];
  const types = section(1, vec([fnType]));
  // Imports env.memory (flags 3: shared, with a maximum; 0 to 65,536 pages, i.e. up to 4 GiB).
  const imports = section(2, vec([[...name("env"), ...name("memory"), 0x02, 0x03, 0x00, ...uleb(65_536)]]));
  const functions = section(3, vec(QUERY_GROUPS.map(() => [0])));
  const exports = section(7, vec(QUERY_GROUPS.map((q, i) => [...name(`dot${q}`), 0x00, ...uleb(i)])));
  const code = section(10, vec(QUERY_GROUPS.map((q) => dotBody(q))));
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...types,
    ...imports,
    ...functions,
    ...exports,
    ...code,
  ]);
}
