import type { UsageMeter } from "../usage-meter.js";
import type { Layer, Metering } from "./layer.js";

/**
 * Counts each attempt that goes out as a request (retries included) under the call's tag, and
 * the tokens of each answer that came back in time.
 */
export function usage<Q, R>(meter: UsageMeter, metering: Pick<Metering<Q, R>, "usage">): Layer<Q, R> {
  return (next) => async (request, call) => {
    meter.request(call.tag);
    const result = await next(request, call);
    const used = metering.usage(result);
    if (used) meter.tokens(call.tag, used);
    return result;
  };
}
