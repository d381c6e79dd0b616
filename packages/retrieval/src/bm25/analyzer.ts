import lunr from "lunr";

/**
 * English text analysis with lunr's text pipeline, shared by documents and queries (lunr's own search
 * pipeline has no trimmer, which is why `jury?` finds nothing there; here both sides are identical).
 *
 * Steps, each lunr's own code:
 * 1. lunr.tokenizer's rule: lower-case the whole text, split on `lunr.tokenizer.separator`
 *    (whitespace and `-`), drop empty pieces. Applied with String#split, which yields exactly the
 *    tokens of `lunr.tokenizer` (asserted by a test) at a third of its cost: lunr's version runs a
 *    regex per character and builds a metadata object per token.
 * 2. Per token: `lunr.trimmer` (strip non-word characters at both ends), `lunr.stopWordFilter` (lunr's
 *    119 English stop words), `lunr.stemmer` (Porter), run through a `lunr.Pipeline`.
 *
 * Deliberate differences from lunr's default index pipeline, all so that both engines can agree:
 * - `*` is also a separator: lunr's TokenSet treats `*` inside any term as a wildcard, so a term
 *   containing it could never be looked up literally in a lunr index.
 * - Tokens the trimmer empties (`—`, `?`, `...`) are dropped; lunr would index them as the term "".
 * - Raw tokens longer than 256 characters (URLs, base64, separator lines) are dropped: no word is that
 *   long, and the trimmer's end-anchored regex can go quadratic on such tokens.
 *
 * Step 2 depends only on the token, so it is memoised; with Zipfian text nearly every token is a hit,
 * which is what makes analysis of 1M passages take seconds rather than minutes.
 */
export class Analyzer {
  private readonly pipeline: lunr.Pipeline;
  // token -> its term ("" when the pipeline drops it), or its terms if a pipeline ever splits one.
  private readonly memo = new Map<string, string | readonly string[]>();
  private readonly memoLimit: number;

  constructor(options: { readonly memoSize?: number } = {}) {
    this.memoLimit = Math.max(0, options.memoSize ?? 200_000);
    this.pipeline = new lunr.Pipeline();
    this.pipeline.add(lunr.trimmer, lunr.stopWordFilter, lunr.stemmer);
  }

  /** The index terms of `text`, in order, with repeats. Never throws; non-strings analyse as "". */
  analyze(text: string): string[] {
    const terms: string[] = [];
    this.forEachTerm(text, (term) => {
      terms.push(term);
    });
    return terms;
  }

  /** Like `analyze` without building the array. */
  forEachTerm(text: string, visit: (term: string) => void): void {
    const source = asText(text);
    if (source.length === 0) return;
    let lower = source.toLowerCase();
    if (lower.includes("*")) lower = lower.replaceAll("*", " ");
    for (const token of lower.split(lunr.tokenizer.separator)) {
      if (token.length === 0 || token.length > MAX_TOKEN_CHARS) continue;
      const terms = this.memo.get(token) ?? this.termsOf(token);
      if (typeof terms === "string") {
        if (terms.length > 0) visit(terms);
      } else {
        for (const term of terms) visit(term);
      }
    }
  }

  private termsOf(token: string): string | readonly string[] {
    const terms = this.pipeline.runString(token).filter((t) => t.length > 0);
    const value = terms.length <= 1 ? (terms[0] ?? "") : terms;
    if (this.memoLimit > 0 && token.length <= MAX_MEMO_KEY_CHARS) {
      // Clearing when full is crude but cheap; the Zipf head refills within a few documents.
      if (this.memo.size >= this.memoLimit) this.memo.clear();
      this.memo.set(token, value);
    }
    return value;
  }
}

const MAX_TOKEN_CHARS = 256;
const MAX_MEMO_KEY_CHARS = 48;

function asText(text: unknown): string {
  if (typeof text === "string") return text;
  if (text === null || text === undefined) return "";
  try {
    return String(text);
  } catch {
    return "";
  }
}

let shared: Analyzer | undefined;

/** The process-wide default analyzer (its memo is bounded). */
export function defaultAnalyzer(): Analyzer {
  shared ??= new Analyzer();
  return shared;
}

/** Analyses `text` with the default analyzer. */
export function analyze(text: string): string[] {
  return defaultAnalyzer().analyze(text);
}
