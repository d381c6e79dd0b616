export { type CliLogger, type CliLoggerOptions, createCliLogger, type LogFormat } from "./cli-logger.js";
export { LogSink } from "./log-sink.js";
