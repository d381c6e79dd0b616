import { stat } from "node:fs/promises";
import type { Row, SourceItem } from "@dataflow/core";
import { formatLocation } from "@dataflow/core";
import { openFileSource, resolveFormat } from "@dataflow/storage";
import { displayPath } from "../format-summary.js";
import { type CliIO, EXIT_INVALID, EXIT_OK } from "../io.js";

export interface InspectFlags {
  rows: number;
  /** Characters of a value shown before it is folded. */
  width: number;
  format?: string;
  json?: boolean;
}

/** `dataflow inspect FILE`: the first rows of any file storage reads, one field a line, long values folded. */
export async function inspectCommand(file: string, flags: InspectFlags, io: CliIO): Promise<number> {
  let format: string;
  try {
    format = resolveFormat(file, flags.format);
    await stat(file);
  } catch (err) {
    io.stderr.write(`error: ${(err as Error).message}\n`);
    return EXIT_INVALID;
  }
  let shown = 0;
  let bad = 0;
  if (flags.rows > 0)
    for await (const item of openFileSource({ path: file, format }).read()) {
      if (item.kind === "bad") bad++;
      else shown++;
      io.stdout.write(flags.json ? jsonLine(item) : `${describeItem(item, flags.width)}\n`);
      if (shown + bad >= flags.rows) break;
    }
  if (!flags.json) {
    const unreadable = bad ? `, ${bad} unreadable` : "";
    io.stdout.write(
      `${displayPath(file)} (${format}): first ${shown} row${shown === 1 ? "" : "s"}${unreadable}\n`,
    );
  }
  return EXIT_OK;
}

function jsonLine(item: SourceItem): string {
  return `${JSON.stringify(item.kind === "row" ? item.row : { bad: item.reason, location: item.location })}\n`;
}

function describeItem(item: SourceItem, width: number): string {
  if (item.kind === "bad")
    return `── record ${item.id}: unreadable at ${formatLocation(item.location)}: ${item.reason}`;
  return [`── row ${item.id}`, ...describeRow(item.row, width)].join("\n");
}

/** One line per column, keys aligned; arrays one item a line underneath. */
export function describeRow(row: Row, width: number): string[] {
  const keys = Object.keys(row);
  const pad = Math.min(24, Math.max(0, ...keys.map((k) => k.length)));
  return keys.flatMap((key) => {
    const value = row[key];
    const head = `  ${key.padEnd(pad)}  `;
    if (Array.isArray(value) && value.some((v) => typeof v === "string" || typeof v === "object")) {
      return [
        `${head}[${value.length} item${value.length === 1 ? "" : "s"}]`,
        ...value.map((v, i) => `  ${" ".repeat(pad)}    [${i}] ${fold(v, width)}`),
      ];
    }
    return [`${head}${fold(value, width)}`];
  });
}

/** A value on one line: whitespace runs become one space, and past `width` characters the rest is counted, not shown. */
export function fold(value: unknown, width: number): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= width) return flat;
  return `${flat.slice(0, width)}… (+${flat.length - width} chars)`;
}
