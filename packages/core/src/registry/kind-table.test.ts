import { describe, expect, it } from "vitest";
import { KindTable } from "./kind-table.js";

interface Kind {
  type: string;
  default?: boolean;
}

const table = () =>
  new KindTable<Kind>(
    "serving type",
    (k) => k.type,
    () => "current-plugin",
  );

describe("KindTable", () => {
  it("registers kinds by name, credits the current plugin, and refuses a second registration", () => {
    const t = table();
    t.add({ type: "openai" });
    t.add({ type: "acme/echo" }, "acme");
    expect(t.names()).toEqual(["acme/echo", "openai"]);
    expect(t.origin("openai")).toBe("current-plugin");
    expect(t.get("acme/echo")).toEqual({ type: "acme/echo" });
    expect(() => t.add({ type: "openai" }, "other")).toThrow(
      'serving type "openai" is registered twice: by current-plugin and by other; rename one of them',
    );
    expect(() => t.add({ type: "Open AI" })).toThrow(/serving type name "Open AI" must match/);
  });

  it("names the registered kinds and the nearest on a miss", () => {
    const t = table();
    t.add({ type: "openai" });
    t.add({ type: "local" });
    expect(() => t.require("opena")).toThrow(
      'unknown serving type "opena"; did you mean "openai"? (registered: local, openai)',
    );
    expect(() => table().require("x")).toThrow('unknown serving type "x" (registered: none)');
  });

  it("has at most one default kind", () => {
    const t = table();
    t.add({ type: "a" });
    expect(t.defaultKind()).toBeUndefined();
    t.add({ type: "auto", default: true }, "p1");
    expect(t.defaultKind()?.type).toBe("auto");
    expect(() => t.add({ type: "other", default: true }, "p2")).toThrow(
      'serving type "other" (p2) and "auto" (p1) both claim to be the default; only one may',
    );
  });
});
