/** One ranking to fuse: docIds best first, under a name (the key of its rank in the fused hits). */
export interface Ranking {
  readonly name: string;
  readonly docIds: readonly number[];
  /** The ranking's weight in the fused score; 0 leaves it out altogether. */
  readonly weight: number;
}

export interface FusedHit {
  readonly docId: number;
  readonly score: number;
  /** 1-based rank of the doc in each (weighted) ranking that holds it, by ranking name. */
  readonly ranks: Readonly<Record<string, number>>;
}

export interface FusionOptions {
  /** Fused hits to return. */
  limit: number;
  /** The constant that damps the top ranks' lead; 60 by default (Cormack et al., 2009). */
  rrfK?: number;
  /** Each ranking is cut at `max(depth, limit)` before fusing; unbounded by default. */
  depth?: number;
}

export const DEFAULT_RRF_K = 60;

/**
 * Weighted reciprocal rank fusion: a doc's score is `Σ weight_r / (rrfK + rank_r)` over the rankings
 * that hold it (ranks 1-based; a doc listed twice in one ranking counts at its best rank). Hits are
 * sorted by score descending, then docId ascending.
 */
export function reciprocalRankFusion(rankings: readonly Ranking[], options: FusionOptions): FusedHit[] {
  const rrfK = options.rrfK ?? DEFAULT_RRF_K;
  if (!Number.isFinite(rrfK) || rrfK < 0)
    throw new RangeError(`rrfK must be a finite number ≥ 0, got ${rrfK}`);
  const depth = options.depth ?? Number.POSITIVE_INFINITY;
  if (!(depth >= 1)) throw new RangeError(`depth must be ≥ 1, got ${depth}`);
  const limit = options.limit > 0 ? Math.floor(options.limit) : 0;
  const names = new Set<string>();
  for (const r of rankings) {
    if (names.has(r.name)) throw new Error(`two rankings are named "${r.name}"; each needs its own name`);
    names.add(r.name);
    if (!Number.isFinite(r.weight) || r.weight < 0) {
      throw new RangeError(`the weight of ranking "${r.name}" must be a finite number ≥ 0, got ${r.weight}`);
    }
  }
  if (limit === 0) return [];
  const cut = Math.max(depth, limit);
  const fused = new Map<number, { score: number; ranks: Record<string, number> }>();
  for (const ranking of rankings) {
    if (ranking.weight === 0) continue;
    const n = Math.min(ranking.docIds.length, cut);
    for (let i = 0; i < n; i++) {
      const docId = ranking.docIds[i] as number;
      let entry = fused.get(docId);
      if (!entry) {
        entry = { score: 0, ranks: {} };
        fused.set(docId, entry);
      }
      if (entry.ranks[ranking.name] !== undefined) continue;
      entry.ranks[ranking.name] = i + 1;
      entry.score += ranking.weight / (rrfK + i + 1);
    }
  }
  return [...fused]
    .map(([docId, { score, ranks }]) => ({ docId, score, ranks }))
    .sort((a, b) => b.score - a.score || a.docId - b.docId)
    .slice(0, limit);
}
