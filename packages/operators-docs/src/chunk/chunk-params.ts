import type { JSONSchema } from "@dataflow/core";
import type { SplitOptions } from "./split-text.js";

export interface ChunkParams {
  size: number;
  unit: "chars" | "tokens";
  overlap: number;
  minSize?: number;
  locale: string;
}

/** Tokens are estimated at four characters each (English prose under GPT-style tokenizers). */
export const CHARS_PER_TOKEN = 4;

export const chunkParamsSchema: JSONSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    size: {
      type: "integer",
      minimum: 1,
      default: 1000,
      description: "Largest chunk, in `unit`s; a single longer word is kept whole in a chunk of its own",
    },
    unit: {
      enum: ["chars", "tokens"],
      default: "chars",
      description: `Unit of size, overlap and minSize: characters, or tokens estimated at ${CHARS_PER_TOKEN} characters each`,
    },
    overlap: {
      type: "integer",
      minimum: 0,
      default: 0,
      description:
        "Most of the previous chunk's end a chunk repeats (whole words only), in `unit`s; below size",
    },
    minSize: {
      type: "integer",
      minimum: 0,
      description:
        "A last chunk adding fewer new `unit`s than this joins the chunk before it (default: a fifth of size)",
    },
    locale: {
      type: "string",
      minLength: 1,
      default: "en",
      description: "BCP 47 locale of the sentence segmenter (Intl.Segmenter)",
    },
  },
};

export function splitOptions(p: ChunkParams): SplitOptions {
  const chars = p.unit === "tokens" ? CHARS_PER_TOKEN : 1;
  return {
    maxChars: p.size * chars,
    overlapChars: p.overlap * chars,
    minChars: (p.minSize ?? Math.floor(p.size / 5)) * chars,
    locale: p.locale,
  };
}

/** What the schema cannot say: how the sizes relate and whether the locale exists. */
export function checkChunkParams(p: ChunkParams): { path: string[]; message: string; hint: string }[] {
  const problems = [];
  if (p.overlap >= p.size)
    problems.push({
      path: ["overlap"],
      message: `overlap ${p.overlap} must be below size ${p.size}`,
      hint: "use an overlap of a tenth to a fifth of size",
    });
  if (p.minSize !== undefined && p.minSize >= p.size)
    problems.push({
      path: ["minSize"],
      message: `minSize ${p.minSize} must be below size ${p.size}`,
      hint: "leave minSize out for a fifth of size",
    });
  try {
    new Intl.Segmenter(p.locale, { granularity: "sentence" });
  } catch (err) {
    problems.push({
      path: ["locale"],
      message: `locale ${JSON.stringify(p.locale)} is not valid: ${(err as Error).message}`,
      hint: 'use a BCP 47 tag such as "en", "de" or "pt-BR"',
    });
  }
  return problems;
}
