import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

/**
 * A worker thread running `name` (a module beside this one), from the built JavaScript or from the
 * TypeScript sources (tests, benches, `--conditions=@dataflow/source`): a thread inherits
 * `--import tsx` when the process has it, and otherwise registers tsx's loader itself first.
 */
export function startWorker(name: string, workerData: unknown): Worker {
  const fromSources = import.meta.url.endsWith(".ts");
  const entry = new URL(`./${name}.${fromSources ? "ts" : "js"}`, import.meta.url);
  if (!fromSources || process.execArgv.some((a) => /\btsx\b/.test(a)))
    return new Worker(entry, { workerData });
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api")).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
