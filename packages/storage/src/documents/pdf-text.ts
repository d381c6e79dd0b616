import { extractText, getDocumentProxy, getMeta } from "unpdf";

/** Where one PDF page's text lies in the document's `text`: [start, end) in UTF-16 code units. */
export interface PdfPageSpan {
  page: number;
  start: number;
  end: number;
}

/**
 * A PDF's text (unpdf, Mozilla's pdf.js), page by page: pages are joined by a blank line and each
 * page's span in the joined text is kept in `pages`, so a passage's offsets give its page numbers.
 * The title is the PDF's Title metadata when it has one. Throws when the bytes are not a PDF
 * pdf.js can read (the caller makes that a reject).
 */
export async function pdfToDocument(
  bytes: Uint8Array,
): Promise<{ text: string; title: string | undefined; pages: PdfPageSpan[] }> {
  // pdf.js takes ownership of the buffer it is given: hand it a copy.
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  try {
    const { text: pageTexts } = await extractText(pdf, { mergePages: false });
    const pages: PdfPageSpan[] = [];
    let text = "";
    pageTexts.forEach((raw, i) => {
      if (i > 0) text += "\n\n";
      const start = text.length;
      text += raw.trim();
      pages.push({ page: i + 1, start, end: text.length });
    });
    const info = (await getMeta(pdf)).info as { Title?: unknown } | undefined;
    const title = typeof info?.Title === "string" && info.Title.trim() ? info.Title.trim() : undefined;
    return { text, title, pages };
  } finally {
    // The proxy has no destroy() in this pdf.js build; its loading task frees the worker side.
    await pdf.loadingTask.destroy();
  }
}
