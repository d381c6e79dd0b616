import { stringify } from "yaml";
import type { ColumnShape } from "../parquet-shape.js";

/** What the card says about where the rows came from. */
export interface DatasetCardInfo {
  /** The pipeline's name. */
  pipeline?: string;
  /** Its steps, in order. */
  steps?: readonly { id: string; op: string }[];
  /** The models its servings call. */
  models?: readonly string[];
  /** A Hub license id (default "other": the rows' license is the sources' and models' to decide). */
  license?: string;
}

/** A Hugging Face `datasets` feature for a column shape (JSON text columns are strings). */
export function hfFeature(shape: ColumnShape): Record<string, unknown> {
  switch (shape.kind) {
    case "list": {
      const item = hfFeature(shape.item);
      // A list of structs is written `list: [fields]`, a list of anything else `sequence: <feature>`.
      return "struct" in item ? { list: item.struct } : { sequence: "dtype" in item ? item.dtype : item };
    }
    case "struct":
      return { struct: shape.fields.map((f) => ({ name: f.name, ...hfFeature(f.shape) })) };
    case "int64":
      return { dtype: "int64" };
    case "double":
      return { dtype: "float64" };
    case "boolean":
      return { dtype: "bool" };
    default:
      return { dtype: "string" };
  }
}

/**
 * A dataset card (README.md) whose YAML front matter `datasets.load_dataset` and the Hub read:
 * `configs` pointing each split at its shards, `dataset_info` with the features and row counts,
 * the license, and tags; the body says which pipeline, steps and models made the rows.
 */
export function datasetCard(
  columns: readonly { name: string; shape: ColumnShape }[],
  splits: readonly { name: string; rows: number }[],
  info: DatasetCardInfo,
): string {
  const front = {
    license: info.license ?? "other",
    ...(info.pipeline ? { pretty_name: info.pipeline } : {}),
    tags: ["dataflow-ts", ...(info.pipeline ? [info.pipeline] : [])],
    configs: [
      {
        config_name: "default",
        data_files: splits.map((s) => ({ split: s.name, path: `data/${s.name}-*` })),
      },
    ],
    dataset_info: {
      features: columns.map((c) => ({ name: c.name, ...hfFeature(c.shape) })),
      splits: splits.map((s) => ({ name: s.name, num_examples: s.rows })),
    },
  };
  const rows = splits.map((s) => `- ${s.name}: ${s.rows} rows`).join("\n");
  const steps = (info.steps ?? []).map((s) => `${s.id} (${s.op})`).join(" → ");
  const lines = [
    `---\n${stringify(front)}---`,
    "",
    `# ${info.pipeline ?? "dataset"}`,
    "",
    `Rows written by the dataflow-ts pipeline${info.pipeline ? ` \`${info.pipeline}\`` : ""}.`,
    "",
    rows,
    ...(steps ? ["", `Steps: ${steps}.`] : []),
    ...(info.models?.length ? ["", `Models: ${info.models.join(", ")}.`] : []),
    "",
  ];
  return lines.join("\n");
}
