import { basename } from "node:path";
import type { SourceLocation } from "../contracts/errors.js";
import type { CompileContext } from "./compile-context.js";

/**
 * Whether the format of a file the pipeline reads or writes is known: named by `format:` (the
 * schema checked the name), or claimed by a registered format through the file's extension.
 * Reports an error at `location` when it is not. Unchecked while no formats are registered.
 */
export function checkFileFormat(
  key: "source" | "output",
  path: string,
  format: unknown,
  location: SourceLocation,
  ctx: CompileContext,
): boolean {
  const formats = ctx.registry.fileFormats;
  if (format !== undefined || !formats.size || formats.forPath(path)) return true;
  const name = basename(path);
  const dot = name.lastIndexOf(".");
  const what = dot <= 0 ? "it has no extension" : `no registered format claims "${name.slice(dot)}"`;
  ctx.diagnostics.push({
    severity: "error",
    message: `${key}: cannot tell the format of ${path}: ${what}`,
    location,
    hint: `use an extension of one of ${formats.describeAll()}; or set ${key}.format`,
  });
  return false;
}
