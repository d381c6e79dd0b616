import { stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { RowSource, SourceItem, SourceProgress } from "@dataflow/core";
import { escapePath, glob, isDynamicPattern } from "tinyglobby";
import { InputFileError } from "../input-file.js";
import { RowIds } from "../row-ids.js";
import { checkLimit } from "../row-limit.js";
import { DEFAULT_DOCUMENT_GLOB, readDocument } from "./document-file.js";

export interface DocumentSourceOptions {
  /** A glob ("docs/**\/*.{md,pdf}"), a folder (read with `include`), or one document file. */
  path: string;
  /** Globs relative to a folder `path` (default: every md, markdown, txt, html, htm and pdf file). */
  include?: readonly string[];
  /** Globs of files to leave out, relative to the folder the paths are relative to. */
  exclude?: readonly string[];
  /** Also read hidden files and folders (names starting with "."); default false. */
  hidden?: boolean;
  /** Take row ids from this column instead of the relative paths. */
  idColumn?: string;
  /** Read at most this many documents. */
  limit?: number;
}

/** The folder a glob's matches are relative to, and the patterns to match there. */
export interface DocumentQuery {
  base: string;
  patterns: string[];
}

/**
 * The folder and patterns for a path: a glob's static leading folders are the base ("docs/**\/*.md"
 * → "docs" and "**\/*.md"); a folder is the base for `include`; a file is matched by its own name.
 */
export async function documentQuery(path: string, include?: readonly string[]): Promise<DocumentQuery> {
  const includeMisplaced = () =>
    new Error(
      `include applies when path is a folder, but ${path} is not one; put the selection in path or make path the folder`,
    );
  if (isDynamicPattern(path)) {
    if (include?.length) throw includeMisplaced();
    const parts = path.split("/");
    const firstDynamic = parts.findIndex((p) => isDynamicPattern(p));
    const base = parts.slice(0, firstDynamic).join("/") || ".";
    return { base, patterns: [parts.slice(firstDynamic).join("/")] };
  }
  const st = await stat(path).catch((err: unknown) => {
    throw new InputFileError(path, err);
  });
  if (st.isDirectory())
    return { base: path, patterns: include?.length ? [...include] : [DEFAULT_DOCUMENT_GLOB] };
  if (include?.length) throw includeMisplaced();
  return { base: dirname(path), patterns: [escapePath(basename(path))] };
}

/**
 * One row per document file matched by a glob or found in a folder (see readDocument for the
 * columns). Files are listed first (tinyglobby; hidden files and node_modules left out unless
 * asked), sorted, then read and parsed one at a time, so memory holds one document.
 *
 * Row ids are the paths relative to the base folder ("guides/brakes.md"): stable across runs. Step
 * caches are keyed on every matched file's name, size and time (see sourceIdentity): an edited
 * document is never answered from a stale cache, and the response cache spares the unchanged
 * prompts. A file that cannot be read or parsed is a `bad` item
 * located at its path, with the reason; the run goes on. No match at all is an error naming the
 * pattern: a pipeline over nothing is a mistake.
 */
export class DocumentSource implements RowSource {
  readonly description: string;
  readonly path: string;
  private readonly limit: number;
  private bytesRead = 0;
  private bytesTotal: number | undefined;

  constructor(private readonly options: DocumentSourceOptions) {
    this.path = options.path;
    this.description = options.path;
    this.limit = checkLimit(options.limit);
  }

  /** The matched files, relative to the base folder, sorted. Throws when there are none. */
  async list(): Promise<{ base: string; files: string[] }> {
    const { base, patterns } = await documentQuery(this.path, this.options.include);
    const hidden = this.options.hidden ?? false;
    const files = await glob(patterns, {
      cwd: base,
      dot: hidden,
      onlyFiles: true,
      expandDirectories: false,
      ignore: [
        ...(this.options.exclude ?? []),
        ...(hidden ? [] : ["**/.*", "**/.*/**"]),
        "**/node_modules/**",
      ],
    });
    files.sort();
    if (files.length === 0)
      throw new Error(
        `no documents match ${this.path}${this.options.include ? ` (include: ${this.options.include.join(", ")})` : ""}; ` +
          "check source.path (a folder, a file or a glob such as docs/**/*.md, relative to the pipeline file)",
      );
    return { base, files };
  }

  /** Throws (naming the path) unless at least one document matches. */
  async checkReadable(): Promise<void> {
    await this.list();
  }

  progress(): SourceProgress {
    return this.bytesTotal === undefined
      ? { bytesRead: this.bytesRead }
      : { bytesRead: this.bytesRead, bytesTotal: this.bytesTotal };
  }

  read(options?: { signal?: AbortSignal }): AsyncIterable<SourceItem> {
    return this.items(options?.signal);
  }

  private async *items(signal: AbortSignal | undefined): AsyncGenerator<SourceItem> {
    signal?.throwIfAborted();
    this.bytesRead = 0;
    if (this.limit === 0) return;
    const { base, files } = await this.list();
    const sizes = await Promise.all(
      files.map((f) =>
        stat(join(base, f)).then(
          (s) => s.size,
          () => 0,
        ),
      ),
    );
    this.bytesTotal = sizes.reduce((a, b) => a + b, 0);
    const ids = new RowIds(this.options.idColumn, "record");
    let rows = 0;
    for (const [i, rel] of files.entries()) {
      signal?.throwIfAborted();
      const file = join(base, rel);
      const result = await readDocument(file, rel);
      this.bytesRead += sizes[i] ?? 0;
      if (!result.ok) {
        yield { kind: "bad", id: rel, location: { file: resolve(file) }, reason: result.reason };
        continue;
      }
      const id =
        this.options.idColumn === undefined ? { ok: true as const, id: rel } : ids.assign(result.row, i + 1);
      if (!id.ok) {
        yield { kind: "bad", id: rel, location: { file: resolve(file) }, reason: id.reason };
        continue;
      }
      yield { kind: "row", id: id.id, row: result.row };
      if (++rows >= this.limit) return;
    }
  }
}
