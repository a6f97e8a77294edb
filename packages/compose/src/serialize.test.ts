import { expect, test } from "vitest";
import { parse } from "yaml";
import type { ComposeFile } from "./compose-model.js";
import { serializeCompose } from "./serialize.js";

const file: ComposeFile = {
  name: "p",
  services: { s: { image: "i:1", user: "1000:59", restart: "no", ports: ["2283:2283"], environment: { ON: "on", PORT: "5432" } } },
  networks: { n: { name: "p-n", internal: true } },
};

test("key order is canonical whatever order the model was built in", () => {
  const s = file.services.s ?? { image: "" };
  const shuffled: ComposeFile = {
    networks: file.networks,
    services: { s: Object.fromEntries(Object.entries(s).reverse()) as typeof s },
    name: "p",
  };
  expect(serializeCompose(shuffled)).toBe(serializeCompose(file));
  expect(serializeCompose(file).indexOf("name: p")).toBe(0);
});

test("strings that YAML 1.1 would read as booleans, numbers or sexagesimals stay strings", () => {
  const text = serializeCompose(file);
  expect(text).toContain('user: "1000:59"');
  expect(text).toContain('restart: "no"');
  expect(text).toContain('- "2283:2283"');
  expect(parse(text, { version: "1.1" })).toEqual(file);
});
