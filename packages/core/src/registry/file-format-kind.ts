import { basename } from "node:path";
import { KindTable } from "./kind-table.js";

/** A file format sources and outputs can name (`format: <name>`) or imply by extension. */
export interface FileFormatKind {
  /** e.g. "jsonl", "jsonl.gz". */
  readonly name: string;
  /** Extensions it claims, with the dot, e.g. [".jsonl", ".ndjson"]. */
  readonly extensions: readonly string[];
  readonly description: string;
}

/** File formats by name, which also tells a path's format from its extension. */
export class FileFormatTable extends KindTable<FileFormatKind> {
  constructor(originNow?: () => string) {
    super("file format", (f) => f.name, originNow, /^[a-z][a-z0-9.-]*$/);
  }

  override add(format: FileFormatKind, origin?: string): void {
    for (const ext of format.extensions) {
      const owner = this.list().find((f) => f.extensions.includes(ext.toLowerCase()));
      if (owner) {
        throw new Error(`file formats "${owner.name}" and "${format.name}" both claim extension ${ext}`);
      }
    }
    super.add({ ...format, extensions: format.extensions.map((e) => e.toLowerCase()) }, origin);
  }

  /** The format whose longest claimed extension ends `path` (case-insensitive), if any. */
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
    return best?.format;
  }

  /** "jsonl (.jsonl, .ndjson), csv (.csv)", for messages. */
  describeAll(): string {
    return this.list()
      .map((f) => `${f.name} (${f.extensions.join(", ")})`)
      .join(", ");
  }
}
