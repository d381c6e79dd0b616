// Writes pipelines/data/docs/suspension.pdf, the example PDF the directory source reads.
// Run from the repo root: node --import tsx packages/storage/scripts/make-example-pdf.ts
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { makePdf } from "../src/documents/testdata/make-pdf.js";

const out = fileURLToPath(new URL("../../../pipelines/data/docs/suspension.pdf", import.meta.url));

const bytes = await makePdf({
  title: "Suspension basics",
  pages: [
    {
      lines: [
        "Suspension basics",
        "",
        "Sag is how far the suspension compresses under the rider's own weight.",
        "Set it first: about 25 percent of travel for a cross-country fork,",
        "and 30 percent for a trail or enduro shock.",
        "",
        "Rebound damping controls how fast the suspension extends again.",
        "Too fast and the bike bucks off roots; too slow and it packs down",
        "over repeated bumps until no travel is left.",
      ],
    },
    {
      lines: [
        "Servicing a fork",
        "",
        "Clean the stanchions after every muddy ride: grit under the seals",
        "scores them. A lower-leg service with fresh oil and new foam rings",
        "every fifty hours keeps the fork smooth; a full damper service",
        "is due about once a year.",
      ],
    },
  ],
});
await writeFile(out, bytes);
console.log(`wrote ${out} (${bytes.length} bytes)`);
