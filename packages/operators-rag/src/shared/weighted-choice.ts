/** A weight per option, in a fixed order so the same draw always picks the same option. */
export type Weights<K extends string> = readonly (readonly [K, number])[];

/** `weights` with the options that can never be drawn (weight 0) left out. */
export function positiveWeights<K extends string>(weights: Weights<K>): Weights<K> {
  return weights.filter(([, w]) => w > 0);
}

/**
 * The option whose share of the total weight covers `u` (a uniform draw in [0, 1)), or undefined
 * when no option has a positive weight. Options keep their given order, so a draw is reproducible.
 */
export function weightedChoice<K extends string>(weights: Weights<K>, u: number): K | undefined {
  const usable = positiveWeights(weights);
  const total = usable.reduce((sum, [, w]) => sum + w, 0);
  if (!(total > 0)) return undefined;
  let point = u * total;
  for (const [option, w] of usable) {
    if (point < w) return option;
    point -= w;
  }
  // Rounding can leave the point just past the last option.
  return usable[usable.length - 1]?.[0];
}

/** The entries of a `{option: weight}` param, in the order of `known` (then any others, sorted). */
export function weightEntries<K extends string>(
  record: Readonly<Record<string, number>>,
  known: readonly K[] = [],
): Weights<string> {
  const order = [
    ...known.filter((k) => k in record),
    ...Object.keys(record)
      .filter((k) => !known.includes(k as K))
      .sort(),
  ];
  return order.map((k) => [k, record[k] as number] as const);
}
