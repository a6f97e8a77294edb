import { describe, expect, it } from "vitest";
import { quantityToBytes } from "@family/immich-spec";
import { bytesToQuantity, ImportDraft, toHandle, uniqueHandle } from "./_draft.js";

describe("ImportDraft", () => {
  it("writes the spec's key order, a comment on each guess, and the unmapped list last", () => {
    const d = new ImportDraft();
    d.set(["targets", "compose", "user"], { uid: 0, gid: 0 }, "runs as root");
    d.set(["apiVersion"], "immich-family.dev/v1alpha1");
    d.set(["hosts", "web"], "photos.example.com", "no source gives the web host");
    d.unmap("compose: service x");
    expect(d.toYaml(["Imported."])).toBe(
      [
        "# Imported.",
        "",
        "apiVersion: immich-family.dev/v1alpha1",
        "hosts:",
        "  web: photos.example.com # guessed: no source gives the web host",
        "targets:",
        "  compose:",
        "    user:",
        "      # guessed: runs as root",
        "      uid: 0",
        "      gid: 0",
        "",
        "# Not mapped (carry these over by hand if you need them):",
        "# - compose: service x",
        "",
      ].join("\n"),
    );
  });

  it("drops a guess, and the guesses under it, once a source finds the value", () => {
    const d = new ImportDraft();
    d.set(["libraries", "photos"], { owner: "", path: "/p" }, "a bind of the server");
    d.set(["libraries", "photos", "owner"], "ann", "the first admin");
    d.set(["libraries", "photos"], { owner: "bob", path: "/p" });
    expect(d.toYaml([])).not.toContain("guessed");
  });

  it("treats keys named like Object.prototype members as ordinary keys", () => {
    const d = new ImportDraft();
    expect(d.has(["libraries", "constructor"])).toBe(false);
    d.setDefault(["libraries", "constructor"], { path: "/c" });
    d.set(["targets", "kubernetes", "database", "parameters"], JSON.parse('{"__proto__": "1", "toString": "2"}'));
    d.set(["x", "__proto__", "y"], 1);
    expect(d.get(["libraries", "toString"])).toBeUndefined();
    expect(Object.getPrototypeOf(d.spec.x)).toBe(Object.prototype);
    expect(d.toYaml([])).toContain(["libraries:", "  constructor:", "    path: /c"].join("\n"));
    expect(d.toYaml([])).toContain(["x:", "  __proto__:", "    y: 1"].join("\n"));
    expect(d.toYaml([])).toContain(["      parameters:", '        __proto__: "1"', '        toString: "2"'].join("\n"));
  });
});

describe("ImportDraft: comments", () => {
  it("writes every comment on its own lines, whatever the sources' text holds", () => {
    const d = new ImportDraft();
    d.set(["hosts", "web"], "photos.example.com", "from\nauth:\n  passwordLogin: false");
    d.unmap("service\r\n---\nauth: {}\u2028\u0085");
    expect(d.toYaml(["from /srv/x\ny: 1"])).toBe(
      [
        "# from /srv/x\\ny: 1",
        "",
        "hosts:",
        "  web: photos.example.com # guessed: from\\nauth:\\n  passwordLogin: false",
        "",
        "# Not mapped (carry these over by hand if you need them):",
        "# - service\\r\\n---\\nauth: {}\\u2028\\x85",
        "",
      ].join("\n"),
    );
  });
});

describe("ImportDraft: secrets, handles and quantities", () => {
  it("records secrets by key, never by value", () => {
    const d = new ImportDraft();
    expect(d.secret("DB_PASSWORD", "the database password")).toBe("${DB_PASSWORD}");
    expect([...d.secrets]).toEqual([["DB_PASSWORD", "the database password"]]);
  });

  it("makes handles and quantities", () => {
    expect(toHandle("Ponder Fotos", "x")).toBe("ponder-fotos");
    expect(toHandle("2024", "library")).toBe("library");
    expect(uniqueHandle("ann", ["ann", "ann-2"])).toBe("ann-3");
    expect(bytesToQuantity(500 * 1024 ** 3)).toBe("500Gi");
    expect(bytesToQuantity(1000)).toBe("1000");
    // Back through the spec's reading of a quantity, as members sync reads it.
    expect(quantityToBytes(bytesToQuantity(2 * 1024 ** 4))).toBe(2 * 1024 ** 4);
  });
});
