import type { Prices } from "../serving/usage-meter.js";

/** OpenAI's documented Batch API discount: half the synchronous price. */
export const BATCH_DISCOUNT = 0.5;

/**
 * The prices a batch serving's tokens cost: `batchInput` / `batchOutput` when set, else half of
 * `input` / `output`; undefined when no price is configured.
 */
export function batchPrices(prices: Prices | undefined): Prices | undefined {
  if (!prices) return undefined;
  const half = (p: number | undefined) => (p === undefined ? undefined : p * BATCH_DISCOUNT);
  const input = prices.batchInput ?? half(prices.input);
  const output = prices.batchOutput ?? half(prices.output);
  return {
    ...(input !== undefined ? { input } : {}),
    ...(output !== undefined ? { output } : {}),
  };
}
