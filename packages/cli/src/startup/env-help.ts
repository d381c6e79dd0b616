/** The environment variables the framework reads, for `dataflow --help`. */
export const ENVIRONMENT_VARIABLES: readonly (readonly [string, string])[] = [
  ["OPENAI_API_KEY", "API key of an OpenAI-compatible endpoint (a serving's apiKeyEnv names another)"],
  ["OPENAI_BASE_URL", "OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1 (type auto: use it)"],
  ["DATAFLOW_LOCAL_MODEL", "GGUF path or hf: URI the local serving runs (default: a 1.5B instruct model)"],
  ["DATAFLOW_LOCAL_MODEL_SHA256", "sha256 the local model file must have"],
  ["DATAFLOW_LOCAL_THREADS", "CPU threads of the local serving"],
  ["DATAFLOW_LOCAL_CONTEXT_SIZE", "context size in tokens of the local serving"],
  ["DATAFLOW_LOCAL_GPU", "auto, false, metal, cuda or vulkan"],
  ["DATAFLOW_MODELS_DIR", "where models are downloaded (default $XDG_CACHE_HOME/dataflow/models)"],
  ["XDG_CACHE_HOME", "the user cache folder (default ~/.cache)"],
  [
    "DATAFLOW_VALIDATOR_CACHE",
    "where compiled schema validators are kept (default $XDG_CACHE_HOME/dataflow/validators; off: none)",
  ],
  ["DATAFLOW_BM25_WORKERS", "threads of rare/bm25-hard-neg (default: every core from 1000 rows; 1: none)"],
  [
    "DATAFLOW_RETRIEVER_WORKERS",
    "ranking threads of a retriever (default: every core from 1000 passages; 1: none)",
  ],
  [
    "DATAFLOW_CORPUS_MEMORY_MIB",
    "corpus files larger than this keep their texts on disk, read when needed (default 256)",
  ],
  ["HF_ENDPOINT, MODEL_ENDPOINT", "another Hugging Face Hub or a mirror to download models from"],
  ["HF_TOKEN", "token for gated models"],
];

/** The help's closing section: variables, `.env`, and `${VAR}` in pipelines. */
export function environmentHelp(): string {
  const width = Math.max(...ENVIRONMENT_VARIABLES.map(([name]) => name.length));
  const rows = ENVIRONMENT_VARIABLES.map(([name, what]) => `  ${name.padEnd(width)}  ${what}`);
  return [
    "",
    "Environment variables:",
    ...rows,
    "",
    "A .env file in the working directory is read at start-up; variables already set win.",
    "Pipelines may use ${VAR} and ${VAR:-default} anywhere in their YAML.",
    "",
  ].join("\n");
}
