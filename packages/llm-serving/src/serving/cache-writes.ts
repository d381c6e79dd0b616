import type { Logger } from "@dataflow/core";

/**
 * Writes to a serving's caches that never fail the call: a cache that cannot be written costs
 * money on the next run, but must not fail this row. The first failure is logged, once.
 */
export class CacheWrites {
  private warned = false;

  constructor(
    private readonly servingName: string,
    private readonly logger: Logger,
  ) {}

  async run(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (err) {
      if (this.warned) return;
      this.warned = true;
      this.logger.warn(
        `serving "${this.servingName}": cannot write the response cache: ${(err as Error).message}`,
      );
    }
  }
}
