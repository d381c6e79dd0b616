/** Escape text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A number for people: whole numbers as they are, others to 3 significant-ish digits. */
export function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 3);
}

/** A table with a header row; cells are escaped, numbers right-aligned. */
export function htmlTable(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c) => (typeof c === "number" ? `<td class="n">${fmt(c)}</td>` : `<td>${escapeHtml(c)}</td>`)).join("")}</tr>`,
    )
    .join("\n");
  return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}
