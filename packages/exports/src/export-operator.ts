import {
  type ColumnEffects,
  type JSONSchema,
  type OperatorContext,
  type OperatorSpec,
  type PortSpec,
  type ProcessResult,
  type Row,
  type RowContext,
  RowError,
  RowOperator,
  rows,
} from "@dataflow/core";
import type { ExportFormatDefinition } from "./export-format.js";
import { checkExportOptions, type OptionRules, type UserContent } from "./export-options.js";
import {
  KIND_PORTS,
  REQUIRED_KIND_PORTS,
  ROW_KINDS,
  type RowKind,
  type RowSource,
  readExample,
} from "./row-kinds.js";
import { assertValidExport, type ExportFormat } from "./validate.js";

/** Params every export operator takes. */
export interface ExportParams {
  from: RowKind;
  system?: string;
  keep: string[];
  instruction?: string;
  domain?: string;
  refusal?: string;
  userContent?: UserContent;
}

const kindsOf = (port: string) =>
  ROW_KINDS.filter((k) => KIND_PORTS[k].includes(port))
    .map((k) => `from: ${k}`)
    .join(", ");

/**
 * Every kind's inputs, all optional: a step reads only those of its `from`. A row missing one its
 * kind needs is rejected naming the column and the port to bind.
 */
export const EXPORT_INPUTS: Record<string, PortSpec> = {
  question: {
    column: "question",
    optional: true,
    schema: { type: "string" },
    description: `The question (${kindsOf("question")})`,
  },
  scenario: {
    column: "scenario",
    optional: true,
    schema: { type: ["string", "null"] },
    description: `The scenario shown before the question, when there is one (${kindsOf("scenario")})`,
  },
  options: {
    column: "options",
    optional: true,
    schema: {
      anyOf: [
        { type: "array", items: { type: "string" } },
        { type: "object", additionalProperties: { type: "string" } },
        { type: "null" },
      ],
    },
    description: `A multiple-choice question's options: a list (lettered A, B, …) or a map of letters to texts; null or absent for none (${kindsOf("options")})`,
  },
  documents: {
    column: "documents",
    optional: true,
    schema: { type: "array", items: { type: "string" } },
    description: `The documents in the order the teacher saw them, labelled [Document 1] … (${kindsOf("documents")})`,
  },
  reasoning: {
    column: "reasoning",
    optional: true,
    schema: { type: "string" },
    description: `The teacher's reasoning (${kindsOf("reasoning")})`,
  },
  teacher_answer: {
    column: "teacher_answer",
    optional: true,
    schema: { type: "string" },
    description: `The teacher's answer that matched the gold answer (${kindsOf("teacher_answer")})`,
  },
  answer: {
    column: "answer",
    optional: true,
    schema: { type: ["string", "null"] },
    description: `rare: the teacher's marked answer, or null; noisy-context: the gold answer (${kindsOf("answer")})`,
  },
  messages: {
    column: "messages",
    optional: true,
    schema: { type: "array", items: { type: "object" } },
    description: `The ReaRAG-20k message list (${kindsOf("messages")})`,
  },
  query: {
    column: "query",
    optional: true,
    schema: { type: "string" },
    description: `The question or task (${kindsOf("query")})`,
  },
  passages: {
    column: "passages",
    optional: true,
    schema: { type: "array", items: { type: "string" } },
    description: `The passages in the order shown (${kindsOf("passages")})`,
  },
  answerable: {
    column: "answerable",
    optional: true,
    schema: { type: ["boolean", "null"] },
    description: `Whether the passages hold the answer: false trains the refusal; null (no gold known) trains the answer (${kindsOf("answerable")})`,
  },
};

/** The params schema: the shared params for `kinds`, plus the format's own. */
export function exportParamsSchema(kinds: readonly RowKind[], extra: Record<string, JSONSchema>): JSONSchema {
  const singleTurn = kinds.some((k) => k !== "trajectory");
  return {
    type: "object",
    additionalProperties: false,
    required: ["from"],
    properties: {
      from: {
        enum: [...kinds],
        description:
          "The kind of the rows: rare (rare/reason-distill), rare-qa (rare/qa-distill), trajectory (rag/iterative-trajectory), noisy-context (rag/noisy-context + rag/task-synth)",
      },
      system: {
        type: "string",
        minLength: 1,
        description: "A system prompt put first in every record (default: none, as ReaRAG stores none)",
      },
      keep: {
        type: "array",
        items: { type: "string", minLength: 1 },
        uniqueItems: true,
        default: [],
        description: "Columns to carry beside the format's fields (default none: the file loads as is)",
      },
      ...(singleTurn
        ? {
            instruction: {
              type: "string",
              minLength: 1,
              description:
                "rare / noisy-context: the instruction closing the prompt; rare-qa: the one opening it (default: the kind's own)",
            },
          }
        : {}),
      ...(kinds.includes("rare-qa")
        ? {
            domain: {
              type: "string",
              minLength: 1,
              description:
                "rare-qa: the field of the default instruction's expert persona; give rare/qa-distill's domain to train on the teacher's prompt",
            },
          }
        : {}),
      ...(kinds.includes("noisy-context")
        ? {
            refusal: {
              type: "string",
              minLength: 1,
              description:
                "noisy-context: the target of an unanswerable row (default: a plain statement that the documents do not hold the answer)",
            },
          }
        : {}),
      userContent: {
        enum: ["as-is", "bare-question"],
        description:
          'trajectory: the user turn as stored ("as-is", the default) or only the question inside "Question: …\\n\\nReasoning process with function call:" ("bare-question", as at ReaRAG inference)',
      },
      ...extra,
    },
  };
}

/**
 * The columns an export step leaves: the format's fields plus `keep`, nothing else, so the
 * compiler knows a later step cannot read the inputs. Throws (a compile error) on params that do
 * not fit the row kind or a kept column that would collide with a field.
 */
export function exportColumns(
  format: ExportFormat,
  params: ExportParams,
  rules: OptionRules,
  fields: string[],
): ColumnEffects {
  checkExportOptions(format, params, rules);
  checkKeep(format, params.keep, fields);
  const keep = params.keep.map((column, i) => ({ column, path: ["params", "keep", i] }));
  return {
    reads: keep,
    keepOnly: keep,
    writes: fields.map((column) => ({ column, path: ["op"] })),
    // The ports are optional because each kind reads its own; the kind at hand makes its own required.
    requiresInputs: [...REQUIRED_KIND_PORTS[params.from]],
  };
}

function checkKeep(format: ExportFormat, keep: readonly string[], fields: readonly string[]): void {
  const clash = keep.filter((c) => fields.includes(c));
  if (clash.length) {
    throw new Error(
      `keep lists ${clash.map((c) => `"${c}"`).join(", ")}, which the ${format} record writes; rename that column in an earlier step to carry it`,
    );
  }
}

function portSource(ctx: RowContext<unknown>): RowSource {
  return { get: (port) => ctx.input(port), column: (port) => ctx.inputs[port] ?? port };
}

/** What an export operator's spec says beside its format. */
export interface ExportOperatorInfo {
  name: string;
  version: string;
  description: string;
  /** The row kinds it takes (default all). */
  kinds?: readonly RowKind[];
  /** The format's own params, beside the shared ones. */
  params?: Record<string, JSONSchema>;
  /** Default EXPORT_INPUTS. */
  inputs?: Record<string, PortSpec>;
}

/** The spec of a format's export operator: shared params and inputs, no outputs, columns from the format's fields. */
export function exportOperatorSpec<P extends ExportParams>(
  definition: ExportFormatDefinition<P, object>,
  info: ExportOperatorInfo,
): OperatorSpec<P> {
  return {
    name: info.name,
    version: info.version,
    description: info.description,
    params: exportParamsSchema(info.kinds ?? ROW_KINDS, info.params ?? {}),
    inputs: info.inputs ?? EXPORT_INPUTS,
    outputs: {},
    columns: (p) => exportColumns(definition.format, p, definition.rules, definition.fields(p)),
  };
}

/**
 * Base of the export operators: read the row's kind, build the format's record, validate it
 * against the format's schema (an invalid record is rejected with the validator's errors, never
 * written), and emit the record plus the `keep` columns as the whole row.
 */
export abstract class ExportOperator<P extends ExportParams> extends RowOperator<P> {
  protected abstract readonly definition: ExportFormatDefinition<P, object>;

  override setup(ctx: OperatorContext<P>): void {
    const definition = this.definition;
    checkExportOptions(definition.format, ctx.params, definition.rules);
    checkKeep(definition.format, ctx.params.keep, definition.fields(ctx.params));
  }

  process(row: Row, ctx: RowContext<P>): ProcessResult {
    const p = ctx.params;
    const example = readExample(portSource(ctx), p);
    const record = this.definition.fromExample(example, p);
    assertValidExport(this.definition.format, record);
    const out: Row = { ...(record as Row) };
    const missing = p.keep.filter((column) => !Object.hasOwn(row, column));
    if (missing.length) {
      throw new RowError(
        "bad-input",
        `${missing.map((c) => `column "${c}"`).join(", ")} (listed in keep) missing from the row`,
      );
    }
    for (const column of p.keep) out[column] = row[column];
    if (example.kind === "trajectory") ctx.observe("steps_per_trajectory", example.trajectory.steps.length);
    else {
      ctx.observe("target_chars", example.target.length);
      if (example.refusal) ctx.count("refusal_targets", 1);
      if (example.answerable === null) ctx.count("answerable_unknown", 1);
    }
    // A full row, not a patch: the inputs must go.
    return rows([out]);
  }
}
