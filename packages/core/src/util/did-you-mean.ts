/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

/** Up to `max` candidates close to `name`, nearest first. */
export function suggest(name: string, candidates: Iterable<string>, max = 3): string[] {
  const lower = name.toLowerCase();
  const scored: { c: string; d: number }[] = [];
  for (const c of candidates) {
    const cl = c.toLowerCase();
    let d = editDistance(lower, cl);
    // A candidate containing the name (or its last segment) is close even when long.
    const tail = cl.slice(cl.lastIndexOf("/") + 1);
    if (cl.includes(lower) || lower.includes(tail) || tail.includes(lower)) d = Math.min(d, 1);
    if (d <= Math.max(2, Math.floor(name.length / 3))) scored.push({ c, d });
  }
  return scored
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, max)
    .map((s) => s.c);
}

export function didYouMean(name: string, candidates: Iterable<string>): string {
  const close = suggest(name, candidates);
  return close.length ? `did you mean ${close.map((c) => `"${c}"`).join(" or ")}?` : "";
}
