import type { Diagnostic } from "../contracts/errors.js";
import { type OperatorRegistry, PluginImportError } from "../registry/registry.js";
import type { PipelineDocument } from "./pipeline-document.js";

/**
 * Load the plugins a pipeline lists, before its schema is composed: they register the kinds and
 * operators it is checked against. Returns a diagnostic per plugin that could not be loaded.
 */
export async function loadPlugins(
  plugins: unknown,
  registry: OperatorRegistry,
  baseDir: string,
  doc: PipelineDocument,
): Promise<Diagnostic[]> {
  const problems: Diagnostic[] = [];
  for (const [i, plugin] of (Array.isArray(plugins) ? plugins : []).entries()) {
    if (typeof plugin !== "string") continue;
    try {
      await registry.load(plugin, baseDir);
    } catch (err) {
      if (err instanceof PluginImportError) {
        problems.push({
          severity: "error",
          message: err.thrownAt ? `${err.message} (at ${err.thrownAt})` : err.message,
          location: doc.locate(["plugins", i]),
          hint: "the error is in the plugin's own code: fix it there, or take the plugin out of plugins:",
        });
        continue;
      }
      problems.push({
        severity: "error",
        message: `cannot load plugin "${plugin}": ${(err as Error).message}`,
        location: doc.locate(["plugins", i]),
        hint: "install the package, or give a path relative to the pipeline file",
      });
    }
  }
  return problems;
}
