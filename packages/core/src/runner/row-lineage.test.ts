import { describe, expect, it } from "vitest";
import { derivesFrom, idLineage } from "./row-lineage.js";

describe("row lineage by id", () => {
  it("follows suffixes that start with a separator, never a longer id or a sibling", () => {
    expect(derivesFrom("5", "5")).toBe(true);
    expect(derivesFrom("5.0", "5")).toBe(true);
    expect(derivesFrom("5#10", "5")).toBe(true);
    expect(derivesFrom("5#10", "5#1")).toBe(false);
    expect(derivesFrom("12", "1")).toBe(false);
    expect(derivesFrom("1", "12")).toBe(false);
    expect(derivesFrom("bike-01.1", "bike-01")).toBe(true);
  });

  it("lists an id and the ids it may come from, longest first", () => {
    expect(idLineage("a.0#2")).toEqual(["a.0#2", "a.0", "a"]);
    expect(idLineage("17")).toEqual(["17"]);
    expect(idLineage("doc-1.0")).toEqual(["doc-1.0", "doc-1", "doc"]);
  });
});
