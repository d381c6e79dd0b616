import { readFileSync } from "node:fs";
import { runOperator } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { rareQaInstruction, rareQaPrompt, rareQaTarget, readQaOptions } from "./rare-qa-prompt.js";
import { ShareGptExportOperator } from "./sharegpt-operator.js";
import { toTrl } from "./trl.js";
import { TrlExportOperator } from "./trl-operator.js";

const row = JSON.parse(
  readFileSync(new URL("./testdata/rare-qa.input.json", import.meta.url), "utf8"),
) as Record<string, unknown>;

describe("readQaOptions", () => {
  it("letters a list A, B, … and keeps a map's keys and order", () => {
    expect(readQaOptions(["oil", " wax "])).toEqual({
      ok: true,
      options: [
        { key: "A", text: "oil" },
        { key: "B", text: "wax" },
      ],
    });
    expect(readQaOptions({ b: "wax", a: "oil" })).toEqual({
      ok: true,
      options: [
        { key: "b", text: "wax" },
        { key: "a", text: "oil" },
      ],
    });
    for (const none of [undefined, null, [], {}])
      expect(readQaOptions(none)).toEqual({ ok: true, options: [] });
  });

  it("says what is wrong with options it cannot letter", () => {
    const problem = (v: unknown) => {
      const r = readQaOptions(v);
      return r.ok ? undefined : r.problem;
    };
    expect(problem("A. oil")).toBe(
      "must be a list of option texts or a map of letters to texts, got a string",
    );
    expect(problem(["oil", ""])).toBe("option B must be a non-empty string");
    expect(problem({ A: "oil", a: "wax" })).toBe('repeats the option key "a"');
    expect(problem({ "first one": "oil" })).toBe('has the option key "first one"; use letters');
    expect(problem(Array.from({ length: 27 }, (_, i) => `o${i}`))).toBe(
      "holds 27 options; at most 26 can be lettered",
    );
  });
});

describe("the rare-qa prompt and target", () => {
  it("asks for an option's key for a multiple-choice question and a short answer otherwise, in the tags given", () => {
    expect(rareQaInstruction({ multipleChoice: true })).toContain(
      "inside <think></think>, then give only the key of the one correct option inside <answer></answer>.",
    );
    const free = rareQaInstruction({
      multipleChoice: false,
      domain: "hydrology",
      thinkTag: "reasoning",
      answerTag: "final",
    });
    expect(free).toMatch(/^You are an expert in hydrology\. /);
    expect(free).toContain("inside <reasoning></reasoning>, then give only your final answer");
    expect(free).toContain("inside <final></final>.");
  });

  it("puts the instruction, the labelled documents, then the question and options", () => {
    const prompt = rareQaPrompt({
      instruction: "Be an expert.",
      documents: [" first ", "second"],
      question: "Which? ",
      options: [{ key: "A", text: "this" }],
    });
    expect(prompt).toBe(
      "Be an expert.\n\n# Retrieved documents\n[Document 1]\nfirst\n\n[Document 2]\nsecond\n\n# Question\nWhich?\n\n# Options\nA. this",
    );
    expect(rareQaTarget(" step one ", " B ")).toBe("<think>\nstep one\n</think>\n<answer>B</answer>");
  });

  it("exports a free-text row without an Options section, and with a replaced instruction", () => {
    const { options: _, ...rest } = row;
    const free = { ...rest, teacher_answer: "worn cassette teeth" };
    const record = toTrl(free, { from: "rare-qa", instruction: "Answer from the documents." }) as {
      prompt: { content: string }[];
      completion: { content: string }[];
    };
    expect(record.prompt[0]?.content).toMatch(/^Answer from the documents\.\n\n# Retrieved documents\n/);
    expect(record.prompt[0]?.content).not.toContain("# Options");
    expect(record.completion[0]?.content).toMatch(/<answer>worn cassette teeth<\/answer>$/);
  });
});

describe("export from: rare-qa", () => {
  it("rejects a row with bad options or no verified answer, naming the columns", async () => {
    const { teacher_answer: _, ...unverified } = row;
    const r = await runOperator(ShareGptExportOperator, [{ ...row, options: "A or B" }, unverified], {
      params: { from: "rare-qa" },
    });
    expect(r.rows).toEqual([]);
    expect(r.rejected.map((x) => x.message)).toEqual([
      'column "options" must be a list of option texts or a map of letters to texts, got a string',
      'column "teacher_answer" is missing: it should hold the teacher\'s answer that matched the gold answer',
    ]);
  });

  it("takes domain only with from: rare-qa", async () => {
    await expect(
      runOperator(TrlExportOperator, [], { params: { from: "rare", domain: "bicycle maintenance" } }),
    ).rejects.toThrow("domain applies only to from: rare-qa (this step exports from: rare)");
    expect(TrlExportOperator.spec.columns?.({ from: "rare-qa", keep: [] } as never).requiresInputs).toEqual([
      "question",
      "documents",
      "reasoning",
      "teacher_answer",
    ]);
  });
});
