import { describeValue, type RowContext, RowError } from "@dataflow/core";
import type { QaOption } from "@dataflow/exports";
import type { QaDistillParams } from "./qa-distill-params.js";

/**
 * The documents a row's question is answered from: the row's own (its `documents` column), or the
 * step retriever's top `topK` passages for the question. Each is cut to `maxDocChars`.
 */
export async function rowDocuments(
  ctx: RowContext<QaDistillParams>,
  question: string,
  options: readonly QaOption[],
): Promise<string[]> {
  const p = ctx.params;
  const given = ctx.input("documents");
  let documents: string[];
  if (given !== undefined && given !== null) {
    if (!Array.isArray(given) || !given.length || !given.every((d) => typeof d === "string" && d.trim())) {
      throw new RowError(
        "bad-input",
        `column "${ctx.inputs.documents}" must hold a non-empty list of non-empty texts, got ${describeValue(given)}`,
      );
    }
    documents = given as string[];
  } else {
    documents = await retrieve(ctx, question, options);
  }
  return documents.map((d) => {
    const text = d.trim();
    return p.maxDocChars !== undefined && text.length > p.maxDocChars ? text.slice(0, p.maxDocChars) : text;
  });
}

async function retrieve(
  ctx: RowContext<QaDistillParams>,
  question: string,
  options: readonly QaOption[],
): Promise<string[]> {
  const retriever = ctx.retriever;
  if (!retriever) {
    throw new RowError(
      "bad-input",
      `the row has no documents (column "${ctx.inputs.documents}") and the step has no retriever to find some; ` +
        "name one with `retriever:`",
    );
  }
  const p = ctx.params;
  const query =
    p.query === "question+options" && options.length
      ? [question, ...options.map((o) => o.text)].join("\n")
      : question;
  const hits = await retriever.search(query, p.topK, { signal: ctx.signal, tag: ctx.stepId });
  if (!hits.length)
    throw new RowError("no-documents", `the retriever found no passage for ${JSON.stringify(question)}`);
  ctx.observe("retrieved_passages", hits.length);
  return hits.map((h) => h.text);
}
