import { describeValue, type RetrieverABC, RowError } from "@dataflow/core";
import { sameTextKey } from "../shared/same-text.js";

/** A gold passage of a row: its corpus id when known, its docId when the retriever has it, its text. */
export interface GoldPassage {
  id: string | null;
  docId: number | undefined;
  text: string;
  /** `sameTextKey(text)`: how duplicates are recognised. */
  key: string;
}

/**
 * A row's gold passages: the texts of `gold_passages` (ids from `gold_ids` at the same positions), or
 * the retriever's passages for `gold_ids`. Null or missing columns mean no gold; anything else that is
 * not a list of non-empty strings is bad input. Repeated texts are kept once.
 */
export function readGold(
  ids: unknown,
  passages: unknown,
  columns: { ids: string; passages: string },
  retriever: RetrieverABC,
): { gold: GoldPassage[]; duplicates: number } {
  const idList = stringList(ids, columns.ids);
  const textList = stringList(passages, columns.passages);
  if (idList && textList && idList.length !== textList.length) {
    throw new RowError(
      "bad-input",
      `column "${columns.ids}" has ${idList.length} ids but "${columns.passages}" has ${textList.length} passages; ` +
        "they must be aligned (or leave one of them out)",
    );
  }
  const found: GoldPassage[] = [];
  if (textList) {
    textList.forEach((text, i) => {
      const id = idList?.[i] ?? null;
      found.push({
        id,
        docId: id === null ? undefined : retriever.docIdOf(id),
        text,
        key: sameTextKey(text),
      });
    });
  } else if (idList) {
    for (const id of idList) {
      const docId = retriever.docIdOf(id);
      const passage = docId === undefined ? undefined : retriever.passage(docId);
      if (docId === undefined || !passage) {
        throw new RowError(
          "bad-input",
          `gold id "${id}" is not in the corpus of retriever "${retriever.name}"; give the gold texts in ` +
            `column "${columns.passages}", or use a retriever over the corpus the ids come from`,
        );
      }
      found.push({ id, docId, text: passage.text, key: sameTextKey(passage.text) });
    }
  }
  const seen = new Set<string>();
  const gold = found.filter((g) => !seen.has(g.key) && seen.add(g.key));
  return { gold, duplicates: found.length - gold.length };
}

function stringList(value: unknown, column: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || !v.trim())) {
    const what = Array.isArray(value) ? "a list with an empty or non-string item" : describeValue(value);
    throw new RowError("bad-input", `column "${column}" must hold a list of non-empty strings, got ${what}`);
  }
  return value as string[];
}
