import { describe, expect, it } from "vitest";
import { EndpointCircuit } from "./endpoint-circuit.js";

describe("EndpointCircuit", () => {
  it("takes the endpoint out after `failures` in a row, and an answer in between resets the count", () => {
    const c = new EndpointCircuit({ failures: 3, coolDownMs: 100 });
    expect(c.failed(false, 0)).toBe(false);
    expect(c.failed(false, 0)).toBe(false);
    c.answered();
    expect(c.failed(false, 0)).toBe(false);
    expect(c.failed(false, 0)).toBe(false);
    expect(c.state(0)).toBe("in");
    expect(c.failed(false, 10)).toBe(true);
    expect(c.takenOut).toBe(1);
    expect(c.state(50)).toBe("cooling");
    expect(c.state(110)).toBe("due");
  });

  it("lets one probe through after the cool-down; a failed probe doubles it, an answer puts it back", () => {
    const c = new EndpointCircuit({ failures: 1, coolDownMs: 100, maxCoolDownMs: 300 });
    c.failed(false, 0);
    c.probe();
    expect(c.state(150)).toBe("cooling");
    c.failed(true, 150);
    expect(c.coolDownMs).toBe(200);
    expect(c.state(349)).toBe("cooling");
    expect(c.state(350)).toBe("due");
    c.probe();
    c.failed(true, 350);
    c.probe();
    c.failed(true, 700);
    expect(c.coolDownMs).toBe(300);
    expect(c.answered()).toBe(true);
    expect(c.state(700)).toBe("in");
    expect(c.coolDownMs).toBe(100);
  });

  it("frees the probe when it is abandoned", () => {
    const c = new EndpointCircuit({ failures: 1, coolDownMs: 10 });
    c.failed(false, 0);
    c.probe();
    expect(c.state(20)).toBe("cooling");
    c.abandoned(true);
    expect(c.state(20)).toBe("due");
  });
});
