/** Checks a source's row limit: a non-negative integer; Infinity when not given. */
export function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new Error(`limit must be a non-negative integer, got ${String(limit)}`);
  }
  return limit;
}
