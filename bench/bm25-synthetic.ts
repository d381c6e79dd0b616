/**
 * Synthetic English-like corpus for the BM25 benchmarks, generated deterministically per passage index.
 * Content words follow a two-regime Zipf law (see zipfRank): English-like frequencies in the head, and
 * a tail that gives about 64k distinct words at 10k passages and 200k at 100k, close to the real-text
 * measurements in ../shared/reference/measurements.md (59k / 207k). Frequent words are short
 * (5 letters), rarer ones longer (6–9), built from consonant–vowel syllables. Lunr's stop words make
 * up 40% of the raw words (~150 raw words, ~900 characters per passage), with sentence capitals,
 * commas and full stops, so the analyzer does real work.
 *
 * Queries model mining: pick a positive passage, take half the words from it and half fresh ones
 * from the same distribution (12 words by default, ~7 content terms).
 */
import { analyze } from "@dataflow/retrieval";

const SEED = 0x5eed;
const STOP_WORD_SHARE = 0.4;

/** Weyl sequence through MurmurHash3's finaliser; uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    return mix32(state) / 2 ** 32;
  };
}

export function mix32(value: number): number {
  let z = value;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const CONSONANTS = "bcdfghjklmnprstvwz";
const VOWELS = "aeiou";
const FINALS = "klmnrt";
const SYLLABLES = [...CONSONANTS].flatMap((c) => [...VOWELS].map((v) => c + v)); // 90

/** A unique pronounceable word per rank; length grows with rank like real vocabularies. */
function wordForRank(rank: number): string {
  const n = SYLLABLES.length;
  let syllables = 2;
  let first = 0;
  let capacity = n ** 2;
  while (rank >= first + capacity) {
    first += capacity;
    syllables++;
    capacity = n ** syllables;
  }
  // Scatter ranks within their length class (7919 is coprime with 90^k) so words are not alphabetical.
  let code = ((rank - first) * 7919) % capacity;
  let word = "";
  for (let i = 0; i < syllables; i++) {
    word += SYLLABLES[code % n];
    code = Math.floor(code / n);
  }
  const h = mix32(rank ^ 0xabcdef);
  if (syllables === 2 || h % 2 === 0) word += FINALS[h % FINALS.length];
  return word;
}

const headWords = Array.from({ length: 20_000 }, (_, r) => wordForRank(r));

// Content-word ranks: p(r) ∝ 1/(r + 30) up to rank 10,000, then ∝ (r + 30)^-2 (continuous at the
// knee), over 20M ranks. The head follows English frequencies (a content word of rank r takes about
// 0.1/(r + 30) of all tokens: "one" ≈ 0.5% of content words); the steeper tail reproduces the
// vocabulary growth measured on real text (59k / 207k distinct terms at 10k / 100k passages).
const ZIPF_Q = 30;
const ZIPF_KNEE = 10_000;
const ZIPF_TAIL_S = 2;
const ZIPF_RANKS = 20_000_000;
const HEAD_MASS = Math.log((ZIPF_KNEE + ZIPF_Q) / ZIPF_Q);
const TAIL_C = (ZIPF_KNEE + ZIPF_Q) ** (ZIPF_TAIL_S - 1);
const TAIL_MASS =
  (TAIL_C * ((ZIPF_KNEE + ZIPF_Q) ** (1 - ZIPF_TAIL_S) - (ZIPF_RANKS + ZIPF_Q) ** (1 - ZIPF_TAIL_S))) /
  (ZIPF_TAIL_S - 1);

/** A content-word rank, by inverting the continuous CDF of the two-regime law: O(1), no table. */
function zipfRank(u: number): number {
  const mass = u * (HEAD_MASS + TAIL_MASS);
  if (mass < HEAD_MASS) return Math.floor(ZIPF_Q * Math.exp(mass) - ZIPF_Q);
  const y = (ZIPF_KNEE + ZIPF_Q) ** (1 - ZIPF_TAIL_S) - ((mass - HEAD_MASS) * (ZIPF_TAIL_S - 1)) / TAIL_C;
  return Math.min(ZIPF_RANKS - 1, Math.max(0, Math.floor(y ** (1 / (1 - ZIPF_TAIL_S)) - ZIPF_Q)));
}

function contentWord(random: () => number): string {
  const rank = zipfRank(random());
  return headWords[rank] ?? wordForRank(rank);
}

// Common English function words that lunr's filter removes, most frequent first.
const STOP_WORDS = [
  "the",
  "of",
  "and",
  "to",
  "a",
  "in",
  "is",
  "it",
  "that",
  "was",
  "for",
  "on",
  "are",
  "as",
  "with",
  "his",
  "they",
  "at",
  "be",
  "this",
  "from",
  "have",
  "or",
  "by",
  "but",
  "not",
  "what",
  "all",
  "were",
  "when",
  "we",
  "there",
  "can",
  "an",
  "your",
  "which",
  "their",
  "if",
  "do",
  "will",
  "how",
  "them",
  "then",
  "she",
  "some",
  "so",
  "these",
  "would",
  "other",
  "into",
  "has",
  "her",
  "like",
  "him",
  "could",
  "no",
  "than",
  "been",
  "who",
  "its",
  "did",
  "may",
  "where",
  "only",
  "most",
  "also",
  "after",
  "should",
].filter((w) => analyze(w).length === 0);

function stopWord(random: () => number): string {
  // A steep Zipf over the list: "the" is by far the most common.
  return STOP_WORDS[Math.min(STOP_WORDS.length - 1, Math.floor(random() ** 3 * STOP_WORDS.length))] as string;
}

export function rawWords(random: () => number, contentCount: number): string[] {
  const words: string[] = [];
  let content = 0;
  while (content < contentCount) {
    if (random() < STOP_WORD_SHARE) words.push(stopWord(random));
    else {
      words.push(contentWord(random));
      content++;
    }
  }
  return words;
}

/** Passage `i` of the corpus: ~90 content words, ~150 raw words, in sentences. */
export function passage(i: number): string {
  const random = seededRandom(mix32(i ^ SEED) ^ i);
  const words = rawWords(random, 60 + Math.floor(random() * 61));
  let sentenceLeft = 0;
  for (let w = 0; w < words.length; w++) {
    let word = words[w] as string;
    if (sentenceLeft === 0) {
      word = (word[0] as string).toUpperCase() + word.slice(1);
      sentenceLeft = 8 + Math.floor(random() * 14);
    }
    sentenceLeft--;
    if (sentenceLeft === 0 || w === words.length - 1) word += ".";
    else if (random() < 0.08) word += ",";
    words[w] = word;
  }
  // join() yields one flat string; `+=` would leave a rope of ~150 nodes per passage.
  return words.join(" ");
}

export interface Query {
  readonly text: string;
  readonly positive: number;
}

export function makeQueries(size: number, count: number, wordsPerQuery: number): Query[] {
  const random = seededRandom(SEED ^ 0x51);
  return Array.from({ length: count }, () => {
    const positive = Math.floor(random() * size);
    const source = passage(positive).split(" ");
    const half = Math.ceil(wordsPerQuery / 2);
    const picked = Array.from({ length: half }, () => source[Math.floor(random() * source.length)] as string);
    const fresh = rawWords(random, wordsPerQuery - half).slice(0, wordsPerQuery - half);
    const words = [...picked, ...fresh].sort(() => random() - 0.5);
    return { text: `${words.join(" ")}?`, positive };
  });
}
