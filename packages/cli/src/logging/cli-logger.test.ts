import { describe, expect, it } from "vitest";
import { createCliLogger } from "./cli-logger.js";

function capture(): { write(s: string): void; text: () => string } {
  let text = "";
  return {
    write: (s) => {
      text += s;
    },
    text: () => text,
  };
}

describe("createCliLogger", () => {
  it("writes JSON lines that parse, with level, time, scope and message", () => {
    const out = capture();
    const log = createCliLogger({ format: "json", verbose: false, stream: out, env: {} }).scope("serving");
    log.info("ready");
    log.warn("slow");
    const lines = out
      .text()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: "info", scope: "serving", msg: "ready" });
    expect(typeof lines[0].time).toBe("number");
    expect(lines[1]).toMatchObject({ level: "warn", msg: "slow" });
  });

  it("drops debug lines unless verbose", () => {
    for (const verbose of [false, true]) {
      const out = capture();
      const log = createCliLogger({ format: "json", verbose, stream: out, env: {} }).scope("serving");
      log.debug("retry 1 of 3");
      log.error("gave up");
      const levels = out
        .text()
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).level);
      expect(levels).toEqual(verbose ? ["debug", "error"] : ["error"]);
    }
  });

  it("writes pretty lines as [scope] msg, the level named unless info", () => {
    const out = capture();
    const log = createCliLogger({ format: "pretty", verbose: true, stream: out, env: {} }).scope("retrieval");
    log.info("index built");
    log.debug("cause: HTTP 500");
    expect(out.text()).toBe("[retrieval] index built\ndebug: [retrieval] cause: HTTP 500\n");
  });

  it("sends pretty lines to the progress renderer while routed there", () => {
    const out = capture();
    const logger = createCliLogger({ format: "pretty", verbose: false, stream: out, env: {} });
    const above: string[] = [];
    logger.sink.routeTo((line) => above.push(line));
    logger.scope("serving").warn("rate limited");
    logger.sink.routeTo(undefined);
    logger.scope("serving").info("done");
    expect(above).toEqual(["warn: [serving] rate limited\n"]);
    expect(out.text()).toBe("[serving] done\n");
  });

  it("never writes a secret's value", () => {
    const secret = "sk-test-0123456789abcdefghij";
    for (const format of ["json", "pretty"] as const) {
      const out = capture();
      const log = createCliLogger({ format, verbose: false, stream: out, env: { OPENAI_API_KEY: secret } });
      log.scope("serving").error(`refused key ${secret}`);
      expect(out.text()).toContain("refused key");
      expect(out.text()).not.toContain(secret);
    }
  });
});
