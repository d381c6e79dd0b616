import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileStorage } from "./file-storage.js";

function storageFor(path: string): FileStorage {
  const out = join(path, "..", "out.jsonl");
  return new FileStorage({ input: { path }, output: { path: out }, rejects: { path: `${out}.rejects` } });
}

describe("FileStorage.sourceIdentity", () => {
  it("changes for a folder of documents when a document is edited, added or removed, and only then", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dataflow-identity-"));
    const docs = join(dir, "docs");
    mkdirSync(docs);
    writeFileSync(join(docs, "a.md"), "# A\n\nBrakes.");
    writeFileSync(join(docs, "b.txt"), "Tyres.");
    const id = () => storageFor(docs).sourceIdentity();
    const first = await id();
    expect(first.files).toMatch(/^[0-9a-f]{64}$/);
    expect(await id()).toEqual(first);

    writeFileSync(join(docs, "a.md"), "# A\n\nBrakes, adjusted.");
    const edited = await id();
    expect(edited).not.toEqual(first);

    writeFileSync(join(docs, "c.md"), "# C");
    const added = await id();
    expect(added).not.toEqual(edited);

    // Same size, new time: an edit all the same.
    writeFileSync(join(docs, "b.txt"), "Tubes.");
    utimesSync(join(docs, "b.txt"), new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(await id()).not.toEqual(added);
  });

  it("is the same for a glob as for the files it matches, and keys a single file on size and time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dataflow-identity-"));
    writeFileSync(join(dir, "a.md"), "# A");
    const glob = await storageFor(join(dir, "*.md")).sourceIdentity();
    writeFileSync(join(dir, "a.md"), "# A, longer");
    expect(await storageFor(join(dir, "*.md")).sourceIdentity()).not.toEqual(glob);

    const file = join(dir, "rows.jsonl");
    writeFileSync(file, '{"text":"x"}\n');
    expect(await storageFor(file).sourceIdentity()).toMatchObject({ path: file, size: 13 });
  });
});
