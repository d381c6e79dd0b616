import { seededRandom } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { type SplitOptions, splitText } from "./split-text.js";

const opts = (o: Partial<SplitOptions> = {}): SplitOptions => ({
  maxChars: 200,
  overlapChars: 0,
  minChars: 0,
  locale: "en",
  ...o,
});

const texts = (text: string, o: Partial<SplitOptions>) =>
  splitText(text, opts(o)).chunks.map((c) => text.slice(c.start, c.end));

describe("splitText", () => {
  it("ends chunks before headings, then at blank lines, then at sentence ends", () => {
    const text = [
      "# Brakes",
      "",
      "Brakes stop the bike. They wear out.",
      "",
      "## Rim brakes",
      "",
      "Rim brakes squeeze the rim. Pads wear faster in rain and grit. Check them monthly.",
      "",
      "## Disc brakes",
      "",
      "Disc brakes grip a rotor at the hub.",
    ].join("\n");
    const chunks = splitText(text, opts({ maxChars: 120 })).chunks;
    expect(chunks.map((c) => text.slice(c.start, c.end))).toEqual([
      "# Brakes\n\nBrakes stop the bike. They wear out.",
      "## Rim brakes\n\nRim brakes squeeze the rim. Pads wear faster in rain and grit. Check them monthly.",
      "## Disc brakes\n\nDisc brakes grip a rotor at the hub.",
    ]);
    expect(chunks.map((c) => c.headingPath.join(" > "))).toEqual([
      "Brakes",
      "Brakes > Rim brakes",
      "Brakes > Disc brakes",
    ]);
    expect(texts("One two three. Four five six. Seven eight nine.", { maxChars: 35 })).toEqual([
      "One two three. Four five six.",
      "Seven eight nine.",
    ]);
  });

  it("never cuts a word: a word longer than the bound is a chunk of its own", () => {
    const long = "x".repeat(30);
    expect(texts(`aa bb ${long} cc dd`, { maxChars: 10 })).toEqual(["aa bb", long, "cc dd"]);
  });

  it("overlaps by whole words within overlapChars", () => {
    const text = "one two three four five six seven eight nine ten";
    expect(texts(text, { maxChars: 20, overlapChars: 9 })).toEqual([
      "one two three four",
      "four five six seven",
      "six seven eight nine",
      "nine ten",
    ]);
  });

  it("joins a short last chunk to the one before it", () => {
    const text = "alpha beta gamma delta epsilon zeta eta";
    expect(texts(text, { maxChars: 30, minChars: 0 })).toEqual([
      "alpha beta gamma delta epsilon",
      "zeta eta",
    ]);
    const merged = splitText(text, opts({ maxChars: 30, minChars: 10 }));
    expect(merged.mergedTail).toBe(true);
    expect(merged.chunks.map((c) => text.slice(c.start, c.end))).toEqual([text]);
  });

  it("gives no chunks for whitespace-only text and ignores # inside fenced code", () => {
    expect(splitText(" \n\t\r\n ", opts()).chunks).toEqual([]);
    const text = "# Top\n\n```sh\n# not a heading\n```\n\nafter";
    const [chunk] = splitText(text, opts({ maxChars: 1000 })).chunks;
    expect(chunk?.headingPath).toEqual(["Top"]);
    const path = splitText("# A\n\ntext\n\n## B\n\nmore\n\n# C\n\n### D\n\nend", opts({ maxChars: 8 }));
    expect(path.chunks.map((c) => c.headingPath.join(" > "))).toEqual([
      "A",
      "A",
      "A > B",
      "A > B",
      "C",
      "C > D",
      "C > D",
    ]);
  });
});

/** Random Markdown-ish text: headings, paragraphs, sentences, odd spacing, now and then a very long word. */
function randomText(seed: string): string {
  const r = seededRandom(seed);
  const word = () =>
    r.below(40) === 0 ? "w".repeat(20 + r.below(300)) : "abcdefghij".slice(0, 1 + r.below(10)) + r.below(100);
  const space = () => [" ", " ", " ", "  ", "\t", "\n", "\r\n"][r.below(7)] as string;
  const parts: string[] = [];
  const blocks = r.below(12);
  for (let i = 0; i < blocks; i++) {
    if (r.below(4) === 0) parts.push(`${"#".repeat(1 + r.below(4))} ${word()} ${word()}`);
    const sentences: string[] = [];
    for (let s = r.below(6); s >= 0; s--) {
      const ws = Array.from({ length: 1 + r.below(15) }, word);
      sentences.push(`${ws.map((w, k) => (k ? space() + w : w)).join("")}${[".", "!", "?", ""][r.below(4)]}`);
    }
    parts.push(sentences.join(" "));
  }
  const lead = r.below(3) === 0 ? "  \n" : "";
  return lead + parts.join(["\n\n", "\n \n", "\n\n\n"][r.below(3)] as string) + (r.below(2) ? "\n" : "");
}

describe("splitText over random texts (property)", () => {
  it("covers every character, overlaps as configured, and keeps the bound unless one word is longer", () => {
    for (let n = 0; n < 400; n++) {
      const text = randomText(`chunk-${n}`);
      const r = seededRandom(`options-${n}`);
      const maxChars = 20 + r.below(300);
      const o = opts({
        maxChars,
        overlapChars: r.below(Math.floor(maxChars / 2)),
        minChars: r.below(Math.floor(maxChars / 3)),
      });
      const { chunks } = splitText(text, o);
      const words = [...text.matchAll(/\S+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
      const label = `text ${n} with ${JSON.stringify(o)}`;
      if (!words.length) {
        expect(chunks, label).toEqual([]);
        continue;
      }
      const wordAt = new Map(words.map((w, i) => [w.start, i]));
      // Every non-space character lies in a chunk (chunks are trimmed, so only spaces between them are left out).
      let covered = 0;
      for (const c of chunks) {
        expect(text.slice(covered, c.start).trim(), label).toBe("");
        covered = Math.max(covered, c.end);
      }
      expect(text.slice(covered).trim(), label).toBe("");
      chunks.forEach((c, i) => {
        const body = text.slice(c.start, c.end);
        // Chunks start and end at word edges.
        expect(wordAt.has(c.start), label).toBe(true);
        expect(
          words.some((w) => w.end === c.end),
          label,
        ).toBe(true);
        const singleWord = !/\s/.test(body);
        // The last chunk may have taken in a short tail (fewer than minChars new characters).
        const longest = Math.max(o.maxChars, ...body.split(/\s+/).map((w) => w.length));
        const mergedLast = i === chunks.length - 1 && body.length < longest + o.minChars;
        if (!singleWord && !mergedLast)
          expect(body.length, `${label}: chunk ${i}`).toBeLessThanOrEqual(o.maxChars);
        const prev = chunks[i - 1];
        if (!prev) return;
        expect(c.start, label).toBeGreaterThan(prev.start);
        expect(c.end, label).toBeGreaterThan(prev.end);
        expect(prev.end - c.start, label).toBeLessThanOrEqual(o.overlapChars);
        // As much overlap as allowed: the word before this chunk could not have been included.
        const k = wordAt.get(c.start) as number;
        const before = words[k - 1];
        const firstNew = words.find((w) => w.start >= prev.end);
        if (before && before.start > prev.start && firstNew && before.end <= prev.end) {
          const fits = before.start >= prev.end - o.overlapChars && firstNew.end - before.start <= o.maxChars;
          expect(fits, `${label}: chunk ${i} could start earlier`).toBe(false);
        }
      });
    }
  });
});
