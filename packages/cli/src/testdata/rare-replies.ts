import { type ChatRequestInfo, type ChatServer, type ReplyRule, startChatServer } from "@dataflow/llm-serving/testing";

/** Doc2Query: a problem built from the document's opening sentence, so BM25 has real terms to match. */
export function doc2queryReply(req: ChatRequestInfo): string {
  const prompt = req.messages.at(-1)?.content ?? "";
  const doc = /<reference_material>\n([\s\S]*?)\n<\/reference_material>/.exec(prompt)?.[1] ?? "";
  const opening = (doc.split(/(?<=\.)\s/)[0] ?? doc).replace(/\.$/, "");
  return [
    "<think>The field is bicycle repair; the core idea is in the opening sentence.</think>",
    "```json",
    JSON.stringify({
      scenario: `A workshop mechanic is called over by a customer. What the customer describes comes down to this: ${opening}.`,
      question: `How should the mechanic diagnose the fault and decide what to adjust or replace, given that ${opening.toLowerCase()}?`,
    }),
    "```",
  ].join("\n");
}

/** ReasonDistill: reasoning that names the documents it was shown, then a marked answer. */
export function distillReply(req: ChatRequestInfo): string {
  const prompt = req.messages.at(-1)?.content ?? "";
  const labels = prompt.match(/\[Document \d+\]/g) ?? [];
  return [
    "<think>First pin down the essential problem, then weigh each document.</think>",
    `The essential problem is a diagnosis under uncertainty. ${labels.map((l) => `${l} was weighed.`).join(" ")}`,
    "Step by step: rule out the distractors, then apply the relevant principle.",
    "",
    "Answer: inspect, measure, then adjust before replacing parts.",
  ].join("\n");
}

/**
 * The judge (1–5) passes every question but bike-01's, which it grades as recall, not reasoning, so the
 * judge step's filter shows in the output and the summary.
 */
export function judgeReply(req: ChatRequestInfo): string {
  const prompt = req.messages.at(-1)?.content ?? "";
  const recall = prompt.includes("Rim brake pads are blocks of rubber compound");
  return JSON.stringify({
    reason: recall ? "Recall of a wear limit." : "A diagnosis that weighs causes.",
    scores: { self_contained: 5, needs_reasoning: recall ? 2 : 5, answerable_from_document: 5, no_source_reference: 5 },
  });
}

/** The loopback server's rules for pipelines/rare.yaml's three prompts. */
export const RARE_RULES: ReplyRule[] = [
  { match: "<reference_material>", reply: doc2queryReply },
  { match: "# Retrieved documents", reply: distillReply },
  { match: "Score each criterion", reply: judgeReply },
];

/** A loopback server answering pipelines/rare.yaml's prompts with the scripted replies above; `first` rules win. */
export function startRareServer(first: ReplyRule[] = []): Promise<ChatServer> {
  return startChatServer({
    rules: [...first, ...RARE_RULES],
    defaultReply: { fault: { status: 400, message: "unexpected prompt" } },
  });
}
