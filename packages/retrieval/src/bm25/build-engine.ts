import type { Analyzer } from "./analyzer.js";
import { CompactBm25Index } from "./compact-index.js";
import type { Bm25Engine, Bm25EngineKind, Bm25Params } from "./engine.js";
import { LunrBm25Engine } from "./lunr-engine.js";

export interface BuildBm25EngineOptions extends Partial<Bm25Params> {
  /** `compact` (default) scales to millions of passages; `lunr` is the small-corpus reference. */
  readonly engine?: Bm25EngineKind;
  readonly analyzer?: Analyzer;
}

/**
 * Builds either engine over `texts` (docId = position). lunr always scores the lunr way, so asking
 * for `engine: "lunr"` with `scoring: "lucene"` is an error rather than a silent substitution.
 */
export function buildBm25Engine(texts: Iterable<string>, options: BuildBm25EngineOptions = {}): Bm25Engine {
  const { engine = "compact", ...rest } = options;
  if (engine === "compact") return CompactBm25Index.fromTexts(texts, rest);
  if (engine === "lunr") {
    if (rest.scoring === "lucene") {
      throw new RangeError('engine "lunr" scores only the lunr way; use scoring "lunr" or engine "compact"');
    }
    return LunrBm25Engine.build(texts, rest);
  }
  throw new RangeError(`unknown BM25 engine ${JSON.stringify(engine)}; expected "compact" or "lunr"`);
}
