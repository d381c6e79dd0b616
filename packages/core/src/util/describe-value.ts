/** How a wrong-typed cell reads in an error message ("got a number", "got nothing (is the column missing?)"). */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (is the column missing?)";
  if (value === null) return "null";
  if (typeof value === "string" && !value.trim()) return "an empty string";
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}
