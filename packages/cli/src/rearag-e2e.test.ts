import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ChatRequestInfo,
  type ChatServer,
  chatRequests,
  type Reply,
  startChatServer,
} from "@dataflow/llm-serving/testing";
import { OBSERVATION_SYSTEM_PROMPT, validateReaRagMessages } from "@dataflow/operators-rag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportAndValidate, PIPELINES, readJsonl, runPipelineCommand } from "./testdata/pipeline-run.js";

const tmp = mkdtempSync(join(tmpdir(), "dataflow-rearag-"));
const cacheDir = join(tmp, "cache");
const output = join(tmp, "rearag.jsonl");

const questions = readFileSync(join(PIPELINES, "data", "rearag-questions.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as { id: string; question: string; answer: string });
const goldOf = new Map(questions.map((q) => [q.question, q.answer]));
const byId = new Map(questions.map((q) => [q.id, q.question]));

// Scripted failures, by question id: a malformed action fixed on retry, one malformed for good, a
// runaway search loop that never finishes, and a final answer sharing no word with the gold one.
const FIXED_ON_RETRY = byId.get("q03") as string;
const MALFORMED = byId.get("q13") as string;
const RUNAWAY = byId.get("q08") as string;
const WRONG = byId.get("q11") as string;
const MAX_STEPS = 8;

const step = (n: number, thought: string, fn: "search" | "finish", key: string, value: string) =>
  `Thought ${n}: ${thought}\nAction ${n}: \n\`\`\`\n{'function': '${fn}', 'parameters': {'${key}': ${JSON.stringify(value)}}}\n\`\`\``;

/** The question a request is about: the first user turn of a step, or the question line of an answer call. */
function questionOf(req: ChatRequestInfo): string {
  const user = req.messages.find((m) => m.role === "user")?.content ?? "";
  return /^Question: (.*)\n/.exec(user)?.[1] ?? "";
}

const isAnswerCall = (req: ChatRequestInfo) => req.messages[0]?.content === OBSERVATION_SYSTEM_PROMPT;
const observations = (req: ChatRequestInfo) =>
  req.messages.filter((m) => m.role === "user" && /^Observation \d+:/.test(m.content)).length;
const isRetry = (req: ChatRequestInfo) => /\(retry \d+ of \d+\)/.test(req.messages.at(-1)?.content ?? "");

/** The teacher: search once with the question's words, then finish with the gold answer. */
function teacher(req: ChatRequestInfo): Reply {
  const question = questionOf(req);
  const n = observations(req) + 1;
  if (question === MALFORMED || (question === FIXED_ON_RETRY && n === 1 && !isRetry(req))) {
    return `Thought ${n}: I should look this up.\nAction ${n}: search for it in the notes`;
  }
  if (question === RUNAWAY)
    return step(n, "I need more detail.", "search", "query", `pinch flat detail ${n}`);
  if (n === 1) return step(1, "I need the relevant maintenance note.", "search", "query", question);
  const answer = question === WRONG ? "loosen every spoke" : (goldOf.get(question) ?? "unknown");
  return step(n, "The observation answers the question.", "finish", "answer", answer);
}

/** The observation model: the first sentence of the first passage it was given. */
function observationAnswer(req: ChatRequestInfo): string {
  const passage = /\[1\] ([^\n]+)/.exec(req.messages.at(-1)?.content ?? "")?.[1] ?? "";
  return passage.split(/(?<=\.)\s/)[0] || "The context does not contain the answer.";
}

let server: ChatServer;
beforeAll(async () => {
  server = await startChatServer({
    rules: [
      { match: isAnswerCall, reply: observationAnswer },
      {
        match: (req) => /^Question: /.test(req.messages.find((m) => m.role === "user")?.content ?? ""),
        reply: teacher,
      },
    ],
    defaultReply: { fault: { status: 400, message: "unexpected prompt" } },
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const env = () => ({ OPENAI_BASE_URL: server.url, DATAFLOW_MODEL: "test-model" });

const run = (command: "run" | "rejects", ...args: string[]) =>
  runPipelineCommand(command, "rearag.yaml", { env: env(), cacheDir }, ...args);

describe("pipelines/rearag.yaml end to end against the loopback server", () => {
  it("writes valid ReaRAG-20k trajectories, rejects malformed, runaway and wrong ones with transcripts, and reruns for free", async () => {
    const first = await run("run", "--output", output);
    console.log(`--- dataflow run pipelines/rearag.yaml ---\n${first.stdout}${first.stderr}`);
    expect(first.code, first.stderr).toBe(0);

    const rows = readJsonl(output);
    expect(rows.map((r) => r.id)).toEqual(
      questions.map((q) => q.id).filter((id) => !["q08", "q11", "q13"].includes(id)),
    );
    for (const row of rows) {
      const messages = row.messages as { role: string; content?: string; reasoning?: string }[];
      expect(validateReaRagMessages(messages, row.answer as string)).toEqual([]);
      expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "observation", "assistant"]);
      expect(messages[0]?.content).toBe(`Question: ${row.question}\n\nReasoning process with function call:`);
      expect(row.final_answer).toBe(row.answer);
      expect(row.answer_f1).toBe(1);
      // The observation is the answer model's sentence built from the retrieved notes.
      expect(messages[2]?.content?.length).toBeGreaterThan(20);
    }
    expect(first.stdout).toMatch(/trajectories: trajectory_steps mean 2/);
    expect(first.stdout).toMatch(/reconciled: yes/);

    // The runaway loop stopped at the step bound: 8 steps and an answer call for each of the 7 searches run.
    const sent = chatRequests(server).map((r) => JSON.stringify(r.body));
    const answerCall = JSON.stringify(OBSERVATION_SYSTEM_PROMPT);
    expect(sent.filter((b) => b.includes(RUNAWAY.slice(0, 40)))).toHaveLength(MAX_STEPS);
    expect(sent.filter((b) => b.includes("pinch flat detail") && b.includes(answerCall))).toHaveLength(
      MAX_STEPS - 1,
    );

    const listed = await run("rejects", "--json");
    expect(listed.code, listed.stderr).toBe(0);
    const rejects = listed.stdout;
    const byKind = Object.fromEntries(
      rejects
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { rowId: string; type: string; raw?: string })
        .map((r) => [r.rowId, r]),
    );
    expect(byKind.q08?.type).toBe("no-finish");
    expect(byKind.q11?.type).toBe("low-f1");
    expect(byKind.q13?.type).toBe("malformed-action");
    for (const id of ["q08", "q11", "q13"]) expect(byKind[id]?.raw).toMatch(/Thought 1:/);

    const requestsAfterFirst = chatRequests(server).length;
    const firstOutput = readFileSync(output, "utf8");
    const second = await run("run", "--output", output);
    expect(second.code, second.stderr).toBe(0);
    // Finished rows replay from the step cache; the rejected ones are retried, from the response cache.
    expect(chatRequests(server).length).toBe(requestsAfterFirst);
    expect(readFileSync(output, "utf8")).toBe(firstOutput);
  }, 120_000);

  it.each([
    ["export/rearag", "rearag"],
    ["export/sharegpt", "sharegpt"],
    ["export/openai-chat", "openai-chat"],
    ["export/trl", "trl"],
  ] as const)(
    "exports the trajectories with %s, every record valid",
    async (op, format) => {
      await exportAndValidate(output, join(tmp, `rearag.${format}.jsonl`), {
        cacheDir,
        op,
        format,
        from: "trajectory",
      });
    },
    60_000,
  );
});
