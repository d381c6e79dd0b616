import {
  describeValue,
  drop,
  findSourceReference,
  type OperatorContext,
  type OperatorSpec,
  type ProcessResult,
  type Row,
  type RowContext,
  RowError,
  RowOperator,
} from "@dataflow/core";

export interface LeakageParams {
  builtin: boolean;
  phrases: string[];
  patterns: string[];
}

/** A literal phrase as a case-insensitive pattern: any whitespace between words, whole words at the ends. */
export function phrasePattern(phrase: string): RegExp {
  const body = phrase
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("\\s+");
  const start = /^\w/.test(phrase.trim()) ? "\\b" : "";
  const end = /\w$/.test(phrase.trim()) ? "\\b" : "";
  return new RegExp(`${start}${body}${end}`, "i");
}

/**
 * Drops RARE questions (and their scenarios) that point at a document the user never sees
 * ("according to the passage", "the text above", "in this document"): core's source-reference
 * phrases plus the step's own phrases and patterns.
 */
export class LeakageOperator extends RowOperator<LeakageParams> {
  static readonly spec: OperatorSpec<LeakageParams> = {
    name: "quality/leakage",
    version: "1.0.0",
    description:
      'Filter questions that refer to a hidden source document ("according to the passage", "the text above", ' +
      '"in this document", "Document A"…): core\'s findSourceReference phrases (builtin) plus extra literal ' +
      "phrases and regular expressions, all case-insensitive. The question, and the scenario when the row has " +
      'one, are checked; a match drops the row with reason `<port> refers to its source: "<match>"`.',
    params: {
      type: "object",
      additionalProperties: false,
      properties: {
        builtin: {
          type: "boolean",
          default: true,
          description: "Use core's source-reference phrases (findSourceReference)",
        },
        phrases: {
          type: "array",
          default: [],
          items: { type: "string", minLength: 1, pattern: "\\S" },
          description:
            'Extra literal phrases (whole words, any spacing, case-insensitive), e.g. "in the study"',
        },
        patterns: {
          type: "array",
          default: [],
          items: { type: "string", minLength: 1 },
          description: "Extra regular expressions (JavaScript syntax, matched case-insensitively)",
        },
      },
    },
    inputs: {
      question: { column: "question", description: "The question checked", schema: { type: "string" } },
      scenario: {
        column: "scenario",
        optional: true,
        description: "A scenario shown with the question, checked too when the row has it",
        schema: { type: "string" },
      },
    },
    outputs: {},
  };

  private extra: RegExp[] = [];

  override setup(ctx: OperatorContext<LeakageParams>): void {
    const p = ctx.params;
    this.extra = p.phrases.map(phrasePattern);
    p.patterns.forEach((source, i) => {
      try {
        this.extra.push(new RegExp(source, "i"));
      } catch (err) {
        throw new Error(
          `step "${ctx.stepId}": params.patterns[${i}] is not a valid regular expression: ${(err as Error).message}`,
        );
      }
    });
  }

  process(_row: Row, ctx: RowContext<LeakageParams>): ProcessResult {
    const question = ctx.input("question");
    if (typeof question !== "string") {
      throw new RowError(
        "bad-input",
        `column "${ctx.inputs.question}" must hold a question string, got ${describeValue(question)}`,
      );
    }
    const scenario = ctx.input("scenario");
    for (const [port, text] of [
      ["question", question],
      ["scenario", scenario],
    ] as const) {
      if (typeof text !== "string") continue;
      const match = this.find(text, ctx.params.builtin);
      if (match !== undefined) {
        ctx.count(`leaks_in_${port}`);
        return drop(`${port} refers to its source: "${match.toLowerCase().replace(/\s+/g, " ")}"`);
      }
    }
    return undefined;
  }

  private find(text: string, builtin: boolean): string | undefined {
    const found = builtin ? findSourceReference(text) : undefined;
    if (found !== undefined) return found;
    for (const pattern of this.extra) {
      const m = pattern.exec(text);
      // An expression that can match the empty string names nothing: look for a real match only.
      if (m?.[0]) return m[0];
    }
    return undefined;
  }
}
