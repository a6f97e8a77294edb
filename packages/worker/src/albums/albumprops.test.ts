import { describe, expect, it } from "vitest";
import { formatAlbumPropsError, parseAlbumProps } from "./albumprops.js";

const parse = (text: string) => parseAlbumProps(text, "/lib/2024/Rome/.albumprops");

describe("parseAlbumProps", () => {
  it("reads every key under the names immich-folder-album-creator users know", () => {
    const r = parse(`override_name: Rome!
description: Summer trip
share_with:
  - user: alice
    role: editor
  - user: bob@example.com
  - { user: carol, role: none }
thumbnail_setting: last
sort_order: asc
visibility: archive
comments_and_likes_enabled: false
inherit: true
inherit_properties: [share_with, sort_order]
`);
    expect(r).toEqual({
      ok: true,
      value: {
        file: "/lib/2024/Rome/.albumprops",
        overrideName: "Rome!",
        description: "Summer trip",
        shareWith: [
          { user: "alice", role: "editor" },
          { user: "bob@example.com", role: "viewer" },
          { user: "carol", role: "none" },
        ],
        thumbnail: "last",
        sortOrder: "asc",
        visibility: "archive",
        commentsAndLikes: false,
        inherit: true,
        inheritProperties: ["shareWith", "sortOrder"],
      },
    });
  });

  it("treats a missing role as viewer instead of failing", () => {
    const r = parse("share_with:\n  - user: alice\n");
    expect(r.ok && r.value.shareWith).toEqual([{ user: "alice", role: "viewer" }]);
  });

  it("accepts an empty file", () => {
    expect(parse("")).toEqual({ ok: true, value: { file: "/lib/2024/Rome/.albumprops", inherit: false } });
  });

  it.each([
    ["broken YAML", "share_with: [\n  - user: a\n", 2],
    ["an unknown role", "share_with:\n  - user: alice\n    role: owner\n", 3],
    ["an unknown key", "description: x\nsharewith: []\n", 2],
    ["a non-boolean inherit", "inherit: yes please\n", 1],
    ["an entry without user", "share_with:\n  - role: editor\n", 2],
    ["a bad sort order", "sort_order: newest\n", 1],
    ["a top-level list", "- a\n- b\n", 1],
  ])("reports %s with file and line", (_what, text, line) => {
    const r = parse(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.line).toBe(line);
    expect(formatAlbumPropsError(r.error)).toMatch(new RegExp(`^/lib/2024/Rome/\\.albumprops:${line}:\\d+: `));
  });

  it("names the allowed roles in the message", () => {
    const r = parse("share_with:\n  - user: alice\n    role: owner\n");
    expect(r.ok ? "" : formatAlbumPropsError(r.error)).toMatchInlineSnapshot(
      `"/lib/2024/Rome/.albumprops:3:11: share_with[].role: expected one of viewer, editor, none, got "owner""`,
    );
  });
});
