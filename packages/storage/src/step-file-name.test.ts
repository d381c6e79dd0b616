import { describe, expect, it } from "vitest";
import { stepFileName, stepIdFromFileName } from "./step-file-name.js";

describe("stepFileName", () => {
  it("keeps plain ids and percent-encodes the rest, reversibly", () => {
    expect(stepFileName("doc2query")).toBe("doc2query.jsonl");
    expect(stepFileName("a.b-c_d")).toBe("a.b-c_d.jsonl");
    expect(stepFileName("rare/doc2query")).toBe("rare%2Fdoc2query.jsonl");
    expect(stepFileName(".hidden")).toBe("%2Ehidden.jsonl");
    expect(stepFileName("é 1")).toBe("%C3%A9%201.jsonl");
    for (const id of ["doc2query", "rare/x", ".hidden", "é 1", "a%2F", "..", "日本"])
      expect(stepIdFromFileName(stepFileName(id))).toBe(id);
    expect(() => stepFileName("")).toThrow(/empty/);
  });

  it("maps names it does not make to undefined", () => {
    expect(stepIdFromFileName("x.txt")).toBeUndefined();
    expect(stepIdFromFileName(".jsonl")).toBeUndefined();
    expect(stepIdFromFileName("a%2fb.jsonl")).toBeUndefined(); // not the canonical (upper-case) spelling
    expect(stepIdFromFileName("%E0%A4.jsonl")).toBeUndefined(); // not UTF-8
    expect(stepIdFromFileName(".x.jsonl.tmp-1-ab")).toBeUndefined();
  });
});
