import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";

/**
 * An input file that cannot be read (missing, a directory, no permission).
 * The message names the path and what to fix; `code` is the fs error code
 * (e.g. "ENOENT") and `cause` the fs error itself.
 */
export class InputFileError extends Error {
  override readonly name = "InputFileError";
  readonly path: string;
  readonly code: string | undefined;

  constructor(path: string, cause: unknown) {
    const code = (cause as { code?: unknown } | undefined)?.code;
    super(InputFileError.describe(path, code, cause), { cause });
    this.path = path;
    this.code = typeof code === "string" ? code : undefined;
  }

  private static describe(path: string, code: unknown, cause: unknown): string {
    if (code === "ENOENT" || code === "ENOTDIR") {
      return `input file not found: ${path}; check source.path (or --input)`;
    }
    if (code === "EISDIR") {
      return `input path is a directory, not a file: ${path}; check source.path (or --input)`;
    }
    if (code === "EACCES" || code === "EPERM") {
      return `input file is not readable (permission denied): ${path}`;
    }
    return `cannot read input file ${path}: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
}

/**
 * Checks that `path` is a readable regular file and returns its size in bytes;
 * throws an InputFileError otherwise. Sources call it before their first row.
 */
export async function checkInputFile(path: string): Promise<number> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: ${path}`), { code: "EISDIR" });
    await access(path, constants.R_OK);
    return st.size;
  } catch (err) {
    throw new InputFileError(path, err);
  }
}
