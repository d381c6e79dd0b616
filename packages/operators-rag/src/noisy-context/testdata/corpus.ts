/**
 * A small corpus of topics, each a handful of passages that share the topic's words and differ in
 * one made-up word, so BM25 ranks a passage's own words first and its topic siblings just below
 * (near misses), and other topics not at all.
 */
const TOPICS = [
  ["bee", "Honey bee colonies swarm when the queen and workers run out of room in the hive"],
  ["bike", "A bicycle chain wears against the cassette and the chainring gears under load"],
  ["bread", "Sourdough bread rises with a starter of wild yeast fed with flour and water"],
  ["coffee", "Espresso coffee depends on the grind size, the dose and the water temperature"],
  ["volcano", "A volcano erupts when magma pressure breaks the crust and throws out ash"],
  ["tide", "Ocean tides follow the moon, and tidal currents turn with the rising water"],
  ["chess", "A chess opening develops the pieces, and a gambit offers a pawn for tempo"],
] as const;
const TAGS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"] as const;

export interface CorpusPassage {
  id: string;
  text: string;
  /** A query that ranks this passage first. */
  query: string;
}

export const PASSAGES: readonly CorpusPassage[] = TOPICS.flatMap(([topic, sentence]) =>
  TAGS.map((tag, j) => ({
    id: `${topic}-${j}`,
    text: `${sentence}. Note ${j}: the ${topic}${tag} rule covers case ${topic}${tag}.`,
    query: `${sentence.split(" ").slice(0, 5).join(" ")} ${topic}${tag}`,
  })),
);

/** The corpus a retriever indexes: every passage, plus a copy of the first under another id. */
export const CORPUS = {
  ids: [...PASSAGES.map((p) => p.id), "bee-0-copy"],
  texts: [...PASSAGES.map((p) => p.text), `${PASSAGES[0]?.text}\n`],
};

/** `n` rows cycling through the passages: the passage's query, its id as gold. */
export function goldRows(n: number): { id: string; row: Record<string, unknown> }[] {
  return Array.from({ length: n }, (_, i) => {
    const p = PASSAGES[i % PASSAGES.length] as CorpusPassage;
    return { id: `q${i}`, row: { query: p.query, gold_ids: [p.id] } };
  });
}
