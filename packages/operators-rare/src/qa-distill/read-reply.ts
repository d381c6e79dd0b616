import { splitAnswer } from "../split-answer.js";

/** The tags around the reasoning and the final answer in a reply. */
export interface ReplyTags {
  think: string;
  answer: string;
}

/** A sample's reply read back: the reasoning and the final answer, or why it has none. */
export interface ReadReply {
  reasoning: string;
  /** The final answer; undefined when the reply marks none. */
  answer?: string;
  /** The answer came from an "Answer:" line, not from the answer tag. */
  untagged?: boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `<tag>…</tag>` blocks, and an opening tag never closed (a reply cut off), which runs to the end. */
function blocks(tag: string): RegExp {
  const t = escapeRegExp(tag);
  return new RegExp(`<${t}>([\\s\\S]*?)(?:</${t}>|$)`, "gi");
}

/**
 * Reads a reply in the verified-mode form: the reasoning from the serving's split-off `<think>`
 * (or `reasoning_content`), any `<think>` blocks still in the text (a custom tag, which the
 * serving does not split) and the text before the answer; the answer from the last non-empty
 * answer block, or — when `untagged` allows — from a final "Answer:" line.
 */
export function readReply(
  result: { text: string; reasoning?: string },
  tags: ReplyTags,
  untagged: boolean,
): ReadReply {
  const thoughts: string[] = result.reasoning?.trim() ? [result.reasoning.trim()] : [];
  const answers = [...result.text.matchAll(blocks(tags.answer))];
  const last = answers.findLast((m) => (m[1] ?? "").trim().length > 0);
  // Only what comes before the answer is reasoning: anything after it is not what the answer rests on.
  let before = last ? result.text.slice(0, last.index) : result.text;
  before = before.replace(blocks(tags.answer), "");
  before = before.replace(blocks(tags.think), (_, inner: string) => {
    if (inner.trim()) thoughts.push(inner.trim());
    return "\n";
  });
  if (last) {
    const reasoning = [...thoughts, before.trim()].filter(Boolean).join("\n\n");
    return { reasoning, answer: (last[1] ?? "").trim() };
  }
  if (untagged) {
    const split = splitAnswer(before);
    const reasoning = [...thoughts, split.before].filter(Boolean).join("\n\n");
    if (split.answer !== undefined) return { reasoning, answer: split.answer, untagged: true };
    return { reasoning };
  }
  return { reasoning: [...thoughts, before.trim()].filter(Boolean).join("\n\n") };
}
