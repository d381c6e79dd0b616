import {
  PythonLiteralError,
  type PyValue,
  parsePythonLiteral,
  parsePythonLiteralPrefix,
} from "./python-literal.js";
import type { TrajectoryAction } from "./trajectory-step.js";

/** Why a reply is not a usable step; each is worth one corrective retry. */
export type StepProblemCode =
  | "empty-reply"
  | "no-thought"
  | "wrong-number"
  | "empty-thought"
  | "no-action"
  | "bad-action-dict"
  | "unknown-function"
  | "bad-parameters";

export interface ParsedStep {
  thought: string;
  action: TrajectoryAction;
  /** Text after the step (an Observation or further steps the model made up), dropped. */
  discarded: string;
}

export type StepParse =
  | { ok: true; step: ParsedStep }
  | { ok: false; code: StepProblemCode; message: string };

interface Marker {
  kind: "thought" | "action" | "observation";
  n: number;
  /** Where the marker's line starts. */
  start: number;
  /** Just past the marker's colon. */
  end: number;
}

// `Thought 2:` at the start of a line; markdown emphasis or a heading mark around it is tolerated.
const MARKER = /^[ \t>#*_]*(Thought|Action|Observation)[ \t]*(\d+)[ \t]*[*_]*[ \t]*:[*_]*/gim;

function markers(text: string): Marker[] {
  const found: Marker[] = [];
  for (const m of text.matchAll(MARKER)) {
    found.push({
      kind: (m[1] as string).toLowerCase() as Marker["kind"],
      n: Number(m[2]),
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  return found;
}

/**
 * Reads step `n` from a reply: the first `Thought n:` and the `Action n:` right after it, whose
 * action is a Python dict literal or JSON (in a fenced block, or bare after the marker) calling
 * `search` with a `query` or `finish` with an `answer`. Only this first step counts: whatever
 * follows it (an Observation the model invented, later steps) is returned as `discarded`.
 * Text before the first Thought is ignored.
 */
export function parseStep(text: string, n: number): StepParse {
  if (!text.trim()) return problem("empty-reply", "the reply is empty");
  const found = markers(text);
  const first = found.findIndex((m) => m.kind === "thought");
  const thoughtMarker = found[first];
  if (!thoughtMarker) {
    return problem("no-thought", `the reply has no "Thought ${n}:" line`);
  }
  if (thoughtMarker.n !== n) {
    return problem("wrong-number", `expected "Thought ${n}:", the reply has "Thought ${thoughtMarker.n}:"`);
  }
  const actionMarker = found[first + 1];
  if (actionMarker?.kind !== "action") {
    return problem("no-action", `"Thought ${n}:" is not followed by "Action ${n}:"`);
  }
  if (actionMarker.n !== n) {
    return problem("wrong-number", `expected "Action ${n}:", the reply has "Action ${actionMarker.n}:"`);
  }
  const thought = text.slice(thoughtMarker.end, actionMarker.start).trim();
  if (!thought) return problem("empty-thought", `"Thought ${n}:" is empty`);
  const next = found[first + 2];
  const blockEnd = next ? next.start : text.length;
  const read = readAction(text.slice(actionMarker.end, blockEnd), n);
  if (!read.ok) return read;
  const discarded = (read.rest + text.slice(blockEnd)).trim();
  return { ok: true, step: { thought, action: read.action, discarded } };
}

/** The action dict of an `Action n:` block, and the block's text after it. */
function readAction(
  block: string,
  n: number,
):
  | { ok: true; action: TrajectoryAction; rest: string }
  | { ok: false; code: StepProblemCode; message: string } {
  let value: PyValue;
  let rest: string;
  const fence = /```[\w-]*[ \t]*\r?\n?/.exec(block);
  try {
    if (fence) {
      const from = fence.index + fence[0].length;
      const close = block.indexOf("```", from);
      // An unclosed fence (a reply cut at max tokens) still holds the dict if it was complete.
      const inside = close === -1 ? block.slice(from) : block.slice(from, close);
      if (!inside.trim()) return problem("bad-action-dict", `the fenced block of "Action ${n}:" is empty`);
      value = parsePythonLiteral(inside);
      rest = close === -1 ? "" : block.slice(close + 3);
    } else {
      const brace = block.indexOf("{");
      if (brace === -1) {
        return problem(
          "bad-action-dict",
          `"Action ${n}:" has no action dict ({'function': ..., 'parameters': {...}})`,
        );
      }
      const parsed = parsePythonLiteralPrefix(block, brace);
      value = parsed.value;
      rest = block.slice(parsed.end);
    }
  } catch (err) {
    if (!(err instanceof PythonLiteralError)) throw err;
    return problem(
      "bad-action-dict",
      `the action of "Action ${n}:" is not a valid dict literal: ${err.message}`,
    );
  }
  const action = toAction(value);
  return action.ok ? { ok: true, action: action.action, rest } : action;
}

/** Checks the dict's shape: `function` is search or finish, with a non-empty string parameter. */
export function toAction(
  value: unknown,
): { ok: true; action: TrajectoryAction } | { ok: false; code: StepProblemCode; message: string } {
  if (!isDict(value)) return problem("bad-action-dict", "the action is not a dict");
  const fn = value.function;
  if (fn !== "search" && fn !== "finish") {
    return problem(
      "unknown-function",
      `the action's "function" must be "search" or "finish", got ${typeof fn === "string" ? JSON.stringify(fn) : "none"}`,
    );
  }
  const parameters = value.parameters;
  const key = fn === "search" ? "query" : "answer";
  const arg = isDict(parameters) ? parameters[key] : undefined;
  if (typeof arg !== "string" || !arg.trim()) {
    return problem("bad-parameters", `${fn} needs "parameters": {"${key}": "<non-empty text>"}`);
  }
  return {
    ok: true,
    action: fn === "search" ? { type: "search", query: arg.trim() } : { type: "finish", answer: arg.trim() },
  };
}

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function problem(
  code: StepProblemCode,
  message: string,
): { ok: false; code: StepProblemCode; message: string } {
  return { ok: false, code, message };
}
