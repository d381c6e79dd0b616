import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { SourceIdentity } from "@dataflow/core";
import { glob } from "tinyglobby";

/**
 * What a source's step caches are keyed on: a file's size and modification time, or, for a folder
 * or a glob of documents, a digest of every matched file's name, size and time, so an edited,
 * added or removed document is noticed (the response cache still spares the LLM calls whose
 * prompts did not change).
 */
export async function sourceIdentity(
  path: string,
  listFiles: () => Promise<{ base: string; files: string[] }>,
): Promise<SourceIdentity> {
  const st = await stat(path).catch(() => undefined);
  if (st?.isFile()) return { path, size: st.size, mtimeMs: st.mtimeMs };
  const listing = await listFiles().catch(() => undefined);
  if (!listing) return { path };
  const hash = createHash("sha256");
  for (const file of listing.files) {
    const f = await stat(join(listing.base, file)).catch(() => undefined);
    hash.update(`${file}\0${f?.size ?? -1}\0${f?.mtimeMs ?? -1}\n`);
  }
  return { path, files: hash.digest("hex") };
}

/** Every file below a folder, for sources whose path is a folder but not a document query. */
export async function filesBelow(dir: string): Promise<{ base: string; files: string[] }> {
  const files = await glob(["**/*"], { cwd: dir, onlyFiles: true, dot: false });
  return { base: dir, files: files.sort() };
}
