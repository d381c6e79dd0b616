import {
  PythonLiteralError,
  type PyValue,
  parsePythonLiteral,
  parsePythonLiteralPrefix,
} from "./python-literal.js";
import { type ActionProblemCode, renderAction, toReaRagAction } from "./rearag-action.js";
import type { ActionStyle, ReaRagAction, ReaRagStepParts } from "./rearag-types.js";

/** Why a text is not a usable step; for a model's reply, each is worth one corrective retry. */
export type StepProblemCode =
  | "empty-reply"
  | "no-thought"
  | "text-before-thought"
  | "wrong-number"
  | "empty-thought"
  | "no-action"
  | "no-fence"
  | "text-after-action"
  | ActionProblemCode;

export interface ReadStepOptions {
  /** The number the step must carry; without it, Thought and Action need only agree. */
  expected?: number;
  /**
   * The text is a model's reply, not a stored step: text before the first Thought is ignored;
   * markdown emphasis or a heading mark around a marker, a bare action dict, an unclosed fence and
   * the slips `parsePythonLiteral`'s lenient reading allows are accepted; whatever follows the
   * action (an Observation the model made up, later steps) is returned as `discarded`; the query or
   * answer is trimmed; and the thought must not be empty. Without it the step must be exactly
   * ReaRAG's `Thought N: …\nAction N: \n` + a fenced Python dict literal, nothing before or after.
   */
  reply?: boolean;
}

export interface ReadStep extends ReaRagStepParts {
  /** A reply's text after its first step, dropped; always empty for a stored step. */
  discarded: string;
}

export type StepRead = { ok: true; step: ReadStep } | { ok: false; code: StepProblemCode; message: string };

/** A stored step that is not ReaRAG's format; `code` says which check failed. */
export class ReaRagStepError extends Error {
  override readonly name = "ReaRagStepError";

  constructor(
    readonly code: StepProblemCode,
    message: string,
  ) {
    super(message);
  }
}

/** One step as ReaRAG's formatter writes it; note the space after `Action n:`. */
export function renderStep(
  n: number,
  thought: string,
  action: ReaRagAction,
  style: ActionStyle = "python",
): string {
  return `Thought ${n}: ${thought}\nAction ${n}: \n\`\`\`\n${renderAction(action, style)}\n\`\`\``;
}

interface Marker {
  kind: "thought" | "action" | "observation";
  n: number;
  /** Where the marker's line starts. */
  start: number;
  /** Just past the marker's colon. */
  end: number;
}

// `Thought 2:` at the start of a line, as ReaRAG's own regex finds them.
const STORED_MARKER = /^[ \t]*(Thought|Action|Observation)[ \t]+(\d+)[ \t]*:/gm;
// In a reply, markdown emphasis or a heading mark around the marker is tolerated too.
const REPLY_MARKER = /^[ \t>#*_]*(Thought|Action|Observation)[ \t]*(\d+)[ \t]*[*_]*[ \t]*:[*_]*/gim;
// Stored: the fence opens on the Action line or the next one, and its tag line ends there.
const STORED_FENCE = /^[ \t]*(?:\r?\n)?[ \t]*```[\w-]*[ \t]*\r?\n/;
const REPLY_FENCE = /```[\w-]*[ \t]*(?:\r?\n)?/;

function markers(text: string, pattern: RegExp): Marker[] {
  const found: Marker[] = [];
  for (const m of text.matchAll(pattern)) {
    found.push({
      kind: (m[1] as string).toLowerCase() as Marker["kind"],
      n: Number(m[2]),
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  return found;
}

function problem(
  code: StepProblemCode,
  message: string,
): { ok: false; code: StepProblemCode; message: string } {
  return { ok: false, code, message };
}

/**
 * Reads one step: the first `Thought n:` and the `Action n:` right after it, whose action is a
 * Python dict literal (JSON spells one too) calling `search` with a `query` or `finish` with an
 * `answer`. Stored steps are read as ReaRAG's format is written; `reply` reads a model's reply
 * as ReaRAG's construction loop does, keeping only its first step (see ReadStepOptions).
 */
export function readReaRagStep(text: string, options: ReadStepOptions = {}): StepRead {
  const reply = options.reply === true;
  const n = options.expected;
  const noun = reply ? "the reply" : "the step";
  if (!text.trim()) return problem("empty-reply", `${noun} is empty`);
  const found = markers(text, reply ? REPLY_MARKER : STORED_MARKER);
  const first = found.findIndex((m) => m.kind === "thought");
  const thoughtMarker = found[first];
  const thoughtName = `"Thought ${n ?? "N"}:"`;
  if (!thoughtMarker) {
    return reply
      ? problem("no-thought", `${noun} has no ${thoughtName} line`)
      : problem("no-thought", `${noun} does not start with ${thoughtName}`);
  }
  if (!reply && (first > 0 || text.slice(0, thoughtMarker.start).trim())) {
    return problem("text-before-thought", `${noun} does not start with ${thoughtName}`);
  }
  if (n !== undefined && thoughtMarker.n !== n) {
    return problem("wrong-number", `expected "Thought ${n}:", ${noun} has "Thought ${thoughtMarker.n}:"`);
  }
  const number = thoughtMarker.n;
  const actionMarker = found[first + 1];
  if (actionMarker?.kind !== "action") {
    return problem("no-action", `"Thought ${number}:" is not followed by "Action ${number}:"`);
  }
  if (actionMarker.n !== number) {
    return problem(
      "wrong-number",
      n !== undefined
        ? `expected "Action ${n}:", ${noun} has "Action ${actionMarker.n}:"`
        : `"Thought ${number}:" is followed by "Action ${actionMarker.n}:"`,
    );
  }
  const thought = text.slice(thoughtMarker.end, actionMarker.start).trim();
  if (reply && !thought) return problem("empty-thought", `"Thought ${number}:" is empty`);
  const next = found[first + 2];
  const blockEnd = next ? next.start : text.length;
  const read = readAction(text.slice(actionMarker.end, blockEnd), number, reply);
  if (!read.ok) return read;
  const after = (read.rest + text.slice(blockEnd)).trim();
  if (after && !reply) {
    return problem(
      "text-after-action",
      "it has text after its action block (a turn holds exactly one Thought and one Action)",
    );
  }
  return { ok: true, step: { number, thought, action: read.action, discarded: after } };
}

/**
 * Reads a stored assistant step, `Thought N: …\nAction N: \n` + a ``` block holding a Python dict
 * `{'function': 'search'|'finish', 'parameters': {...}}`. Throws ReaRagStepError saying what is wrong.
 */
export function parseReaRagStep(reasoning: string): ReaRagStepParts {
  const read = readReaRagStep(reasoning);
  if (!read.ok) throw new ReaRagStepError(read.code, read.message);
  const { number, thought, action } = read.step;
  return { number, thought, action };
}

/** The action dict of an `Action n:` block, and the block's text after it. */
function readAction(
  block: string,
  n: number,
  reply: boolean,
): { ok: true; action: ReaRagAction; rest: string } | { ok: false; code: StepProblemCode; message: string } {
  let value: PyValue;
  let rest: string;
  const fence = (reply ? REPLY_FENCE : STORED_FENCE).exec(block);
  try {
    if (fence) {
      const from = fence.index + fence[0].length;
      const close = block.indexOf("```", from);
      if (close === -1 && !reply) return problem("no-fence", "the action's ``` block is not closed");
      // An unclosed fence in a reply (cut at max tokens) still holds the dict if it was complete.
      const inside = close === -1 ? block.slice(from) : block.slice(from, close);
      if (!inside.trim()) return problem("bad-action-dict", `the fenced block of "Action ${n}:" is empty`);
      value = parsePythonLiteral(inside, { lenient: reply });
      rest = close === -1 ? "" : block.slice(close + 3);
    } else if (!reply) {
      return problem("no-fence", `the action of "Action ${n}:" is not in a \`\`\` block`);
    } else {
      const brace = block.indexOf("{");
      if (brace === -1) {
        return problem(
          "bad-action-dict",
          `"Action ${n}:" has no action dict ({'function': ..., 'parameters': {...}})`,
        );
      }
      const parsed = parsePythonLiteralPrefix(block, brace, { lenient: true });
      value = parsed.value;
      rest = block.slice(parsed.end);
    }
  } catch (err) {
    if (!(err instanceof PythonLiteralError)) throw err;
    return problem(
      "bad-action-dict",
      `the action of "Action ${n}:" is not a valid Python dict literal: ${err.message}`,
    );
  }
  const action = toReaRagAction(value, { trim: reply });
  return action.ok ? { ok: true, action: action.action, rest } : action;
}
