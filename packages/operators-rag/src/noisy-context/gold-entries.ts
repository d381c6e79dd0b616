import type { RetrievedPassage } from "@dataflow/core";
import type { Entry } from "./context-types.js";
import type { GoldPassage } from "./gold.js";

/** The gold passages a context includes, each credited with the first view and rank that found it. */
export class GoldEntries {
  readonly entries: Entry[];
  private readonly byKey: Map<string, Entry>;

  constructor(private readonly included: readonly GoldPassage[]) {
    this.entries = included.map((g) => ({ text: g.text, meta: { id: g.id, role: "gold" } }));
    this.byKey = new Map(included.map((g, i) => [g.key, this.entries[i] as Entry]));
  }

  /** `view` ranked a gold passage at `rank`; only the first view to find it is recorded. */
  credit(hit: RetrievedPassage, key: string, view: string, rank: number): void {
    const entry = this.byKey.get(key) ?? this.byIdentity(hit);
    if (!entry || entry.meta.retriever !== undefined) return;
    entry.meta.retriever = view;
    entry.meta.rank = rank;
  }

  /** The entry a hit matches by docId or id (its text may differ in spacing only). */
  private byIdentity(hit: RetrievedPassage): Entry | undefined {
    const i = this.included.findIndex((g) => g.docId === hit.docId || (g.id !== null && g.id === hit.id));
    return i < 0 ? undefined : this.entries[i];
  }
}
