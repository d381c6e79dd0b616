import { type SeededRandom, seededRandom, seededShuffle } from "@dataflow/core";
import { ContextGuard } from "./context-guard.js";
import type { BuiltContext, ContextEnv, ContextPlan, Entry } from "./context-types.js";
import type { GoldPassage } from "./gold.js";
import { GoldEntries } from "./gold-entries.js";
import { drawNoise, noiseSlots } from "./noise-passages.js";
import { fillFromOneView, fillInterleaved, RetrievedWalker, ViewRankings } from "./retrieved-passages.js";

/**
 * One row's context: its gold (unless dropped), the best passages of the retriever mix that may
 * enter (see ContextGuard), and noise in place of the lowest-ranked of those; then shuffled. Every
 * draw comes from a random source keyed by (seed, row id, purpose), so a row's context never
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

  const dropped = gold.length > 0 && draw("drop").float() < plan.dropGoldRate;
  const included = dropped ? [] : gold.slice(0, plan.k);
  if (!dropped && included.length < gold.length) env.count("gold_truncated_to_k", 1);
  const goldEntries = new GoldEntries(included);
  const ownDocId = dropped ? env.retriever.docIdOf(rowId) : undefined;
  const guard = new ContextGuard(gold, { dropped, ownDocId, overlap: env.overlap, count: env.count });
  for (const g of included) guard.use(g);

  const slots = plan.k - included.length;
  const noiseWanted = noiseSlots(plan, slots, noiseRandom, env);
  const wanted = slots - noiseWanted;
  const rankings = new ViewRankings(env, query, plan.k + gold.length + 10);
  const walker = new RetrievedWalker(rankings, guard, goldEntries, { dropped, count: env.count });
  const retrieved =
    plan.mixMode === "per-query"
      ? await fillFromOneView(walker, plan.mix, draw("mix").float(), wanted, env.count)
      : await fillInterleaved(walker, plan.mix, wanted);
  const noise = await drawNoise(noiseWanted, noiseRandom, {
    rowId,
    plan,
    env,
    rankings,
    guard,
    pick: draw("pick"),
  });
  // Too few retrieved passages to fill the context: the noise still stands in for the lowest-ranked ones.
  if (retrieved.length < wanted) env.count("retrieved_short", 1);

  const ordered: Entry[] = [...goldEntries.entries, ...retrieved, ...noise];
  const final = plan.shuffle ? seededShuffle(ordered, key) : ordered;
  return {
    passages: final.map((e) => e.text),
    meta: final.map((e) => e.meta),
    answerable: gold.length ? !dropped : null,
  };
}
