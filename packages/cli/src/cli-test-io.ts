import { PassThrough } from "node:stream";
import type { CliIO } from "./io.js";

/** A CliIO that captures what the CLI writes, for tests. */
export function captureIO(env: Record<string, string | undefined> = {}): {
  io: CliIO;
  stdout(): string;
  stderr(): string;
} {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  err.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  return {
    io: { stdout: out, stderr: err, env, onInterrupt: () => () => {} },
    stdout: () => stdout,
    stderr: () => stderr,
  };
}
