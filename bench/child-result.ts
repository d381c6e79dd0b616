import { spawnSync } from "node:child_process";

/** The marker a bench child prints before its JSON result line. */
export const RESULT_MARK = "RESULT ";

/**
 * Runs `node <args>` (a bench re-invoking itself for one measurement, so each has a fresh heap and
 * its own peak RSS) and returns the JSON it printed after RESULT_MARK, or undefined after reporting
 * why the child failed.
 */
export function runResultChild<T>(args: readonly string[]): T | undefined {
  const child = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  const line = child.stdout.split("\n").find((l) => l.startsWith(RESULT_MARK));
  if (child.status !== 0 || line === undefined) {
    process.stderr.write(`  failed (status ${child.status}, signal ${child.signal}):\n${child.stderr}\n`);
    return undefined;
  }
  return JSON.parse(line.slice(RESULT_MARK.length)) as T;
}

/** A number with thousands separators and `digits` decimals. */
export function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
