import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  compilePipeline,
  JudgeOperator,
  MemoryStorage,
  OperatorRegistry,
  PairwiseJudgeOperator,
  registerCoreOperators,
  runOperator,
  runPipeline,
} from "@dataflow/core";
import {
  type ChatRequestInfo,
  type ChatServer,
  type ChatServerOptions,
  chatRequests,
  lastUserMessage,
  loopbackServing,
} from "@dataflow/llm-serving/testing";
import { afterEach, describe, expect, it } from "vitest";
import { register } from "../register.js";

let server: ChatServer | undefined;
let cacheDir: string | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  cacheDir = undefined;
});

async function judgeServing(options: ChatServerOptions, extra: { cacheDir?: string } = {}) {
  const started = await loopbackServing(options, extra);
  server = started.server;
  return started;
}

const RARE = ["self_contained", "needs_reasoning", "answerable_from_document", "no_source_reference"];
const scores = (...values: number[]): Record<string, number> =>
  Object.fromEntries(RARE.map((c, i) => [c, values[i] ?? 0]));
const answer = (reason: string, s: Record<string, number>) => JSON.stringify({ reason, scores: s });

/** doc2query's output for two documents: one good problem, one that leans on "the passage". */
const QUESTIONS = [
  {
    text: "A chain stretched past 0.5% wears the cassette; replace it before the cogs hook.",
    scenario: "A courier's chain checker shows 0.6% after 4,000 km and the bike still shifts cleanly.",
    question: "Should she replace only the chain now, or the chain and cassette, and why?",
  },
  {
    text: "Tubeless sealant dries out within months in hot climates.",
    scenario: "A rider keeps a tubeless bike in a hot garage.",
    question: "According to the passage, how often should sealant be topped up?",
  },
];

function rareReply(req: ChatRequestInfo): string {
  if (req.prompt.includes("According to the passage"))
    return answer("It points at the passage.", scores(4, 2, 4, 1));
  return answer("Self-contained and needs a judgement.", scores(5, 4, 5, 5));
}

describe("llm/judge against the loopback server", () => {
  it("filters doc2query rows with the rare-question rubric, asking for its JSON schema, seeded", async () => {
    const { server: s, serving } = await judgeServing({ defaultReply: rareReply });
    const r = await runOperator(JudgeOperator, QUESTIONS, { params: { rubric: "rare-question" }, serving });
    expect(r.rejected).toEqual([]);
    expect(r.rows).toEqual([
      {
        ...QUESTIONS[0],
        judge_scores: scores(5, 4, 5, 5),
        judge_score: 4,
        judge_passed: true,
        judge_reason: "Self-contained and needs a judgement.",
      },
    ]);
    expect(r.filtered).toEqual([
      { id: "2", reason: "judge: below threshold (weakest: no_source_reference)" },
    ]);

    const request = chatRequests(s).find((q) => lastUserMessage(q.body).includes("cassette"));
    const body = request?.body as Record<string, unknown>;
    expect(body.seed).toBe(0);
    const format = body.response_format as { type: string; json_schema: { name: string; schema: unknown } };
    expect(format.type).toBe("json_schema");
    expect(format.json_schema.name).toBe("judge");
    expect(format.json_schema.schema).toMatchObject({ properties: { scores: { required: RARE } } });
    const prompt = lastUserMessage(body);
    expect(prompt).toContain(`Question:\n${QUESTIONS[0]?.question}`);
    expect(prompt).toContain(`<document>\n${QUESTIONS[0]?.text}\n</document>`);

    expect(r.observed.score).toEqual([4, 1]);
    expect(r.observed["score:no_source_reference"]).toEqual([5, 1]);
    expect(r.counters).toMatchObject({ passed: 1, failed: 1 });
    expect(r.counters.judge_unanimous).toBeUndefined();
  });

  it("annotates every row in annotate mode, on a pass-fail scale with a mean", async () => {
    const { serving } = await judgeServing({
      defaultReply: (req) =>
        req.prompt.includes("Paris")
          ? '{"reason": "right", "scores": {"correct": 1, "concise": 1}}'
          : '```json\n{"reason": "wrong, wordy", "scores": {"correct": 0, "concise": 1}}\n```',
    });
    const r = await runOperator(
      JudgeOperator,
      [
        { q: "Capital of France?", a: "Paris" },
        { q: "Capital of Peru?", a: "Well, it might be Cusco" },
      ],
      {
        params: {
          rubric: { criteria: { correct: "The answer is right.", concise: "No padding." } },
          prompt: "Q: {{q}}\nA: {{a}}",
          scale: "pass-fail",
          aggregate: "mean",
          threshold: 1,
          mode: "annotate",
        },
        outputs: { scores: "scores", score: "score", passed: "ok", reason: "why" },
        serving,
      },
    );
    expect(r.filtered).toEqual([]);
    expect(r.rows.map((row) => [row.scores, row.score, row.ok, row.why])).toEqual([
      [{ correct: 1, concise: 1 }, 1, true, "right"],
      [{ correct: 0, concise: 1 }, 0.5, false, "wrong, wordy"],
    ]);
  });

  it("samples the judge with distinct seeds, averages the scores and reports its agreement", async () => {
    const { server: s, serving } = await judgeServing({
      // A judge that wavers on one row: seed 11 scores it low.
      defaultReply: (req) =>
        req.body.seed === 11 && req.prompt.includes("cassette")
          ? answer("Too easy.", scores(5, 2, 5, 5))
          : rareReply(req),
    });
    const r = await runOperator(JudgeOperator, QUESTIONS, {
      params: { rubric: "rare-question", samples: 3, seed: 10, mode: "annotate", threshold: 3 },
      serving,
      concurrency: 1,
    });
    const seeds = chatRequests(s).map((q) => (q.body as { seed: number }).seed);
    expect(seeds.sort()).toEqual([10, 10, 11, 11, 12, 12]);
    expect(r.rows[0]).toMatchObject({
      judge_scores: scores(5, 3.3333, 5, 5),
      judge_score: 3.3333,
      judge_passed: true,
      judge_reason: "Self-contained and needs a judgement.",
    });
    // Row 1: 3 pairs × 4 criteria, needs_reasoning differs in 2 pairs → 10/12. Row 2: all agree.
    expect(r.observed.judge_agreement).toEqual([0.8333, 1]);
    expect(r.counters).toMatchObject({ judge_split: 1, judge_unanimous: 1 });
  });

  it("asks again when an answer misses a criterion, then rejects the row with the raw output", async () => {
    const { server: s, serving } = await judgeServing({
      rules: [
        { match: "cassette", reply: '{"reason": "partial", "scores": {"self_contained": 5}}', times: 1 },
        { match: "cassette", reply: answer("ok", scores(5, 5, 5, 5)) },
        { match: "sealant", reply: "I would rather not grade this." },
      ],
    });
    const r = await runOperator(JudgeOperator, QUESTIONS, {
      params: { rubric: "rare-question", maxAttempts: 2 },
      serving,
    });
    expect(r.rows).toHaveLength(1);
    expect(r.rejected).toEqual([
      {
        id: "2",
        type: "bad-output",
        message: expect.stringContaining("after 2 attempts"),
        raw: "I would rather not grade this.",
      },
    ]);
    expect(r.counters.bad_output_retries).toBe(2);
    const notes = chatRequests(s)
      .map((q) => lastUserMessage(q.body))
      .filter((m) => m.startsWith("That answer could not be used"));
    expect(notes).toHaveLength(2);
    expect(notes.some((m) => /scores must have required property 'needs_reasoning'/.test(m))).toBe(true);
  });

  it("is answered from the response cache on a rerun: no request", async () => {
    cacheDir = await mkdtemp(join(tmpdir(), "dataflow-judge-"));
    const first = await judgeServing({ defaultReply: rareReply }, { cacheDir });
    const params = { rubric: "rare-question", samples: 2 };
    const a = await runOperator(JudgeOperator, QUESTIONS, { params, serving: first.serving });
    expect(chatRequests(first.server)).toHaveLength(4);
    await first.server.close();

    const second = await judgeServing({ defaultReply: rareReply }, { cacheDir });
    const b = await runOperator(JudgeOperator, QUESTIONS, { params, serving: second.serving });
    expect(chatRequests(second.server)).toHaveLength(0);
    expect(b.rows).toEqual(a.rows);
    expect(b.filtered).toEqual(a.filtered);
    expect(second.serving.usage().total).toMatchObject({ requests: 0, cached: 4 });
  });
});

/** Which response a judge picks: the one saying "GOOD", else always the first shown. */
function contentJudge(req: ChatRequestInfo): string {
  const prompt = lastUserMessage(req.body);
  const first = /<response_1>\n([\s\S]*?)\n<\/response_1>/.exec(prompt)?.[1] ?? "";
  const second = /<response_2>\n([\s\S]*?)\n<\/response_2>/.exec(prompt)?.[1] ?? "";
  const pick = first.includes("GOOD") ? "1" : second.includes("GOOD") ? "2" : "1";
  return JSON.stringify({ reason: `response ${pick}`, preferences: { helpful: pick }, winner: pick });
}

describe("llm/judge-pairwise against the loopback server", () => {
  const rubric = { criteria: { helpful: "Answers the question." } };

  it("asks both orders and counts a win only when they agree; a position-biased judge is inconsistent", async () => {
    const { server: s, serving } = await judgeServing({ defaultReply: contentJudge });
    const rows = [
      { q: "fix a chain?", x: "GOOD: use a chain tool", y: "buy a bike" },
      { q: "true a wheel?", x: "spin it", y: "GOOD: use a truing stand" },
      { q: "oil a chain?", x: "drip it", y: "spray it" },
    ];
    const r = await runOperator(PairwiseJudgeOperator, rows, {
      params: { rubric, prompt: "{{q}}", a: "{{x}}", b: "{{y}}", seed: 5 },
      serving,
      concurrency: 1,
    });
    expect(r.rows.map((row) => [row.judge_winner, row.judge_preferences])).toEqual([
      ["a", { helpful: "a" }],
      ["b", { helpful: "b" }],
      ["inconsistent", { helpful: "inconsistent" }],
    ]);
    expect(r.rows[2]?.judge_reasons).toEqual(["response 1", "response 1"]);
    expect(r.counters).toMatchObject({
      "winner:a": 1,
      "winner:b": 1,
      "winner:inconsistent": 1,
      "position_bias:first": 1,
    });
    expect(r.observed.order_agreement).toEqual([1, 1, 0]);

    // The first row's two requests, in whichever order they arrived: a shown first, and b shown first.
    const sent = chatRequests(s)
      .slice(0, 2)
      .map((q) => lastUserMessage(q.body));
    for (const m of sent) expect(m).toContain("<context>\nfix a chain?\n</context>");
    const aFirst = /<response_1>\nGOOD: use a chain tool\n[\s\S]*<response_2>\nbuy a bike\n/;
    const bFirst = /<response_1>\nbuy a bike\n[\s\S]*<response_2>\nGOOD: use a chain tool\n/;
    expect(sent.filter((m) => aFirst.test(m))).toHaveLength(1);
    expect(sent.filter((m) => bFirst.test(m))).toHaveLength(1);
    expect(chatRequests(s).every((q) => (q.body as { seed: number }).seed === 5)).toBe(true);
  });
});

describe("llm/judge in a pipeline", () => {
  const pipeline = (columns: string) => `
name: judge-questions
source: { path: questions.jsonl, columns: [${columns}] }
output: { path: out.jsonl }
servings:
  judge: { type: openai, model: tiny, maxConcurrency: 2 }
steps:
  - id: judge
    op: llm/judge
    serving: judge
    params: { rubric: rare-question }
`;

  async function compile(columns: string) {
    const registry = new OperatorRegistry();
    registerCoreOperators(registry);
    registry.use({ register }, "@dataflow/llm-serving");
    return compilePipeline(pipeline(columns), "/virtual/judge.yaml", { registry, env: {} });
  }

  it("fails to compile when the rubric's prompt reads a column nothing provides", async () => {
    const { plan, diagnostics } = await compile("text, question");
    expect(plan).toBeUndefined();
    const errors = diagnostics.filter((d) => d.severity === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(
      /reads column "scenario", which neither the source nor an earlier step/,
    );
    // Named at the rubric, whose preset brings the prompt.
    expect(errors[0]?.location?.line).toBe(11);
  });

  it("reports filtered rows by reason and score distributions in the run summary", async () => {
    const { serving } = await judgeServing({ defaultReply: rareReply });
    const { plan, diagnostics } = await compile("text, scenario, question");
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    if (!plan) throw new Error("no plan");
    const storage = new MemoryStorage(QUESTIONS);
    const summary = await runPipeline({ plan, storage, servings: { judge: serving } });
    expect(summary.status).toBe("ok");
    expect(storage.output.map((r) => r.row.question)).toEqual([QUESTIONS[0]?.question]);
    const step = summary.steps[0];
    expect(step?.filteredBy).toEqual({ "judge: below threshold (weakest: no_source_reference)": 1 });
    expect(step?.counters).toMatchObject({ passed: 1, failed: 1 });
    expect(step?.distributions.score).toMatchObject({ count: 2, min: 1, max: 4 });
    expect(step?.distributions["score:needs_reasoning"]).toMatchObject({ count: 2, min: 2, max: 4 });
  });
});
