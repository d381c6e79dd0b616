// The public API of @dataflow/operators-docs.
export { ChunkOperator } from "./chunk/chunk-operator.js";
export { CHARS_PER_TOKEN, type ChunkParams } from "./chunk/chunk-params.js";
export { findHeadings, type Heading } from "./chunk/headings.js";
export { type SplitOptions, type SplitResult, splitText, type TextChunk } from "./chunk/split-text.js";
export { docsOperators, register } from "./register.js";
