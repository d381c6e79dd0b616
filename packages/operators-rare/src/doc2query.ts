import {
  describeValue,
  drop,
  findSourceReference,
  generateWithAttempts,
  type GenerationParams,
  generationParamsSchema,
  generationSettings,
  type JSONSchema,
  maxAttemptsSchema,
  type OperatorContext,
  type OperatorSpec,
  type ProcessResult,
  type Row,
  type RowContext,
  RowError,
  RowOperator,
  unusable,
} from "@dataflow/core";
import { doc2QueryMessages, doc2QueryRetryNote } from "./prompts/doc2query.js";

export interface Doc2QueryParams extends GenerationParams {
  maxAttempts: number;
  minDocChars: number;
  maxDocChars?: number;
  language: string;
  domain?: string;
  seed?: number;
  rejectSourceReferences: boolean;
}

/** What the model must return; extra keys are tolerated, the two strings are required. */
export const DOC2QUERY_SCHEMA: JSONSchema = {
  type: "object",
  properties: {
    scenario: { type: "string", minLength: 1 },
    question: { type: "string", minLength: 1 },
  },
  required: ["scenario", "question"],
};

/**
 * RARE step 1: from a document, one self-contained scenario + question that needs reasoning in the
 * document's field. Unlike the Python original, a row whose answers stay unusable after
 * `maxAttempts` calls is rejected (raw output kept), never passed on with an empty question.
 */
export class Doc2QueryOperator extends RowOperator<Doc2QueryParams> {
  static readonly spec: OperatorSpec<Doc2QueryParams> = {
    name: "rare/doc2query",
    version: "1.0.0",
    description:
      "Ask the step's serving for one reasoning-heavy problem grounded in the document: a self-contained " +
      "scenario and a question that needs analysis, evaluation or synthesis, answerable with the document's " +
      "knowledge yet meaningful without it. The answer is JSON {scenario, question}, taken from fenced or chatty " +
      "output and <think> blocks; an answer that is not valid, is empty, or refers to 'the document/passage' " +
      "is asked again, up to maxAttempts calls, then the row is rejected with the raw output. Documents shorter " +
      "than minDocChars are filtered.",
    params: {
      type: "object",
      additionalProperties: false,
      properties: {
        maxAttempts: maxAttemptsSchema,
        minDocChars: {
          type: "integer",
          minimum: 0,
          default: 200,
          description: "Documents with fewer characters (trimmed) are filtered: too little to ask about",
        },
        maxDocChars: {
          type: "integer",
          minimum: 1,
          description: "Cut longer documents to this many characters in the prompt (default: send whole)",
        },
        language: {
          type: "string",
          minLength: 1,
          default: "English",
          description: "Language of the scenario and the question",
        },
        domain: {
          type: "string",
          minLength: 1,
          description: "What the corpus is about, as a hint to the model",
        },
        rejectSourceReferences: {
          type: "boolean",
          default: true,
          description: "Treat a question or scenario that mentions 'the document/passage/text' as bad output",
        },
        ...generationParamsSchema,
        seed: { type: "integer", description: "Sampling seed sent to the serving" },
      },
    },
    inputs: {
      text: { column: "text", description: "The document", schema: { type: "string" } },
    },
    outputs: {
      question: { column: "question", description: "The question", schema: { type: "string" } },
      scenario: {
        column: "scenario",
        description: "The scenario the question is about",
        schema: { type: "string" },
      },
    },
    serving: "required",
  };

  override setup(ctx: OperatorContext<Doc2QueryParams>): void {
    if (!ctx.serving)
      throw new Error(`step "${ctx.stepId}": rare/doc2query needs a serving; name one with \`serving:\``);
  }

  async process(_row: Row, ctx: RowContext<Doc2QueryParams>): Promise<ProcessResult> {
    const p = ctx.params;
    const text = ctx.input("text");
    if (typeof text !== "string") {
      throw new RowError(
        "bad-input",
        `column "${ctx.inputs.text}" must hold the document as a string, got ${describeValue(text)}`,
      );
    }
    const document = text.trim();
    if (document.length < p.minDocChars) return drop("document shorter than minDocChars");
    let shown = document;
    if (p.maxDocChars !== undefined && document.length > p.maxDocChars) {
      shown = document.slice(0, p.maxDocChars);
      ctx.count("documents_cut_to_maxDocChars", 1);
    }
    const found = await generateWithAttempts(ctx, {
      messages: doc2QueryMessages({
        document: shown,
        language: p.language,
        ...(p.domain !== undefined ? { domain: p.domain } : {}),
      }),
      settings: generationSettings(p, { seed: p.seed }),
      schema: DOC2QUERY_SCHEMA,
      schemaName: "rare_doc2query",
      maxAttempts: p.maxAttempts,
      retryNote: doc2QueryRetryNote,
      accept: (result) => {
        const o = result.object as { scenario: string; question: string };
        const question = o.question.trim();
        const scenario = o.scenario.trim();
        if (!question) throw unusable("the question is empty", result);
        if (!scenario) throw unusable("the scenario is empty", result);
        if (p.rejectSourceReferences) {
          const ref = findSourceReference(question) ?? findSourceReference(scenario);
          if (ref)
            throw unusable(
              `the problem refers to its source text ("${ref}"); it must stand on its own`,
              result,
            );
        }
        return { question, scenario };
      },
    });
    ctx.observe("question_chars", found.question.length);
    ctx.observe("scenario_chars", found.scenario.length);
    return ctx.output(found);
  }
}
