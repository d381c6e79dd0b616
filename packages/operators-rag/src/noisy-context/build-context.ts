import {
  type RetrievedPassage,
  type RetrieverABC,
  type SeededRandom,
  seededRandom,
  seededShuffle,
} from "@dataflow/core";
import { sameTextKey } from "../shared/same-text.js";
import { positiveWeights, type Weights, weightedChoice } from "../shared/weighted-choice.js";
import type { GoldPassage } from "./gold.js";
import { Ranking } from "./ranking.js";

export const NOISE_KINDS = ["random", "near-miss", "other-gold"] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];

/** Where one passage of a context came from, aligned with the passages. */
export interface PassageMeta {
  /** The corpus id (null for a gold passage given only as text). */
  id: string | null;
  role: "gold" | "retrieved" | "noise";
  /** The retriever view that ranked it (a gold passage: the one that found it, if any did). */
  retriever?: string;
  /** Its 1-based rank in that view's ranking for the query. */
  rank?: number;
  noise?: NoiseKind;
}

/** The step's settings, resolved once at prepare. */
export interface ContextPlan {
  k: number;
  mix: Weights<string>;
  mixMode: "per-query" | "interleave";
  dropGoldRate: number;
  noiseRate: number;
  noiseCount: number;
  noiseFrom: Weights<NoiseKind>;
  nearMissDepth: number;
  /** The view near misses are ranked by. */
  nearMissView: string;
  seed: number;
  shuffle: boolean;
}

/** A gold passage of another row, a candidate for `other-gold` noise. */
export interface PooledGold {
  rowId: string;
  id: string | null;
  text: string;
  key: string;
}

export interface ContextEnv {
  retriever: RetrieverABC;
  views: Readonly<Record<string, RetrieverABC>>;
  otherGold: readonly PooledGold[];
  signal: AbortSignal;
  tag: string;
  count(metric: string, by?: number): void;
}

export interface BuiltContext {
  passages: string[];
  meta: PassageMeta[];
  /** False when the row's gold was dropped; null when the row has no gold to judge by. */
  answerable: boolean | null;
}

interface Entry {
  text: string;
  meta: PassageMeta;
}

/** Random picks (corpus passages, other rows' gold) give up after this many duplicates in a row. */
const MAX_PICK_TRIES = 64;

/**
 * One row's context: its gold (unless dropped), the best passages of the retriever mix that are not
 * gold, and noise in place of the lowest-ranked of those; deduplicated by id and by text, then
 * shuffled. Every draw comes from a random source keyed by (seed, row id), so a row's context never
 * depends on the order or concurrency of the run.
 */
export async function buildContext(
  rowId: string,
  query: string,
  gold: readonly GoldPassage[],
  plan: ContextPlan,
  env: ContextEnv,
): Promise<BuiltContext> {
  const key = `${plan.seed}\u0000${rowId}`;
  const draw = (purpose: string): SeededRandom => seededRandom(`${key}\u0000${purpose}`);
  const noiseRandom = draw("noise");
  const pickRandom = draw("pick");

  const dropped = gold.length > 0 && draw("drop").float() < plan.dropGoldRate;
  const goldIds = new Set(gold.flatMap((g) => (g.id === null ? [] : [g.id])));
  const goldDocs = new Set(gold.flatMap((g) => (g.docId === undefined ? [] : [g.docId])));
  const goldKeys = new Set(gold.map((g) => g.key));
  // Whether a passage is gold: by docId, corpus id or text. Dropped gold stays gold: it must not sneak back.
  const isGold = (p: { docId?: number; id: string | null; key: string }) =>
    (p.docId !== undefined && goldDocs.has(p.docId)) ||
    (p.id !== null && goldIds.has(p.id)) ||
    goldKeys.has(p.key);

  const included = dropped ? [] : gold.slice(0, plan.k);
  if (included.length < gold.length && !dropped) env.count("gold_truncated_to_k", 1);
  const goldEntries: Entry[] = included.map((g) => ({ text: g.text, meta: { id: g.id, role: "gold" } }));
  const goldEntryOf = new Map(included.map((g, i) => [g.key, goldEntries[i] as Entry]));

  const usedKeys = new Set<string>(included.map((g) => g.key));
  const usedDocs = new Set<number>(included.flatMap((g) => (g.docId === undefined ? [] : [g.docId])));
  const use = (docId: number | undefined, textKey: string) => {
    usedKeys.add(textKey);
    if (docId !== undefined) usedDocs.add(docId);
  };
  const isUsed = (docId: number | undefined, textKey: string) =>
    usedKeys.has(textKey) || (docId !== undefined && usedDocs.has(docId));

  const slots = plan.k - included.length;
  const noisy = slots > 0 && plan.noiseRate > 0 && noiseRandom.float() < plan.noiseRate;
  const noiseWanted = noisy ? Math.min(plan.noiseCount, slots) : 0;
  if (noisy && noiseWanted < plan.noiseCount) env.count("noise_count_cut_by_gold", 1);

  const rankings = new Map<string, Ranking>();
  const ranking = (view: string): Ranking => {
    let r = rankings.get(view);
    if (!r) {
      r = new Ranking(env.views[view] as RetrieverABC, query, plan.k + gold.length + 10, {
        signal: env.signal,
        tag: env.tag,
      });
      rankings.set(view, r);
    }
    return r;
  };

  // The next passage of a view's ranking that is neither gold nor already in the context.
  const cursors = new Map<string, number>();
  const nextRetrieved = async (view: string): Promise<Entry | undefined> => {
    const r = ranking(view);
    // Bounded: a ranking ends after MAX_WALK positions.
    for (;;) {
      const i = cursors.get(view) ?? 0;
      const hit = await r.at(i);
      if (!hit) return undefined;
      cursors.set(view, i + 1);
      const textKey = sameTextKey(hit.text);
      if (!textKey) continue;
      if (isGold({ docId: hit.docId, id: hit.id, key: textKey })) {
        const entry = goldEntryOf.get(textKey) ?? goldEntryOfHit(hit, included, goldEntries);
        if (entry && entry.meta.retriever === undefined) {
          entry.meta.retriever = view;
          entry.meta.rank = i + 1;
        }
        if (dropped) env.count("dropped_gold_hits_skipped", 1);
        continue;
      }
      if (isUsed(hit.docId, textKey)) continue;
      use(hit.docId, textKey);
      return { text: hit.text, meta: { id: hit.id, role: "retrieved", retriever: view, rank: i + 1 } };
    }
  };

  const retrieved: Entry[] = [];
  const wanted = slots - noiseWanted;
  const mixRandom = draw("mix");
  if (plan.mixMode === "per-query") {
    const view = weightedChoice(plan.mix, mixRandom.float()) as string;
    env.count(`query_retriever:${view}`, 1);
    while (retrieved.length < wanted) {
      const entry = await nextRetrieved(view);
      if (!entry) break;
      retrieved.push(entry);
    }
  } else {
    // Smooth weighted round-robin: each view's share of the picks follows its weight, interleaved.
    const active = [...positiveWeights(plan.mix)];
    const credit = new Map(active.map(([v]) => [v, 0]));
    while (retrieved.length < wanted && active.length) {
      const total = active.reduce((s, [, w]) => s + w, 0);
      let best = 0;
      active.forEach(([v, w], i) => {
        credit.set(v, (credit.get(v) ?? 0) + w);
        if ((credit.get(v) ?? 0) > (credit.get(active[best]?.[0] as string) ?? 0)) best = i;
      });
      const [view] = active[best] as readonly [string, number];
      credit.set(view, (credit.get(view) ?? 0) - total);
      const entry = await nextRetrieved(view);
      if (entry) retrieved.push(entry);
      else active.splice(best, 1);
    }
  }

  const noise: Entry[] = [];
  for (let j = 0; j < noiseWanted; j++) {
    const kind = weightedChoice(plan.noiseFrom, noiseRandom.float()) as NoiseKind;
    let entry: Entry | undefined;
    if (kind === "near-miss") entry = await nearMiss();
    else if (kind === "other-gold") entry = otherGold();
    if (kind !== "random" && !entry) env.count(`noise_${kind}_fell_back_to_random`, 1);
    entry ??= randomPassage();
    if (!entry) {
      env.count("noise_unavailable", 1);
      break;
    }
    noise.push(entry);
  }
  // Too few retrieved passages to fill the context: the noise still stands in for the lowest-ranked ones.
  if (retrieved.length < wanted) env.count("retrieved_short", 1);

  async function nearMiss(): Promise<Entry | undefined> {
    const r = ranking(plan.nearMissView);
    const candidates: { hit: RetrievedPassage; textKey: string; rank: number }[] = [];
    for (let i = plan.k; i < plan.k + plan.nearMissDepth; i++) {
      const hit = await r.at(i);
      if (!hit) break;
      const textKey = sameTextKey(hit.text);
      if (!textKey || isGold({ docId: hit.docId, id: hit.id, key: textKey }) || isUsed(hit.docId, textKey))
        continue;
      candidates.push({ hit, textKey, rank: i + 1 });
    }
    const chosen = candidates[candidates.length ? pickRandom.below(candidates.length) : 0];
    if (!chosen) return undefined;
    use(chosen.hit.docId, chosen.textKey);
    return {
      text: chosen.hit.text,
      meta: {
        id: chosen.hit.id,
        role: "noise",
        noise: "near-miss",
        retriever: plan.nearMissView,
        rank: chosen.rank,
      },
    };
  }

  function otherGold(): Entry | undefined {
    const pool = env.otherGold;
    if (!pool.length) return undefined;
    for (let t = 0; t < MAX_PICK_TRIES; t++) {
      const p = pool[pickRandom.below(pool.length)] as PooledGold;
      const docId = p.id === null ? undefined : env.retriever.docIdOf(p.id);
      if (p.rowId === rowId || isGold({ docId, id: p.id, key: p.key }) || isUsed(docId, p.key)) continue;
      use(docId, p.key);
      return { text: p.text, meta: { id: p.id, role: "noise", noise: "other-gold" } };
    }
    return undefined;
  }

  function randomPassage(): Entry | undefined {
    const size = env.retriever.size;
    if (!size) return undefined;
    for (let t = 0; t < MAX_PICK_TRIES; t++) {
      const docId = pickRandom.below(size);
      const p = env.retriever.passage(docId);
      if (!p) continue;
      const textKey = sameTextKey(p.text);
      if (!textKey || isGold({ docId, id: p.id, key: textKey }) || isUsed(docId, textKey)) continue;
      use(docId, textKey);
      return { text: p.text, meta: { id: p.id, role: "noise", noise: "random" } };
    }
    return undefined;
  }

  const ordered = [...goldEntries, ...retrieved, ...noise];
  const final = plan.shuffle ? seededShuffle(ordered, key) : ordered;
  return {
    passages: final.map((e) => e.text),
    meta: final.map((e) => e.meta),
    answerable: gold.length ? !dropped : null,
  };
}

/** The included gold entry a retrieved hit matches by docId or id (its text may differ in spacing only). */
function goldEntryOfHit(
  hit: RetrievedPassage,
  included: readonly GoldPassage[],
  entries: readonly Entry[],
): Entry | undefined {
  const i = included.findIndex((g) => g.docId === hit.docId || (g.id !== null && g.id === hit.id));
  return i < 0 ? undefined : entries[i];
}
