import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { OperatorClass } from "../contracts/operator.js";
import { didYouMean } from "../util/did-you-mean.js";
import { FileFormatTable } from "./file-format-kind.js";
import { KindTable } from "./kind-table.js";
import type { RetrieverKind } from "./retriever-kind.js";
import type { ServingKind } from "./serving-kind.js";

/** A plugin package exports `register(registry)`: it adds operators, and kinds to the kind tables. */
export interface Plugin {
  register(registry: OperatorRegistry): void;
}

interface Entry {
  cls: OperatorClass;
  origin: string;
}

const NAME_PATTERN = /^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*$/;

/**
 * Operators by `spec.name`, and the kinds plugins contribute: serving types, retriever types and
 * file formats. A second registration of a name is an error, never a silent overwrite.
 */
export class OperatorRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly loadedPlugins = new Set<string>();
  /** The plugin whose `register` is running: the origin of what it adds without naming one. */
  private loading: string | undefined;
  private readonly originNow = () => this.loading ?? "(unknown)";

  /** `servings.<name>.type` values. */
  readonly servingKinds = new KindTable<ServingKind>("serving type", (k) => k.type, this.originNow);
  /** `retrievers.<name>.type` values. */
  readonly retrieverKinds = new KindTable<RetrieverKind>("retriever type", (k) => k.type, this.originNow);
  /** `source.format` / `output.format` values and the extensions they claim. */
  readonly fileFormats = new FileFormatTable(this.originNow);

  register(cls: OperatorClass, origin = this.originNow()): void {
    const spec = cls?.spec;
    if (!spec || typeof spec.name !== "string") {
      throw new TypeError(`cannot register ${cls?.name ?? cls}: it has no static spec with a name`);
    }
    if (!NAME_PATTERN.test(spec.name)) {
      throw new TypeError(
        `operator name "${spec.name}" is not of the form "namespace/name" (lowercase letters, digits, dashes)`,
      );
    }
    const existing = this.entries.get(spec.name);
    if (existing) {
      throw new Error(
        `operator "${spec.name}" is registered twice: by ${existing.origin} and by ${origin}; rename one of them`,
      );
    }
    this.entries.set(spec.name, { cls, origin });
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  get(name: string): OperatorClass | undefined {
    return this.entries.get(name)?.cls;
  }

  /** Like `get`, but a miss is an error that suggests the nearest names. */
  require(name: string): OperatorClass {
    const cls = this.get(name);
    if (!cls) {
      const hint = didYouMean(name, this.names());
      throw new Error(`unknown operator "${name}"${hint ? `; ${hint}` : ""}`);
    }
    return cls;
  }

  origin(name: string): string | undefined {
    return this.entries.get(name)?.origin;
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  list(): OperatorClass[] {
    return this.names().map((n) => this.entries.get(n)?.cls as OperatorClass);
  }

  /** Grows with every registration (nothing is ever removed): what a cache of derived schemas keys on. */
  get revision(): number {
    return this.entries.size + this.servingKinds.size + this.retrieverKinds.size + this.fileFormats.size;
  }

  /** Register a plugin once; loading the same plugin twice is a no-op. */
  use(plugin: Plugin, origin: string): void {
    if (this.loadedPlugins.has(origin)) return;
    this.loadedPlugins.add(origin);
    const outer = this.loading;
    this.loading = origin;
    try {
      plugin.register(this);
    } finally {
      this.loading = outer;
    }
  }

  /**
   * Load a plugin by package name (resolved from `baseDir`, the pipeline's
   * folder) or by a path relative to it, and register its operators.
   */
  async load(specifier: string, baseDir: string): Promise<void> {
    // Built-in plugins are registered by package name before any pipeline names them.
    if (this.loadedPlugins.has(specifier)) return;
    const url = resolvePlugin(specifier, baseDir);
    if (this.loadedPlugins.has(url)) return;
    const mod = (await import(url).catch((err: unknown) => {
      throw new PluginImportError(specifier, url, err);
    })) as Partial<Plugin> & { default?: Partial<Plugin> };
    const register = mod.register ?? mod.default?.register;
    if (typeof register !== "function") {
      throw new Error(`plugin "${specifier}" (${url}) does not export a register(registry) function`);
    }
    this.use({ register }, url);
  }
}

function resolvePlugin(specifier: string, baseDir: string): string {
  if (specifier.startsWith(".") || isAbsolute(specifier)) {
    const path = resolve(baseDir, specifier);
    if (!existsSync(path)) throw new Error(`plugin file not found: ${path}`);
    return pathToFileURL(path).href;
  }
  // Resolve from the pipeline's folder first, then from here (the framework's own plugins).
  for (const from of [join(baseDir, "noop.js"), import.meta.filename ?? "."]) {
    const found = findPackageEntry(specifier, dirname(from));
    if (found) return pathToFileURL(found).href;
    try {
      return pathToFileURL(createRequire(from).resolve(specifier)).href;
    } catch {
      // try the next place
    }
  }
  throw new Error(
    `plugin package "${specifier}" is not installed (looked from ${baseDir}); add it with your package manager`,
  );
}

/** Find a package's ESM entry by walking up node_modules folders, honouring its "exports". */
function findPackageEntry(name: string, fromDir: string): string | undefined {
  const [pkgName, ...rest] = name.startsWith("@")
    ? [name.split("/").slice(0, 2).join("/"), ...name.split("/").slice(2)]
    : name.split("/");
  const subpath = rest.length ? `./${rest.join("/")}` : ".";
  let dir = fromDir;
  for (;;) {
    const pkgDir = join(dir, "node_modules", pkgName as string);
    const pkgJson = join(pkgDir, "package.json");
    if (existsSync(pkgJson)) {
      const pkg = JSON.parse(readFileSync(pkgJson, "utf8")) as {
        exports?: unknown;
        module?: string;
        main?: string;
      };
      const target =
        exportTarget(pkg.exports, subpath, pkgDir) ??
        (subpath === "." ? (pkg.module ?? pkg.main ?? "index.js") : undefined);
      if (target) return join(pkgDir, target);
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function exportTarget(exports: unknown, subpath: string, pkgDir: string): string | undefined {
  if (exports === undefined || exports === null) return undefined;
  if (typeof exports === "string") return subpath === "." ? exports : undefined;
  const map = exports as Record<string, unknown>;
  const entry = Object.keys(map).some((k) => k.startsWith("."))
    ? map[subpath]
    : subpath === "."
      ? map
      : undefined;
  // Conditions in order; a target that is not on disk (an unbuilt dist/) gives way to the next.
  return conditionTargets(entry).find((t) => existsSync(join(pkgDir, t)));
}

/** Our packages point the "@dataflow/source" condition at TypeScript, loadable under tsx or vitest. */
function sourceLoadable(): boolean {
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
  return flags.includes("@dataflow/source") || process.env.VITEST !== undefined;
}

function conditionTargets(entry: unknown): string[] {
  if (typeof entry === "string") return [entry];
  if (!entry || typeof entry !== "object") return [];
  const conditions = sourceLoadable()
    ? ["@dataflow/source", "import", "node", "default"]
    : ["import", "node", "default"];
  return conditions.flatMap((c) => conditionTargets((entry as Record<string, unknown>)[c]));
}

/** A plugin was found but its own code threw while being imported: the fix is in the plugin. */
export class PluginImportError extends Error {
  /** Where in the plugin's files it threw (`file:line:column`), from the error's stack, if known. */
  readonly thrownAt: string | undefined;

  constructor(specifier: string, url: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`plugin "${specifier}" threw while loading: ${reason}`, { cause });
    this.thrownAt = firstFrameUnder(cause, dirname(fileURLToPath(url)));
  }
}

function firstFrameUnder(err: unknown, dir: string): string | undefined {
  const stack = err instanceof Error ? (err.stack ?? "") : "";
  for (const m of stack.matchAll(/(?:file:\/\/)?(\/[^\s():]+):(\d+):(\d+)/g)) {
    if (m[1]?.startsWith(dir)) return `${m[1]}:${m[2]}:${m[3]}`;
  }
  return undefined;
}
