import { type Logger, redactSecrets } from "@dataflow/core";
import pino from "pino";
import { LogSink } from "./log-sink.js";

export type LogFormat = "pretty" | "json";

export interface CliLoggerOptions {
  format: LogFormat;
  /** Debug lines (each retry with its cause) too; otherwise info and above. */
  verbose: boolean;
  stream: { write(s: string): unknown };
  env: Record<string, string | undefined>;
}

export interface CliLogger {
  /** core's Logger contract, each line tagged with `scope` (serving, retrieval, run). */
  scope(scope: string): Logger;
  /** Pretty lines pass through here, so the progress renderer can print them above its bars. */
  readonly sink: LogSink;
  readonly format: LogFormat;
}

interface PinoLine {
  level: string;
  scope?: string;
  msg?: string;
}

/** A pretty line as streamLogger wrote it: `[scope] msg`, prefixed with the level unless info. */
function prettyLine(json: string): string {
  const o = JSON.parse(json) as PinoLine;
  return `${o.level === "info" ? "" : `${o.level}: `}[${o.scope ?? "dataflow"}] ${o.msg ?? ""}\n`;
}

/** The CLI's logger on pino: JSON lines on the stream, or pretty lines through a LogSink. */
export function createCliLogger(options: CliLoggerOptions): CliLogger {
  const sink = new LogSink(options.stream);
  const destination =
    options.format === "json" ? options.stream : { write: (json: string) => sink.write(prettyLine(json)) };
  const root = pino(
    {
      level: options.verbose ? "debug" : "info",
      base: null,
      formatters: { level: (label) => ({ level: label }) },
      // Messages are redacted before pino sees them: a secret never reaches any output.
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args;
          method.apply(this, [
            typeof first === "string" ? redactSecrets(first, options.env) : first,
            ...rest,
          ]);
        },
      },
    },
    destination,
  );
  return {
    sink,
    format: options.format,
    scope(scope) {
      const child = root.child({ scope });
      return {
        debug: (m) => child.debug(m),
        info: (m) => child.info(m),
        warn: (m) => child.warn(m),
        error: (m) => child.error(m),
      };
    },
  };
}
