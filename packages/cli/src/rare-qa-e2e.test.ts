import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateExport } from "@dataflow/exports";
import {
  type ChatRequestInfo,
  type ChatServer,
  chatRequests,
  type Reply,
  startChatServer,
} from "@dataflow/llm-serving/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PIPELINES, readJsonl, runPipelineCommand } from "./testdata/pipeline-run.js";

const tmp = mkdtempSync(join(tmpdir(), "dataflow-rare-qa-"));
const cacheDir = join(tmp, "cache");
const output = join(tmp, "rare-qa.trl.jsonl");

interface Question {
  id: string;
  question: string;
  options?: string[] | Record<string, string>;
  answer: string;
}
const questions = readJsonl(join(PIPELINES, "data", "rare-qa-questions.jsonl")) as unknown as Question[];
const byId = new Map(questions.map((q) => [q.id, q]));
const question = (id: string) => byId.get(id)?.question as string;

// Scripted teachers, by question: one wrong before right, one malformed (<think> without <answer>)
// before right, one never right. Every other question is answered right at the first sample.
const WRONG_FIRST = question("qa05");
const MALFORMED_FIRST = question("qa13");
const NEVER_RIGHT = question("qa11");
const WRONG_REASONING = "I am guessing without reading the documents.";

/** The key or text a right answer gives: the gold key, or — for qa15, whose gold is an option's text — its key. */
function rightAnswer(q: Question): string {
  return q.id === "qa15" ? "(B)" : q.answer;
}

const seen = new Map<string, number>();

/** The teacher: reasoning that cites the documents it was shown, then an answer by the script above. */
function teacher(req: ChatRequestInfo): Reply {
  const prompt = req.messages.at(-1)?.content ?? "";
  const asked = /# Question\n(.*)\n/.exec(`${prompt}\n`)?.[1] ?? "";
  const q = questions.find((x) => x.question === asked);
  if (!q) return { fault: { status: 400, message: `unknown question ${JSON.stringify(asked)}` } };
  const n = (seen.get(q.id) ?? 0) + 1;
  seen.set(q.id, n);
  const labels = (prompt.match(/\[Document \d+\]/g) ?? []).join(", ");
  const reasoning = `The question turns on what ${labels} say; weighing them step by step settles it.`;
  if (asked === NEVER_RIGHT || (asked === WRONG_FIRST && n === 1)) {
    return `<think>${WRONG_REASONING}</think>\n<answer>${q.options ? "C" : "yes"}</answer>`;
  }
  if (asked === MALFORMED_FIRST && n === 1) return `<think>${WRONG_REASONING}</think>`;
  return `<think>${reasoning}</think>\n<answer>${rightAnswer(q)}</answer>`;
}

let server: ChatServer;
beforeAll(async () => {
  server = await startChatServer({
    rules: [{ match: "# Retrieved documents", reply: teacher }],
    defaultReply: { fault: { status: 400, message: "unexpected prompt" } },
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const env = () => ({ OPENAI_BASE_URL: server.url, DATAFLOW_MODEL: "test-model" });
const run = (command: "run" | "rejects", ...args: string[]) =>
  runPipelineCommand(command, "rare-qa.yaml", { env: env(), cacheDir }, ...args);

interface TrlRecord {
  prompt: { role: string; content: string }[];
  completion: { role: string; content: string }[];
}

describe("pipelines/rare-qa.yaml end to end against the loopback server", () => {
  it("keeps only verified reasoning, exports it for TRL, rejects the unanswerable question with every sample, and reruns for free", async () => {
    const first = await run("run", "--output", output);
    console.log(`--- dataflow run pipelines/rare-qa.yaml ---\n${first.stdout}${first.stderr}`);
    expect(first.code, first.stderr).toBe(0);

    // 17 questions right at once, 2 after one bad sample, 1 never: 8 samples.
    expect(chatRequests(server)).toHaveLength(17 + 2 * 2 + 8);
    expect(first.stdout).toMatch(/distill: verified_share mean 0\.950,/);
    expect(first.stdout).toMatch(/distill: samples_per_kept_item mean 1\.105,/);
    expect(first.stdout).toMatch(/distill: rejected 1× no-correct-sample/);
    expect(first.stdout).toMatch(/distill: samples 29, samples_wrong 9, samples_without_answer 1/);
    expect(first.stdout).toMatch(/reconciled: yes/);

    const records = readJsonl(output) as unknown as TrlRecord[];
    expect(records).toHaveLength(19);
    const sent = new Map(
      chatRequests(server).map((r) => {
        const body = r.body as { messages: { content: string }[] };
        return [body.messages.at(-1)?.content ?? "", r] as const;
      }),
    );
    for (const record of records) {
      expect(validateExport("trl", record as never)).toEqual({ valid: true, errors: [] });
      expect(Object.keys(record).sort()).toEqual(["completion", "prompt"]);
      const prompt = record.prompt[0]?.content ?? "";
      // The student's prompt is exactly what the teacher saw: instruction, documents, question, options.
      expect(sent.has(prompt)).toBe(true);
      expect(prompt).toMatch(/^You are an expert in bicycle maintenance and repair\./);
      expect(prompt).toMatch(
        /# Retrieved documents\n\[Document 1\]\n[\s\S]+\[Document 3\]\n[\s\S]+# Question\n/,
      );
      const completion = record.completion[0]?.content ?? "";
      expect(completion).toMatch(
        /^<think>\nThe question turns on what \[Document 1\], \[Document 2\], \[Document 3\] say/,
      );
      expect(completion).toMatch(/\n<\/think>\n<answer>[^<]+<\/answer>$/);
      expect(completion).not.toContain(WRONG_REASONING);
    }
    const prompts = records.map((r) => r.prompt[0]?.content ?? "");
    expect(prompts.some((p) => p.includes(NEVER_RIGHT))).toBe(false);
    const mc = prompts.find((p) => p.includes(question("qa10"))) ?? "";
    expect(mc).toContain("# Options\nA. The high limit screw is too loose\nB. The cassette teeth");
    expect(mc).toContain("only the key of the one correct option");
    // BM25 put the cassette note among the documents for the cassette question.
    expect(mc).toContain("shark-fin profile");

    const listed = await run("rejects", "--json");
    expect(listed.code, listed.stderr).toBe(0);
    const rejects = listed.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { rowId: string; type: string; message: string; raw?: string });
    expect(rejects.map((r) => [r.rowId, r.type])).toEqual([["qa11", "no-correct-sample"]]);
    const answers = Array.from({ length: 8 }, (_, i) => `${i + 1}: "yes" (wrong)`).join("; ");
    expect(rejects[0]?.message).toBe(`none of 8 samples matched the gold answer "no"; answers: ${answers}`);
    for (let n = 1; n <= 8; n++) expect(rejects[0]?.raw).toContain(`=== sample ${n} of 8 (seed `);

    const before = chatRequests(server).length;
    const firstOutput = readFileSync(output, "utf8");
    const second = await run("run", "--output", output);
    expect(second.code, second.stderr).toBe(0);
    // Kept rows replay from the step cache; the rejected question is sampled again, all from the response cache.
    expect(chatRequests(server)).toHaveLength(before);
    expect(readFileSync(output, "utf8")).toBe(firstOutput);
    expect(second.stdout).toMatch(/distill: verified_share mean 0\.950,/);
  }, 120_000);
});
