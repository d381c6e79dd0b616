import { describe, expect, it } from "vitest";
import { RowError } from "../contracts/errors.js";
import {
  formatTemplateValue,
  parseTemplate,
  renderTemplate,
  TemplateSyntaxError,
  templateColumns,
} from "./template-string.js";

describe("parseTemplate", () => {
  it("splits text and placeholders, trimming names", () => {
    expect(parseTemplate("Q: {{question}}\nA: {{ answer }}!")).toEqual([
      { text: "Q: " },
      { column: "question" },
      { text: "\nA: " },
      { column: "answer" },
      { text: "!" },
    ]);
  });

  it("handles adjacent placeholders and templates without any", () => {
    expect(parseTemplate("{{a}}{{b}}")).toEqual([{ column: "a" }, { column: "b" }]);
    expect(parseTemplate("plain")).toEqual([{ text: "plain" }]);
    expect(parseTemplate("")).toEqual([]);
  });

  it("allows any name without braces", () => {
    expect(parseTemplate("{{ my col.v2 }}")).toEqual([{ column: "my col.v2" }]);
  });

  it("reads \\{{ as a literal {{ and a lone }} as text", () => {
    expect(parseTemplate("\\{{x}} and {{y}} }}")).toEqual([
      { text: "{{x}} and " },
      { column: "y" },
      { text: " }}" },
    ]);
    expect(parseTemplate("a \\ b \\{")).toEqual([{ text: "a \\ b \\{" }]);
  });

  it("throws on syntax errors with a line and column", () => {
    expect(() => parseTemplate("hi {{name")).toThrow(TemplateSyntaxError);
    expect(() => parseTemplate("line1\nhi {{name")).toThrow(/never closed .* at line 2, column 4/);
    expect(() => parseTemplate("{{ }}")).toThrow(/empty placeholder/);
    expect(() => parseTemplate("{{{x}}}")).toThrow(/contains a brace/);
    const err = (() => {
      try {
        parseTemplate("ab{{");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toMatchObject({ name: "TemplateSyntaxError", offset: 2 });
  });
});

describe("templateColumns", () => {
  it("lists distinct columns in order", () => {
    expect(templateColumns("{{b}} {{a}} {{ b }} \\{{c}}")).toEqual(["b", "a"]);
    expect(templateColumns(parseTemplate("{{x}}"))).toEqual(["x"]);
  });
});

describe("formatTemplateValue", () => {
  it("formats each JSON type", () => {
    expect(formatTemplateValue("s")).toBe("s");
    expect(formatTemplateValue(1.5)).toBe("1.5");
    expect(formatTemplateValue(false)).toBe("false");
    expect(formatTemplateValue(null)).toBe("");
    expect(formatTemplateValue({ a: [1, "x"] })).toBe('{"a":[1,"x"]}');
    expect(formatTemplateValue([1, 2])).toBe("[1,2]");
  });
});

describe("renderTemplate", () => {
  it("fills placeholders from the values", () => {
    expect(
      renderTemplate("{{q}} ({{ n }}, {{ok}}, {{none}}) {{obj}}", {
        q: "Why?",
        n: 3,
        ok: true,
        none: null,
        obj: { k: 1 },
      }),
    ).toBe('Why? (3, true, ) {"k":1}');
    expect(renderTemplate(parseTemplate("\\{{q}} = {{q}}"), { q: "x" })).toBe("{{q}} = x");
  });

  it("throws a bad-input RowError for a missing column", () => {
    let error: unknown;
    try {
      renderTemplate("{{a}} {{b}}", { a: 1 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RowError);
    expect((error as RowError).kind).toBe("bad-input");
    expect((error as RowError).message).toBe('column "b" is missing');
  });

  it("does not read inherited properties", () => {
    expect(() => renderTemplate("{{toString}}", {})).toThrow(/column "toString" is missing/);
  });
});
