import { describe, expect, it } from "vitest";
import { jsonArrayElementOffsets } from "./json-array-offsets.js";

describe("jsonArrayElementOffsets", () => {
  it("finds where each top-level element starts", () => {
    const text = ' [ 1 ,"a\\"]," , {"b":[2,3]} ,[ ] , null]';
    const offsets = jsonArrayElementOffsets(text);
    expect(offsets.map((o) => text.slice(o, o + 2))).toEqual(["1 ", '"a', '{"', "[ ", "nu"]);
  });

  it("finds none in an empty array", () => {
    expect(jsonArrayElementOffsets("[ ]")).toEqual([]);
    expect(jsonArrayElementOffsets("[]")).toEqual([]);
  });
});
