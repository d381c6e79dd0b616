import { LLMError } from "@dataflow/core";

/** Where the JSON was found: the whole answer, a fenced code block, or a scan of chatty text. */
export type JsonSource = "whole" | "fence" | "scan";

export interface ExtractedJson {
  value: unknown;
  source: JsonSource;
}

const FENCE = /```([^\n`]*)\n([\s\S]*?)```/g;
// Bounds the balanced-brace scan so pathological text ("[[[[…" with no end) cannot stall a row.
const SCAN_BUDGET = 4_000_000;

/**
 * Every JSON value the text plausibly holds, most likely first: the whole text,
 * then ```json fences, then any other fence, then each balanced `{…}`/`[…]` in
 * chatty text (a value inside one already found is not offered again, nor
 * anything after a bracket that never closes, as a truncated reply leaves).
 */
export function* jsonCandidates(text: string): Generator<ExtractedJson> {
  const seen = new Set<string>();
  const offer = (raw: string): unknown => {
    const trimmed = raw.trim();
    if (!trimmed || seen.has(trimmed)) return NOT_JSON;
    seen.add(trimmed);
    return parseOrNot(trimmed);
  };

  const whole = offer(text);
  if (whole !== NOT_JSON) yield { value: whole, source: "whole" };

  const fences = [...text.matchAll(FENCE)].map((m) => ({ lang: (m[1] ?? "").trim(), body: m[2] ?? "" }));
  const jsonFirst = [
    ...fences.filter((f) => /^json/i.test(f.lang)),
    ...fences.filter((f) => !/^json/i.test(f.lang)),
  ];
  for (const fence of jsonFirst) {
    const value = offer(fence.body);
    if (value !== NOT_JSON) yield { value, source: "fence" };
  }

  let budget = SCAN_BUDGET;
  let i = 0;
  while (i < text.length && budget > 0) {
    const c = text[i];
    if (c !== "{" && c !== "[") {
      i++;
      continue;
    }
    const { end, steps } = balancedEnd(text, i);
    budget -= steps;
    // Unclosed to the end: the reply was truncated; a fragment nested inside it is not the answer.
    if (end === -2) break;
    if (end !== -1) {
      const value = offer(text.slice(i, end));
      if (value !== NOT_JSON) {
        yield { value, source: "scan" };
        i = end;
        continue;
      }
    }
    i++;
  }
}

/** The first JSON value in a model's answer; throws LLMError("bad-output") carrying the text when there is none. */
export function extractJson(text: string): ExtractedJson {
  for (const candidate of jsonCandidates(text)) return candidate;
  throw noJson(text);
}

export function noJson(text: string): LLMError {
  const message = text.trim()
    ? `no JSON found in the model output: ${preview(text)}`
    : "the model output is empty, expected JSON";
  return new LLMError("bad-output", message, { raw: text });
}

/** A short one-line quote of model output for error messages; the full text travels in `raw`. */
export function preview(text: string, max = 80): string {
  const flat = text.trim().replace(/\s+/g, " ");
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}

const NOT_JSON: unique symbol = Symbol("not-json");

function parseOrNot(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return NOT_JSON;
  }
}

/**
 * Index just past the bracket that closes the one at `start`; -1 at a
 * mismatched closer, -2 when the text ends first. Strings and their escapes
 * are skipped so brackets inside them do not count.
 */
function balancedEnd(text: string, start: number): { end: number; steps: number } {
  const stack: string[] = [];
  let inString = false;
  let i = start;
  for (; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{") stack.push("}");
    else if (c === "[") stack.push("]");
    else if (c === "}" || c === "]") {
      if (stack.pop() !== c) return { end: -1, steps: i - start + 1 };
      if (stack.length === 0) return { end: i + 1, steps: i - start + 1 };
    }
  }
  return { end: -2, steps: i - start };
}
