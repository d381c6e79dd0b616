import { setMaxListeners } from "node:events";
import type { ErrorObject, ValidateFunction } from "ajv";
import { cachedValidator } from "../util/validator-cache.js";
import type { LLMServingABC } from "./llm-serving.js";
import { type Logger, silentLogger } from "./logger.js";
import type { OperatorContext, OperatorSpec, StepReporter } from "./operator.js";
import type { RetrieverABC } from "./retriever.js";
import type { RowRecord } from "./row.js";
import type { StepCache } from "./step-cache.js";

const validators = new WeakMap<object, ValidateFunction>();

/**
 * Validate `params` against an operator's params schema, filling defaults.
 * Returns the filled params (a copy) and ajv's errors.
 */
export function validateParams<P>(
  spec: OperatorSpec<P>,
  params: unknown,
): { params: P; errors: ErrorObject[] } {
  let validate = validators.get(spec.params);
  if (!validate) {
    validate = cachedValidator(spec.params);
    validators.set(spec.params, validate);
  }
  const copy = structuredClone(params ?? {});
  const ok = validate(copy);
  return { params: copy as P, errors: ok ? [] : [...(validate.errors ?? [])] };
}

/** Port bindings: each port's bound column, or the port's default column. */
export function bindPorts(
  ports: OperatorSpec["inputs"],
  bound: Record<string, string> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [port, spec] of Object.entries(ports)) out[port] = bound?.[port] ?? spec.column;
  return out;
}

export interface StepContextOptions<P> {
  stepId: string;
  baseDir?: string;
  spec: OperatorSpec<P>;
  params: P;
  inputs?: Record<string, string>;
  outputs?: Record<string, string>;
  serving?: LLMServingABC;
  retriever?: RetrieverABC;
  logger?: Logger;
  signal?: AbortSignal;
  stopping?: AbortSignal;
  concurrency?: number;
  report: StepReporter;
  cache?: StepCache;
  count?: (metric: string, by: number) => void;
  observe?: (metric: string, value: number) => void;
  readSource?: () => AsyncIterable<RowRecord>;
}

export function createStepContext<P>(o: StepContextOptions<P>): OperatorContext<P> {
  const signal = o.signal ?? new AbortController().signal;
  const stopping = o.stopping ?? signal;
  // Every in-flight row may wait on these (a serving slot, a backoff, a rate bucket): hundreds of
  // listeners are expected, not a leak, so Node's warning at 11 would only be noise.
  setMaxListeners(0, signal, stopping);
  return {
    stepId: o.stepId,
    baseDir: o.baseDir ?? process.cwd(),
    params: o.params,
    inputs: bindPorts(o.spec.inputs, o.inputs),
    outputs: bindPorts(o.spec.outputs, o.outputs),
    serving: o.serving,
    retriever: o.retriever,
    logger: o.logger ?? silentLogger,
    signal,
    stopping,
    // Rows backing off from a 429 give up their serving slot; more rows in flight than slots keep it busy.
    concurrency: o.concurrency ?? o.spec.concurrency ?? (o.serving ? 4 * o.serving.maxConcurrency : 8),
    report: o.report,
    cache: o.cache,
    count: o.count ?? (() => {}),
    observe: o.observe ?? (() => {}),
    ...(o.readSource ? { readSource: o.readSource } : {}),
  };
}
