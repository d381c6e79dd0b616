export interface SplitReasoning {
  /** The answer with every reasoning block removed. */
  answer: string;
  /** The reasoning, from `reasoning_content` and `<think>` blocks in that order; absent when there was none. */
  reasoning?: string;
}

const OPEN = /<think>/i;
const CLOSE = /<\/think>/i;
const OPEN_LEN = "<think>".length;
const CLOSE_LEN = "</think>".length;

/**
 * Separates a reasoning model's thinking from its answer.
 *
 * - `<think>…</think>` blocks anywhere in the text are reasoning;
 * - an opening `<think>` that never closes makes the rest of the text reasoning
 *   (the model was cut off while thinking, so there is no answer after it);
 * - a `</think>` with no opening before it makes everything before it reasoning,
 *   as DeepSeek-R1 distills emit when the chat template already opened the block;
 * - `reasoningContent` (the `reasoning_content` field servers such as vLLM and
 *   DeepSeek return) is merged in front.
 *
 * The answer is trimmed only when a block was removed, so plain text is returned untouched.
 */
export function splitReasoning(text: string, reasoningContent?: string | null): SplitReasoning {
  const parts: string[] = [];
  if (reasoningContent) parts.push(reasoningContent);

  let rest = text;
  let found = false;
  const firstClose = rest.search(CLOSE);
  const firstOpen = rest.search(OPEN);
  if (firstClose !== -1 && (firstOpen === -1 || firstClose < firstOpen)) {
    parts.push(rest.slice(0, firstClose));
    rest = rest.slice(firstClose + CLOSE_LEN);
    found = true;
  }

  let answer = "";
  for (;;) {
    const open = rest.search(OPEN);
    if (open === -1) {
      answer += rest;
      break;
    }
    found = true;
    answer += rest.slice(0, open);
    const inner = rest.slice(open + OPEN_LEN);
    const close = inner.search(CLOSE);
    if (close === -1) {
      parts.push(inner);
      break;
    }
    parts.push(inner.slice(0, close));
    rest = inner.slice(close + CLOSE_LEN);
  }

  const reasoning = parts
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .join("\n\n");
  const result: SplitReasoning = { answer: found ? answer.trim() : answer };
  if (reasoning) result.reasoning = reasoning;
  return result;
}
