import type { UsageMeter } from "../usage-meter.js";
import type { Layer, Metering } from "./layer.js";

/**
 * Counts each attempt that goes out as a request (retries included) under the call's tag, and
 * the tokens of each answer that came back in time and is used.
 */
export function usage<Q, R>(meter: UsageMeter, metering: Pick<Metering<Q, R>, "usage">): Layer<Q, R> {
  return (next) => async (request, call) => {
    meter.request(call.tag);
    const result = await next(request, call);
    const used = metering.usage(result);
    // A hedged attempt that lost the race adds no tokens: its answer is thrown away.
    if (used && (call.claim?.() ?? true)) meter.tokens(call.tag, used);
    return result;
  };
}
