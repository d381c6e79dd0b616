import type { Row, RowRecord } from "../contracts/row.js";
import type { RejectRecord, RejectSink, RowSink, RowSource, SourceItem, Storage } from "../contracts/storage.js";

/**
 * Storage held in memory, for tests and for embedding the runner in a
 * program. Input rows get ids "1", "2", …; `output` is filled on commit.
 */
export class MemoryStorage implements Storage {
  /** Rows committed by the last successful run. */
  output: RowRecord[] = [];
  rejects: RejectRecord[] = [];
  /** How many source items have been pulled, to check laziness. */
  pulled = 0;
  private readonly items: SourceItem[];

  constructor(input: readonly (Row | SourceItem)[]) {
    this.items = input.map((x, i) =>
      isSourceItem(x) ? x : { kind: "row" as const, id: String(i + 1), row: x as Row },
    );
  }

  openSource(): RowSource {
    const self = this;
    return {
      description: "memory",
      async *read() {
        for (const item of self.items) {
          self.pulled++;
          yield item;
        }
      },
    };
  }

  async openSink(): Promise<RowSink> {
    const staged: RowRecord[] = [];
    return {
      description: "memory",
      write: (record) => {
        staged.push(record);
      },
      commit: async () => {
        this.output = staged;
      },
      abort: async () => {},
    };
  }

  async openRejects(): Promise<RejectSink> {
    return {
      description: "memory",
      write: (r) => {
        this.rejects.push(r);
      },
      close: async () => {},
    };
  }
}

function isSourceItem(x: Row | SourceItem): x is SourceItem {
  return (x.kind === "row" || x.kind === "bad") && typeof x.id === "string" && ("row" in x || "reason" in x);
}
