export * from "./output/extract-json.js";
export * from "./output/parse-structured.js";
export * from "./output/split-reasoning.js";
