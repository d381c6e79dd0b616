import { ExportError } from "./export-error.js";
import {
  DEFAULT_REFUSAL,
  NOISY_CONTEXT_INSTRUCTION,
  noisyContextPrompt,
  RARE_INSTRUCTION,
  rarePrompt,
  rareTarget,
} from "./prompts.js";
import {
  type QaOption,
  rareQaInstruction,
  rareQaPrompt,
  rareQaTarget,
  readQaOptions,
} from "./rare-qa-prompt.js";
import { parseReaRagTrajectory, TrajectoryError } from "./rearag/rearag-trajectory.js";
import type { ReaRagTrajectory } from "./rearag/rearag-types.js";

/**
 * Which operator produced the rows: rare/reason-distill, rare/qa-distill, rag/iterative-trajectory,
 * or rag/noisy-context + rag/task-synth.
 */
export type RowKind = "rare" | "rare-qa" | "trajectory" | "noisy-context";

export const ROW_KINDS: readonly RowKind[] = ["rare", "rare-qa", "trajectory", "noisy-context"];

/** The input ports (and default columns) each kind reads. */
export const KIND_PORTS: Record<RowKind, readonly string[]> = {
  rare: ["question", "scenario", "documents", "reasoning", "answer"],
  "rare-qa": ["question", "options", "documents", "reasoning", "teacher_answer"],
  trajectory: ["messages"],
  "noisy-context": ["query", "passages", "answer", "answerable"],
};

/** The ports of each kind whose column must exist (the others may be absent from the rows). */
export const REQUIRED_KIND_PORTS: Record<RowKind, readonly string[]> = {
  rare: ["question", "documents", "reasoning", "answer"],
  "rare-qa": ["question", "documents", "reasoning", "teacher_answer"],
  trajectory: ["messages"],
  "noisy-context": ["query", "passages", "answer"],
};

/** One prompt and the one target a trainer learns. */
export interface SingleTurnExample {
  kind: "single";
  prompt: string;
  target: string;
  /** The target is the refusal of an unanswerable noisy-context row. */
  refusal: boolean;
  /** noisy-context: the row's answerable flag; null when the producer could not tell (no gold known). */
  answerable?: boolean | null;
}

/** A ReaRAG trajectory: the question, then Thought/Action steps and observations. */
export interface TrajectoryExample {
  kind: "trajectory";
  trajectory: ReaRagTrajectory;
}

export type Example = SingleTurnExample | TrajectoryExample;

/** Where a row's values come from: a plain row by default column names, or an operator's bound ports. */
export interface RowSource {
  get(port: string): unknown;
  /** The column a port reads, for error messages. */
  column(port: string): string;
}

export function plainRowSource(row: Record<string, unknown>): RowSource {
  return { get: (port) => row[port], column: (port) => port };
}

export interface ReadOptions {
  from: RowKind;
  /** The instruction closing a rare / noisy-context prompt, or opening a rare-qa one (default: the kind's own). */
  instruction?: string;
  /** rare-qa: the field of the default instruction's expert persona. */
  domain?: string;
  /** The target of an unanswerable noisy-context row (default DEFAULT_REFUSAL). */
  refusal?: string;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "string") return value.trim() ? "a string" : "an empty string";
  return `a ${typeof value}`;
}

/** Reads ports, collecting every problem so one reject names them all. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly source: RowSource) {}

  private name(port: string): string {
    const column = this.source.column(port);
    return column === port ? `column "${column}"` : `column "${column}" (port ${port})`;
  }

  private missing(port: string, what: string): undefined {
    this.problems.push(`${this.name(port)} is missing: it should hold ${what}`);
    return undefined;
  }

  /** A string; `nonEmpty` when the text is hidden inside a composed prompt, where the schema cannot see it. */
  text(port: string, what: string, nonEmpty: boolean): string | undefined {
    const v = this.source.get(port);
    if (v === undefined) return this.missing(port, what);
    if (typeof v !== "string" || (nonEmpty && !v.trim())) {
      this.problems.push(
        `${this.name(port)} must be ${nonEmpty ? "a non-empty string" : "a string"} (${what}), got ${describe(v)}`,
      );
      return undefined;
    }
    return v;
  }

  optionalText(port: string, what: string): string | undefined {
    const v = this.source.get(port);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") {
      this.problems.push(`${this.name(port)} must be a string or null (${what}), got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  texts(port: string, what: string): string[] | undefined {
    const v = this.source.get(port);
    if (v === undefined) return this.missing(port, what);
    if (!Array.isArray(v) || v.length === 0) {
      this.problems.push(
        `${this.name(port)} must be a non-empty list of texts (${what}), got ${describe(v)}`,
      );
      return undefined;
    }
    const bad = v.findIndex((d) => typeof d !== "string" || !d.trim());
    if (bad >= 0) {
      this.problems.push(
        `${this.name(port)} item ${bad + 1} must be a non-empty string, got ${describe(v[bad])}`,
      );
      return undefined;
    }
    return v as string[];
  }

  answer(port: string, what: string, nullable: boolean): string | null | undefined {
    const v = this.source.get(port);
    if (v === undefined) return this.missing(port, what);
    if (v === null && nullable) return null;
    if (typeof v !== "string" || !v.trim()) {
      const allowed = nullable ? "a non-empty string or null" : "a non-empty string";
      this.problems.push(`${this.name(port)} must be ${allowed} (${what}), got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  /** Multiple-choice options: absent or null for none, a list, or a map of letters to texts. */
  options(port: string): QaOption[] | undefined {
    const read = readQaOptions(this.source.get(port));
    if (read.ok) return read.options;
    this.problems.push(`${this.name(port)} ${read.problem}`);
    return undefined;
  }

  flag(port: string, what: string): boolean | null | undefined {
    const v = this.source.get(port);
    if (v === undefined) return this.missing(port, what);
    if (typeof v !== "boolean" && v !== null) {
      this.problems.push(`${this.name(port)} must be true, false or null (${what}), got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  trajectory(port: string): ReaRagTrajectory | undefined {
    const v = this.source.get(port);
    if (v === undefined) return this.missing(port, "the ReaRAG message list");
    try {
      return parseReaRagTrajectory(v);
    } catch (err) {
      if (!(err instanceof TrajectoryError)) throw err;
      this.problems.push(`${this.name(port)}: ${err.message}`);
      return undefined;
    }
  }

  fail(): never {
    throw new ExportError("bad-input", this.problems);
  }
}

/**
 * Read one row of the given kind into an Example. Texts that end up inside a composed prompt must
 * be non-empty here, where the format's schema cannot see them. An empty reasoning without an
 * answer leaves an empty target, which the schema rejects (every trained turn needs text).
 * Throws ExportError("bad-input") listing every problem.
 */
export function readExample(source: RowSource, options: ReadOptions): Example {
  const r = new Reader(source);
  if (options.from === "trajectory") {
    const trajectory = r.trajectory("messages");
    return trajectory ? { kind: "trajectory", trajectory } : r.fail();
  }
  if (options.from === "rare") {
    const question = r.text("question", "the question", true);
    const scenario = r.optionalText("scenario", "the scenario shown before the question");
    const documents = r.texts("documents", "the documents in the order the teacher saw them");
    const reasoning = r.text("reasoning", "the teacher's reasoning", false);
    const answer = r.answer("answer", "the teacher's answer, or null when it marked none", true);
    if (r.problems.length) r.fail();
    return {
      kind: "single",
      prompt: rarePrompt({
        ...(scenario === undefined ? {} : { scenario }),
        question: question as string,
        documents: documents as string[],
        instruction: options.instruction ?? RARE_INSTRUCTION,
      }),
      target: rareTarget(reasoning as string, answer as string | null),
      refusal: false,
    };
  }
  if (options.from === "rare-qa") return readRareQa(r, options);
  if (options.from === "noisy-context") {
    const query = r.text("query", "the question or task", true);
    const passages = r.texts("passages", "the passages in the order shown");
    const answerable = r.flag("answerable", "whether the passages hold the answer, null when unknown");
    // An unanswerable row trains the refusal, whatever its answer column says; an unknown one (no gold
    // was known when the context was built) trains its answer, as plain RAG data would.
    const answer = answerable === false ? null : r.answer("answer", "the gold answer", false);
    if (r.problems.length) r.fail();
    return {
      kind: "single",
      prompt: noisyContextPrompt({
        query: query as string,
        passages: passages as string[],
        instruction: options.instruction ?? NOISY_CONTEXT_INSTRUCTION,
      }),
      target: answerable === false ? (options.refusal ?? DEFAULT_REFUSAL) : (answer as string).trim(),
      refusal: answerable === false,
      answerable: answerable as boolean | null,
    };
  }
  throw new Error(`unknown row kind ${JSON.stringify(options.from)}; use one of ${ROW_KINDS.join(", ")}`);
}

/** A rare/qa-distill row: the prompt the teacher saw (documents, question, options), the verified reasoning and answer. */
function readRareQa(r: Reader, options: ReadOptions): SingleTurnExample {
  const question = r.text("question", "the question", true);
  const choices = r.options("options");
  const documents = r.texts("documents", "the documents in the order the teacher saw them");
  const reasoning = r.text("reasoning", "the teacher's verified reasoning", true);
  const answer = r.text("teacher_answer", "the teacher's answer that matched the gold answer", true);
  if (r.problems.length) r.fail();
  const multipleChoice = (choices as QaOption[]).length > 0;
  const instruction =
    options.instruction ??
    rareQaInstruction({
      multipleChoice,
      ...(options.domain === undefined ? {} : { domain: options.domain }),
    });
  return {
    kind: "single",
    prompt: rareQaPrompt({
      instruction,
      documents: documents as string[],
      question: question as string,
      options: choices as QaOption[],
    }),
    target: rareQaTarget(reasoning as string, answer as string),
    refusal: false,
  };
}
