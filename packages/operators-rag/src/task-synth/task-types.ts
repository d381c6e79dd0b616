/**
 * The RAG scenarios task synthesis draws from. RAG-Tuning's point is breadth: a model tuned only on
 * knowledge QA overfits to it, so each row draws one of these task types (and an answer format),
 * and the teacher writes a query + gold answer of that kind.
 */
export const TASK_TYPES = [
  "factoid-qa",
  "multi-hop-qa",
  "comparison",
  "summarisation",
  "extraction",
  "fact-verification",
  "open-ended-advice",
  "unanswerable",
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const ANSWER_FORMATS = ["short", "list", "table", "json", "long-form"] as const;
export type AnswerFormat = (typeof ANSWER_FORMATS)[number];

export interface TaskTypeInfo {
  /** One line: what the task is. */
  definition: string;
  /** How to write the query and the answer for this task. */
  guidance: readonly string[];
  /** Documents the task needs: 2 for tasks that combine or contrast two sources. */
  documents: 1 | 2;
  /**
   * Answer formats that fit the task, the natural one first. Empty: the answer has a fixed shape
   * of its own (a verdict, a refusal) and no format is drawn.
   */
  formats: readonly AnswerFormat[];
}

export const TASK_TYPE_INFO: Readonly<Record<TaskType, TaskTypeInfo>> = {
  "factoid-qa": {
    definition: "a question with a short, precise answer stated in the documents",
    guidance: [
      "Ask about one specific fact (a quantity, a name, a date, a cause, a definition) that the documents state.",
      "The answer gives the fact directly, then at most one sentence of supporting detail.",
    ],
    documents: 1,
    formats: ["short", "list"],
  },
  "multi-hop-qa": {
    definition: "a question whose answer needs one fact from each of the two documents, combined",
    guidance: [
      "Find a link between the two documents (a shared entity, a cause in one and its effect in the other, " +
        "a value in one that is used by a rule in the other) and ask a question that can only be answered " +
        "by combining a fact from each.",
      "Neither document alone may answer the question.",
      "The answer states the result and briefly shows both steps that lead to it.",
    ],
    documents: 2,
    formats: ["short", "long-form"],
  },
  comparison: {
    definition: "a question that contrasts two things, one described in each document",
    guidance: [
      "Pick one thing (a method, a product, an organism, an event, a policy) from each document that can " +
        "meaningfully be compared, and ask how they differ or which is better for a stated purpose.",
      "The answer compares them along the dimensions the documents support and ends with the key difference.",
    ],
    documents: 2,
    formats: ["long-form", "table", "list"],
  },
  summarisation: {
    definition: "a request to summarise what the documents say about a named subject",
    guidance: [
      "Ask for a summary of a subject you name explicitly (for example 'Summarise how beekeepers prevent " +
        "swarming'), never for a summary of 'the document' or 'the text'.",
      "The answer is a faithful, concise summary: main points only, nothing the documents do not say.",
    ],
    documents: 1,
    formats: ["long-form", "list"],
  },
  extraction: {
    definition: "a request to pull structured information out of the documents",
    guidance: [
      "Ask for every item of a named kind (dates and events, dosages, parts and their functions, people " +
        "and their roles) that the documents mention about a named subject, and say what structure you want.",
      "The answer is the structured result only: complete, in document order, no commentary.",
    ],
    documents: 1,
    formats: ["list", "json", "table"],
  },
  "fact-verification": {
    definition: "a claim to check against the documents, answered supported or refuted with a justification",
    guidance: [
      "Write one specific, checkable claim about the subject matter, phrased as a request to verify it " +
        "(for example 'Is it true that …?' or 'Verify the claim: …').",
      "The answer starts with the verdict, the single word 'Supported' or 'Refuted', followed by a short " +
        "justification that cites the relevant facts.",
    ],
    documents: 1,
    formats: [],
  },
  "open-ended-advice": {
    definition: "a person's situation and a request for advice that the documents' knowledge can ground",
    guidance: [
      "Describe a realistic situation in the first person (who is asking, what they face, what they want) " +
        "and ask what they should do.",
      "The answer gives practical, grounded advice: recommendations with the reasons from the documents' " +
        "knowledge, and the caveats that matter.",
    ],
    documents: 1,
    formats: ["long-form", "list"],
  },
  unanswerable: {
    definition: "a plausible question on the documents' topic that the documents do NOT answer",
    guidance: [
      "Ask something a reader of this topic would naturally ask next but that the documents do not answer " +
        "(a detail, number, date or consequence they never give). It must be plausible, not absurd, and must " +
        "not be answerable from the documents by inference either.",
      "The answer says plainly that the information is not available in the provided documents, and may " +
        "add in one sentence what related information they do give. It never guesses the missing fact.",
    ],
    documents: 1,
    formats: [],
  },
};

export const ANSWER_FORMAT_INFO: Readonly<Record<AnswerFormat, string>> = {
  short: "a short answer: one phrase or one or two sentences",
  list: "a bulleted list, one item per line starting with '- '",
  table: "a Markdown table with a header row",
  json: "a JSON value (an object or an array of objects) with clear field names",
  "long-form": "a well-organised answer of one to three paragraphs",
};

/** The default task mix: knowledge QA is the plurality, every other scenario is well represented. */
export const DEFAULT_TASK_MIX: Readonly<Record<TaskType, number>> = {
  "factoid-qa": 0.2,
  "multi-hop-qa": 0.15,
  comparison: 0.1,
  summarisation: 0.1,
  extraction: 0.1,
  "fact-verification": 0.15,
  "open-ended-advice": 0.1,
  unanswerable: 0.1,
};
