import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Test support: the shared sample data lives beside the repository, not in it.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../..");
export const SHARED_DIR = path.resolve(repoRoot, "..", "shared");
export const SAMPLE_CORPUS_PATH = path.join(SHARED_DIR, "data", "pipeline_small_chunk.json");
export const sampleCorpusAvailable = existsSync(SAMPLE_CORPUS_PATH);

if (!sampleCorpusAvailable) {
  console.warn(`[bm25 tests] skipping the real-corpus suites: ${SAMPLE_CORPUS_PATH} does not exist`);
}

/** The `text` of each record of pipeline_small_chunk.json (10 overlapping anatomy-textbook chunks). */
export function loadSampleCorpus(): string[] {
  const records = JSON.parse(readFileSync(SAMPLE_CORPUS_PATH, "utf8")) as unknown;
  if (!Array.isArray(records)) throw new Error(`${SAMPLE_CORPUS_PATH}: expected a JSON array`);
  return records.map((r: { text?: unknown }, i) => {
    if (typeof r?.text !== "string") throw new Error(`${SAMPLE_CORPUS_PATH}: record ${i} has no string text`);
    return r.text;
  });
}
