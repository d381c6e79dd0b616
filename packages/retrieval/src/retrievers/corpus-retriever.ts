import { type RetrievedPassage, RetrieverABC } from "@dataflow/core";
import { Corpus } from "../corpus/corpus.js";

/** What every retriever over a loaded Corpus shares: size, passages by docId and id, and hits turned into passages. */
export abstract class CorpusRetriever extends RetrieverABC {
  /** Empty until `open` loads it. */
  protected corpus: Corpus = new Corpus([], []);

  get size(): number {
    return this.corpus.size;
  }

  passage(docId: number): { id: string; text: string } | undefined {
    return this.corpus.passage(docId);
  }

  docIdOf(id: string): number | undefined {
    return this.corpus.docIdOf(id);
  }

  /** Releases the corpus file (passages read afterwards open it again). */
  override async close(): Promise<void> {
    this.corpus.close();
  }

  protected toPassage<H extends { docId: number; score: number }>(hit: H): RetrievedPassage {
    return {
      docId: hit.docId,
      id: this.corpus.ids[hit.docId] as string,
      text: this.corpus.texts.at(hit.docId) as string,
      score: hit.score,
    };
  }
}
