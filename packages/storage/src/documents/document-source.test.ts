import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SourceItem } from "@dataflow/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocumentSource } from "./document-source.js";
import { makePdf } from "./testdata/make-pdf.js";

let dir: string;

async function readAll(source: DocumentSource): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of source.read()) items.push(item);
  return items;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "docs-"));
  await mkdir(join(dir, "guides"), { recursive: true });
  await mkdir(join(dir, "node_modules", "pkg"), { recursive: true });
  await mkdir(join(dir, ".git"), { recursive: true });
  await writeFile(join(dir, "brakes.md"), "Intro line\n\n# Brakes\n\n## Rim brakes\n\nPads wear.\n");
  await writeFile(join(dir, "guides", "notes.txt"), "Plain notes about chains.\n");
  await writeFile(
    join(dir, "wheels.html"),
    "<html><head><title>Truing wheels</title><script>track()</script><style>p{}</style></head>" +
      "<body><nav><a href='/'>Home</a></nav><h1>Truing</h1><p>Spin the <a href='x'>wheel</a>.</p>" +
      "<ul><li>spoke key</li><li>stand</li></ul><footer>site footer</footer></body></html>",
  );
  await writeFile(
    join(dir, "manual.pdf"),
    await makePdf({
      title: "Fork manual",
      pages: [{ lines: ["Page one text"] }, { lines: ["Page two text"] }],
    }),
  );
  await writeFile(join(dir, "broken.pdf"), "%PDF-1.7\nthis is not really a pdf\n%%EOF\n");
  await writeFile(join(dir, "blob.txt"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
  await writeFile(join(dir, ".draft.md"), "# Hidden\n");
  await writeFile(join(dir, ".git", "HEAD.md"), "# Git\n");
  await writeFile(join(dir, "node_modules", "pkg", "README.md"), "# Dependency\n");
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("DocumentSource", () => {
  it("gives one row per readable document and a located reject for each unreadable one", async () => {
    const items = await readAll(new DocumentSource({ path: `${dir}/**/*.{md,txt,html,pdf}` }));
    const rows = items.filter((i) => i.kind === "row");
    const bad = items.filter((i) => i.kind === "bad");
    expect(rows.map((r) => r.id)).toEqual(["brakes.md", "guides/notes.txt", "manual.pdf", "wheels.html"]);
    expect(bad.map((b) => [b.id, b.kind === "bad" && b.location.file])).toEqual([
      ["blob.txt", join(dir, "blob.txt")],
      ["broken.pdf", join(dir, "broken.pdf")],
    ]);
    const reasons = bad.map((b) => (b.kind === "bad" ? b.reason : ""));
    expect(reasons[0]).toMatch(/binary file, not text \(a NUL byte at offset 4\)/);
    expect(reasons[1]).toMatch(/^not a readable PDF: /);
  });

  it("reads Markdown as it is, titled by its first heading", async () => {
    const [item] = await readAll(new DocumentSource({ path: join(dir, "brakes.md") }));
    expect(item?.kind).toBe("row");
    if (item?.kind !== "row") return;
    expect(item.id).toBe("brakes.md");
    expect(item.row).toMatchObject({
      text: "Intro line\n\n# Brakes\n\n## Rim brakes\n\nPads wear.\n",
      path: "brakes.md",
      title: "Brakes",
      format: "markdown",
      bytes: 48,
      pages: null,
    });
    expect(Number.isNaN(Date.parse(String(item.row.modified)))).toBe(false);
  });

  it("turns HTML into text with headings and list items, without scripts, styles, navigation or footers", async () => {
    const [item] = await readAll(new DocumentSource({ path: join(dir, "wheels.html") }));
    if (item?.kind !== "row") throw new Error("expected a row");
    expect(item.row.title).toBe("Truing wheels");
    expect(item.row.text).toBe("# Truing\n\nSpin the wheel.\n\n- spoke key\n- stand");
  });

  it("keeps a PDF's pages as spans of its text and takes the title from its metadata", async () => {
    const [item] = await readAll(new DocumentSource({ path: join(dir, "manual.pdf") }));
    if (item?.kind !== "row") throw new Error("expected a row");
    const text = String(item.row.text);
    expect(text).toBe("Page one text\n\nPage two text");
    expect(item.row.title).toBe("Fork manual");
    expect(item.row.pages).toEqual([
      { page: 1, start: 0, end: 13 },
      { page: 2, start: 15, end: 28 },
    ]);
  });

  it("titles a text file by its name and reads a folder with include globs", async () => {
    const items = await readAll(new DocumentSource({ path: dir, include: ["guides/*.txt"] }));
    expect(items).toHaveLength(1);
    const [item] = items;
    if (item?.kind !== "row") throw new Error("expected a row");
    expect(item.row).toMatchObject({ path: "guides/notes.txt", title: "notes", format: "text" });
  });

  it("skips hidden files and node_modules unless hidden is set", async () => {
    const ids = async (hidden: boolean) =>
      (await readAll(new DocumentSource({ path: dir, include: ["**/*.md"], hidden }))).map((i) => i.id);
    expect(await ids(false)).toEqual(["brakes.md"]);
    expect(await ids(true)).toEqual([".draft.md", ".git/HEAD.md", "brakes.md"]);
  });

  it("rejects a file no document format claims, and stops at the limit", async () => {
    await writeFile(join(dir, "data.bin"), "x");
    const items = await readAll(new DocumentSource({ path: dir, include: ["*.bin", "*.md"], limit: 1 }));
    expect(items.map((i) => [i.id, i.kind])).toEqual([["brakes.md", "row"]]);
    const bin = await readAll(new DocumentSource({ path: join(dir, "data.bin") }));
    expect(bin[0]?.kind === "bad" && bin[0].reason).toMatch(/not a document this source reads: \.bin/);
    await rm(join(dir, "data.bin"));
  });

  it("names the pattern when nothing matches, and a missing folder", async () => {
    await expect(new DocumentSource({ path: `${dir}/**/*.rst` }).checkReadable()).rejects.toThrow(
      /no documents match .*\*\*\/\*\.rst/,
    );
    await expect(new DocumentSource({ path: join(dir, "nope") }).checkReadable()).rejects.toThrow(
      /input file not found/,
    );
  });

  it("refuses include with a glob or a file path, and options of another format", async () => {
    await expect(
      new DocumentSource({ path: `${dir}/*.md`, include: ["*.txt"] }).checkReadable(),
    ).rejects.toThrow(/include applies when path is a folder/);
    const { openFileSource } = await import("../open-source.js");
    expect(() => openFileSource({ path: "rows.jsonl", include: ["*.md"] })).toThrow(
      "source.include is an option of documents sources, but rows.jsonl is read as jsonl",
    );
    expect(() => openFileSource({ path: dir, split: "train" })).toThrow(
      /source.split is an option of hf-dataset sources, but .* is read as documents/,
    );
  });

  it("gives its columns to the compiler without parsing documents, but fails when nothing matches", async () => {
    const { sampleFileColumns } = await import("../sample-columns.js");
    expect(await sampleFileColumns({ path: dir })).toEqual([
      "text",
      "path",
      "title",
      "format",
      "bytes",
      "modified",
      "pages",
    ]);
    await expect(sampleFileColumns({ path: `${dir}/*.rst` })).rejects.toThrow(/no documents match/);
  });
});
