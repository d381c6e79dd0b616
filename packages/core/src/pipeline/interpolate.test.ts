import { describe, expect, it } from "vitest";
import { interpolate, isSecretName, isWholeReference } from "./interpolate.js";

describe("interpolate", () => {
  const env = { A: "1", EMPTY: "", NAME: "gpt" };

  it("replaces set variables and defaults", () => {
    expect(interpolate("${A}", env).value).toBe("1");
    expect(interpolate("m-${NAME}-x", env).value).toBe("m-gpt-x");
    expect(interpolate("${UNSET:-fallback}", env).value).toBe("fallback");
    expect(interpolate("${EMPTY:-fallback}", env).value).toBe("fallback");
    expect(interpolate("${UNSET:-}", env).value).toBe("");
  });

  it("reports unset variables without a default", () => {
    const r = interpolate("a ${NOPE} b ${A}", env);
    expect(r.missing).toEqual(["NOPE"]);
    expect(r.vars).toEqual(["NOPE", "A"]);
  });

  it("keeps $${ as a literal", () => {
    expect(interpolate("cost $${A}", env).value).toBe("cost ${A}");
  });

  it("knows whole references and secret-looking names", () => {
    expect(isWholeReference("${N:-16}")).toBe(true);
    expect(isWholeReference("x${N}")).toBe(false);
    expect(isSecretName("OPENAI_API_KEY")).toBe(true);
    expect(isSecretName("DATAFLOW_MODEL")).toBe(false);
  });
});
