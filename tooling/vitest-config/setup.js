import { afterEach, beforeEach, vi } from "vitest";

// A test that prints to the console unexpectedly fails: output is behaviour, assert it instead.
const methods = ["log", "info", "warn", "error", "debug"];
let spies = [];
beforeEach(() => {
  spies = methods.map((m) => vi.spyOn(console, m));
});
afterEach(() => {
  const calls = spies.flatMap((s, i) => s.mock.calls.map((c) => `console.${methods[i]}: ${c.map(String).join(" ")}`));
  for (const s of spies) s.mockRestore();
  if (calls.length > 0) throw new Error(`unexpected console output:\n${calls.join("\n")}`);
});
