import { describe, expect, it } from "vitest";
import { validateParams } from "../contracts/step-context.js";
import { JudgeOperator } from "./judge-operator.js";
import { PairwiseJudgeOperator } from "./judge-pairwise-operator.js";

const errorsOf = (params: Record<string, unknown>) =>
  validateParams(JudgeOperator.spec, params).errors.map((e) => `${e.instancePath} ${e.message}`);

describe("llm/judge spec", () => {
  it("reads the preset's columns, named at the rubric, and a custom prompt's at the prompt", () => {
    const { params } = validateParams(JudgeOperator.spec, { rubric: "rare-question" });
    expect(JudgeOperator.spec.columns?.(params)).toEqual({
      reads: ["scenario", "question", "text"].map((column) => ({ column, path: ["params", "rubric"] })),
    });
    const custom = validateParams(JudgeOperator.spec, {
      rubric: { criteria: { fluent: "Reads well." } },
      prompt: "{{answer}} to {{question}}",
      system: "You judge {{domain}} answers.",
    }).params;
    expect(JudgeOperator.spec.columns?.(custom)?.reads).toEqual([
      { column: "answer", path: ["params", "prompt"] },
      { column: "question", path: ["params", "prompt"] },
      { column: "domain", path: ["params", "system"] },
    ]);
  });

  it("fills defaults: 1-5, min, filter, one sample, seed 0", () => {
    const { params, errors } = validateParams(JudgeOperator.spec, { rubric: "rare-question" });
    expect(errors).toEqual([]);
    expect(params).toMatchObject({ scale: "1-5", aggregate: "min", mode: "filter", samples: 1, seed: 0 });
  });

  it("refuses at compile time what it cannot run", () => {
    expect(errorsOf({ rubric: "rare-questions" }).join("; ")).toMatch(
      /must be equal to one of the allowed values/,
    );
    expect(errorsOf({ rubric: { criteria: { ok: "fine" } } })).toContain(
      " must have required property 'prompt'",
    );
    expect(errorsOf({ rubric: { criteria: { "bad name": "x" } }, prompt: "{{a}}" }).join("; ")).toMatch(
      /property name must be valid/,
    );
    expect(errorsOf({ rubric: { criteria: {} }, prompt: "{{a}}" }).join("; ")).toMatch(
      /fewer than 1 properties/,
    );
    expect(errorsOf({ rubric: "rare-question", scale: "pass-fail", threshold: 3 })).toContain(
      "/threshold must be <= 1",
    );
    expect(errorsOf({ rubric: "rare-question", threshold: 3 })).toEqual([]);
    expect(errorsOf({ rubric: "rare-question", mode: "drop" }).join("; ")).toMatch(/allowed values/);
  });
});

describe("llm/judge-pairwise spec", () => {
  it("reads the columns of its context, both candidates and the system message", () => {
    const { params, errors } = validateParams(PairwiseJudgeOperator.spec, {
      rubric: "rare-question",
      prompt: "{{text}}",
      a: "{{question}}",
      b: "{{question_2}}",
    });
    expect(errors).toEqual([]);
    expect(PairwiseJudgeOperator.spec.columns?.(params)?.reads?.map((r) => r.column)).toEqual([
      "text",
      "question",
      "question_2",
    ]);
    expect(
      validateParams(PairwiseJudgeOperator.spec, { rubric: "rare-question", a: "{{x}}" }).errors,
    ).toHaveLength(1);
  });
});
