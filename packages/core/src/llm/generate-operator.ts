import type { JSONSchema } from "../contracts/json-schema.js";
import type { ChatMessage, GenerationSettings } from "../contracts/llm-serving.js";
import type { OperatorContext, OperatorSpec } from "../contracts/operator.js";
import type { ProcessResult } from "../contracts/process-result.js";
import type { Row } from "../contracts/row.js";
import { RowOperator, type RowContext } from "../bases/row-operator.js";
import { parseTemplate, renderTemplate, type TemplatePart, templateColumns } from "../operators/template-string.js";
import { createAjv } from "../util/ajv.js";
import { generationParamsSchema, generationSettings, maxAttemptsSchema } from "./generation-params.js";
import { generateWithAttempts } from "./llm-attempts.js";

export interface GenerateParams {
  prompt: string;
  system?: string;
  schema?: JSONSchema;
  schemaName?: string;
  maxAttempts: number;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  seed?: number;
  stop?: string[];
}

const template = (what: string): JSONSchema => ({
  type: "string",
  minLength: 1,
  description: `${what}, with {{column}} placeholders filled from the row (\\{{ is a literal {{).`,
});

/** Asks the step's serving one question per row: text, or with `schema`, a validated object. */
export class GenerateOperator extends RowOperator<GenerateParams> {
  static readonly spec: OperatorSpec<GenerateParams> = {
    name: "llm/generate",
    version: "1.0.0",
    description:
      "Send `prompt` (and `system`), rendered from the row's {{column}} placeholders, to the step's serving " +
      "and write the answer to `output`: the text, or, with `schema` (a JSON Schema), the JSON object taken " +
      "from the answer and validated against it. Reasoning (<think> blocks, reasoning_content) goes to " +
      "`reasoning` when the model returns any. An answer that is empty or does not match the schema is asked " +
      "again up to `maxAttempts` calls; a row that still fails is rejected with the raw output.",
    params: {
      type: "object",
      additionalProperties: false,
      required: ["prompt"],
      properties: {
        prompt: template("The user message"),
        system: template("The system message"),
        schema: {
          type: "object",
          description: "JSON Schema the answer must match; the output is then the parsed object",
        },
        schemaName: {
          type: "string",
          pattern: "^[a-zA-Z0-9_-]{1,64}$",
          description: "Name of the schema sent with response_format",
        },
        maxAttempts: maxAttemptsSchema,
        ...generationParamsSchema,
        seed: { type: "integer", description: "Sampling seed sent with every call (default: none)" },
        stop: { type: "array", items: { type: "string" }, description: "Stop sequences (default: none)" },
      },
    },
    inputs: {},
    outputs: {
      output: {
        column: "output",
        description: "The answer: text, or the validated object when `schema` is set.",
      },
      reasoning: {
        column: "reasoning",
        optional: true,
        description: "The model's reasoning, written only when it returned some.",
        schema: { type: "string" },
      },
    },
    serving: "required",
    // No `concurrency`: the step runs as many rows at once as its serving allows.
    columns: (params) => ({
      reads: [
        ...templateColumns(params.prompt).map((column) => ({ column, path: ["params", "prompt"] })),
        ...(params.system
          ? templateColumns(params.system).map((column) => ({ column, path: ["params", "system"] }))
          : []),
      ],
    }),
  };

  private prompt: TemplatePart[] = [];
  private system: TemplatePart[] | undefined;
  private settings: GenerationSettings = {};

  override setup(ctx: OperatorContext<GenerateParams>): void {
    if (!ctx.serving)
      throw new Error(`step "${ctx.stepId}": llm/generate needs a serving; name one with \`serving:\``);
    const p = ctx.params;
    this.prompt = parseTemplate(p.prompt);
    this.system = p.system ? parseTemplate(p.system) : undefined;
    // An invalid schema fails the step now, before any request is paid for.
    if (p.schema) checkSchema(p.schema);
    this.settings = generationSettings(p, { seed: p.seed, stop: p.stop });
  }

  async process(row: Row, ctx: RowContext<GenerateParams>): Promise<ProcessResult> {
    const serving = ctx.serving;
    if (!serving) throw new Error("llm/generate has no serving");
    const messages: ChatMessage[] = [];
    if (this.system) messages.push({ role: "system", content: renderTemplate(this.system, row) });
    messages.push({ role: "user", content: renderTemplate(this.prompt, row) });
    const { schema, schemaName, maxAttempts } = ctx.params;
    return generateWithAttempts(ctx, {
      messages,
      settings: this.settings,
      maxAttempts,
      ...(schema ? { schema } : {}),
      ...(schemaName ? { schemaName } : {}),
      // The note changes the request, so a retry is not answered from the response cache.
      retryNote: (reason) => `That answer could not be used (${reason}). Answer again, exactly as asked.`,
      accept: (result) =>
        ctx.output({
          output: schema ? result.object : result.text,
          ...(result.reasoning ? { reasoning: result.reasoning } : {}),
        }),
    });
  }
}

function checkSchema(schema: JSONSchema): void {
  try {
    createAjv().compile(schema);
  } catch (err) {
    throw new Error(`params.schema: invalid JSON Schema: ${(err as Error).message}`);
  }
}
