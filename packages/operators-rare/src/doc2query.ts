import {
  CompiledPrompt,
  checkPromptParam,
  describeValue,
  drop,
  findSourceReference,
  type GenerationParams,
  generateWithAttempts,
  generationParamsSchema,
  generationSettings,
  type JSONSchema,
  type LLMResult,
  maxAttemptsSchema,
  type OperatorContext,
  type OperatorSpec,
  type ProcessResult,
  type PromptParam,
  promptParamSchema,
  type Row,
  type RowContext,
  RowError,
  RowOperator,
  rows,
  unusable,
} from "@dataflow/core";
import { distinctQuestions } from "./distinct-questions.js";
import { DOC2QUERY_PROMPT, doc2QueryRetryNote, doc2QueryValues } from "./prompts/doc2query.js";

export interface Doc2QueryParams extends GenerationParams {
  maxAttempts: number;
  minDocChars: number;
  maxDocChars?: number;
  language: string;
  domain?: string;
  seed?: number;
  rejectSourceReferences: boolean;
  questions: number;
  duplicateThreshold: number;
  prompt?: PromptParam;
}

interface Problem {
  question: string;
  scenario: string;
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

/** What the model must return when asked for `n` problems at once. */
export function doc2QueryListSchema(n: number): JSONSchema {
  return {
    type: "object",
    properties: { problems: { type: "array", minItems: n, items: DOC2QUERY_SCHEMA } },
    required: ["problems"],
  };
}

/**
 * RARE step 1: from a document, one self-contained scenario + question that needs reasoning in the
 * document's field. Unlike the Python original, a row whose answers stay unusable after
 * `maxAttempts` calls is rejected (raw output kept), never passed on with an empty question.
 */
export class Doc2QueryOperator extends RowOperator<Doc2QueryParams> {
  static readonly spec: OperatorSpec<Doc2QueryParams> = {
    name: "rare/doc2query",
    version: "1.1.0",
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
        questions: {
          type: "integer",
          minimum: 1,
          maximum: 20,
          default: 1,
          description:
            "Problems per document, asked for in one call as a list; with more than one, the rows are " +
            "<id>.0, <id>.1, … (each keeps the document) and near-identical questions are dropped",
        },
        duplicateThreshold: {
          type: "number",
          minimum: 0,
          maximum: 1,
          default: 0.8,
          description:
            "With questions > 1: a question whose character 5-gram Jaccard similarity with an earlier one " +
            "from the same document reaches this is dropped (1: only identical normalised questions)",
        },
        prompt: promptParamSchema(DOC2QUERY_PROMPT),
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
    prompt: DOC2QUERY_PROMPT,
    checkParams: (p) => checkPromptParam(p.prompt, DOC2QUERY_PROMPT),
  };

  private prompt = new CompiledPrompt(DOC2QUERY_PROMPT, undefined);

  override setup(ctx: OperatorContext<Doc2QueryParams>): void {
    if (!ctx.serving)
      throw new Error(`step "${ctx.stepId}": rare/doc2query needs a serving; name one with \`serving:\``);
    this.prompt = new CompiledPrompt(DOC2QUERY_PROMPT, ctx.params.prompt);
  }

  async process(row: Row, ctx: RowContext<Doc2QueryParams>): Promise<ProcessResult> {
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
    const n = p.questions;
    const messages = this.prompt.messages(
      doc2QueryValues({
        document: shown,
        language: p.language,
        questions: n,
        ...(p.domain !== undefined ? { domain: p.domain } : {}),
      }),
    );
    const found = await generateWithAttempts(ctx, {
      messages,
      settings: generationSettings(p, { seed: p.seed }),
      schema: n === 1 ? DOC2QUERY_SCHEMA : doc2QueryListSchema(n),
      schemaName: n === 1 ? "rare_doc2query" : "rare_doc2query_list",
      maxAttempts: p.maxAttempts,
      retryNote: (reason) => doc2QueryRetryNote(reason, n),
      accept: (result) =>
        n === 1
          ? [usableProblem(result.object as Problem, result, p)]
          : (result.object as { problems: Problem[] }).problems
              .slice(0, n)
              .map((o) => usableProblem(o, result, p)),
    });
    for (const f of found) {
      ctx.observe("question_chars", f.question.length);
      ctx.observe("scenario_chars", f.scenario.length);
    }
    if (n === 1) return ctx.output({ ...(found[0] as Problem) });
    const { kept, dropped } = distinctQuestions(found, p.duplicateThreshold);
    if (dropped) ctx.count("near_duplicate_questions_dropped", dropped);
    return rows(
      kept.map((f) => ({ ...row, ...ctx.output({ question: f.question, scenario: f.scenario }) })),
      { idSuffixes: kept.map((_, i) => `.${i}`) },
    );
  }
}

/** A problem with both parts trimmed; empty parts and references to the source are bad output. */
function usableProblem(o: Problem, result: LLMResult, p: Doc2QueryParams): Problem {
  const question = o.question.trim();
  const scenario = o.scenario.trim();
  if (!question) throw unusable("the question is empty", result);
  if (!scenario) throw unusable("the scenario is empty", result);
  if (p.rejectSourceReferences) {
    const ref = findSourceReference(question) ?? findSourceReference(scenario);
    if (ref)
      throw unusable(`the problem refers to its source text ("${ref}"); it must stand on its own`, result);
  }
  return { question, scenario };
}
