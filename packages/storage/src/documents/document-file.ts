import { readFile, stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import type { Row } from "@dataflow/core";
import { firstInvalidUtf8 } from "../utf8.js";
import { htmlToDocument } from "./html-text.js";
import { markdownTitle } from "./markdown-title.js";
import { pdfToDocument } from "./pdf-text.js";

export type DocumentFormat = "markdown" | "text" | "html" | "pdf";

/** The extensions each document format claims (lower case). */
export const DOCUMENT_EXTENSIONS: Readonly<Record<string, DocumentFormat>> = {
  ".md": "markdown",
  ".markdown": "markdown",
  ".txt": "text",
  ".html": "html",
  ".htm": "html",
  ".pdf": "pdf",
};

/** The glob a directory is read with when no `include` is given. */
export const DEFAULT_DOCUMENT_GLOB = "**/*.{md,markdown,txt,html,htm,pdf}";

/** The columns of every document row, in order. */
export const DOCUMENT_COLUMNS = ["text", "path", "title", "format", "bytes", "modified", "pages"] as const;

export type DocumentResult = { ok: true; row: Row } | { ok: false; reason: string };

const strict = new TextDecoder("utf-8", { fatal: true });

/**
 * One document file as a row: `text`, `path` (as given, relative to the source's folder), `title`,
 * `format`, `bytes`, `modified` (ISO 8601) and `pages` (a PDF's page spans, null for other
 * formats). A file that cannot be read or parsed, is binary, or has an extension no document
 * format claims is `{ ok: false, reason }`.
 */
export async function readDocument(file: string, relPath: string): Promise<DocumentResult> {
  const format = DOCUMENT_EXTENSIONS[extname(file).toLowerCase()];
  if (format === undefined) {
    const ext = extname(file) || "(no extension)";
    const known = Object.keys(DOCUMENT_EXTENSIONS).join(", ");
    return {
      ok: false,
      reason: `not a document this source reads: ${ext}; supported extensions are ${known}`,
    };
  }
  let bytes: Buffer;
  let modified: Date;
  try {
    [bytes, modified] = await Promise.all([readFile(file), stat(file).then((s) => s.mtime)]);
  } catch (err) {
    return { ok: false, reason: `cannot read the file: ${(err as Error).message}` };
  }
  const parsed = await parse(bytes, format);
  if (!parsed.ok) return parsed;
  const { text, title, pages } = parsed;
  if (!text.trim()) return { ok: false, reason: `no text in this ${format} file` };
  return {
    ok: true,
    row: {
      text,
      path: relPath,
      title: title ?? basename(file, extname(file)),
      format,
      bytes: bytes.length,
      modified: modified.toISOString(),
      pages: pages ?? null,
    },
  };
}

type Parsed =
  | {
      ok: true;
      text: string;
      title: string | undefined;
      pages?: { page: number; start: number; end: number }[];
    }
  | { ok: false; reason: string };

async function parse(bytes: Buffer, format: DocumentFormat): Promise<Parsed> {
  if (format === "pdf") {
    try {
      return { ok: true, ...(await pdfToDocument(bytes)) };
    } catch (err) {
      return { ok: false, reason: `not a readable PDF: ${(err as Error).message}` };
    }
  }
  const decoded = decodeText(bytes);
  if (typeof decoded !== "string") return { ok: false, reason: decoded.reason };
  if (format === "html") return { ok: true, ...htmlToDocument(decoded) };
  return { ok: true, text: decoded, title: format === "markdown" ? markdownTitle(decoded) : undefined };
}

/** UTF-8 text (a BOM dropped), or why the bytes are not text. */
function decodeText(bytes: Buffer): string | { reason: string } {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { reason: `binary file, not text (a NUL byte at offset ${nul})` };
  try {
    return strict.decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    const at = firstInvalidUtf8(bytes);
    return {
      reason: `not UTF-8 text (invalid byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, "0")} at offset ${at}); convert it to UTF-8`,
    };
  }
}
