import type { Diagnostic, SourceLocation } from "../contracts/errors.js";
import type { OperatorRegistry } from "../registry/registry.js";
import type { Path, PipelineDocument } from "./pipeline-document.js";
import type { KindConfig } from "./plan.js";

/** What every compile check shares: the document, where problems go, and what is registered. */
export interface CompileContext {
  doc: PipelineDocument;
  diagnostics: Diagnostic[];
  registry: OperatorRegistry;
  /** The pipeline file's folder: relative paths resolve against it. */
  baseDir: string;
  /** Whether a file the pipeline reads exists; unchecked when absent. */
  fileExists?: (path: string) => boolean;
}

/** A section (`servings:`, `retrievers:`) as a record of blocks; anything else counts as empty. */
export function blocks(value: unknown): Record<string, KindConfig> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, KindConfig>)
    : {};
}

/** A locator for paths under `base`. */
export function locator(doc: PipelineDocument, base: Path): (...path: Path) => SourceLocation {
  return (...path) => doc.locate([...base, ...path]);
}

/** "a", "a or b", "a, b or c". */
export function orList(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}
