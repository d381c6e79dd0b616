import { cancelledError } from "../abort.js";
import type { LatencyWindow } from "../health/latency-window.js";
import type { Call, Layer, Send } from "./layer.js";

/** Attempts of one call on the wire at once: the first and at most two hedges. */
const MAX_COPIES = 3;

export interface HedgeLayerOptions {
  window: LatencyWindow;
  /** Hedges on the wire at once (they go above maxConcurrency). */
  maxInFlight: number;
}

/**
 * Hedged requests: an attempt that has not answered after the hedge delay (a multiple of the
 * recent p95, latency-window.ts) gets a second one beside it; the first answer wins and the others
 * are aborted; a hedge still unanswered after another delay gets another (three at most at once).
 * So a request the server hung on costs about the delay, not `timeoutMs`. Every attempt counts
 * as a request sent; only the winner's tokens are counted (`claim`, read by the usage layer).
 */
export function hedge<Q, R>(o: HedgeLayerOptions): Layer<Q, R> {
  let hedging = 0;
  return (next) => (request, call) => {
    const delay = o.window.hedgeDelay();
    const started = performance.now();
    const timed = (p: Promise<R>) =>
      p.then((r) => {
        o.window.add(performance.now() - started);
        return r;
      });
    if (delay === undefined) return timed(next(request, call));
    return race(next, request, call, delay, {
      tryHedge: () => {
        if (hedging >= o.maxInFlight) return undefined;
        hedging++;
        return () => hedging--;
      },
      answered: () => o.window.add(performance.now() - started),
    });
  };
}

interface RaceHooks {
  /** A release function when a hedge may go now, else undefined. */
  tryHedge(): (() => void) | undefined;
  answered(): void;
}

function race<Q, R>(next: Send<Q, R>, request: Q, call: Call, delay: number, hooks: RaceHooks): Promise<R> {
  const signal = call.signal;
  if (signal?.aborted) return Promise.reject(cancelledError(signal));
  return new Promise<R>((resolve, reject) => {
    const controllers: AbortController[] = [];
    let winner: number | undefined;
    let running = 0;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (then: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      for (const c of controllers) c.abort();
      then();
    };
    const onAbort = () => finish(() => reject(cancelledError(signal as AbortSignal)));
    signal?.addEventListener("abort", onAbort, { once: true });
    const launch = (release?: () => void) => {
      const id = controllers.length;
      const controller = new AbortController();
      controllers.push(controller);
      running++;
      // The first to claim is the one whose tokens count and whose answer is returned.
      const claim = () => {
        winner ??= id;
        return winner === id;
      };
      let pending: Promise<R>;
      try {
        pending = next(request, { ...call, signal: controller.signal, claim });
      } catch (err) {
        pending = Promise.reject(err);
      }
      pending
        .then(
          (result) => {
            if (claim()) {
              hooks.answered();
              finish(() => resolve(result));
            }
          },
          (err: unknown) => {
            running--;
            // An attempt that fails while the other may still answer waits for it.
            if (running === 0) finish(() => reject(err));
          },
        )
        .finally(() => release?.());
    };
    launch();
    // With every hedge slot taken, look again shortly: a hung attempt must not wait for timeoutMs.
    const arm = (ms: number) => {
      timer = setTimeout(() => {
        if (settled) return;
        // A hedge can draw a hang too: another one after the next delay, up to MAX_COPIES at once.
        if (running >= MAX_COPIES) return arm(delay);
        const release = hooks.tryHedge();
        if (release) {
          launch(release);
          arm(delay);
        } else arm(Math.max(10, delay / 4));
      }, ms);
    };
    arm(delay);
  });
}
