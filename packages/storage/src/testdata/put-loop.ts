/**
 * Child process for the kill -9 test: opens a FileRunStore step cache and
 * puts entries in a loop, printing each id on its own line once `put` has
 * returned, until it is killed.
 *
 *   node --conditions=@dataflow/source --import tsx put-loop.ts <run dir> <start id>
 */
import { FileRunStore } from "../run-store.js";

const [dir, startArg] = process.argv.slice(2);
if (dir === undefined) throw new Error("usage: put-loop.ts <run dir> [start id]");
const store = new FileRunStore({ dir });
const cache = await store.openStepCache("slow step", "fp-1");
const pad = "x".repeat(4096); // big lines make a kill mid-write likelier
for (let i = Number(startArg ?? 1); ; i++) {
  cache.put(String(i), { kind: "rows", rows: [{ i, pad }] });
  process.stdout.write(`${i}\n`);
  // Yield now and then so the parent's kill lands at varied points.
  if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
}
