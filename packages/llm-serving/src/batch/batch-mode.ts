import { join } from "node:path";
import type { Logger } from "@dataflow/core";
import type { Send } from "../serving/layers/layer.js";
import type { TransportRequest, TransportResult } from "../serving/transport.js";
import type { UsageMeter } from "../serving/usage-meter.js";
import { BatchClient } from "./batch-client.js";
import { BatchJournal } from "./batch-journal.js";
import type { BatchOptions } from "./batch-options.js";
import { BatchQueue } from "./batch-queue.js";

export interface BatchModeOptions {
  name: string;
  baseURL: string;
  apiKey: string;
  /** Per Files/Batch API request. */
  timeoutMs: number;
  maxRetries: number;
  /** The run directory: the journal goes to `<runDir>/batches/<name>.jsonl`. None: kept in memory, not resumable. */
  runDir: string | undefined;
  /** The variable holding the key, named when the key is refused. */
  apiKeyEnv: string;
  logger: Logger;
  secrets: readonly string[];
}

/** A serving's batch queue: a client for its endpoint, and its journal in the run directory. */
export function batchMode(batch: BatchOptions, o: BatchModeOptions): BatchQueue {
  const path =
    o.runDir === undefined ? undefined : join(o.runDir, "batches", `${encodeURIComponent(o.name)}.jsonl`);
  const where = path
    ? `journal ${path}`
    : "no run directory: the journal is kept in memory, a killed run cannot resume its batches";
  o.logger.info(
    `serving "${o.name}": batch mode (files of ≤ ${batch.maxRequests} requests / ${batch.maxBytes} bytes; ${where})`,
  );
  const client = new BatchClient({
    baseURL: o.baseURL,
    apiKey: o.apiKey,
    timeoutMs: o.timeoutMs,
    secrets: [...o.secrets, o.apiKey],
  });
  return new BatchQueue({
    name: o.name,
    endpoint: { baseURL: o.baseURL, apiKeyEnv: o.apiKeyEnv },
    client,
    journal: new BatchJournal(path),
    options: batch,
    logger: o.logger,
    maxRetries: o.maxRetries,
  });
}

/**
 * The bottom of a batch serving's chat stack, in place of the attempt layers and the transport:
 * no per-attempt timeout, hedging or slots (a batch takes hours); the queue owns resends and
 * counts requests and tokens in `meter` (at batch prices).
 */
export function batchAttempts(queue: BatchQueue, meter: UsageMeter): Send<TransportRequest, TransportResult> {
  queue.useMeter(meter);
  return (request, call) => queue.send(request, call);
}
