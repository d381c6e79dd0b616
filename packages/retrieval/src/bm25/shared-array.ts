/**
 * A zeroed typed array on a SharedArrayBuffer: ranking threads read the index without a copy
 * (rank-pool.ts); it costs the same memory as an ordinary one.
 */
export function shared<T>(Type: SharedArrayType<T>, length: number): T {
  return new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT));
}

interface SharedArrayType<T> {
  new (buffer: SharedArrayBuffer): T;
  readonly BYTES_PER_ELEMENT: number;
}
