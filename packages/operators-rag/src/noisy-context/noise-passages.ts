import type { RetrievedPassage, SeededRandom } from "@dataflow/core";
import { sameTextKey } from "../shared/same-text.js";
import { weightedChoice } from "../shared/weighted-choice.js";
import type { ContextGuard } from "./context-guard.js";
import type { ContextEnv, ContextPlan, Entry, NoiseKind, PooledGold } from "./context-types.js";
import type { ViewRankings } from "./retrieved-passages.js";

/** Random picks (corpus passages, other rows' gold) give up after this many refusals in a row. */
const MAX_PICK_TRIES = 64;

/** What noise is drawn from for one row. */
export interface NoiseSources {
  rowId: string;
  plan: ContextPlan;
  env: ContextEnv;
  rankings: ViewRankings;
  guard: ContextGuard;
  /** Picks among candidates (near misses, pool entries, corpus positions). */
  pick: SeededRandom;
}

/** How many noise passages the row gets: noiseCount with probability noiseRate, within the free slots. */
export function noiseSlots(plan: ContextPlan, slots: number, random: SeededRandom, env: ContextEnv): number {
  const noisy = slots > 0 && plan.noiseRate > 0 && random.float() < plan.noiseRate;
  const n = noisy ? Math.min(plan.noiseCount, slots) : 0;
  if (noisy && n < plan.noiseCount) env.count("noise_count_cut_by_gold", 1);
  return n;
}

/** `n` noise passages, each of a kind drawn by noiseFrom; a kind with no candidate falls back to random. */
export async function drawNoise(n: number, kinds: SeededRandom, s: NoiseSources): Promise<Entry[]> {
  const noise: Entry[] = [];
  for (let j = 0; j < n; j++) {
    const kind = weightedChoice(s.plan.noiseFrom, kinds.float()) as NoiseKind;
    let entry: Entry | undefined;
    if (kind === "near-miss") entry = await nearMiss(s);
    else if (kind === "other-gold") entry = otherGold(s);
    if (kind !== "random" && !entry) s.env.count(`noise_${kind}_fell_back_to_random`, 1);
    entry ??= randomPassage(s);
    if (!entry) {
      s.env.count("noise_unavailable", 1);
      break;
    }
    noise.push(entry);
  }
  return noise;
}

/** A passage ranked just below the context (ranks k+1 … k+nearMissDepth of the near-miss view). */
async function nearMiss(s: NoiseSources): Promise<Entry | undefined> {
  const { plan } = s;
  const ranking = s.rankings.of(plan.nearMissView);
  const candidates: { hit: RetrievedPassage; key: string; rank: number }[] = [];
  for (let i = plan.k; i < plan.k + plan.nearMissDepth; i++) {
    const hit = await ranking.at(i);
    if (!hit) break;
    const key = sameTextKey(hit.text);
    if (!key || s.guard.check({ docId: hit.docId, id: hit.id, text: hit.text, key })) continue;
    candidates.push({ hit, key, rank: i + 1 });
  }
  const chosen = candidates[candidates.length ? s.pick.below(candidates.length) : 0];
  if (!chosen) return undefined;
  s.guard.use({ docId: chosen.hit.docId, key: chosen.key });
  const { hit, rank } = chosen;
  return {
    text: hit.text,
    meta: { id: hit.id, role: "noise", noise: "near-miss", retriever: plan.nearMissView, rank },
  };
}

/** Another row's gold passage. */
function otherGold(s: NoiseSources): Entry | undefined {
  const pool = s.env.otherGold;
  if (!pool.length) return undefined;
  for (let t = 0; t < MAX_PICK_TRIES; t++) {
    const p = pool[s.pick.below(pool.length)] as PooledGold;
    const docId = p.id === null ? undefined : s.env.retriever.docIdOf(p.id);
    if (p.rowId === s.rowId || !s.guard.admit({ docId, id: p.id, text: p.text, key: p.key })) continue;
    return { text: p.text, meta: { id: p.id, role: "noise", noise: "other-gold" } };
  }
  return undefined;
}

/** A random corpus passage. */
function randomPassage(s: NoiseSources): Entry | undefined {
  const { retriever } = s.env;
  if (!retriever.size) return undefined;
  for (let t = 0; t < MAX_PICK_TRIES; t++) {
    const docId = s.pick.below(retriever.size);
    const p = retriever.passage(docId);
    if (!p) continue;
    const key = sameTextKey(p.text);
    if (!key || !s.guard.admit({ docId, id: p.id, text: p.text, key })) continue;
    return { text: p.text, meta: { id: p.id, role: "noise", noise: "random" } };
  }
  return undefined;
}
