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
    const started = performance.now();
    return race(next, request, call, {
      delay: () => o.window.hedgeDelay(),
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
  /** The hedge delay now; undefined until the window has seen enough answers. */
  delay(): number | undefined;
  /** A release function when a hedge may go now, else undefined. */
  tryHedge(): (() => void) | undefined;
  answered(): void;
}

/** How often a call re-reads the delay while the window is still filling. */
const WARMING_POLL_MS = 250;

function race<Q, R>(next: Send<Q, R>, request: Q, call: Call, hooks: RaceHooks): Promise<R> {
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
    const startedAt = performance.now();
    // The delay is re-read at each look: a call that started before the window had enough answers
    // is hedged once it has them. With every hedge slot taken it looks again shortly: a hung
    // attempt must not wait for timeoutMs.
    const arm = (ms: number) => {
      timer = setTimeout(() => {
        if (settled) return;
        const delay = hooks.delay();
        if (delay === undefined) return arm(WARMING_POLL_MS);
        const due = startedAt + delay * controllers.length - performance.now();
        if (due > 0) return arm(due);
        // A hedge can draw a hang too: another one after the next delay, up to MAX_COPIES at once.
        if (running >= MAX_COPIES) return arm(delay);
        const release = hooks.tryHedge();
        if (release) {
          launch(release);
          arm(delay);
        } else arm(Math.max(10, delay / 4));
      }, ms);
    };
    arm(hooks.delay() ?? WARMING_POLL_MS);
  });
}
