import type { Row } from "@dataflow/core";
import { expect } from "vitest";
import { sameTextKey } from "../../shared/same-text.js";
import type { PassageMeta } from "../context-types.js";
import { CORPUS } from "./corpus.js";

/** Corpus id → text. */
export const textOf = new Map(CORPUS.ids.map((id, i) => [id, CORPUS.texts[i] as string]));

/** The one gold id of a `goldRows` row. */
export function goldIdOf(rows: { row: Record<string, unknown> }[], i: number): string {
  return (rows[i]?.row.gold_ids as string[] | undefined)?.[0] ?? "";
}

export function metaOf(row: Row | undefined): PassageMeta[] {
  return (row?.passage_meta as PassageMeta[] | undefined) ?? [];
}

/** The invariants every context keeps: aligned meta, ids that match their texts, no duplicates. */
export function checkContext(
  row: Row,
  k: number,
  views: readonly string[] = ["bm25"],
): { passages: string[]; meta: PassageMeta[] } {
  const passages = row.passages as string[];
  const meta = row.passage_meta as PassageMeta[];
  expect(meta).toHaveLength(passages.length);
  expect(passages.length).toBeLessThanOrEqual(k);
  const keys = passages.map(sameTextKey);
  expect(new Set(keys).size, `duplicate passage in ${JSON.stringify(passages)}`).toBe(keys.length);
  meta.forEach((m, i) => {
    if (m.id !== null) expect(sameTextKey(textOf.get(m.id) ?? ""), m.id).toBe(keys[i]);
    if (m.role === "retrieved") {
      expect(views).toContain(m.retriever);
      expect(m.rank).toBeGreaterThanOrEqual(1);
    }
    if (m.role === "noise") expect(m.noise).toBeDefined();
  });
  return { passages, meta };
}
