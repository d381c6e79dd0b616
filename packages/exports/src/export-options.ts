import { bareQuestion } from "./rearag/rearag-trajectory.js";
import type { ReaRagTrajectory } from "./rearag/rearag-types.js";
import type { ReadOptions } from "./row-kinds.js";

/** A trajectory's user turn: as stored, or only the question inside ReaRAG's construction wrapper. */
export type UserContent = "as-is" | "bare-question";

/** Options every format shares. */
export interface CommonExportOptions extends ReadOptions {
  /** A system prompt put first (none by default: ReaRAG stores none and re-adds it at training time). */
  system?: string;
  /** trajectory only: the user turn (default "as-is"). */
  userContent?: UserContent;
}

/** What a format checks in its options beyond the shared ones. */
export interface OptionRules {
  /** Option names that apply only to trajectories. */
  trajectoryOnly: readonly string[];
  /** The values an option may take (the operators' params schema says the same). */
  values?: Readonly<Record<string, readonly string[]>>;
  /** Extra checks of the format (e.g. a layout that cannot hold trajectories). */
  check?(options: Record<string, unknown>): string[];
}

/**
 * Say which options do not fit `from`, so a misplaced option fails loudly instead of being
 * ignored. Throws an Error listing every problem.
 */
export function checkExportOptions(format: string, options: CommonExportOptions, rules: OptionRules): void {
  const problems: string[] = [];
  const all = options as unknown as Record<string, unknown>;
  const given = (name: string) => all[name] !== undefined;
  if (options.from !== "trajectory") {
    for (const name of ["userContent", ...rules.trajectoryOnly]) {
      if (given(name))
        problems.push(`${name} applies only to from: trajectory (this step exports from: ${options.from})`);
    }
  } else if (given("instruction")) {
    problems.push(
      "instruction applies only to from: rare, rare-qa and noisy-context (a trajectory keeps its own user turn)",
    );
  }
  if (given("domain") && options.from !== "rare-qa") {
    problems.push(`domain applies only to from: rare-qa (this step exports from: ${options.from})`);
  }
  if (given("refusal") && options.from !== "noisy-context") {
    problems.push(`refusal applies only to from: noisy-context (this step exports from: ${options.from})`);
  }
  const values: Record<string, readonly string[]> = {
    userContent: ["as-is", "bare-question"],
    ...rules.values,
  };
  for (const [name, allowed] of Object.entries(values)) {
    if (given(name) && !allowed.includes(all[name] as string)) {
      problems.push(
        `${name} must be one of ${allowed.map((v) => `"${v}"`).join(", ")}, got ${JSON.stringify(all[name])}`,
      );
    }
  }
  problems.push(...(rules.check?.(all) ?? []));
  if (problems.length) throw new Error(`${format} export options: ${problems.join("; ")}`);
}

/** The user turn of an exported trajectory. */
export function trajectoryUserText(
  trajectory: ReaRagTrajectory,
  userContent: UserContent | undefined,
): string {
  return userContent === "bare-question" ? bareQuestion(trajectory.user) : trajectory.user;
}

/** How an observation reads when it must travel as a user turn. */
export function observationAsUserText(observation: string): string {
  return `Observation: ${observation}`;
}
