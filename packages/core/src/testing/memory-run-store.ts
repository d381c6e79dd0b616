import type { CachedOutcome, RunManifest, RunStore, StepCache } from "../contracts/step-cache.js";
import type { RejectRecord, RejectSink } from "../contracts/storage.js";

/** A RunStore in memory, for tests and embedded runs: caches live as long as the object. */
export class MemoryRunStore implements RunStore {
  readonly dir = "memory";
  manifest: RunManifest | undefined;
  readonly caches = new Map<string, { fingerprint: string; entries: Map<string, CachedOutcome> }>();
  readonly rejects = new Map<string, RejectRecord[]>();

  async readManifest(): Promise<RunManifest | undefined> {
    return this.manifest && structuredClone(this.manifest);
  }

  async writeManifest(manifest: RunManifest): Promise<void> {
    this.manifest = structuredClone(manifest);
  }

  async openStepCache(stepId: string, fingerprint: string): Promise<StepCache> {
    let cache = this.caches.get(stepId);
    if (!cache || cache.fingerprint !== fingerprint) {
      cache = { fingerprint, entries: new Map() };
      this.caches.set(stepId, cache);
    }
    const entries = cache.entries;
    return {
      get size() {
        return entries.size;
      },
      get: (id) => entries.get(id),
      put: (id, outcome) => {
        entries.set(id, structuredClone(outcome));
      },
      close: async () => {},
    };
  }

  async openRejects(stepId: string): Promise<RejectSink> {
    const list: RejectRecord[] = [];
    this.rejects.set(stepId, list);
    return {
      description: `memory:${stepId}`,
      write: (r) => {
        list.push(r);
      },
      close: async () => {},
    };
  }

  async *readRejects(): AsyncIterable<RejectRecord> {
    for (const list of this.rejects.values()) yield* list;
  }

  async prune(keep: readonly string[]): Promise<void> {
    for (const id of [...this.caches.keys()]) if (!keep.includes(id)) this.caches.delete(id);
    for (const id of [...this.rejects.keys()]) if (!keep.includes(id)) this.rejects.delete(id);
  }

  async clear(): Promise<void> {
    this.caches.clear();
    this.rejects.clear();
  }
}
