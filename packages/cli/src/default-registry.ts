import { OperatorRegistry, registerCoreOperators } from "@dataflow/core";
import * as exportsPlugin from "@dataflow/exports";
// The serving kinds without their SDKs: a run imports those when it builds a serving.
import * as llmServing from "@dataflow/llm-serving/lazy";
import * as docs from "@dataflow/operators-docs";
import * as quality from "@dataflow/operators-quality";
import * as rag from "@dataflow/operators-rag";
import * as rare from "@dataflow/operators-rare";
import * as retrieval from "@dataflow/retrieval";
import * as storage from "@dataflow/storage";
import { withTypeScriptPlugins } from "./typescript-plugins.js";

/** A registry with the operators and the serving, retriever and format kinds that ship with the framework. */
export function createDefaultRegistry(): OperatorRegistry {
  const registry = withTypeScriptPlugins(new OperatorRegistry());
  registerCoreOperators(registry);
  // Kinds: serving types, retriever types and file formats.
  registry.use(llmServing, "@dataflow/llm-serving");
  registry.use(retrieval, "@dataflow/retrieval");
  registry.use(storage, "@dataflow/storage");
  registry.use(docs, "@dataflow/operators-docs");
  registry.use(rare, "@dataflow/operators-rare");
  registry.use(rag, "@dataflow/operators-rag");
  registry.use(exportsPlugin, "@dataflow/exports");
  registry.use(quality, "@dataflow/operators-quality");
  return registry;
}
