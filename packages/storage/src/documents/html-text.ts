import { createRequire } from "node:module";
import type { FormatCallback, SelectorDefinition } from "html-to-text";

// Loaded on the first HTML page (its CommonJS build, synchronously): the parser and its selector
// engine cost ~20 ms of every start-up otherwise, `dataflow validate` included.
const require = createRequire(import.meta.url);

/** Headings become Markdown headings ("## Tools"), so chunkers can split on them as in Markdown. */
const heading: FormatCallback = (elem, walk, builder, options) => {
  const level = Number(elem.name?.slice(1)) || 1;
  builder.openBlock({ leadingLineBreaks: options.leadingLineBreaks ?? 2 });
  builder.addInline(`${"#".repeat(level)} `);
  walk(elem.children, builder);
  builder.closeBlock({ trailingLineBreaks: options.trailingLineBreaks ?? 2 });
};

const skipped = [
  "nav",
  "aside",
  "footer",
  "script",
  "style",
  "noscript",
  "template",
  "svg",
  "iframe",
  "form",
  "img",
];

const selectors: SelectorDefinition[] = [
  ...skipped.map((selector) => ({ selector, format: "skip" })),
  ...[1, 2, 3, 4, 5, 6].map((n) => ({ selector: `h${n}`, format: "mdHeading" })),
  { selector: "a", options: { ignoreHref: true } },
  { selector: "ul", options: { itemPrefix: "- " } },
  { selector: "table", format: "dataTable" },
  { selector: "title", format: "skip" },
];

let converters: { toText: (html: string) => string; toTitle: (html: string) => string } | undefined;

function htmlConverters(): NonNullable<typeof converters> {
  if (converters) return converters;
  const { compile } = require("html-to-text") as typeof import("html-to-text");
  converters = {
    toText: compile({ wordwrap: false, formatters: { mdHeading: heading }, selectors }),
    toTitle: compile({ wordwrap: false, baseElements: { selectors: ["title"], returnDomByDefault: false } }),
  };
  return converters;
}

/**
 * An HTML page as text (html-to-text, a real HTML parser): headings as Markdown headings, lists as
 * "- " items, tables as aligned text; scripts, styles, navigation, asides, footers, forms and
 * images dropped; link targets left out. The title is the page's `<title>`, else its first heading.
 */
export function htmlToDocument(html: string): { text: string; title: string | undefined } {
  const { toText, toTitle } = htmlConverters();
  const text = toText(html).trim();
  const title = oneLine(toTitle(html)) || oneLine(/^#{1,6} (.+)$/m.exec(text)?.[1] ?? "");
  return { text, title: title || undefined };
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}
