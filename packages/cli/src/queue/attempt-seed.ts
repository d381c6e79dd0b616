import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** One step cache file's whole lines: its header (step and fingerprint) and its entries. */
interface CacheLines {
  header: string;
  entries: string[];
}

/**
 * Starts a new attempt of a chunk with the step cache entries every earlier attempt recorded, so a
 * chunk taken over from a killed worker re-requests none of the rows that worker finished. Each
 * attempt writes only its own folder (two workers never append to one file, even when a worker that
 * lost its lock is still running); entries are copied whole-line (a killed writer's torn last line is
 * left out) under the header most of them share; FileStepCache keeps the last entry of an id.
 * Returns how many entries were copied.
 */
export async function seedAttempt(attemptsDir: string, attempt: string): Promise<number> {
  const earlier = (await list(attemptsDir)).filter((name) => name !== attempt).sort();
  const byFile = new Map<string, CacheLines[]>();
  for (const name of earlier) {
    const stepsDir = join(attemptsDir, name, "steps");
    for (const file of await list(stepsDir)) {
      if (file.startsWith(".") || !file.endsWith(".jsonl")) continue; // temp files of a header rewrite
      const lines = wholeLines(await readFile(join(stepsDir, file), "utf8"));
      if (lines) byFile.set(file, [...(byFile.get(file) ?? []), lines]);
    }
  }
  let copied = 0;
  for (const [file, sets] of byFile) {
    const header = commonestHeader(sets);
    const entries = sets.filter((s) => s.header === header).flatMap((s) => s.entries);
    if (!entries.length) continue;
    const stepsDir = join(attemptsDir, attempt, "steps");
    await mkdir(stepsDir, { recursive: true });
    await writeFile(join(stepsDir, file), `${[header, ...entries].join("\n")}\n`);
    copied += entries.length;
  }
  return copied;
}

function wholeLines(text: string): CacheLines | undefined {
  const [header, ...entries] = text
    .slice(0, text.lastIndexOf("\n") + 1)
    .split("\n")
    .filter(Boolean);
  return header === undefined ? undefined : { header, entries };
}

function commonestHeader(sets: CacheLines[]): string {
  const counts = new Map<string, number>();
  for (const s of sets) counts.set(s.header, (counts.get(s.header) ?? 0) + s.entries.length);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT") return [];
    throw err;
  }
}
