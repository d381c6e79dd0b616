export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** A logger writing `[scope] message` lines to a stream (stderr by default). */
export function streamLogger(
  scope: string,
  stream: { write(s: string): unknown } = process.stderr,
  minLevel: "debug" | "info" | "warn" | "error" = "info",
): Logger {
  const order = { debug: 0, info: 1, warn: 2, error: 3 } as const;
  const at =
    (level: keyof typeof order) =>
    (message: string): void => {
      if (order[level] >= order[minLevel])
        stream.write(`${level === "info" ? "" : `${level}: `}[${scope}] ${message}\n`);
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
