/**
 * The first heading of a Markdown text: an ATX heading ("## Brakes", closing hashes dropped) or a
 * setext one (a line underlined with === or ---), outside fenced code blocks and YAML front matter.
 */
export function markdownTitle(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  let i = 0;
  if (lines[0]?.trim() === "---") {
    const end = lines.findIndex((l, j) => j > 0 && (l.trim() === "---" || l.trim() === "..."));
    if (end > 0) i = end + 1;
  }
  let fence: string | undefined;
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker) {
      if (fence === undefined) fence = marker[0];
      else if (marker[0] === fence) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const atx = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line)?.[1];
    if (atx) return atx;
    const next = lines[i + 1];
    if (
      line.trim() &&
      next !== undefined &&
      /^ {0,3}(=+|-+)[ \t]*$/.test(next) &&
      !/^ {0,3}[-*+] /.test(line)
    )
      return line.trim();
  }
  return undefined;
}
