export interface SplitAnswer {
  /** The text before the answer section (all of it when no answer is marked), trimmed. */
  before: string;
  /** The marked answer, trimmed; undefined when none is marked or it is empty. */
  answer?: string;
}

// "Answer:", "Final answer:", "**Answer:**", "- **Final Answer**:" at the start of a line.
const LABEL =
  /^[ \t]*(?:[-*>]+[ \t]+)?(?:\*\*|__)?(?:final[ \t]+)?answer(?:\*\*|__)?[ \t]*[:：](?:\*\*|__)?[ \t]*/gim;
// A markdown heading that is only "Answer" / "Final answer", with the answer below it.
const HEADING = /^[ \t]*#{1,6}[ \t]*(?:\*\*)?(?:final[ \t]+)?answer(?:\*\*)?[ \t]*:?[ \t]*$/gim;
const TAGGED = /<answer>([\s\S]*?)<\/answer>/gi;

/**
 * Finds the answer a model marked at the end of its reasoning. An `<answer>…</answer>` block wins;
 * otherwise the last "Answer:" label or "# Answer" heading starting a line. Only the last marker
 * counts, so an "answer:" mentioned mid-reasoning does not cut the reasoning short.
 */
export function splitAnswer(text: string): SplitAnswer {
  const tagged = lastMatch(TAGGED, text);
  if (tagged) {
    const answer = (tagged[1] ?? "").trim();
    const before = (text.slice(0, tagged.index) + text.slice(tagged.index + tagged[0].length)).trim();
    return answer ? { before, answer } : { before };
  }
  const label = lastMatch(LABEL, text);
  const heading = lastMatch(HEADING, text);
  const marker = !label ? heading : !heading ? label : heading.index > label.index ? heading : label;
  if (!marker) return { before: text.trim() };
  const answer = text.slice(marker.index + marker[0].length).trim();
  const before = text.slice(0, marker.index).trim();
  return answer ? { before, answer } : { before };
}

function lastMatch(pattern: RegExp, text: string): RegExpExecArray | undefined {
  pattern.lastIndex = 0;
  let last: RegExpExecArray | undefined;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    last = m;
    if (m[0].length === 0) pattern.lastIndex++;
  }
  return last;
}
