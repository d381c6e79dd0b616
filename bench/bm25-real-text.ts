/**
 * Real-text passages for the BM25 mining benchmark, from documentation already on this machine:
 * every Markdown and text file of the installed npm packages (node_modules/.pnpm: READMEs,
 * changelogs, licences, guides) and every document under /usr/share/doc (Debian changelogs, NEWS,
 * READMEs, copyright files, HTML manuals such as Node's API docs, gzip-compressed or not), the
 * npm bundled with Node (/usr/lib/node_modules) and Perl's POD manuals. Human-written English, mixed registers, with
 * the repeats real corpora have (licences, changelog boiler-plate) — the overlap rule meets them.
 *
 * Files are read in sorted path order, paragraphs are packed into passages of about 1 KB (800–1,200
 * characters, cut at a space), and exact duplicate passages are dropped, so the same machine always
 * yields the same passages. Written once to a JSONL cache under the OS temp folder.
 */
import { createWriteStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

const MIN_CHARS = 800;
const MAX_CHARS = 1200;
const TEXT_FILE =
  /\.(md|markdown|txt|rst|pod|html?)$|(^|\/)(readme|changelog|news|authors|copyright|todo)[^/]*$/i;

function* walk(dir: string, depth = 0): Generator<string> {
  if (depth > 12) return;
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of entries) {
    const path = join(dir, name);
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch {
      continue;
    }
    if (stat.isDirectory()) yield* walk(path, depth + 1);
    else if (stat.isFile() && stat.size > 200 && stat.size < 8 * 1024 * 1024) yield path;
  }
}

function readText(path: string): string | undefined {
  try {
    const raw = readFileSync(path);
    const bytes = path.endsWith(".gz") ? gunzipSync(raw) : raw;
    const text = bytes.toString("utf8");
    if (text.includes("\u0000")) return undefined;
    // HTML documentation (Node's API docs among it): tags and scripts out, paragraphs kept.
    return /\.html?(\.gz)?$/i.test(path) ? stripHtml(text) : text;
  } catch {
    return undefined;
  }
}

function stripHtml(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, " ")
    .replace(/<\/(p|div|h\d|li|pre|section|tr)>/gi, "\n\n")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Packs a document's paragraphs into ~1 KB passages. */
function* passagesOf(text: string): Generator<string> {
  let current = "";
  for (const para of text.split(/\n\s*\n/)) {
    const clean = para.replace(/\s+/g, " ").trim();
    if (clean.length < 20) continue;
    current = current ? `${current} ${clean}` : clean;
    while (current.length >= MIN_CHARS) {
      if (current.length <= MAX_CHARS) {
        yield current;
        current = "";
        break;
      }
      const cut = current.lastIndexOf(" ", MAX_CHARS);
      const at = cut >= MIN_CHARS ? cut : MAX_CHARS;
      yield current.slice(0, at);
      current = current.slice(at).trimStart();
    }
  }
}

function* sourceFiles(repoRoot: string): Generator<string> {
  const roots = [
    join(repoRoot, "node_modules/.pnpm"),
    "/usr/lib/node_modules",
    "/usr/share/doc",
    "/usr/share/perl",
  ];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const path of walk(root)) {
      const name = path.replace(/\.gz$/, "");
      if (TEXT_FILE.test(name)) yield path;
    }
  }
}

/**
 * Path of a JSONL file of `count` real-text passages (`{"id","text"}` per line), written on first
 * use. Throws when the machine holds fewer distinct passages than asked for.
 */
export async function realTextCorpus(repoRoot: string, count: number): Promise<string> {
  const file = join(tmpdir(), `dataflow-bench-bm25-real-${count}.jsonl`);
  if (existsSync(file)) return file;
  const partial = `${file}.${process.pid}.tmp`;
  const out = createWriteStream(partial);
  const seen = new Set<string>();
  let written = 0;
  outer: for (const path of sourceFiles(repoRoot)) {
    const text = readText(path);
    if (text === undefined) continue;
    for (const passage of passagesOf(text)) {
      if (seen.has(passage)) continue;
      seen.add(passage);
      const line = `${JSON.stringify({ id: `p${written}`, text: passage })}\n`;
      if (!out.write(line)) await new Promise<void>((r) => out.once("drain", () => r()));
      if (++written >= count) break outer;
    }
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  if (written < count) {
    throw new Error(`only ${written} distinct real-text passages on this machine, asked for ${count}`);
  }
  const { renameSync } = await import("node:fs");
  renameSync(partial, file);
  return file;
}

/** Reads the passages of a corpus file written by realTextCorpus. */
export function readPassages(file: string): { id: string; text: string }[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as { id: string; text: string });
}
