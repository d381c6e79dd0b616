import {
  DatasetOperator,
  describeValue,
  type OperatorContext,
  type OperatorSpec,
  type ProcessResult,
  type RetrieverABC,
  type Row,
  type RowContext,
  RowError,
  type RowRecord,
} from "@dataflow/core";
import { OverlapDetector } from "@dataflow/retrieval";
import { type Weights, weightEntries } from "../shared/weighted-choice.js";
import { buildContext } from "./build-context.js";
import {
  type BuiltContext,
  type ContextPlan,
  NOISE_KINDS,
  type NoiseKind,
  type PooledGold,
} from "./context-types.js";
import { type GoldPassage, readGold } from "./gold.js";
import { type OverlapParam, overlapParamSchema } from "./overlap-param.js";

export interface NoisyContextParams {
  k: number;
  mix?: Record<string, number>;
  mixMode: "per-query" | "interleave";
  dropGoldRate: number;
  noiseRate: number;
  noiseCount: number;
  noiseFrom: Partial<Record<NoiseKind, number>>;
  nearMissDepth: number;
  nearMissView?: string;
  seed: number;
  shuffle: boolean;
  overlap: OverlapParam;
}

const VIEW_ORDER = ["bm25", "dense", "hybrid"];

const rate = (description: string, dflt: number) => ({
  type: "number",
  minimum: 0,
  maximum: 1,
  default: dflt,
  description,
});

/**
 * RAG-Tuning-style contexts: for each query, k passages as a RAG model would see them at inference,
 * drawn from a mix of retrievers (BM25, dense, hybrid views of the step's retriever), with the gold
 * passages in, noise (random corpus passages, near misses, other rows' gold) in place of the
 * lowest-ranked retrieved ones for a share of rows, and gold dropped for another share, so a tuned
 * model learns to use good evidence, ignore noise and refuse when the evidence is missing.
 */
export class NoisyContextOperator extends DatasetOperator<NoisyContextParams> {
  static readonly spec: OperatorSpec<NoisyContextParams> = {
    name: "rag/noisy-context",
    version: "1.0.0",
    description:
      "Build each row's retrieval context of k passages: the gold passages (gold_passages texts, or gold_ids " +
      "looked up in the retriever's corpus) plus the best passages for the query from a mix of the retriever's " +
      "views (mix: view → weight over bm25/dense/hybrid; per-query draws one view per row, interleave takes " +
      "from every weighted view in turn). A retrieved passage that is gold (same id or same text) counts as " +
      "gold. With probability noiseRate a row gets noiseCount noise passages in place of its lowest-ranked " +
      "retrieved ones, each drawn by noiseFrom: random corpus passages, near misses (ranks k+1 … k+nearMissDepth " +
      "of nearMissView) or other rows' gold passages. With probability dropGoldRate a row's gold is left out " +
      "entirely and `answerable` is false: the row's target should then be a refusal ('the documents do not " +
      "say'), which an exporter or a later step must write; such a row's context also keeps out every passage " +
      "that overlaps a gold passage (under `overlap`, as rare/bm25-hard-neg) and the passage of the row's own " +
      "corpus id, so no neighbouring chunk carries the answer. No passage appears twice; the context is shuffled " +
      "by (seed, row id). passage_meta says, per passage, its id, role, retriever view and rank, and noise kind.",
    params: {
      type: "object",
      additionalProperties: false,
      properties: {
        k: { type: "integer", minimum: 1, default: 5, description: "Passages per context" },
        mix: {
          type: "object",
          minProperties: 1,
          additionalProperties: { type: "number", minimum: 0 },
          description:
            "Retriever view → weight, over the views the step's retriever offers (a hybrid retriever: bm25, " +
            "dense, hybrid; a BM25 one: bm25). Default: the retriever's own kind, {hybrid: 1} for a hybrid one",
        },
        mixMode: {
          enum: ["per-query", "interleave"],
          default: "per-query",
          description:
            "per-query: one view per row, drawn by weight; interleave: top passages of every weighted view, " +
            "taken in turn in proportion to the weights, without duplicates",
        },
        dropGoldRate: rate(
          "Share of rows whose gold passages are all left out (answerable: false; pair them with a refusal target)",
          0,
        ),
        noiseRate: rate("Probability that a row gets noise passages", 0.5),
        noiseCount: {
          type: "integer",
          minimum: 1,
          default: 1,
          description:
            "Noise passages in a noisy row (at most k − 1); they replace the lowest-ranked retrieved ones",
        },
        noiseFrom: {
          type: "object",
          additionalProperties: false,
          minProperties: 1,
          default: { random: 1 },
          properties: Object.fromEntries(NOISE_KINDS.map((n) => [n, { type: "number", minimum: 0 }])),
          description:
            "Noise kind → weight: random (a random corpus passage), near-miss (a passage ranked just below the " +
            "context: k+1 … k+nearMissDepth), other-gold (another row's gold passage)",
        },
        nearMissDepth: {
          type: "integer",
          minimum: 1,
          default: 20,
          description: "Near misses come from ranks k+1 … k+nearMissDepth",
        },
        nearMissView: {
          type: "string",
          minLength: 1,
          description:
            "The retriever view near misses are ranked by (default: bm25 when offered, else the retriever's kind)",
        },
        seed: {
          type: "integer",
          default: 0,
          description: "Seed of every draw (combined with the row id)",
        },
        shuffle: {
          type: "boolean",
          default: true,
          description: "Shuffle each context; false keeps gold, then retrieved by rank, then noise",
        },
        overlap: overlapParamSchema,
      },
    },
    inputs: {
      query: { column: "query", description: "The query to retrieve for", schema: { type: "string" } },
      gold_ids: {
        column: "gold_ids",
        optional: true,
        description: "Corpus ids of the gold passages",
        schema: { type: ["array", "null"], items: { type: "string" } },
      },
      gold_passages: {
        column: "gold_passages",
        optional: true,
        description: "Texts of the gold passages (aligned with gold_ids when both are given)",
        schema: { type: ["array", "null"], items: { type: "string" } },
      },
    },
    outputs: {
      passages: {
        column: "passages",
        description: "The context in the order the model sees it",
        schema: { type: "array", items: { type: "string" } },
      },
      passage_meta: {
        column: "passage_meta",
        description: "Per passage, aligned: {id, role: gold|retrieved|noise, retriever?, rank?, noise?}",
        schema: {
          type: "array",
          items: {
            type: "object",
            required: ["id", "role"],
            properties: {
              id: { type: ["string", "null"] },
              role: { enum: ["gold", "retrieved", "noise"] },
              retriever: { type: "string" },
              rank: { type: "integer", minimum: 1 },
              noise: { enum: [...NOISE_KINDS] },
            },
          },
        },
      },
      answerable: {
        column: "answerable",
        description:
          "True when the gold is in the context, false when it was dropped (use a refusal target), null when the row has no gold",
        schema: { type: ["boolean", "null"] },
      },
    },
    retriever: "required",
    // other-gold noise depends on other rows, and the draws are cheap: never replay rows from a cache.
    cacheRows: false,
    // The retriever's corpus is read whole by every shard; only other rows' gold depends on the shard.
    sharding: (p) =>
      p.noiseRate > 0 && (p.noiseFrom["other-gold"] ?? 0) > 0
        ? {
            refuse:
              'noiseFrom "other-gold" draws noise from the gold passages of the rows reaching the step, which differ per shard; give other-gold weight 0 or run without --shard',
          }
        : "row",
  };

  private plan: ContextPlan | undefined;
  private views: Readonly<Record<string, RetrieverABC>> = {};
  private otherGold: PooledGold[] = [];
  private overlap = new OverlapDetector();

  async prepare(records: readonly RowRecord[], ctx: OperatorContext<NoisyContextParams>): Promise<void> {
    const p = ctx.params;
    const step = `step "${ctx.stepId}"`;
    const retriever = ctx.retriever;
    if (!retriever) {
      throw new Error(
        `${step}: rag/noisy-context needs a retriever; declare one under \`retrievers:\` and name it with \`retriever:\``,
      );
    }
    const open = { signal: ctx.signal, tag: ctx.stepId };
    await retriever.open(open);
    const views = retriever.views();
    const mix = resolveMix(p, retriever, views, step);
    const noiseFrom = resolveNoise(p, step);
    const nearMissView = resolveNearMissView(p, retriever, views, step);
    const used = new Set([...mix.filter(([, w]) => w > 0).map(([v]) => v), nearMissView]);
    await Promise.all([...used].map((v) => views[v]?.open(open)));

    this.views = views;
    this.overlap = new OverlapDetector(p.overlap);
    const otherGoldWeight = noiseFrom.find(([n]) => n === "other-gold")?.[1] ?? 0;
    this.otherGold = p.noiseRate > 0 && otherGoldWeight > 0 ? this.poolGold(records, ctx, retriever) : [];
    this.plan = {
      k: p.k,
      mix,
      mixMode: p.mixMode,
      dropGoldRate: p.dropGoldRate,
      noiseRate: p.noiseRate,
      noiseCount: p.noiseCount,
      noiseFrom,
      nearMissDepth: p.nearMissDepth,
      nearMissView,
      seed: p.seed,
      shuffle: p.shuffle,
    };
  }

  override async process(_row: Row, ctx: RowContext<NoisyContextParams>): Promise<ProcessResult> {
    const plan = this.plan;
    const retriever = ctx.retriever;
    if (!plan || !retriever) throw new Error("rag/noisy-context: process() before prepare()");
    const query = ctx.input("query");
    if (typeof query !== "string" || !query.trim()) {
      throw new RowError(
        "bad-input",
        `column "${ctx.inputs.query}" must hold a non-empty query, got ${describeValue(query)}`,
      );
    }
    const { gold, duplicates } = readGold(
      ctx.input("gold_ids"),
      ctx.input("gold_passages"),
      { ids: ctx.inputs.gold_ids as string, passages: ctx.inputs.gold_passages as string },
      retriever,
    );
    if (duplicates) ctx.count("duplicate_gold_passages", duplicates);

    const built = await buildContext(ctx.rowId, query, gold, plan, {
      retriever,
      views: this.views,
      otherGold: this.otherGold,
      overlap: this.overlap,
      signal: ctx.signal,
      tag: ctx.stepId,
      count: (metric, by) => ctx.count(metric, by),
    });
    if (!built.passages.length) {
      const why =
        built.answerable === false
          ? `its gold was dropped, and every passage retriever "${retriever.name}" found for it was gold or overlapped it`
          : `the row has no gold and retriever "${retriever.name}" found nothing for it`;
      throw new RowError("empty-context", `no passage for the query: ${why}`);
    }
    recordContext(ctx, built, gold, plan);
    return ctx.output({ passages: built.passages, passage_meta: built.meta, answerable: built.answerable });
  }

  /** Every row's gold passages, for other-gold noise; rows with bad gold columns are rejected later, in process. */
  private poolGold(
    records: readonly RowRecord[],
    ctx: OperatorContext<NoisyContextParams>,
    retriever: RetrieverABC,
  ): PooledGold[] {
    const columns = { ids: ctx.inputs.gold_ids as string, passages: ctx.inputs.gold_passages as string };
    const pool: PooledGold[] = [];
    const seen = new Set<string>();
    for (const record of records) {
      let gold: ReturnType<typeof readGold>["gold"];
      try {
        gold = readGold(record.row[columns.ids], record.row[columns.passages], columns, retriever).gold;
      } catch {
        continue;
      }
      for (const g of gold) {
        if (seen.has(g.key)) continue;
        seen.add(g.key);
        pool.push({ rowId: record.id, id: g.id, text: g.text, key: g.key });
      }
    }
    if (!pool.length)
      ctx.logger.warn(
        `step "${ctx.stepId}": other-gold noise is weighted but no row has gold passages; random noise stands in`,
      );
    return pool;
  }
}

/** The mix param as weights over the retriever's views; every named view must exist, one must weigh. */
function resolveMix(
  p: NoisyContextParams,
  retriever: RetrieverABC,
  views: Readonly<Record<string, RetrieverABC>>,
  step: string,
): Weights<string> {
  const offered = Object.keys(views);
  const mix = weightEntries(p.mix ?? { [retriever.kind]: 1 }, VIEW_ORDER);
  const unknown = mix.map(([v]) => v).filter((v) => !(v in views));
  if (unknown.length) {
    throw new Error(
      `${step}: mix names ${unknown.map((v) => `"${v}"`).join(", ")}, but retriever "${retriever.name}" ` +
        `(${retriever.kind}) offers only ${offered.join(", ")}; use those names in mix` +
        (retriever.kind === "hybrid" ? "" : ", or declare a hybrid retriever to mix bm25, dense and hybrid"),
    );
  }
  if (!mix.some(([, w]) => w > 0)) {
    throw new Error(
      `${step}: mix gives no retriever view a positive weight; give one of ${offered.join(", ")} a weight above 0`,
    );
  }
  return mix;
}

/** The noiseFrom param as weights; when rows get noise, it must leave a real passage and weigh a kind. */
function resolveNoise(p: NoisyContextParams, step: string): [NoiseKind, number][] {
  const noiseFrom = weightEntries(p.noiseFrom, NOISE_KINDS) as [NoiseKind, number][];
  if (p.noiseRate <= 0) return noiseFrom;
  if (p.noiseCount > p.k - 1) {
    throw new Error(
      `${step}: noiseCount (${p.noiseCount}) must be at most k − 1 (${p.k - 1}), so a noisy context keeps at ` +
        "least one real passage; lower noiseCount, raise k, or set noiseRate to 0",
    );
  }
  if (!noiseFrom.some(([, w]) => w > 0)) {
    throw new Error(
      `${step}: noiseFrom gives no noise kind a positive weight; give one of ${NOISE_KINDS.join(", ")} a weight above 0, or set noiseRate to 0`,
    );
  }
  return noiseFrom;
}

function resolveNearMissView(
  p: NoisyContextParams,
  retriever: RetrieverABC,
  views: Readonly<Record<string, RetrieverABC>>,
  step: string,
): string {
  const view = p.nearMissView ?? ("bm25" in views ? "bm25" : retriever.kind);
  if (!(view in views)) {
    throw new Error(
      `${step}: nearMissView "${view}" is not offered by retriever "${retriever.name}"; use one of ${Object.keys(views).join(", ")}`,
    );
  }
  return view;
}

/** Role, noise and retriever-view shares of one context, for the run summary. */
function recordContext(
  ctx: RowContext<NoisyContextParams>,
  built: BuiltContext,
  gold: readonly GoldPassage[],
  plan: ContextPlan,
): void {
  const n = built.passages.length;
  const roles = { gold: 0, retrieved: 0, noise: 0 };
  const byView = new Map(plan.mix.map(([v]) => [v, 0]));
  for (const m of built.meta) {
    roles[m.role]++;
    if (m.role === "retrieved" && m.retriever !== undefined)
      byView.set(m.retriever, (byView.get(m.retriever) ?? 0) + 1);
    if (m.role === "noise") ctx.count(`noise:${m.noise}`, 1);
  }
  if (!gold.length) ctx.count("rows_without_gold", 1);
  else if (built.answerable === false) ctx.count("gold_dropped", 1);
  if (roles.noise) ctx.count("rows_with_noise", 1);
  if (n < plan.k) ctx.count("short_context", 1);
  ctx.observe("context_passages", n);
  ctx.observe("gold_share", roles.gold / n);
  ctx.observe("noise_share", roles.noise / n);
  for (const [view, count] of byView) {
    ctx.observe(`retriever_share:${view}`, count / n);
    if (count) ctx.count(`retrieved:${view}`, count);
  }
}
