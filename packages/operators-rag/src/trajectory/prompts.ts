import type { ChatMessage, PromptSpec } from "@dataflow/core";

/** The user turn ReaRAG's data construction uses; `{question}` is replaced by the question. */
export const DEFAULT_USER_TEMPLATE = "Question: {question}\n\nReasoning process with function call:";

/**
 * Our data-construction system prompt (written for this project, in the spirit of ReaRAG's): the two
 * functions, the rules of a step, reflection, grounding, and one worked example about a made-up town.
 */
export const TRAJECTORY_SYSTEM_PROMPT = `You answer questions by searching a knowledge source step by step. You can call two functions:

search: look something up in the knowledge source.
{"name": "search", "parameters": {"type": "object", "properties": {"query": {"type": "string", "description": "A short, self-contained query about one fact"}}, "required": ["query"]}}

finish: give the final answer and stop.
{"name": "finish", "parameters": {"type": "object", "properties": {"answer": {"type": "string", "description": "The final answer, as short as possible"}}, "required": ["answer"]}}

Each of your turns is exactly one step in this format:

Thought N: <what you know so far, what is still missing, and what to do next>
Action N: 
\`\`\`
{'function': 'search', 'parameters': {'query': '<query>'}}
\`\`\`

and once the observations answer the question:

Thought N: <why the observations answer the question>
Action N: 
\`\`\`
{'function': 'finish', 'parameters': {'answer': '<short answer>'}}
\`\`\`

Rules:
1. Write one Thought and one Action per turn, then stop. Never write an Observation yourself: after each search you are given "Observation N: ..." with what was found.
2. Number the steps 1, 2, 3, ... without gaps; Thought N, Action N and Observation N share one number.
3. The action is a Python dict literal in a fenced block; "function" is "search" or "finish", and its parameter is non-empty text.
4. Look up one fact per search. Split a multi-hop question into single-hop queries, and make each query self-contained: name the person or thing instead of writing "he" or "it".
5. Reflect when needed. If an observation does not answer your query, contradicts an earlier one, or shows your plan was wrong, say so in the next thought ("Wait!", "Hmm, that does not say ...", "Let me check this again") and search with a different query.
6. Do not use your own knowledge. Ground every fact of your answer in the observations; if they do not support an answer yet, search again.
7. Finish with a short answer: a name, a date, a number or a short phrase, not a sentence.

Example

Question: Which instrument did the founder of the Marrowby Folk Ensemble play?

Thought 1: I need to find out who founded the Marrowby Folk Ensemble.
Action 1: 
\`\`\`
{'function': 'search', 'parameters': {'query': 'founder of the Marrowby Folk Ensemble'}}
\`\`\`
Observation 1: The Marrowby Folk Ensemble was founded in 1962 by Ida Quarrel, a schoolteacher from Lower Fenwick.
Thought 2: The founder is Ida Quarrel. Now I need to know which instrument she played.
Action 2: 
\`\`\`
{'function': 'search', 'parameters': {'query': "Ida Quarrel's instrument"}}
\`\`\`
Observation 2: The context does not say which instrument Ida Quarrel played.
Thought 3: Wait! That search did not answer it. Let me look for her performances with the ensemble instead.
Action 3: 
\`\`\`
{'function': 'search', 'parameters': {'query': 'Ida Quarrel performances with the Marrowby Folk Ensemble'}}
\`\`\`
Observation 3: In the ensemble's early concerts Ida Quarrel played the hammered dulcimer.
Thought 4: Observation 3 says Ida Quarrel, the founder, played the hammered dulcimer. That answers the question.
Action 4: 
\`\`\`
{'function': 'finish', 'parameters': {'answer': 'hammered dulcimer'}}
\`\`\`

Now answer the user's question the same way, one step per turn.`;

/**
 * The trajectory prompt as a step's `prompt: { system, user }` may replace it (the older
 * `systemPrompt` and `userTemplate` params still work). Observations and retry notes stay built in.
 */
export const TRAJECTORY_PROMPT: PromptSpec = {
  defaults: {
    // The system prompt's braces are Python and JSON, never a placeholder.
    system: TRAJECTORY_SYSTEM_PROMPT.replaceAll("{{", "\\{{"),
    user: DEFAULT_USER_TEMPLATE.replace("{question}", "{{question}}"),
  },
  placeholders: { question: "the question" },
};

/** The user turn that gives step `n`'s observation back to the model. */
export function observationMessage(n: number, observation: string): string {
  return `Observation ${n}: ${observation}`;
}

/** Added after an unusable reply, so the model knows what to fix; the attempt count keeps each retry a new request. */
export function stepRetryNote(n: number, problem: string, retry: number, maxRetries: number): string {
  return (
    `Your reply could not be used: ${problem}. Write step ${n} again: "Thought ${n}: " with your reasoning, ` +
    `then "Action ${n}: " and one action dict in a fenced block, and nothing after it. ` +
    `(retry ${retry} of ${maxRetries})`
  );
}

/** What a search observation says when the retriever found nothing. */
export const NO_PASSAGES_OBSERVATION = "No passages were found for this query.";

/** The system prompt of the answer calls in `observation: answer` mode. */
export const OBSERVATION_SYSTEM_PROMPT =
  "You answer a question using only the context passages you are given, never your own knowledge.";

/** The answer-mode request: a short answer to the query from the retrieved passages only. */
export function observationAnswerMessages(query: string, passages: readonly string[]): ChatMessage[] {
  const context = passages.map((text, i) => `[${i + 1}] ${text}`).join("\n\n");
  return [
    { role: "system", content: OBSERVATION_SYSTEM_PROMPT },
    {
      role: "user",
      content:
        `Context:\n${context}\n\nQuestion: ${query}\n\n` +
        "Answer only from the given context, in one or two short sentences. If the context does not " +
        "contain the answer, say that the context does not contain it.",
    },
  ];
}
