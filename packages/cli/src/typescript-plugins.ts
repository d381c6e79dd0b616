import type { OperatorRegistry } from "@dataflow/core";

let registered: Promise<void> | undefined;

/**
 * Plugins written in TypeScript (`plugins: [./src/my-op.ts]`) load under the compiled CLI too: the
 * first one registers tsx's loader (which also maps their `./x.js` imports to `./x.ts`). A CLI
 * already running from its sources under tsx needs nothing more.
 */
export function withTypeScriptPlugins(registry: OperatorRegistry): OperatorRegistry {
  const load = registry.load.bind(registry);
  registry.load = async (specifier, baseDir) => {
    if (/\.[mc]?tsx?$/i.test(specifier) && !import.meta.url.endsWith(".ts")) {
      // Both loaders: a .ts file outside a "type": "module" package is CommonJS to tsx.
      registered ??= Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")]).then(([esm, cjs]) => {
        esm.register();
        cjs.register();
      });
      await registered;
    }
    return load(specifier, baseDir);
  };
  return registry;
}
