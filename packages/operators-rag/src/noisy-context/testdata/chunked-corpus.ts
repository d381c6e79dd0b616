/**
 * A workshop manual cut into overlapping chunks, as a sliding-window chunker cuts documents, among
 * separate notes on the same subject. Neighbouring chunks share a run of about 400 characters, so
 * a chunk next to a gold chunk can hold the gold's answer; the notes share words with the manual,
 * never a run of text.
 */
const MANUAL = [
  "Measure chain wear with a checker gauge before every long ride in wet weather.",
  "A reading of half a percent means the rollers have worn and the pitch has grown.",
  "Replace the chain at that point, or the cassette cogs take on the worn pitch.",
  "Hooked cassette teeth make a new chain skip under load on the smaller sprockets.",
  "The quick link opens with link pliers; squeeze the plates toward each other.",
  "Count the links of the old chain and cut the new one to the same length.",
  "Route the new chain through the rear derailleur cage and the front derailleur.",
  "Close the quick link with the pedals, pushing down while holding the rear brake.",
  "Shift through every gear on a stand and listen for rubbing at either extreme.",
  "Lubricate each roller with one drop of oil, then wipe the outer plates dry.",
  "Wax-based lubricant collects less grit than wet oil on dusty gravel roads.",
  "Degrease the drivetrain monthly with a citrus solvent and a stiff brush.",
  "Inspect the chainring teeth for shark-fin wear when the chain has been replaced twice.",
  "A stiff link shows as a jump of the derailleur once per turn of the cranks.",
].join(" ");

const WINDOW = 700;
const STRIDE = 300;

/** The manual's chunks: ids manual-0 …, each WINDOW characters, STRIDE apart. */
export const CHUNKS: readonly { id: string; text: string }[] = Array.from(
  { length: Math.ceil((MANUAL.length - WINDOW) / STRIDE) + 1 },
  (_, i) => ({ id: `manual-${i}`, text: MANUAL.slice(i * STRIDE, i * STRIDE + WINDOW) }),
);

/** Separate notes on chains, in words of their own. */
export const NOTES: readonly { id: string; text: string }[] = [
  "Commuters in salty winter cities often replace a chain each season because corrosion seizes links.",
  "Single-speed chains are wider and last longer since they never twist between sprockets.",
  "Track riders tension the chain by sliding the rear axle back in horizontal dropouts.",
  "Electric cargo bikes wear chains quickly; heavier torque at the pedals stretches the pins.",
  "Belt drives replace the chain entirely on some city bikes and need no lubricant at all.",
  "Mechanics keep spare quick links in the saddle bag for a snapped chain far from home.",
  "Ceramic-coated chains cost more and reduce friction slightly for racing budgets.",
  "Children's bikes with chain guards keep trousers clean and fingers away from the ring.",
].map((text, i) => ({ id: `note-${i}`, text }));

export const CHUNKED_CORPUS = {
  ids: [...CHUNKS.map((c) => c.id), ...NOTES.map((n) => n.id)],
  texts: [...CHUNKS.map((c) => c.text), ...NOTES.map((n) => n.text)],
};
