import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { PositionSink } from "@dataflow/core";
import { AtomicFile } from "./atomic-file.js";

/**
 * A part's positions sidecar: one JSON line `[position, "row id"]` per output row, in the part's
 * order, written atomically like the part itself. The part's own bytes stay exactly what a whole
 * run would write; the merge reads positions from here.
 */
export class PositionsFile implements PositionSink {
  private constructor(private readonly file: AtomicFile) {}

  static async open(path: string): Promise<PositionsFile> {
    return new PositionsFile(await AtomicFile.open(path));
  }

  write(position: number, id: string): void | Promise<void> {
    return this.file.write(`${JSON.stringify([position, id])}\n`);
  }

  commit(): Promise<void> {
    return this.file.commit();
  }

  abort(): Promise<void> {
    return this.file.abort();
  }
}

/** A positions sidecar's entries, streamed; a malformed line is an error naming the file and line. */
export async function* readPositions(path: string): AsyncGenerator<[position: number, id: string]> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of lines) {
    line++;
    const entry: unknown = parseOrUndefined(text);
    if (!Array.isArray(entry) || !Number.isInteger(entry[0]) || typeof entry[1] !== "string")
      throw new Error(`${path}:${line}: not a positions entry [position, "id"]: ${text.slice(0, 80)}`);
    yield [entry[0] as number, entry[1]];
  }
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
