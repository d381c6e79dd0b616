import type { OpenAIServing } from "@dataflow/llm-serving";
import {
  type ChatRequestInfo,
  type ChatServer,
  chatRequests,
  openAITestServing,
  type Reply,
  startChatServer,
} from "@dataflow/llm-serving/testing";
import { Bm25Retriever } from "@dataflow/retrieval";
import { OBSERVATION_SYSTEM_PROMPT } from "../prompts.js";

/** A small made-up corpus: the loom, its inventor, her town, the town's river, and a distractor. */
export const PASSAGES = {
  ids: ["calloway", "pell", "brindlemoor", "osk", "hadley"],
  texts: [
    "The Calloway loom was invented in 1784 by Agnes Pell, the daughter of a weaver.",
    "Agnes Pell was born in Brindlemoor, a market town in the northern dales, and later moved to the coast.",
    "Brindlemoor lies on the banks of the river Osk, whose current once drove its fulling mills.",
    "The river Osk rises in the Tarn Hills and reaches the sea at Kelport.",
    "The Hadley spinning frame was patented in 1791 and spread quickly through the cotton mills.",
  ],
};

export const QUESTION = "In which town was the inventor of the Calloway loom born?";

export const STEP_1 =
  "Thought 1: I need to find out who invented the Calloway loom.\nAction 1: \n```\n" +
  "{'function': 'search', 'parameters': {'query': 'inventor of the Calloway loom'}}\n```";
export const STEP_2 =
  "Thought 2: Agnes Pell invented the loom. Now I need to know where she was born.\nAction 2: \n```\n" +
  `{'function': 'search', 'parameters': {'query': "Agnes Pell's birthplace"}}\n\`\`\``;
export const STEP_3 =
  "Thought 3: Agnes Pell was born in Brindlemoor, so that is the answer.\nAction 3: \n```\n" +
  "{'function': 'finish', 'parameters': {'answer': 'Brindlemoor'}}\n```";

/** The answer model's observations, by query. */
export const ANSWERS: Record<string, string> = {
  "inventor of the Calloway loom": "Agnes Pell invented the Calloway loom in 1784.",
  "Agnes Pell's birthplace": "Agnes Pell was born in Brindlemoor.",
};

export function retriever(): Bm25Retriever {
  return new Bm25Retriever({ name: "wiki", corpus: PASSAGES });
}

/** Whether a request is an answer-mode observation call rather than a teacher step. */
export function isAnswerCall(req: ChatRequestInfo): boolean {
  return req.messages[0]?.content === OBSERVATION_SYSTEM_PROMPT;
}

/** How many observations the teacher has been given so far: the step it is asked for, less one. */
export function observationsSoFar(req: ChatRequestInfo): number {
  return req.messages.filter((m) => m.role === "user" && /^Observation \d+:/.test(m.content)).length;
}

/** A step request for step `n` (matches retries of that step too). */
export function atStep(n: number): (req: ChatRequestInfo) => boolean {
  return (req) => !isAnswerCall(req) && observationsSoFar(req) === n - 1;
}

/** The query of an answer-mode call, read back from its prompt. */
export function answerQuery(req: ChatRequestInfo): string {
  const user = req.messages.find((m) => m.role === "user")?.content ?? "";
  return /\n\nQuestion: (.*)\n\n/.exec(user)?.[1] ?? "";
}

/** The default script: teacher steps by how far the conversation got, answers by query. */
export function teacher(steps: readonly string[] | ((n: number) => Reply) = [STEP_1, STEP_2, STEP_3]) {
  return (req: ChatRequestInfo): Reply => {
    if (isAnswerCall(req)) return ANSWERS[answerQuery(req)] ?? "The context does not contain the answer.";
    const n = observationsSoFar(req) + 1;
    return typeof steps === "function" ? steps(n) : (steps[n - 1] ?? "Thought: I am lost.");
  };
}

/** A real OpenAI serving against the loopback chat server, optionally with a response cache. */
export function openaiServing(server: ChatServer, cacheDir?: string): OpenAIServing {
  return openAITestServing(server, cacheDir ? { cacheDir } : {});
}

export { chatRequests, startChatServer };

/** The messages of a request body the server recorded. */
export function bodyMessages(body: unknown): { role: string; content: string }[] {
  return (body as { messages?: { role: string; content: string }[] }).messages ?? [];
}
