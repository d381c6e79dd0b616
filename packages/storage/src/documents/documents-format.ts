import { statSync } from "node:fs";
import { extname } from "node:path";
import type { FileFormatKind } from "@dataflow/core";
import { isDynamicPattern } from "tinyglobby";
import { isDatasetDir } from "../hf-dataset/hf-dataset-format.js";
import { DOCUMENT_EXTENSIONS } from "./document-file.js";

/** A glob, or a folder that exists (and is not a Hugging Face dataset): read as documents, one row per file. */
export function claimsDocuments(path: string): boolean {
  if (isDynamicPattern(path)) return true;
  try {
    return statSync(path).isDirectory() && !isDatasetDir(path);
  } catch {
    return false;
  }
}

/** Whether a path is read by the documents source: a document's extension, a glob or a folder. */
export function isDocumentsPath(path: string): boolean {
  return extname(path).toLowerCase() in DOCUMENT_EXTENSIONS || claimsDocuments(path);
}

/** The `documents` source format, as registered with the pipeline compiler (see register.ts). */
export const DOCUMENTS_FORMAT: FileFormatKind & { name: "documents" } = {
  name: "documents",
  extensions: Object.keys(DOCUMENT_EXTENSIONS),
  description:
    "documents, one row per file (text, path, title, format, bytes, modified, pages): Markdown and text as they are, HTML as text, PDF text by page; read only",
  claims: claimsDocuments,
  claimsDescription: "a glob or a folder",
  sourceOptions: {
    include: {
      type: "array",
      items: { type: "string", minLength: 1 },
      minItems: 1,
      description:
        "documents, when path is a folder: globs of the files to read, relative to it (default: every md, markdown, txt, html, htm and pdf file)",
    },
    exclude: {
      type: "array",
      items: { type: "string", minLength: 1 },
      description:
        "documents: globs of files to leave out, relative to the folder (or the glob's leading folder)",
    },
    hidden: {
      type: "boolean",
      description: "documents: also read hidden files and folders (names starting with a dot); default false",
    },
  },
};
