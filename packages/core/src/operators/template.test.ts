import { describe, expect, it } from "vitest";
import { runOperator } from "../testing/run-operator.js";
import { TemplateOperator } from "./template.js";

describe("core/template", () => {
  it("renders into the output column, rows in order", async () => {
    const r = await runOperator(
      TemplateOperator,
      [
        { q: "Why?", n: 1 },
        { q: "How?", n: 2 },
      ],
      { params: { template: "#{{ n }}: {{q}}" } },
    );
    expect(r.rows).toEqual([
      { q: "Why?", n: 1, output: "#1: Why?" },
      { q: "How?", n: 2, output: "#2: How?" },
    ]);
  });

  it("writes to the bound output column", async () => {
    const r = await runOperator(TemplateOperator, [{ q: "x" }], {
      params: { template: "Q: {{q}}" },
      outputs: { output: "prompt" },
    });
    expect(r.rows).toEqual([{ q: "x", prompt: "Q: x" }]);
  });

  it("formats values and honours \\{{", async () => {
    const r = await runOperator(TemplateOperator, [{ a: null, b: [1, { c: true }], d: false, e: 2.5 }], {
      params: { template: "[{{a}}] {{b}} {{d}} {{e}} \\{{a}}" },
    });
    expect(r.rows[0]?.output).toBe('[] [1,{"c":true}] false 2.5 {{a}}');
  });

  it("rejects a row missing a placeholder's column", async () => {
    const r = await runOperator(TemplateOperator, [{ a: 1, b: 2 }, { a: 1 }], {
      params: { template: "{{a}}{{b}}" },
    });
    expect(r.rows).toEqual([{ a: 1, b: 2, output: "12" }]);
    expect(r.rejected).toEqual([{ id: "2", type: "bad-input", message: 'column "b" is missing' }]);
  });

  it("fails setup on a malformed template", async () => {
    await expect(runOperator(TemplateOperator, [{ a: 1 }], { params: { template: "{{a" } })).rejects.toThrow(
      /template: "\{\{" is never closed/,
    );
  });

  it("declares each placeholder as a read of params.template", () => {
    expect(TemplateOperator.spec.columns?.({ template: "{{a}} {{ b }} {{a}}" })).toEqual({
      reads: [
        { column: "a", path: ["params", "template"] },
        { column: "b", path: ["params", "template"] },
      ],
    });
    expect(() => TemplateOperator.spec.columns?.({ template: "{{}}" })).toThrow(/empty placeholder/);
  });

  it("rejects invalid params", async () => {
    const bad = (params: Record<string, unknown>) => runOperator(TemplateOperator, [], { params });
    await expect(bad({})).rejects.toThrow(/must have required property 'template'/);
    await expect(bad({ template: "" })).rejects.toThrow(/fewer than 1 characters/);
    await expect(bad({ template: 3 })).rejects.toThrow(/must be string/);
    await expect(bad({ template: "x", output: "y" })).rejects.toThrow(/additional properties/);
  });
});
