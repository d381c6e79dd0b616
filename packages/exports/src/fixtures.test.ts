import { readFileSync } from "node:fs";
import { type OperatorClass, runOperator } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { toOpenAIChat } from "./openai-chat.js";
import { OpenAIChatExportOperator } from "./openai-chat-operator.js";
import { toReaRag } from "./rearag.js";
import { ReaRagExportOperator } from "./rearag-operator.js";
import { toShareGpt } from "./sharegpt.js";
import { ShareGptExportOperator } from "./sharegpt-operator.js";
import { toTrl } from "./trl.js";
import { TrlExportOperator } from "./trl-operator.js";
import { type ExportFormat, validateExport } from "./validate.js";

type Fixture = "rare" | "rare-qa" | "trajectory" | "noisy-context" | "noisy-context-unanswerable";

const read = (name: string) =>
  JSON.parse(readFileSync(new URL(`./testdata/${name}`, import.meta.url), "utf8"));
const input = (fixture: Fixture) => read(`${fixture}.input.json`) as Record<string, unknown>;
const from = (fixture: Fixture) => (fixture.startsWith("noisy-context") ? "noisy-context" : fixture);

const FORMATS: Record<
  ExportFormat,
  { fn: (row: Record<string, unknown>, options: never) => unknown; op: OperatorClass<never> }
> = {
  "openai-chat": { fn: toOpenAIChat, op: OpenAIChatExportOperator },
  sharegpt: { fn: toShareGpt, op: ShareGptExportOperator },
  trl: { fn: toTrl, op: TrlExportOperator },
  rearag: { fn: toReaRag, op: ReaRagExportOperator },
};

const SYSTEM = "You are a research assistant who searches before answering.";

// [format, fixture, variant, params]: testdata/<format>.<fixture>[.<variant>].expected.json
const CASES: [ExportFormat, Fixture, string | undefined, Record<string, unknown>][] = [
  ["openai-chat", "rare", undefined, {}],
  ["openai-chat", "rare-qa", undefined, {}],
  ["openai-chat", "trajectory", undefined, {}],
  ["openai-chat", "noisy-context", undefined, {}],
  ["openai-chat", "noisy-context-unanswerable", undefined, {}],
  ["openai-chat", "trajectory", "tool", { observationAs: "tool" }],
  ["sharegpt", "rare", undefined, {}],
  ["sharegpt", "rare-qa", undefined, {}],
  ["sharegpt", "trajectory", undefined, {}],
  ["sharegpt", "noisy-context", undefined, {}],
  ["sharegpt", "noisy-context-unanswerable", undefined, {}],
  ["sharegpt", "trajectory", "human-system", { observationAs: "human", system: SYSTEM }],
  ["trl", "rare", undefined, {}],
  ["trl", "rare-qa", undefined, {}],
  ["trl", "rare-qa", "domain", { domain: "bicycle maintenance" }],
  ["trl", "trajectory", undefined, {}],
  ["trl", "noisy-context", undefined, {}],
  ["trl", "noisy-context-unanswerable", undefined, {}],
  ["trl", "trajectory", "tool", { observationAs: "tool" }],
  ["trl", "rare", "messages-system", { layout: "messages", system: "You are a careful bicycle mechanic." }],
  ["rearag", "trajectory", undefined, {}],
  ["rearag", "trajectory", "bare-system", { userContent: "bare-question", system: SYSTEM }],
];

describe.each(CASES)("%s from %s (%s)", (format, fixture, variant, params) => {
  const expected = read(`${format}.${fixture}${variant ? `.${variant}` : ""}.expected.json`);
  const options = { from: from(fixture), ...params };

  it("the plain function gives exactly the expected record", () => {
    expect(FORMATS[format].fn(input(fixture), options as never)).toEqual(expected);
  });

  it("the operator writes exactly the expected record and nothing else", async () => {
    const r = await runOperator(FORMATS[format].op, [input(fixture)], { params: options });
    expect(r.rejected).toEqual([]);
    expect(r.rows).toEqual([expected]);
  });

  it("the expected record matches its format's schema and rules", () => {
    expect(validateExport(format, expected)).toEqual({ valid: true, errors: [] });
  });
});

describe("fixtures", () => {
  it("cover every row kind in every format that takes it", () => {
    const covered = new Set(CASES.map(([format, fixture]) => `${format}/${from(fixture)}`));
    for (const format of ["openai-chat", "sharegpt", "trl"]) {
      for (const kind of ["rare", "rare-qa", "trajectory", "noisy-context"])
        expect(covered).toContain(`${format}/${kind}`);
    }
    expect(covered).toContain("rearag/trajectory");
  });
});
