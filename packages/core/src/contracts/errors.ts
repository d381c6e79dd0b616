/** Where something is in a file, 1-based line and column. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export function formatLocation(loc: SourceLocation | undefined): string {
  if (!loc) return "";
  if (loc.line === undefined) return loc.file;
  return loc.column === undefined ? `${loc.file}:${loc.line}` : `${loc.file}:${loc.line}:${loc.column}`;
}

/**
 * Kinds of per-row failure. Operators throw a RowError with one of these (or
 * their own string) so rejects can be grouped and the runner can decide.
 */
export type RowErrorKind =
  | "bad-input"
  | "bad-output"
  | "rate-limited"
  | "timeout"
  | "bad-request"
  | "transport"
  | "cancelled"
  | (string & {});

/** A failure of one row: it becomes a reject, never a crash. */
export class RowError extends Error {
  override readonly name = "RowError";
  readonly kind: RowErrorKind;
  /** Raw model or input text that caused the failure, kept for the rejects file. */
  readonly raw: string | undefined;

  constructor(kind: RowErrorKind, message: string, options?: { raw?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.raw = options?.raw;
  }
}

/** The error kind of anything thrown by an operator. */
export function errorKind(err: unknown): string {
  if (err instanceof RowError) return err.kind;
  if (err instanceof Error) {
    if (err.name === "AbortError") return "cancelled";
    const kind = (err as { kind?: unknown }).kind;
    if (typeof kind === "string") return kind;
    return err.name === "Error" ? "error" : err.name;
  }
  return "error";
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === "string" ? err : JSON.stringify(err);
}

/** One problem found while loading or compiling a pipeline. */
export interface Diagnostic {
  severity: "error" | "warning";
  message: string;
  location?: SourceLocation;
  /** How to fix it. */
  hint?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = formatLocation(d.location);
  const head = `${where ? `${where}: ` : ""}${d.severity}: ${d.message}`;
  return d.hint ? `${head}\n  fix: ${d.hint}` : head;
}

/** Thrown when a pipeline cannot be compiled; carries every problem found, not just the first. */
export class PipelineError extends Error {
  override readonly name = "PipelineError";
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === "error");
    super(
      `pipeline is invalid (${errors.length} error${errors.length === 1 ? "" : "s"}):\n` +
        errors.map(formatDiagnostic).join("\n"),
    );
    this.diagnostics = diagnostics;
  }
}

/**
 * Whether an error means no row of the step can succeed (a model that cannot be
 * loaded, say): the runner then fails the run at once instead of rejecting
 * every row with the same message. Mark such errors with `fatal = true`.
 */
export function isFatal(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { fatal?: unknown }).fatal === true;
}

/**
 * The exit code a fatal error asks for (`exitCode` on it: 2 when the configuration cannot work,
 * such as a refused API key); undefined when it names none.
 */
export function fatalExitCode(err: unknown): number | undefined {
  if (!isFatal(err)) return undefined;
  const code = (err as { exitCode?: unknown }).exitCode;
  return typeof code === "number" && Number.isInteger(code) && code > 0 ? code : undefined;
}
