import { describe, expect, it } from "vitest";
import { generationParamsSchema, generationSettings } from "./generation-params.js";

describe("generationSettings", () => {
  it("keeps only what is set, a step's extraBody included (a copy)", () => {
    const extraBody = { top_k: 20, chat_template_kwargs: { enable_thinking: false } };
    const settings = generationSettings({ temperature: 0.2, extraBody }, { seed: 7 });
    expect(settings).toEqual({ temperature: 0.2, seed: 7, extraBody });
    expect(settings.extraBody).not.toBe(extraBody);
    expect(generationSettings({ extraBody: {} })).toEqual({});
    expect(generationSettings({})).toEqual({});
  });

  it("offers extraBody in the params schema LLM operators spread", () => {
    expect(generationParamsSchema.extraBody).toMatchObject({ type: "object" });
  });
});
