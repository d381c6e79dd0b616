import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runOperator } from "@dataflow/core";
import { validateReaRagMessages } from "@dataflow/exports";
import type { ChatRequestInfo, ChatServer, ChatServerOptions } from "@dataflow/llm-serving/testing";
import { afterEach, describe, expect, it } from "vitest";
import { IterativeTrajectoryOperator } from "./iterative-trajectory.js";
import { NO_PASSAGES_OBSERVATION, OBSERVATION_SYSTEM_PROMPT, TRAJECTORY_SYSTEM_PROMPT } from "./prompts.js";
import {
  atStep,
  bodyMessages,
  chatRequests,
  isAnswerCall,
  openaiServing,
  QUESTION,
  retriever,
  STEP_1,
  STEP_2,
  STEP_3,
  startChatServer,
  teacher,
} from "./testdata/fixtures.js";

let server: ChatServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function run(
  script: ChatServerOptions,
  params: Record<string, unknown> = {},
  rows: Record<string, unknown>[] = [{ question: QUESTION, gold_answer: "Brindlemoor" }],
  cacheDir?: string,
) {
  server ??= await startChatServer(script);
  const r = await runOperator(IterativeTrajectoryOperator, rows, {
    params,
    serving: openaiServing(server, cacheDir),
    retriever: retriever(),
  });
  return { ...r, requests: chatRequests(server) };
}

// The ReaRAG-20k row of the clean run, written out in full.
const CLEAN_MESSAGES = `[
  {"role":"user","content":"Question: In which town was the inventor of the Calloway loom born?\\n\\nReasoning process with function call:"},
  {"role":"assistant","reasoning":"Thought 1: I need to find out who invented the Calloway loom.\\nAction 1: \\n\`\`\`\\n{'function': 'search', 'parameters': {'query': 'inventor of the Calloway loom'}}\\n\`\`\`"},
  {"role":"observation","content":"Agnes Pell invented the Calloway loom in 1784."},
  {"role":"assistant","reasoning":"Thought 2: Agnes Pell invented the loom. Now I need to know where she was born.\\nAction 2: \\n\`\`\`\\n{'function': 'search', 'parameters': {'query': \\"Agnes Pell's birthplace\\"}}\\n\`\`\`"},
  {"role":"observation","content":"Agnes Pell was born in Brindlemoor."},
  {"role":"assistant","reasoning":"Thought 3: Agnes Pell was born in Brindlemoor, so that is the answer.\\nAction 3: \\n\`\`\`\\n{'function': 'finish', 'parameters': {'answer': 'Brindlemoor'}}\\n\`\`\`"}
]`;

describe("rag/iterative-trajectory", () => {
  it("declares its ports, serving and retriever", () => {
    const { spec } = IterativeTrajectoryOperator;
    expect(spec).toMatchObject({
      name: "rag/iterative-trajectory",
      version: "1.0.0",
      serving: "required",
      retriever: "required",
    });
    expect(Object.fromEntries(Object.entries(spec.inputs).map(([k, v]) => [k, v.column]))).toEqual({
      question: "question",
      answer: "gold_answer",
    });
    expect(Object.fromEntries(Object.entries(spec.outputs).map(([k, v]) => [k, v.column]))).toEqual({
      messages: "messages",
      trajectory: "trajectory",
      final_answer: "final_answer",
      f1: "answer_f1",
    });
  });

  it("builds a clean two-search trajectory in the ReaRAG-20k format (answer mode)", async () => {
    const r = await run({ defaultReply: teacher() }, { temperature: 0, seed: 11, maxTokens: 400 });
    expect(r.rejected).toEqual([]);
    expect(r.rows).toHaveLength(1);
    const row = r.rows[0] as Record<string, unknown>;
    expect(row.messages).toEqual(JSON.parse(CLEAN_MESSAGES));
    expect(row.final_answer).toBe("Brindlemoor");
    expect(row.answer_f1).toBe(1);
    expect(row.question).toBe(QUESTION);
    const trajectory = row.trajectory as { passages?: { id: string; score: number }[] }[];
    expect(trajectory.map((s) => (s.passages ? { ...s, passages: s.passages.map((p) => p.id) } : s))).toEqual(
      [
        {
          thought: "I need to find out who invented the Calloway loom.",
          action: { type: "search", query: "inventor of the Calloway loom" },
          observation: "Agnes Pell invented the Calloway loom in 1784.",
          passages: ["calloway"],
        },
        {
          thought: "Agnes Pell invented the loom. Now I need to know where she was born.",
          action: { type: "search", query: "Agnes Pell's birthplace" },
          observation: "Agnes Pell was born in Brindlemoor.",
          // BM25 over the short corpus: both name Agnes Pell, the shorter passage scores higher.
          passages: ["calloway", "pell"],
        },
        {
          thought: "Agnes Pell was born in Brindlemoor, so that is the answer.",
          action: { type: "finish", answer: "Brindlemoor" },
        },
      ],
    );
    expect(trajectory[1]?.passages?.every((p) => typeof p.score === "number" && p.score > 0)).toBe(true);
    expect(validateReaRagMessages(row.messages, "Brindlemoor")).toEqual([]);
    expect(r.observed).toEqual({ trajectory_steps: [3], answer_f1: [1] });
    expect(r.counters).toEqual({ searches: 2 });

    // Three teacher steps and two answer calls, each with the deterministic settings.
    expect(
      r.requests.map((q) =>
        bodyMessages(q.body)[0]?.content === OBSERVATION_SYSTEM_PROMPT ? "answer" : "step",
      ),
    ).toEqual(["step", "answer", "step", "answer", "step"]);
    for (const q of r.requests) expect(q.body).toMatchObject({ temperature: 0, seed: 11, max_tokens: 400 });
    // The third step sees the whole conversation so far, observations as numbered user turns.
    expect(bodyMessages(r.requests[4]?.body)).toEqual([
      { role: "system", content: TRAJECTORY_SYSTEM_PROMPT },
      { role: "user", content: `Question: ${QUESTION}\n\nReasoning process with function call:` },
      { role: "assistant", content: STEP_1 },
      { role: "user", content: "Observation 1: Agnes Pell invented the Calloway loom in 1784." },
      { role: "assistant", content: STEP_2 },
      { role: "user", content: "Observation 2: Agnes Pell was born in Brindlemoor." },
    ]);
    // The answer call sees the query and the retrieved passages, not the question.
    const answerPrompt = bodyMessages(r.requests[3]?.body)[1]?.content ?? "";
    expect(answerPrompt).toContain("[1] The Calloway loom was invented in 1784");
    expect(answerPrompt).toContain("[2] Agnes Pell was born in Brindlemoor, a market town");
    expect(answerPrompt).toContain("Question: Agnes Pell's birthplace");
    expect(answerPrompt).toContain("only from the given context");
    expect(answerPrompt).not.toContain(QUESTION);
  });

  it("feeds back the numbered passages, cut to maxPassageChars, in passages mode", async () => {
    const r = await run(
      { defaultReply: teacher() },
      { observation: "passages", maxPassageChars: 40, stop: ["\nObservation"] },
    );
    expect(r.rejected).toEqual([]);
    expect(r.requests.some((q) => bodyMessages(q.body)[0]?.content === OBSERVATION_SYSTEM_PROMPT)).toBe(
      false,
    );
    expect(r.requests).toHaveLength(3);
    const messages = (r.rows[0] as { messages: { role: string; content?: string }[] }).messages;
    expect(messages[2]).toEqual({
      role: "observation",
      content: "[1] The Calloway loom was invented in 1784…",
    });
    expect(messages[4]).toEqual({
      role: "observation",
      content: "[1] The Calloway loom was invented in 1784…\n\n[2] Agnes Pell was born in Brindlemoor, a m…",
    });
    expect(bodyMessages(r.requests[1]?.body)[3]).toEqual({
      role: "user",
      content: "Observation 1: [1] The Calloway loom was invented in 1784…",
    });
    expect(r.requests[0]?.body).toMatchObject({ stop: ["\nObservation"] });
  });

  it("gives topK passages per search", async () => {
    const r = await run({ defaultReply: teacher() }, { observation: "passages", topK: 1 });
    const trajectory = (r.rows[0] as { trajectory: { passages?: unknown[] }[] }).trajectory;
    expect(trajectory.map((s) => s.passages?.length)).toEqual([1, 1, undefined]);
  });

  it("retries a malformed step from the same state with a note, and keeps no trace of it", async () => {
    const bad =
      "Thought 2: Agnes Pell invented it. I will look up her birthplace.\nAction 2: search her birthplace";
    const r = await run({ rules: [{ match: atStep(2), reply: bad, times: 1 }], defaultReply: teacher() });
    expect(r.rejected).toEqual([]);
    expect((r.rows[0] as { messages: unknown }).messages).toEqual(JSON.parse(CLEAN_MESSAGES));
    expect(r.requests).toHaveLength(6);
    expect(r.counters).toMatchObject({ step_retries: 1, step_retries_bad_action_dict: 1 });
    const retry = bodyMessages(r.requests[3]?.body);
    expect(retry.slice(0, 4)).toEqual(bodyMessages(r.requests[2]?.body));
    expect(retry[4]).toEqual({ role: "assistant", content: bad });
    expect(retry[5]?.role).toBe("user");
    expect(retry[5]?.content).toMatch(/^Your reply could not be used: "Action 2:" has no action dict/);
    expect(retry[5]?.content).toContain("(retry 1 of 3)");
    // The step after the retry is asked from the clean state, without the refused reply or the note.
    expect(bodyMessages(r.requests[5]?.body).map((m) => m.content)).not.toContain(bad);
  });

  it("retries a step with the wrong number, saying which number is expected", async () => {
    const wrong = STEP_2.replaceAll(" 2:", " 3:");
    const r = await run({ rules: [{ match: atStep(2), reply: wrong, times: 2 }], defaultReply: teacher() });
    expect(r.rejected).toEqual([]);
    expect(r.counters).toMatchObject({ step_retries: 2, step_retries_wrong_number: 2 });
    expect(bodyMessages(r.requests[3]?.body).at(-1)?.content).toContain(
      'expected "Thought 2:", the reply has "Thought 3:"',
    );
    expect(bodyMessages(r.requests[4]?.body).at(-1)?.content).toContain("(retry 2 of 3)");
  });

  it("rejects a step that stays malformed after maxRetries, with the transcript", async () => {
    const bad =
      "Thought 2: I will now finish.\nAction 2: \n```\n{'function': 'answer', 'parameters': {'answer': 'x'}}\n```";
    const r = await run(
      { rules: [{ match: atStep(2), reply: bad }], defaultReply: teacher() },
      { maxRetries: 2 },
    );
    expect(r.rows).toEqual([]);
    // Step 1 and its answer call, then 1 + maxRetries tries of step 2.
    expect(r.requests).toHaveLength(2 + 3);
    expect(r.rejected).toHaveLength(1);
    const reject = r.rejected[0];
    expect(reject).toMatchObject({ id: "1", type: "malformed-action" });
    expect(reject?.message).toBe(
      'step 2 was still unusable after 3 replies (maxRetries 2): the action\'s "function" must be "search" or "finish", got "answer"',
    );
    expect(reject?.raw).toContain(`[user]\nQuestion: ${QUESTION}`);
    expect(reject?.raw).toContain(`[assistant]\n${STEP_1}`);
    expect(reject?.raw).toContain("[user]\nObservation 1: Agnes Pell invented the Calloway loom in 1784.");
    expect(reject?.raw?.match(/\[unusable reply\] \(step 2, reply \d/g)).toHaveLength(3);
    expect(reject?.raw).not.toContain(TRAJECTORY_SYSTEM_PROMPT);
    expect(r.counters).toMatchObject({ step_retries: 2, rejected_malformed_action: 1 });
  });

  it("bounds all retries of a question with maxRetriesTotal", async () => {
    const r = await run(
      { defaultReply: "I cannot follow this format." },
      { maxRetries: 5, maxRetriesTotal: 2 },
    );
    expect(r.requests).toHaveLength(3);
    expect(r.rejected[0]?.message).toBe(
      'step 1 was still unusable after the question\'s 2 retries (maxRetriesTotal): the reply has no "Thought 1:" line',
    );
    const none = await run({ defaultReply: "still no format" }, { maxRetries: 0 });
    expect(none.requests).toHaveLength(4);
    expect(none.rejected[0]?.message).toMatch(/after 1 reply \(maxRetries 0\)/);
  });

  it("stops a runaway search loop exactly at maxSteps and rejects the question", async () => {
    const loop = (n: number) =>
      `Thought ${n}: Let me search once more.\nAction ${n}: \n\`\`\`\n{'function': 'search', 'parameters': {'query': 'Calloway loom'}}\n\`\`\``;
    const passages = await run({ defaultReply: teacher(loop) }, { observation: "passages", maxSteps: 4 });
    expect(passages.rows).toEqual([]);
    expect(passages.requests).toHaveLength(4);
    expect(passages.rejected[0]).toMatchObject({
      type: "no-finish",
      message: 'no finish within maxSteps (4); step 4 still searched for "Calloway loom"',
    });
    expect(passages.rejected[0]?.raw).toContain("[assistant]\nThought 4: Let me search once more.");
    expect(passages.rejected[0]?.raw).toContain("[user]\nObservation 3: [1] The Calloway loom");
    expect(passages.counters).toEqual({ searches: 3, repeated_queries: 3, rejected_no_finish: 1 });
    await server?.close();
    server = undefined;

    // In answer mode each search but the last (never run) costs one more call.
    const answers = await run({ defaultReply: teacher(loop) }, { maxSteps: 4 });
    expect(answers.requests).toHaveLength(4 + 3);
    expect(
      answers.requests.filter((q) => bodyMessages(q.body)[0]?.content === OBSERVATION_SYSTEM_PROMPT),
    ).toHaveLength(3);
    expect(answers.rejected[0]?.type).toBe("no-finish");
  });

  it("rejects an answer whose token F1 against the gold answer is not above minF1", async () => {
    const r = await run({ defaultReply: teacher() }, {}, [
      { question: QUESTION, gold_answer: "Kelport" },
      { question: QUESTION, gold_answer: ["Kelport", "Brindlemoor town"] },
      { question: QUESTION },
      { question: QUESTION, gold_answer: null },
    ]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({
      id: "1",
      type: "low-f1",
      message:
        'token F1 0.000 between the answer "Brindlemoor" and the gold answer "Kelport" is not above minF1 0',
    });
    expect(r.rejected[0]?.raw).toContain(`[assistant]\n${STEP_3}`);
    expect(r.rows.map((row) => row.answer_f1)).toEqual([2 / 3, null, null]);
    expect(r.observed.answer_f1).toEqual([2 / 3]);
    expect(r.counters.rejected_low_f1).toBe(1);
    await server?.close();
    server = undefined;

    const strict = await run({ defaultReply: teacher() }, { minF1: 0.7 }, [
      { question: QUESTION, gold_answer: ["Brindlemoor town"] },
    ]);
    expect(strict.rejected[0]?.message).toBe(
      'token F1 0.667 between the answer "Brindlemoor" and the gold answer "Brindlemoor town" is not above minF1 0.7',
    );
  });

  it("discards an observation and steps the model invented after its action", async () => {
    const chatty =
      STEP_1 +
      "\nObservation 1: The Calloway loom was invented by Tom Hadley.\n" +
      "Thought 2: Tom Hadley invented it.\nAction 2: \n```\n{'function': 'finish', 'parameters': {'answer': 'Tom Hadley'}}\n```";
    const r = await run({ defaultReply: teacher([chatty, STEP_2, STEP_3]) });
    expect(r.rejected).toEqual([]);
    expect((r.rows[0] as { messages: unknown }).messages).toEqual(JSON.parse(CLEAN_MESSAGES));
    expect(JSON.stringify(r.rows[0])).not.toContain("Hadley");
    expect(r.counters.discarded_continuations).toBe(1);
  });

  it("leaves the reasoning the serving split off (reasoning_content, <think>) out of the step", async () => {
    const decoy = "Thought 1: decoy\nAction 1: {'function': 'finish', 'parameters': {'answer': 'Kelport'}}";
    const r = await run({
      rules: [
        {
          match: atStep(1),
          reply: { content: `<think>${decoy}</think>\n${STEP_1}`, reasoningContent: decoy },
        },
      ],
      defaultReply: teacher(),
    });
    expect(r.rejected).toEqual([]);
    expect((r.rows[0] as { messages: unknown }).messages).toEqual(JSON.parse(CLEAN_MESSAGES));
    expect(JSON.stringify(bodyMessages(r.requests[2]?.body))).not.toContain("decoy");
  });

  it("writes JSON-style actions and a custom user turn on request", async () => {
    const r = await run({ defaultReply: teacher() }, { actionStyle: "json", userTemplate: "{question}" });
    const messages = (r.rows[0] as { messages: { role: string; content?: string; reasoning?: string }[] })
      .messages;
    expect(messages[0]).toEqual({ role: "user", content: QUESTION });
    expect(messages[3]?.reasoning).toBe(
      "Thought 2: Agnes Pell invented the loom. Now I need to know where she was born.\nAction 2: \n```\n" +
        '{"function": "search", "parameters": {"query": "Agnes Pell\'s birthplace"}}\n```',
    );
    expect(validateReaRagMessages(messages, "Brindlemoor")).toEqual([]);
    // The teacher is shown its steps in the same style.
    expect(bodyMessages(r.requests[2]?.body)[2]?.content).toContain('{"function": "search"');
  });

  it("takes its system and user turn from the step's prompt param, and refuses them given twice", async () => {
    const prompt = {
      system: "Search, then finish. {'function': 'search'} is the form.",
      user: "Q: {{question}}",
    };
    const r = await run({ defaultReply: teacher() }, { prompt });
    expect(bodyMessages(r.requests[0]?.body).slice(0, 2)).toEqual([
      { role: "system", content: prompt.system },
      { role: "user", content: `Q: ${QUESTION}` },
    ]);
    const messages = (r.rows[0] as { messages: { role: string; content?: string }[] }).messages;
    expect(messages[0]).toEqual({ role: "user", content: `Q: ${QUESTION}` });
    await expect(
      runOperator(IterativeTrajectoryOperator, [], {
        params: { prompt: { user: "{{q}}" }, userTemplate: "{question}" },
      }),
    ).rejects.toThrow(
      /\/prompt\/user unknown placeholder \{\{q\}\}; \/prompt\/user the user turn is given twice/,
    );
  });

  it("observes an empty search without an answer call", async () => {
    const nothing =
      "Thought 1: Let me try an odd query.\nAction 1: \n```\n{'function': 'search', 'parameters': {'query': 'zyxx qwvv'}}\n```";
    const finish =
      "Thought 2: Nothing found, but I must stop.\nAction 2: \n```\n{'function': 'finish', 'parameters': {'answer': 'Brindlemoor'}}\n```";
    const r = await run({ defaultReply: teacher([nothing, finish]) });
    expect(r.requests).toHaveLength(2);
    expect(r.requests.some((q) => bodyMessages(q.body)[0]?.content === OBSERVATION_SYSTEM_PROMPT)).toBe(
      false,
    );
    const row = r.rows[0] as { messages: { content?: string }[]; trajectory: { passages?: unknown[] }[] };
    expect(row.messages[2]?.content).toBe(NO_PASSAGES_OBSERVATION);
    expect(row.trajectory[0]?.passages).toEqual([]);
    expect(r.counters).toMatchObject({ searches: 1, empty_searches: 1 });
  });

  it("retries an empty step reply, or one with reasoning and no answer", async () => {
    const r = await run({
      rules: [
        { match: atStep(1), reply: "", times: 1 },
        { match: atStep(2), reply: { content: "", reasoningContent: "Hmm, where was she born?" }, times: 1 },
      ],
      defaultReply: teacher(),
    });
    expect(r.rejected).toEqual([]);
    expect(r.requests).toHaveLength(7);
    expect(r.counters).toMatchObject({ step_retries: 2, step_retries_empty_reply: 2 });
    // No empty assistant turn is sent back: only the note.
    expect(bodyMessages(r.requests[1]?.body).slice(2)).toEqual([
      {
        role: "user",
        content: expect.stringMatching(
          /^Your reply could not be used: the model returned an empty answer\. Write step 1 again/,
        ),
      },
    ]);
  });

  it("rejects an empty observation answer with the transcript", async () => {
    const r = await run({ rules: [{ match: isAnswerCall, reply: "  " }], defaultReply: teacher() });
    expect(r.rejected[0]).toMatchObject({
      type: "bad-output",
      message:
        'the observation answer for the query "inventor of the Calloway loom" was unusable: the model returned an empty answer',
    });
    expect(r.rejected[0]?.raw).toContain(`[assistant]\n${STEP_1}`);
  });

  it("rejects rows without a question or with an unusable gold answer, without calling the model", async () => {
    const r = await run({ defaultReply: teacher() }, {}, [
      {},
      { question: "   " },
      { question: QUESTION, gold_answer: 5 },
      { question: QUESTION, gold_answer: [] },
      { question: QUESTION, gold_answer: ["Brindlemoor", ""] },
      { question: QUESTION, gold_answer: "" },
    ]);
    expect(r.requests).toHaveLength(0);
    expect(r.rejected.map((x) => [x.type, x.message])).toEqual([
      [
        "bad-input",
        'column "question" must hold the question as non-empty text, got nothing (is the column missing?)',
      ],
      ["bad-input", 'column "question" must hold the question as non-empty text, got empty text'],
      ...["a number", "an empty array", "an array with an empty or non-text item", "empty text"].map(
        (got) => [
          "bad-input",
          `column "gold_answer" must hold the gold answer as non-empty text or a list of them (null when there is none), got ${got}`,
        ],
      ),
    ]);
  });

  it("fails the step without a serving or a retriever", async () => {
    server = await startChatServer({ defaultReply: teacher() });
    await expect(
      runOperator(IterativeTrajectoryOperator, [{ question: QUESTION }], { serving: openaiServing(server) }),
    ).rejects.toThrow(/needs a retriever; declare one under `retrievers:`/);
    await expect(
      runOperator(IterativeTrajectoryOperator, [{ question: QUESTION }], { retriever: retriever() }),
    ).rejects.toThrow(/needs a serving/);
  });

  it("refuses params out of range or a user template without {question}", async () => {
    for (const params of [
      { maxSteps: 26 },
      { userTemplate: "Question:" },
      { minF1: 1 },
      { observation: "raw" },
    ]) {
      await expect(
        runOperator(IterativeTrajectoryOperator, [], { params }),
        JSON.stringify(params),
      ).rejects.toThrow(/invalid params for rag\/iterative-trajectory/);
    }
  });

  it("reruns from the response cache without a single new request", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "rag-trajectory-"));
    dirs.push(cacheDir);
    const other = "Where was the man who invented the Calloway loom born?";
    // Different questions: identical requests of concurrent rows would race for one cache entry.
    const rows = [
      { question: QUESTION, gold_answer: "Brindlemoor" },
      { question: other, gold_answer: "Kelport" },
    ];
    const params = { temperature: 0, seed: 3 };
    const script = {
      rules: [
        {
          match: (q: ChatRequestInfo) => atStep(1)(q) && q.prompt.includes(other),
          reply: "Thought 1: oops",
          times: 1,
        },
      ],
      defaultReply: teacher(),
    };
    const first = await run(script, params, rows, cacheDir);
    const sent = first.requests.length;
    expect(sent).toBeGreaterThan(0);
    const second = await run(script, params, rows, cacheDir);
    expect(second.requests).toHaveLength(sent);
    expect(second.rows).toEqual(first.rows);
    expect(second.rejected).toEqual(first.rejected);
    expect(second.counters).toEqual(first.counters);
    expect(first.counters).toMatchObject({ step_retries: 1, rejected_low_f1: 1 });
  });
});
