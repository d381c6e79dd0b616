import {
  generateWithAttempts,
  type GenerationParams,
  generationParamsSchema,
  generationSettings,
  type JSONSchema,
  maxAttemptsSchema,
  type OperatorRegistry,
  type OperatorSpec,
  type Row,
  type RowContext,
  RowOperator,
  unusable,
} from "@dataflow/core";

interface Params extends GenerationParams {
  maxWords: number;
  maxAttempts: number;
}

const answerSchema: JSONSchema = {
  type: "object",
  additionalProperties: false,
  required: ["title"],
  properties: { title: { type: "string", minLength: 1 } },
};

/** Asks the step's serving for a short title of a note; a title that is too long is asked again. */
export class NoteTitleOperator extends RowOperator<Params> {
  static readonly spec: OperatorSpec<Params> = {
    name: "example/note-title",
    version: "1.0.0",
    description: "Ask an LLM for a short title of a note",
    params: {
      type: "object",
      additionalProperties: false,
      properties: {
        maxWords: { type: "integer", minimum: 1, default: 6, description: "Longest title accepted, in words" },
        maxAttempts: maxAttemptsSchema,
        ...generationParamsSchema,
      },
    },
    inputs: { text: { column: "text", description: "The note", schema: { type: "string" } } },
    outputs: { title: { column: "title", description: "A title of at most maxWords words" } },
    serving: "required",
  };

  process(_row: Row, ctx: RowContext<Params>) {
    const { maxWords, maxAttempts } = ctx.params;
    return generateWithAttempts(ctx, {
      messages: [
        { role: "system", content: 'You name notes. Answer as JSON: {"title": "..."}.' },
        { role: "user", content: `A title of at most ${maxWords} words for this note:\n\n${ctx.input("text")}` },
      ],
      settings: generationSettings(ctx.params),
      schema: answerSchema,
      maxAttempts,
      retryNote: (reason) => `That title was not usable: ${reason}. Try again.`,
      accept: (result) => {
        const { title } = result.object as { title: string };
        const words = title.trim().split(/\s+/).length;
        if (words > maxWords) throw unusable(`the title has ${words} words, more than ${maxWords}`, result);
        return ctx.output({ title: title.trim() });
      },
    });
  }
}

export function register(registry: OperatorRegistry): void {
  registry.register(NoteTitleOperator, "example-custom-operator");
}
