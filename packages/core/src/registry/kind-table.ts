import { didYouMean } from "../util/did-you-mean.js";

interface Entry<K> {
  kind: K;
  origin: string;
}

/**
 * Kinds of one sort (serving types, retriever types, file formats) by name, each from a plugin.
 * Like operators, a second registration of a name is an error, never a silent overwrite.
 */
export class KindTable<K extends object> {
  private readonly entries = new Map<string, Entry<K>>();

  /**
   * @param what  how messages name one kind, e.g. "serving type"
   * @param nameOf  the kind's name (its `type:` value in a pipeline, or its format name)
   * @param originNow  the origin when `add` is given none: the plugin being registered
   */
  constructor(
    readonly what: string,
    private readonly nameOf: (kind: K) => string,
    private readonly originNow: () => string = () => "(unknown)",
    private readonly pattern: RegExp = /^[a-z][a-z0-9-]*(\/[a-z][a-z0-9-]*)?$/,
  ) {}

  add(kind: K, origin = this.originNow()): void {
    const name = this.nameOf(kind);
    if (typeof name !== "string" || !this.pattern.test(name)) {
      throw new TypeError(`${this.what} name ${JSON.stringify(name)} must match ${this.pattern}`);
    }
    const existing = this.entries.get(name);
    if (existing) {
      throw new Error(
        `${this.what} "${name}" is registered twice: by ${existing.origin} and by ${origin}; rename one of them`,
      );
    }
    const fallback = isDefault(kind) ? this.defaultKind() : undefined;
    if (fallback) {
      throw new Error(
        `${this.what} "${name}" (${origin}) and "${this.nameOf(fallback)}" (${this.origin(this.nameOf(fallback))}) both claim to be the default; only one may`,
      );
    }
    this.entries.set(name, { kind, origin });
  }

  get(name: string): K | undefined {
    return this.entries.get(name)?.kind;
  }

  /** Like `get`, but a miss is an error naming the registered kinds and the nearest ones. */
  require(name: string): K {
    const kind = this.get(name);
    if (kind) return kind;
    const hint = didYouMean(name, this.names());
    throw new Error(
      `unknown ${this.what} "${name}"${hint ? `; ${hint}` : ""} (registered: ${this.names().join(", ") || "none"})`,
    );
  }

  origin(name: string): string | undefined {
    return this.entries.get(name)?.origin;
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  list(): K[] {
    return this.names().map((n) => this.entries.get(n)?.kind as K);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The kind an entry with no `type:` is (at most one kind claims it). */
  defaultKind(): K | undefined {
    return this.list().find(isDefault);
  }
}

function isDefault(kind: object): boolean {
  return (kind as { default?: unknown }).default === true;
}
