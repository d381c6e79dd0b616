import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OperatorRegistry, runOperator } from "@dataflow/core";
import { rareQaInstruction, rareQaPrompt } from "@dataflow/exports";
import {
  type ChatServer,
  type ChatServerOptions,
  chatRequests,
  lastUserMessage,
  loopbackServing,
} from "@dataflow/llm-serving/testing";
import { Bm25Retriever } from "@dataflow/retrieval";
import { afterEach, describe, expect, it } from "vitest";
import { register } from "../register.js";
import { QaDistillOperator } from "./qa-distill.js";
import { sampleSeed } from "./rejection-sampling.js";

const QUESTION = "A new chain skips in the middle sprockets under load while shifting stays crisp. Why?";
const OPTIONS = {
  A: "The high limit screw is too loose",
  B: "The cassette teeth are worn to the old chain's pitch",
  C: "The chain needs more lubricant",
};
const DOCS = [
  "Riders spend most of their time in a few sprockets, so those teeth wear first into a shark-fin profile.",
  "The limit screws only set the end points of the derailleur's travel.",
];
const ROW = { question: QUESTION, options: OPTIONS, answer: "B", documents: DOCS };

const RIGHT =
  "<think>Document 1 says the favourite sprockets wear first; a new chain no longer fits them.</think>\n<answer>B</answer>";
const WRONG = "<think>More oil usually quiets a chain.</think>\n<answer>C</answer>";

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
  rows: Record<string, unknown>[] = [ROW],
  extra: { cacheDir?: string; retriever?: Bm25Retriever } = {},
) {
  const s = await loopbackServing(script, extra.cacheDir ? { cacheDir: extra.cacheDir } : {});
  await server?.close();
  server = s.server;
  const r = await runOperator(QaDistillOperator, rows, {
    params,
    serving: s.serving,
    ...(extra.retriever ? { retriever: extra.retriever } : {}),
  });
  const requests = chatRequests(s.server).map((q) => q.body as Record<string, unknown>);
  return { ...r, requests };
}

/** Replies in order, then `rest` for every later request. */
function inOrder(replies: string[], rest: string): ChatServerOptions {
  return { rules: replies.map((reply) => ({ reply, times: 1 })), defaultReply: rest };
}

describe("rare/qa-distill", () => {
  it("is registered by the plugin, with one serving and an optional retriever", () => {
    const registry = new OperatorRegistry();
    register(registry);
    expect(registry.origin("rare/qa-distill")).toBe("@dataflow/operators-rare");
    const { spec } = QaDistillOperator;
    expect([spec.serving, spec.retriever]).toEqual(["required", "optional"]);
    expect(Object.keys(spec.outputs)).toEqual([
      "reasoning",
      "answer",
      "correct",
      "samples_used",
      "documents",
    ]);
  });

  it("keeps only the correct sample's reasoning after a wrong one, each sample with its own seed", async () => {
    const r = await run(inOrder([WRONG], RIGHT), { temperature: 0.9, domain: "bicycle maintenance" });
    expect(r.rows).toEqual([
      {
        ...ROW,
        reasoning: "Document 1 says the favourite sprockets wear first; a new chain no longer fits them.",
        teacher_answer: "B",
        correct: true,
        samples_used: 2,
      },
    ]);
    expect(JSON.stringify(r.rows)).not.toContain("More oil");
    expect(r.requests.map((b) => b.seed)).toEqual([sampleSeed(0, "1", 1), sampleSeed(0, "1", 2)]);
    expect(new Set(r.requests.map((b) => b.seed)).size).toBe(2);
    expect(r.requests[0]?.temperature).toBe(0.9);
    const prompt = lastUserMessage(r.requests[0]);
    expect(prompt).toMatch(/^You are an expert in bicycle maintenance\./);
    expect(prompt).toContain(`[Document 2]\n${DOCS[1]}`);
    expect(prompt).toContain(`# Question\n${QUESTION}\n\n# Options\nA. ${OPTIONS.A}\nB. ${OPTIONS.B}`);
    expect(prompt).toContain(
      "inside <think></think>, then give only the key of the one correct option inside <answer></answer>",
    );
    // Every sample asks the same prompt: only the seed differs.
    expect(lastUserMessage(r.requests[1])).toBe(prompt);
    expect(r.counters).toMatchObject({ samples: 2, samples_wrong: 1 });
    expect(r.observed).toMatchObject({ verified_share: [1], samples_per_kept_item: [2] });
  });

  it("sends exactly exports' rareQaPrompt by default, and a step's own prompt when given", async () => {
    const r = await run({ defaultReply: RIGHT }, { domain: "bicycle maintenance" });
    const options = Object.entries(OPTIONS).map(([key, text]) => ({ key, text }));
    const instruction = rareQaInstruction({ multipleChoice: true, domain: "bicycle maintenance" });
    expect(r.requests[0]?.messages).toEqual([
      { role: "user", content: rareQaPrompt({ instruction, documents: DOCS, question: QUESTION, options }) },
    ]);
    const prompt = {
      system: "Tu es mécanicien ({{domain}}).",
      user: "{{question}}\n{{options}}\n{{documents}}\nRéponds dans <{{answer_tag}}>.",
    };
    const own = await run({ defaultReply: RIGHT }, { domain: "vélo", prompt });
    expect(own.requests[0]?.messages).toEqual([
      { role: "system", content: "Tu es mécanicien (vélo)." },
      {
        role: "user",
        content: `${QUESTION}\nA. ${OPTIONS.A}\nB. ${OPTIONS.B}\nC. ${OPTIONS.C}\n[Document 1]\n${DOCS[0]}\n\n[Document 2]\n${DOCS[1]}\nRéponds dans <answer>.`,
      },
    ]);
    expect(own.rows[0]).toMatchObject({ teacher_answer: "B" });
    await expect(
      runOperator(QaDistillOperator, [], { params: { prompt: { user: "{{gold}}" } } }),
    ).rejects.toThrow(/\/prompt\/user unknown placeholder \{\{gold\}\}/);
  });

  it("spends no sample after the first correct one", async () => {
    const r = await run({ defaultReply: RIGHT }, { maxSamples: 8 });
    expect(r.requests).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ teacher_answer: "B", samples_used: 1 });
  });

  it("rejects a question no sample gets right, with every sample's answer and reply, after exactly maxSamples", async () => {
    const r = await run(inOrder([WRONG, "<think>Limit screws matter.</think><answer>(A)</answer>"], WRONG), {
      maxSamples: 3,
    });
    expect(r.rows).toEqual([]);
    expect(r.requests).toHaveLength(3);
    expect(r.rejected).toHaveLength(1);
    const reject = r.rejected[0];
    expect(reject).toMatchObject({ id: "1", type: "no-correct-sample" });
    expect(reject?.message).toBe(
      'none of 3 samples matched the gold answer "B"; answers: 1: "C" (wrong); 2: "(A)" read as "A" (wrong); 3: "C" (wrong)',
    );
    for (const n of [1, 2, 3])
      expect(reject?.raw).toContain(`=== sample ${n} of 3 (seed ${sampleSeed(0, "1", n)})`);
    expect(reject?.raw).toContain("<think>\nLimit screws matter.\n</think>\n<answer>(A)</answer>");
    expect(r.observed.verified_share).toEqual([0]);
    expect(r.observed.samples_per_kept_item).toBeUndefined();
  });

  it("counts malformed replies as spent samples and goes on sampling", async () => {
    const malformed = [
      "<think>The worn teeth matter.</think>", // <think> without <answer>: the serving finds no answer
      "<think>Still thinking about the teeth", // cut off inside <think>
      "I would go with the cassette, probably.", // no tag, no Answer: line
      "<answer>B</answer>", // right, but no reasoning to learn from
    ];
    const r = await run(inOrder(malformed, RIGHT));
    expect(r.requests).toHaveLength(5);
    expect(r.rows[0]).toMatchObject({ teacher_answer: "B", samples_used: 5 });
    expect(r.counters).toMatchObject({ samples: 5, samples_without_answer: 3, samples_without_reasoning: 1 });

    const never = await run({ defaultReply: malformed[0] as string }, { maxSamples: 2 });
    expect(never.rejected[0]?.message).toBe(
      'none of 2 samples matched the gold answer "B"; answers: ' +
        "1: no answer (the model returned no answer after its reasoning); 2: no answer (the model returned no answer after its reasoning)",
    );
    expect(never.rejected[0]?.raw).toContain("The worn teeth matter.");
  });

  it("reads reasoning_content and untagged 'Answer:' lines, and refuses the latter when told to", async () => {
    const split = { content: "Answer: B", reasoningContent: "Document 1 explains the skipping." };
    const r = await run({ defaultReply: split });
    expect(r.rows[0]).toMatchObject({ reasoning: "Document 1 explains the skipping.", teacher_answer: "B" });
    expect(r.counters.untagged_answers).toBe(1);

    const strict = await run({ defaultReply: split }, { untaggedAnswers: false, maxSamples: 2 });
    expect(strict.rejected[0]?.message).toContain("1: no answer (no <answer> answer)");
  });

  it("collects `keep` correct samples as rows of their own", async () => {
    const second = RIGHT.replace("Document 1", "The first document");
    const r = await run(inOrder([RIGHT, WRONG, second], WRONG), { keep: 2 });
    expect(r.requests).toHaveLength(3);
    expect(r.records.map((x) => x.id)).toEqual(["1.0", "1.1"]);
    expect(r.rows.map((x) => x.reasoning)).toEqual([
      expect.stringMatching(/^Document 1 says/),
      expect.stringMatching(/^The first document says/),
    ]);
    expect(r.rows.every((x) => x.samples_used === 3)).toBe(true);
  });

  it("costs no request on a rerun: every sample's seed is the same, so the response cache answers", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "qa-distill-"));
    dirs.push(cacheDir);
    const rows = [ROW, { ...ROW, question: `${QUESTION} (second rider)` }];
    const script = {
      rules: [
        { match: "second rider", reply: WRONG },
        { reply: WRONG, times: 1 },
      ],
      defaultReply: RIGHT,
    };
    const first = await run(script, { maxSamples: 3 }, rows, { cacheDir });
    expect(first.requests).toHaveLength(2 + 3);
    expect(first.rejected.map((x) => x.id)).toEqual(["2"]);
    const again = await run(
      { defaultReply: { fault: { status: 400, message: "not cached" } } },
      { maxSamples: 3 },
      rows,
      {
        cacheDir,
      },
    );
    expect(again.requests).toHaveLength(0);
    expect(again.rows).toEqual(first.rows);
    expect(again.rejected).toEqual(first.rejected);
  });

  it("retrieves topK passages for a row without documents, and shows them in rank order", async () => {
    const retriever = new Bm25Retriever({
      name: "notes",
      corpus: {
        ids: ["cassette", "limits", "tyres", "brakes"],
        texts: [
          "Worn cassette teeth make a new chain skip in the middle sprockets.",
          "Limit screws set the end points of the derailleur.",
          "Tyre pressure depends on the rider's weight.",
          "Brake pads wear faster in the rain.",
        ],
      },
    });
    const { documents: _, ...row } = ROW;
    const r = await run({ defaultReply: RIGHT }, { topK: 2 }, [row], { retriever });
    expect(r.rows[0]?.documents).toEqual([
      "Worn cassette teeth make a new chain skip in the middle sprockets.",
      "Limit screws set the end points of the derailleur.",
    ]);
    expect(lastUserMessage(r.requests[0])).toContain("[Document 1]\nWorn cassette teeth");
    expect(r.observed.retrieved_passages).toEqual([2]);

    const cut = await run({ defaultReply: RIGHT }, { maxDocChars: 20 });
    expect(cut.rows[0]?.documents).toEqual(DOCS.map((d) => d.slice(0, 20)));
    expect(lastUserMessage(cut.requests[0])).toContain(
      `[Document 1]\n${DOCS[0]?.slice(0, 20)}\n\n[Document 2]`,
    );

    const none = await run({ defaultReply: RIGHT }, {}, [row]);
    expect(none.rejected[0]).toMatchObject({ type: "bad-input" });
    expect(none.rejected[0]?.message).toContain("the step has no retriever");
  });

  it("checks free-text and numeric gold answers with its own tags, and rejects gold answers that cannot be read", async () => {
    const free = {
      question: "Which fluids attack each other's seals?",
      answer: "mineral oil and DOT fluid",
      documents: DOCS,
    };
    const num = {
      question: "At what elongation is an 11-speed chain replaced?",
      answer: "0.5 percent",
      documents: DOCS,
    };
    const reply = (answer: string) => `<why>Document 1 says so.</why><final>${answer}</final>`;
    const r = await run(
      {
        rules: [
          { match: "fluids", reply: reply("Mineral oil and DOT fluid.") },
          { match: "elongation", reply: reply("about 0.5%") },
        ],
      },
      { thinkTag: "why", answerTag: "final" },
      [free, num, { ...ROW, answer: "E" }, { ...ROW, options: "A or B" }],
    );
    expect(r.rows.map((x) => x.teacher_answer)).toEqual(["Mineral oil and DOT fluid.", "about 0.5%"]);
    expect(r.rows.map((x) => x.reasoning)).toEqual(["Document 1 says so.", "Document 1 says so."]);
    expect(lastUserMessage(r.requests[0])).toContain("inside <why></why>, then give only your final answer");
    expect(r.rejected.map((x) => [x.id, x.type, x.message])).toEqual([
      ["3", "bad-input", 'column "answer" "E" names no option by key or text'],
      [
        "4",
        "bad-input",
        'column "options" must be a list of option texts or a map of letters to texts, got a string',
      ],
    ]);
  });

  it("fails the step without a serving, or with one tag for both reasoning and answer", async () => {
    await expect(runOperator(QaDistillOperator, [ROW])).rejects.toThrow(/needs a serving/);
    const s = await loopbackServing({ defaultReply: RIGHT });
    server = s.server;
    await expect(
      runOperator(QaDistillOperator, [ROW], {
        serving: s.serving,
        params: { thinkTag: "x", answerTag: "X" },
      }),
    ).rejects.toThrow('thinkTag and answerTag must differ, both are "x"');
  });
});
