import { basename } from "node:path";
import type { JSONSchema } from "../contracts/json-schema.js";
import { KindTable } from "./kind-table.js";

/** A file format sources and outputs can name (`format: <name>`) or imply by extension. */
export interface FileFormatKind {
  /** e.g. "jsonl", "jsonl.gz". */
  readonly name: string;
  /** Extensions it claims, with the dot, e.g. [".jsonl", ".ndjson"]. */
  readonly extensions: readonly string[];
  readonly description: string;
  /**
   * Paths the format claims beyond its extensions (a glob, a folder), checked when no extension
   * matches; `claimsDescription` says which, for messages ("a glob or a folder").
   */
  readonly claims?: (path: string) => boolean;
  readonly claimsDescription?: string;
  /** Its output is a folder (a dataset directory), not one file: an existing folder is no clash. */
  readonly writesFolder?: boolean;
  /** Options this format adds to `source:` (name → schema), checked by the pipeline schema. */
  readonly sourceOptions?: Readonly<Record<string, JSONSchema>>;
  /** Options this format adds to `output:`. */
  readonly outputOptions?: Readonly<Record<string, JSONSchema>>;
}

/** Keys of `source:` and `output:` that core owns: a format cannot add an option by these names. */
const CORE_KEYS = new Set(["path", "format", "idColumn", "columns"]);

/** File formats by name, which also tells a path's format from its extension. */
export class FileFormatTable extends KindTable<FileFormatKind> {
  constructor(originNow?: () => string) {
    super("file format", (f) => f.name, originNow, /^[a-z][a-z0-9.-]*$/);
  }

  override add(format: FileFormatKind, origin?: string): void {
    for (const key of [
      ...Object.keys(format.sourceOptions ?? {}),
      ...Object.keys(format.outputOptions ?? {}),
    ]) {
      if (CORE_KEYS.has(key))
        throw new Error(`file format "${format.name}" cannot add the option "${key}": core owns it`);
    }
    for (const ext of format.extensions) {
      const owner = this.list().find((f) => f.extensions.includes(ext.toLowerCase()));
      if (owner) {
        throw new Error(`file formats "${owner.name}" and "${format.name}" both claim extension ${ext}`);
      }
    }
    super.add({ ...format, extensions: format.extensions.map((e) => e.toLowerCase()) }, origin);
  }

  /**
   * The format whose longest claimed extension ends `path` (case-insensitive), else the first
   * (by name) whose `claims` accepts it, if any.
   */
  forPath(path: string): FileFormatKind | undefined {
    const name = basename(path).toLowerCase();
    let best: { format: FileFormatKind; length: number } | undefined;
    for (const format of this.list()) {
      for (const ext of format.extensions) {
        if (name.endsWith(ext) && name.length > ext.length && ext.length > (best?.length ?? 0)) {
          best = { format, length: ext.length };
        }
      }
    }
    return best?.format ?? this.list().find((f) => f.claims?.(path));
  }

  /** The options every registered format adds to `source:` or `output:`, by name. */
  options(key: "source" | "output"): Record<string, JSONSchema> {
    const out: Record<string, JSONSchema> = {};
    for (const f of this.list()) Object.assign(out, key === "source" ? f.sourceOptions : f.outputOptions);
    return out;
  }

  /** "jsonl (.jsonl, .ndjson), csv (.csv)", for messages. */
  describeAll(): string {
    return this.list()
      .map(
        (f) =>
          `${f.name} (${[...f.extensions, ...(f.claimsDescription ? [f.claimsDescription] : [])].join(", ")})`,
      )
      .join(", ");
  }
}
