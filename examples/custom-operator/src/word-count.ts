import { type OperatorRegistry, type OperatorSpec, type Row, RowError, type RowContext, RowOperator } from "@dataflow/core";

interface Params {
  wordsPerMinute: number;
}

/** Counts the words of a text column and estimates its reading time. */
export class WordCountOperator extends RowOperator<Params> {
  static readonly spec: OperatorSpec<Params> = {
    name: "example/word-count",
    version: "1.0.0",
    description: "Count the words of a text and estimate its reading time",
    params: {
      type: "object",
      additionalProperties: false,
      properties: {
        wordsPerMinute: { type: "number", exclusiveMinimum: 0, default: 200, description: "Reading speed" },
      },
    },
    inputs: { text: { column: "text", description: "The text to measure" } },
    outputs: {
      words: { column: "words", description: "Number of words" },
      seconds: { column: "reading_seconds", description: "Estimated reading time in seconds" },
    },
  };

  process(_row: Row, ctx: RowContext<Params>) {
    const text = ctx.input("text");
    if (typeof text !== "string") throw new RowError("bad-input", `expected text, got ${typeof text}`);
    const words = text.split(/\s+/).filter(Boolean).length;
    return ctx.output({ words, seconds: Math.round((words / ctx.params.wordsPerMinute) * 60) });
  }
}

/** The plugin entry point: a pipeline lists this file under `plugins:`. */
export function register(registry: OperatorRegistry): void {
  registry.register(WordCountOperator, "example-custom-operator");
}
