import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compilePipeline, OperatorRegistry, runPipeline } from "@dataflow/core";
import { MemoryRunStore, MemoryStorage, runOperator } from "@dataflow/core/testing";
import { register as registerServings } from "@dataflow/llm-serving";
import {
  type ChatRequestInfo,
  type ChatServer,
  chatRequests,
  openAITestServing,
  startChatServer,
} from "@dataflow/llm-serving/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bm25HardNegOperator } from "./bm25-hard-neg.js";
import { register as registerRare } from "./register.js";

// Twenty short notes, each on its own part, sharing the workshop vocabulary BM25 ranks by.
const PARTS = [
  "brake pads",
  "chain",
  "cassette",
  "derailleur hanger",
  "spoke tension",
  "tyre bead",
  "valve core",
  "headset bearings",
  "bottom bracket",
  "crank arms",
  "pedal threads",
  "saddle rails",
  "seat post",
  "handlebar tape",
  "brake cable",
  "shifter cable",
  "hub cones",
  "rim tape",
  "quick release",
  "disc rotor",
];
const DOCS = PARTS.map(
  (part, i) =>
    `Note ${i}. The ${part} wear with use in the workshop. A mechanic checks the ${part} for wear, ` +
    `cleans the ${part}, and adjusts the ${part} before replacing parts; worn ${part} make riding unsafe. ` +
    `Record what was found on the ${part} in the repair log, so the next service starts from it.`,
);
// doc2query fails for these documents in the first run: their rows are rejected.
const FAILING = new Set([3, 8, 15]);

function docIndex(req: ChatRequestInfo): number {
  return Number(/Note (\d+)\./.exec(req.prompt)?.[1] ?? -1);
}

const PIPELINE = `name: corpus-from-source
source: { path: in.jsonl }
output: { path: out.jsonl }
run: { maxRejectRate: 1 }
servings:
  teacher: { type: openai, model: test-model, baseURL: http://127.0.0.1:1/v1 }
steps:
  - id: doc2query
    op: rare/doc2query
    serving: teacher
  - id: negatives
    op: rare/bm25-hard-neg
    params: { numNeg: 3, corpusFrom: CORPUS_FROM }
  - id: distill
    op: rare/reason-distill
    serving: teacher
    params: { seed: 7 }
`;

let server: ChatServer;
let faulty = true;
const tmp = mkdtempSync(join(tmpdir(), "dataflow-bm25-corpus-"));

beforeAll(async () => {
  server = await startChatServer({
    rules: [
      {
        match: (req) => faulty && req.prompt.includes("<reference_material>") && FAILING.has(docIndex(req)),
        fault: { status: 400, message: "injected" },
      },
      {
        match: "<reference_material>",
        reply: (req) =>
          JSON.stringify({
            scenario: `A mechanic looks at a bicycle (note ${docIndex(req)}).`,
            question: `How should the mechanic judge wear of the ${PARTS[docIndex(req)]} before replacing parts?`,
          }),
      },
      {
        reply: () => "<think>Weigh each document.</think>The worn part is the problem.\n\nAnswer: adjust it.",
      },
    ],
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs the pipeline on the documents; returns the output rows and the chat requests it made. */
async function run(corpusFrom: string, store: MemoryRunStore) {
  const registry = new OperatorRegistry();
  registerServings(registry);
  registerRare(registry);
  const { plan, diagnostics } = await compilePipeline(
    PIPELINE.replace("CORPUS_FROM", corpusFrom),
    join(tmp, "pipeline.yaml"),
    { registry, env: {}, sampleColumns: async () => ["text"] },
  );
  if (!plan) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  const before = chatRequests(server).length;
  const storage = new MemoryStorage(DOCS.map((text) => ({ text })));
  const summary = await runPipeline({
    plan,
    storage,
    runStore: store,
    servings: { teacher: openAITestServing(server) },
  });
  expect(summary.reconciled).toBe(true);
  const negatives = new Map(storage.output.map((r) => [r.id, r.row.negative_ids]));
  return { negatives, requests: chatRequests(server).length - before, rejected: summary.rejected };
}

describe("rare/bm25-hard-neg mines the whole source, whatever upstream steps reject", () => {
  it("a fault run with doc2query rejects, then a clean rerun, pays only for the rejected rows", async () => {
    faulty = true;
    const store = new MemoryRunStore();
    const first = await run("source", store);
    expect(first.rejected).toBe(FAILING.size);
    expect(first.negatives.size).toBe(DOCS.length - FAILING.size);
    faulty = false;
    const second = await run("source", store);
    // One doc2query and one distill request for each row rejected before, nothing for the others.
    expect(second.requests).toBe(2 * FAILING.size);
    expect(second.negatives.size).toBe(DOCS.length);
    for (const [id, negatives] of first.negatives) expect(second.negatives.get(id), id).toEqual(negatives);
  });

  it("with corpusFrom upstream the corpus grows on the rerun, so every finished row is paid again", async () => {
    faulty = true;
    const store = new MemoryRunStore();
    const first = await run("upstream", store);
    faulty = false;
    const second = await run("upstream", store);
    // The three new documents change BM25's statistics: every row's negative scores move, so the
    // distill step sees new input for all 20 rows (and doc2query runs again for the 3 rejected).
    const moved = [...first.negatives].filter(
      ([id, n]) => JSON.stringify(second.negatives.get(id)) !== JSON.stringify(n),
    );
    expect(moved.length).toBeGreaterThan(0);
    expect(second.requests).toBe(FAILING.size + DOCS.length);
  });
});

describe("rare/bm25-hard-neg's corpus when run as one operator", () => {
  const source = DOCS.map((text, i) => ({ id: `d${i}`, row: { text } }));
  // Only every third document reaches the step, as if the others had been rejected upstream.
  const upstream = source
    .filter((_, i) => i % 3 === 0)
    .map((r, i) => ({
      id: r.id,
      row: { ...r.row, question: `How worn are the ${PARTS[i * 3]} and the chain?` },
    }));
  const upstreamIds = new Set(upstream.map((r) => r.id));
  const negativeIds = (rows: Record<string, unknown>[]) => rows.flatMap((r) => r.negative_ids as string[]);

  it("mines every source row by default, also those that never reached the step", async () => {
    const r = await runOperator(Bm25HardNegOperator, upstream, { params: { numNeg: 3 }, source });
    expect(r.rejected).toEqual([]);
    expect(negativeIds(r.rows).some((id) => !upstreamIds.has(id))).toBe(true);
    for (const row of r.rows) expect(row.negative_ids).not.toContain(undefined);
  });

  it("mines the upstream rows with corpusFrom upstream, or when the text column is no source column", async () => {
    const own = await runOperator(Bm25HardNegOperator, upstream, {
      params: { numNeg: 3, corpusFrom: "upstream" },
      source,
    });
    expect(negativeIds(own.rows).every((id) => upstreamIds.has(id))).toBe(true);
    // The step reads `passage`, a column a step made: the source has no such column.
    const made = upstream.map((r) => ({ id: r.id, row: { passage: r.row.text, question: r.row.question } }));
    const fallback = await runOperator(Bm25HardNegOperator, made, {
      params: { numNeg: 3 },
      inputs: { text: "passage" },
      source,
    });
    expect(fallback.rejected).toEqual([]);
    expect(negativeIds(fallback.rows).every((id) => upstreamIds.has(id))).toBe(true);
    // Same column name, other texts (chunks of the source's documents): the source is no corpus for them.
    const chunks = upstream.map((r) => ({
      id: `${r.id}#0`,
      row: { ...r.row, text: (r.row.text as string).slice(8) },
    }));
    const chunked = await runOperator(Bm25HardNegOperator, chunks, {
      // The notes share their template's wording: keep the overlap rule out of this check.
      params: { numNeg: 2, overlap: { minSharedChars: 0, maxContainment: 0 } },
      source,
    });
    expect(chunked.rejected.map((r) => r.message)).toEqual([]);
    expect(negativeIds(chunked.rows).every((id) => chunks.some((c) => c.id === id))).toBe(true);
  });
});
