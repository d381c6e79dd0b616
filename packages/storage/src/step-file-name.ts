/**
 * File names for step ids, and back. A step id comes from the pipeline file,
 * so it may hold characters a file name cannot ("/", ":") or should not (a
 * leading "."). Letters, digits, "_", "-" and (not first) "." are kept;
 * anything else is percent-encoded as UTF-8 ("a/b" → "a%2Fb"), so distinct ids
 * give distinct names and a name maps back to exactly one id. (On a
 * case-insensitive file system ids differing only in case share a file.)
 */
export function stepFileName(stepId: string): string {
  if (stepId === "") throw new Error("a step id cannot be empty");
  let out = "";
  for (const char of stepId) {
    if (/^[A-Za-z0-9_-]$/.test(char) || (char === "." && out !== "")) out += char;
    else
      for (const byte of Buffer.from(char, "utf8"))
        out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return `${out}.jsonl`;
}

/** The step id a file name was made from, or undefined for a name stepFileName does not make. */
export function stepIdFromFileName(name: string): string | undefined {
  if (!name.endsWith(".jsonl")) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(name.slice(0, -".jsonl".length));
  } catch {
    return undefined;
  }
  return id !== "" && stepFileName(id) === name ? id : undefined;
}
