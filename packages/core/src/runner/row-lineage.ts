/**
 * Which row a row came from, by id. A row an operator makes from an input row gets the input's id
 * plus a suffix (`.0`, `#3`: see childRowId and rows()' idSuffixes), and suffixes start with a
 * character that is not a letter or digit; so `5#10` comes from `5`, but not from `5#1`, and `12`
 * not from `1`.
 */
export function derivesFrom(id: string, ancestor: string): boolean {
  return id === ancestor || (id.startsWith(ancestor) && isSeparator(id.charCodeAt(ancestor.length)));
}

/** `id` and every id it may have come from, longest first: `a.0#2` → `a.0#2`, `a.0`, `a`. */
export function idLineage(id: string): string[] {
  const out = [id];
  for (let i = id.length - 1; i > 0; i--) if (isSeparator(id.charCodeAt(i))) out.push(id.slice(0, i));
  return out;
}

function isSeparator(code: number): boolean {
  const digit = code >= 48 && code <= 57;
  const letter = (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return !Number.isNaN(code) && !digit && !letter;
}
