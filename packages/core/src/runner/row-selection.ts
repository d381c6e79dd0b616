/**
 * Which source rows a run processes: all of them, the rows whose stable id hashes to one shard
 * (`--shard I/N`, Slurm/Kubernetes arrays), or a range of source positions (a work-queue chunk).
 *
 * A source position is the 0-based index of an item in the source's read order, bad records
 * included, so positions are the same in every process that reads the same source. Bad records are
 * selected like rows, so each becomes a reject in exactly one shard or chunk.
 */
export type RowSelection =
  | { readonly kind: "hash"; readonly index: number; readonly count: number }
  | { readonly kind: "range"; readonly start: number; readonly end: number };

/** The rows of shard `index` (0-based) of `count`: stable id hash mod count == index. */
export function hashSelection(index: number, count: number): RowSelection {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`shard count ${count} must be a whole number ≥ 1, e.g. --shard 0/4`);
  if (!Number.isInteger(index) || index < 0 || index >= count)
    throw new RangeError(
      `shard index ${index} is outside 0…${count - 1}: shards of ${count} are numbered 0 to ${count - 1}`,
    );
  return { kind: "hash", index, count };
}

/** The rows at source positions start ≤ position < end. */
export function rangeSelection(start: number, end: number): RowSelection {
  if (!Number.isInteger(start) || start < 0)
    throw new RangeError(`range start ${start} must be a whole number ≥ 0`);
  if (!Number.isInteger(end) || end < start)
    throw new RangeError(`range end ${end} must be a whole number ≥ start (${start})`);
  return { kind: "range", start, end };
}

/** Parses `I/N` (as in `--shard 2/8`); the error says what was wrong and the accepted form. */
export function parseShard(text: string): RowSelection {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new RangeError(`"${text}" is not a shard: write I/N, e.g. 0/4 for the first of 4 shards`);
  return hashSelection(Number(m[1]), Number(m[2]));
}

/** Whether the source item with this id at this position belongs to the selection. */
export function selects(selection: RowSelection | undefined, id: string, position: number): boolean {
  if (!selection) return true;
  if (selection.kind === "range") return position >= selection.start && position < selection.end;
  return stableIdHash(id) % selection.count === selection.index;
}

/**
 * Whether no selected item can come at or after `position` (a range is read no further).
 * Hash selections can always select a later item.
 */
export function selectionExhausted(selection: RowSelection | undefined, position: number): boolean {
  return selection?.kind === "range" && position >= selection.end;
}

/** A short name for messages and file names: `shard 2/8` or `rows 100…199`. */
export function describeSelection(selection: RowSelection): string {
  return selection.kind === "hash"
    ? `shard ${selection.index}/${selection.count}`
    : `rows ${selection.start}…${selection.end - 1}`;
}

const utf8 = new TextEncoder();

/**
 * FNV-1a (32 bits) over the id's UTF-8 bytes: the same on every machine and Node version, and
 * spread well enough that shards get similar row counts. Never change it: shard membership (and so
 * every shard's caches) depends on it.
 */
export function stableIdHash(id: string): number {
  let h = 0x811c9dc5;
  for (const byte of utf8.encode(id)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
