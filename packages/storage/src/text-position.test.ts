import { describe, expect, it } from "vitest";
import { LineCursor, lineColumnAt } from "./text-position.js";

describe("lineColumnAt", () => {
  it("counts lines and characters", () => {
    const text = "ab\ncd\n\nef";
    expect(lineColumnAt(text, 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumnAt(text, 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumnAt(text, 7)).toEqual({ line: 4, column: 1 });
  });

  it("counts a surrogate pair as one column", () => {
    const text = '{"😀":x}';
    expect(lineColumnAt(text, text.indexOf("x"))).toEqual({ line: 1, column: 6 });
  });

  it("answers offsets asked in any order", () => {
    const cursor = new LineCursor("a\nbc\nd");
    expect(cursor.at(5)).toEqual({ line: 3, column: 1 });
    expect(cursor.at(3)).toEqual({ line: 2, column: 2 });
  });
});
