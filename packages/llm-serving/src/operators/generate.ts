import {
  type ChatMessage,
  type GenerationSettings,
  type JSONSchema,
  LLMError,
  type OperatorContext,
  type OperatorSpec,
  type ProcessResult,
  type Row,
  RowOperator,
  type RowContext,
  type TemplatePart,
  parseTemplate,
  RowError,
  renderTemplate,
  templateColumns,
} from "@dataflow/core";
import { parseStructured } from "../output/parse-structured.js";

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
        maxAttempts: {
          type: "integer",
          minimum: 1,
          default: 3,
          description: "Most calls per row when the answer is empty or does not match the schema",
        },
        temperature: { type: "number", minimum: 0, maximum: 2 },
        topP: { type: "number", exclusiveMinimum: 0, maximum: 1 },
        maxTokens: { type: "integer", minimum: 1 },
        seed: { type: "integer" },
        stop: { type: "array", items: { type: "string" } },
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
    this.settings = {};
    if (p.temperature !== undefined) this.settings.temperature = p.temperature;
    if (p.topP !== undefined) this.settings.topP = p.topP;
    if (p.maxTokens !== undefined) this.settings.maxTokens = p.maxTokens;
    if (p.seed !== undefined) this.settings.seed = p.seed;
    if (p.stop !== undefined) this.settings.stop = p.stop;
  }

  async process(row: Row, ctx: RowContext<GenerateParams>): Promise<ProcessResult> {
    const serving = ctx.serving;
    if (!serving) throw new Error("llm/generate has no serving");
    const messages: ChatMessage[] = [];
    if (this.system) messages.push({ role: "system", content: renderTemplate(this.system, row) });
    messages.push({ role: "user", content: renderTemplate(this.prompt, row) });
    const { schema, schemaName, maxAttempts } = ctx.params;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await serving.generate(
          { messages, settings: this.settings },
          {
            signal: ctx.signal,
            tag: ctx.stepId,
            ...(schema ? { schema } : {}),
            ...(schemaName ? { schemaName } : {}),
          },
        );
        return ctx.output({
          output: schema ? result.object : result.text,
          ...(result.reasoning ? { reasoning: result.reasoning } : {}),
        });
      } catch (err) {
        // Only bad output is worth asking again; the serving already retried everything else.
        if (!(err instanceof LLMError) || err.kind !== "bad-output" || attempt >= maxAttempts) throw err;
        ctx.count("bad-output retries", 1);
      }
    }
  }
}

function checkSchema(schema: JSONSchema): void {
  try {
    parseStructured("null", schema);
  } catch (err) {
    // A "null does not match" failure is expected; only an uncompilable schema throws anything else.
    if (!(err instanceof RowError)) throw new Error(`params.schema: ${(err as Error).message}`);
  }
}
