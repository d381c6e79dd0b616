import { PDFDocument, StandardFonts } from "pdf-lib";

export interface PdfPage {
  /** Lines of text, drawn top to bottom. */
  lines: readonly string[];
}

/**
 * A small text PDF built with pdf-lib (a dev dependency, hence testdata/: left out of the build): for the example documents and for tests
 * of the PDF reader. Dates are fixed so the same input gives the same bytes.
 */
export async function makePdf(options: { title?: string; pages: readonly PdfPage[] }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const fixed = new Date("2026-01-01T00:00:00Z");
  doc.setCreationDate(fixed);
  doc.setModificationDate(fixed);
  doc.setProducer("dataflow-ts make-pdf (pdf-lib)");
  if (options.title !== undefined) doc.setTitle(options.title);
  for (const { lines } of options.pages) {
    const page = doc.addPage([595, 842]);
    let y = 790;
    for (const line of lines) {
      page.drawText(line, { x: 50, y, size: 11, font });
      y -= 16;
    }
  }
  return doc.save({ useObjectStreams: false });
}
