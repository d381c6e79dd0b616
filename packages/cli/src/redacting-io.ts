import { redact } from "@dataflow/core";
import type { CliIO } from "./io.js";

/**
 * The one place the CLI's stdout and stderr pass through: every write has
 * recorded secrets and secret-looking variables of `io.env` redacted, so no
 * command, logger or progress line can print one.
 */
export function redactingIO(io: CliIO): CliIO {
  return { ...io, stdout: redactingStream(io.stdout, io.env), stderr: redactingStream(io.stderr, io.env) };
}

function redactingStream<S extends NodeJS.WritableStream>(stream: S, env: CliIO["env"]): S {
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    const text =
      typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : undefined;
    const out = text === undefined ? chunk : redact(text, env);
    return (stream.write as (...a: unknown[]) => boolean)(out, ...rest);
  };
  // A proxy keeps isTTY, columns, on/once and the rest as they are: only write changes.
  return new Proxy(stream, {
    get(target, key) {
      if (key === "write") return write;
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}
