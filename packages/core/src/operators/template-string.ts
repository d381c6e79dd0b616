import { RowError } from "../contracts/errors.js";

/**
 * `{{column}}` templates, shared by core/template and prompt-building operators.
 *
 * Syntax: `{{ name }}` is replaced by the value of column `name` (whitespace
 * inside the braces is ignored; the name may hold any character but braces).
 * `\{{` writes a literal `{{`; no other backslash is special, so a backslash
 * cannot come right before a placeholder. A lone `}}` is literal text.
 */
export type TemplatePart = { readonly text: string } | { readonly column: string };

export class TemplateSyntaxError extends Error {
  override readonly name = "TemplateSyntaxError";
  /** 0-based offset of the problem in the template. */
  readonly offset: number;

  constructor(message: string, template: string, offset: number) {
    const before = template.slice(0, offset);
    const line = before.split("\n").length;
    const column = offset - before.lastIndexOf("\n");
    super(`template: ${message} at line ${line}, column ${column}`);
    this.offset = offset;
  }
}

/** Split a template into literal text and placeholders; throws TemplateSyntaxError. */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = "";
  let i = 0;
  while (i < template.length) {
    if (template.startsWith("\\{{", i)) {
      text += "{{";
      i += 3;
      continue;
    }
    if (!template.startsWith("{{", i)) {
      text += template[i];
      i++;
      continue;
    }
    const close = template.indexOf("}}", i + 2);
    if (close === -1)
      throw new TemplateSyntaxError(
        '"{{" is never closed by "}}" (write \\{{ for a literal {{)',
        template,
        i,
      );
    const name = template.slice(i + 2, close).trim();
    if (name === "") throw new TemplateSyntaxError("empty placeholder {{}}", template, i);
    if (/[{}]/.test(name)) {
      throw new TemplateSyntaxError(`placeholder name ${JSON.stringify(name)} contains a brace`, template, i);
    }
    if (text) parts.push({ text });
    text = "";
    parts.push({ column: name });
    i = close + 2;
  }
  if (text) parts.push({ text });
  return parts;
}

/** Distinct placeholder columns, in order of first appearance. */
export function templateColumns(template: string | readonly TemplatePart[]): string[] {
  const parts = typeof template === "string" ? parseTemplate(template) : template;
  const columns: string[] = [];
  for (const part of parts) {
    if ("column" in part && !columns.includes(part.column)) columns.push(part.column);
  }
  return columns;
}

/** Strings as-is, null as "", numbers and booleans via String, objects and arrays as JSON. */
export function formatTemplateValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * Fill a template from `values` (a row, or port values). A placeholder whose
 * column is absent is a RowError("bad-input"), so the row is rejected.
 */
export function renderTemplate(
  template: string | readonly TemplatePart[],
  values: Record<string, unknown>,
): string {
  const parts = typeof template === "string" ? parseTemplate(template) : template;
  let out = "";
  for (const part of parts) {
    if ("text" in part) {
      out += part.text;
      continue;
    }
    if (!Object.hasOwn(values, part.column))
      throw new RowError("bad-input", `column "${part.column}" is missing`);
    out += formatTemplateValue(values[part.column]);
  }
  return out;
}
