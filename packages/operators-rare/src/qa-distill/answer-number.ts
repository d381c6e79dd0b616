const WORDS: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  hundred: 100,
};

// Digits grouped by thousands ("12,500", "12 500", "12'500"): the separators go before numbers are read.
const GROUPED = /\d{1,3}(?:[,'\u00a0\u202f ]\d{3})+(?![\d,])/g;
const FRACTION = /(?<![\d.])(\d+)\s*\/\s*(\d+)(?![\d.])/g;
const NUMBER = /(?<![\w.])[-−]?(?:\d+(?:\.\d+)?|\.\d+)(?:e[-+]?\d+)?/gi;

/** The numbers written in a text, in order: digits (thousands separators, fractions, signs) or number words. */
export function numbersIn(text: string): number[] {
  const found: number[] = [];
  let s = text.replace(GROUPED, (m) => m.replace(/[^\d]/g, ""));
  s = s.replace(FRACTION, (_, a: string, b: string) => {
    const d = Number(b);
    if (d !== 0) found.push(Number(a) / d);
    return " ";
  });
  for (const m of s.matchAll(NUMBER)) found.push(Number(m[0].replace("−", "-")));
  if (found.length > 0) return found;
  for (const word of s.toLowerCase().split(/[^a-z]+/)) {
    const n = WORDS[word];
    if (n !== undefined) found.push(n);
  }
  return found;
}

/**
 * The one number an answer states, units and wording aside ("about 1,200 km" → 1200); undefined
 * when it states none or several different ones (a range is no single answer).
 */
export function singleNumber(text: string): number | undefined {
  const distinct = [...new Set(numbersIn(text))];
  return distinct.length === 1 ? distinct[0] : undefined;
}

/**
 * Whether a gold answer is a number with at most a unit and a word or two around it ("0.5 percent",
 * "about 12 mm"): such a gold answer is compared as a number.
 */
export function isNumericAnswer(text: string): boolean {
  if (singleNumber(text) === undefined || !/\d/.test(text)) return false;
  const rest = text
    .replace(GROUPED, "")
    .replace(FRACTION, "")
    .replace(NUMBER, "")
    .split(/\s+/)
    .filter((w) => /[a-z]/i.test(w));
  return rest.length <= 3;
}

/** |predicted − gold| within `relTol` of |gold| (exact for a gold of 0, up to rounding noise). */
export function numbersMatch(predicted: number, gold: number, relTol: number): boolean {
  return Math.abs(predicted - gold) <= relTol * Math.abs(gold) + 1e-12;
}
