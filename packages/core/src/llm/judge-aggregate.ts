import type { JudgeSample } from "./judge-output.js";

/** How criterion scores become one score: the weakest (every criterion must hold) or their mean. */
export type Aggregation = "min" | "mean";

/** What the judge samples of one row come to. */
export interface JudgeVerdict {
  /** Per criterion, the mean over the samples. */
  scores: Record<string, number>;
  /** The criterion scores aggregated. */
  score: number;
  passed: boolean;
  /** The lowest-scoring criterion (the first of equals): what a filtered row is filtered for. */
  weakest: string;
  /** Share of sample pairs that gave a criterion the same score, over all criteria; 1 for one sample. */
  agreement: number;
  /** Whether every sample, aggregated on its own, reached the same pass/fail verdict. */
  unanimous: boolean;
  /** The reason of the first sample whose own verdict is the row's. */
  reason: string;
}

export interface VerdictOptions {
  criteria: readonly string[];
  aggregate: Aggregation;
  threshold: number;
}

/** Rounded so that means of whole scores compare with a threshold as written (3.9999… is 4). */
function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Criterion scores aggregated by `how`. */
export function aggregateScores(
  scores: Readonly<Record<string, number>>,
  criteria: readonly string[],
  how: Aggregation,
): number {
  const values = criteria.map((c) => scores[c] ?? 0);
  if (!values.length) throw new Error("aggregateScores: no criteria");
  const total = how === "min" ? Math.min(...values) : values.reduce((s, v) => s + v, 0) / values.length;
  return round(total);
}

/** Per criterion, the mean of the samples' scores. */
export function combineSamples(
  samples: readonly JudgeSample[],
  criteria: readonly string[],
): Record<string, number> {
  if (!samples.length) throw new Error("combineSamples: no samples");
  const combined: Record<string, number> = {};
  for (const c of criteria) {
    combined[c] = round(samples.reduce((s, x) => s + (x.scores[c] ?? 0), 0) / samples.length);
  }
  return combined;
}

/** Share of (sample pair, criterion) cases where both samples gave the same score; 1 below two samples. */
export function sampleAgreement(samples: readonly JudgeSample[], criteria: readonly string[]): number {
  let pairs = 0;
  let same = 0;
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      for (const c of criteria) {
        pairs++;
        if (samples[i]?.scores[c] === samples[j]?.scores[c]) same++;
      }
    }
  }
  return pairs ? round(same / pairs) : 1;
}

/** The samples of one row combined, aggregated and held against the threshold. */
export function judgeVerdict(samples: readonly JudgeSample[], o: VerdictOptions): JudgeVerdict {
  const scores = combineSamples(samples, o.criteria);
  const score = aggregateScores(scores, o.criteria, o.aggregate);
  let weakest = o.criteria[0] as string;
  for (const c of o.criteria) if ((scores[c] ?? 0) < (scores[weakest] ?? 0)) weakest = c;
  const passed = score >= o.threshold;
  const each = samples.map((s) => aggregateScores(s.scores, o.criteria, o.aggregate) >= o.threshold);
  const speaker = samples[Math.max(0, each.indexOf(passed))] as JudgeSample;
  return {
    scores,
    score,
    passed,
    weakest,
    agreement: sampleAgreement(samples, o.criteria),
    unanimous: each.every((p) => p === each[0]),
    reason: speaker.reason,
  };
}
