import { expect } from "vitest";
import type { DataflowResult } from "./run-dataflow.js";

/** Text that means a runtime's or library's raw failure reached the user instead of our message. */
const RAW_RUNTIME = [
  /^\s+at .+:\d+:\d+\)?$/m, // a stack frame
  /node:internal/,
  /\b(TypeError|RangeError|ReferenceError|SyntaxError|AssertionError)\b/,
  /Maximum call stack size exceeded/,
  /Cannot create a string longer than/,
  /Assertion failed|Abort(ed)? trap|core dumped/i,
  /\b(EEXIST|ENOTDIR|EISDIR|EACCES|ENOENT|ELOCKED):/,
  /\[object Object\]|undefined is not|is not a function/,
];

export interface ExpectedError {
  /** The exit code: 2 invalid pipeline or arguments, 1 run failed. */
  exit: number;
  /** Where: e.g. `pipeline.yaml:3:9`, or a RegExp. */
  location?: string | RegExp;
  /** What the message must say, each pattern somewhere on stderr. */
  wording?: readonly (string | RegExp)[];
}

/** Asserts the exit code, location and wording, and that no stack trace or raw runtime text was printed. */
export function expectCleanError(result: DataflowResult, expected: ExpectedError): void {
  const all = `${result.stderr}\n${result.stdout}`;
  expect(result.signal, `killed by a signal; stderr:\n${result.stderr}`).toBeNull();
  expect(result.code, `exit code; stderr:\n${result.stderr}`).toBe(expected.exit);
  if (expected.location !== undefined) expectText(result.stderr, expected.location);
  for (const w of expected.wording ?? []) expectText(result.stderr, w);
  expectNoRawRuntimeText(all);
}

/** No stack frame, internal module or raw runtime message in `text`. */
export function expectNoRawRuntimeText(text: string): void {
  for (const pattern of RAW_RUNTIME) expect(text, `raw runtime text ${pattern}`).not.toMatch(pattern);
}

function expectText(text: string, want: string | RegExp): void {
  if (typeof want === "string") expect(text).toContain(want);
  else expect(text).toMatch(want);
}
