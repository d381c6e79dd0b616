import type { LLMError, Usage } from "@dataflow/core";

/**
 * One call on its way down the layers: a chat request, or one batch of texts to embed. Every
 * attempt of the call sees the same `attempts`.
 */
export interface Call {
  readonly signal: AbortSignal | undefined;
  /** Who asked (a step id): usage is counted under it. */
  readonly tag: string | undefined;
  /** performance.now() when the caller asked: an answer's latency counts from here. */
  readonly startedAt: number;
  readonly attempts: Attempts;
  /**
   * Set by the hedge layer on each of two racing attempts: true for the one whose answer is used,
   * so only its tokens are counted. Absent: the attempt is the only one.
   */
  readonly claim?: () => boolean;
  /** Set by the route layer when the serving has several endpoints: which one this attempt goes to. */
  readonly endpoint?: number;
}

/** What a call's attempts so far left behind, for the layers that pace and bound the next one. */
export interface Attempts {
  /** Retries made (retry.ts); on the call, so a re-ask in another form (response-format.ts) continues the count. */
  retries: number;
  /** The last failure; a call that has one goes before fresh calls for a slot (slots.ts). */
  lastError: LLMError | undefined;
  /** performance.now() past which no attempt starts; set as the first one goes out (deadline.ts). */
  deadline: number;
  /** Endpoints of a pool this call failed on: its next attempt goes to another when one has room. */
  failedOn?: Set<number>;
  /** Endpoints of a pool this call's attempts are on now (a hedge races its first attempt): a hedge goes elsewhere. */
  activeOn?: number[];
}

export function newCall(signal: AbortSignal | undefined, tag: string | undefined): Call {
  return {
    signal,
    tag,
    startedAt: performance.now(),
    attempts: { retries: 0, lastError: undefined, deadline: Number.POSITIVE_INFINITY },
  };
}

/** Sends a request down: the transport at the bottom, a layer wrapping the rest above it. */
export type Send<Q, R> = (request: Q, call: Call) => Promise<R>;

/** Wraps the layers below (`next`) and keeps their request and answer types. */
export type Layer<Q, R> = (next: Send<Q, R>) => Send<Q, R>;

/**
 * `send` wrapped in `layers`, the first outermost (the order of `wrapLanguageModel`'s
 * middleware). An undefined entry is a layer the serving was not configured for.
 */
export function stack<Q, R>(layers: readonly (Layer<Q, R> | undefined)[], send: Send<Q, R>): Send<Q, R> {
  return layers.reduceRight<Send<Q, R>>((next, layer) => (layer ? layer(next) : next), send);
}

/** How the pacing and accounting layers read a request and its answer. */
export interface Metering<Q, R> {
  /** Tokens a request is expected to use, before it is sent. */
  estimate(request: Q): number;
  /** The tokens an answer reports, when it does. */
  usage(result: R): Usage | undefined;
}
