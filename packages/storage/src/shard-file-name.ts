import { basename, dirname, join } from "node:path";
import { FORMAT_KINDS } from "./file-format.js";

/** Longest first, so `.jsonl.gz` is one extension. */
const EXTENSIONS = FORMAT_KINDS.flatMap((f) => f.extensions).sort((a, b) => b.length - a.length);

/** `out/rare.jsonl` → `[out/rare, .jsonl]`: a known format's extension, else the last one. */
function splitExtension(path: string): [string, string] {
  const name = basename(path);
  const lower = name.toLowerCase();
  const known = EXTENSIONS.find((ext) => lower.endsWith(ext) && lower.length > ext.length);
  const dot = name.lastIndexOf(".");
  const ext = known ? name.slice(name.length - known.length) : dot > 0 ? name.slice(dot) : "";
  return [join(dirname(path), name.slice(0, name.length - ext.length)), ext];
}

/**
 * Shard `index` of `count`'s part of an output, as datasets name shards:
 * `out/rare.jsonl`, 2, 8 → `out/rare-00002-of-00008.jsonl` (5 digits, more when count needs them).
 */
export function shardFileName(path: string, index: number, count: number): string {
  const digits = Math.max(5, String(count).length);
  const [stem, ext] = splitExtension(path);
  const pad = (n: number) => String(n).padStart(digits, "0");
  return `${stem}-${pad(index)}-of-${pad(count)}${ext}`;
}

/** The sidecar beside a part that holds each of its rows' source positions (see PositionsFile). */
export function positionsFileName(partPath: string): string {
  return `${partPath}.positions`;
}
