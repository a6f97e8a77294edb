import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

/** The one diagnostic of the base spec with `from` replaced by `to`, without its position. */
const only = (from: string, to: string) => {
  const all = diagnose(edit(BASE_SPEC, from, to));
  expect(all).toHaveLength(1);
  return (all[0] ?? "").replace(/^spec\.yaml:\d+:\d+: /, "");
};
const accepts = (from: string, to: string) => expect(diagnose(edit(BASE_SPEC, from, to))).toEqual([]);

const HOST_PATH = "      media: /srv/immich";
const hostPath = (p: string) => `      media: ${p}`;

describe("host paths (Compose bind mounts)", () => {
  it.each(["/srv/immich", "./data/media", "/srv/price$$list", "/mnt/tank/with space"])("accepts %s", (p) => accepts(HOST_PATH, hostPath(JSON.stringify(p))));

  it.each([
    ["/srv/a:b", "expected a path without ':', which separates the parts of a volume mount"],
    ["/srv/a\nb", "expected a path on one line, without tabs"],
    ["/srv/$HOME", "expected no '$' in a host path (Compose reads it as a variable); write a literal '$' as '$$'"],
    ["/srv/a$$$b", "expected no '$' in a host path (Compose reads it as a variable); write a literal '$' as '$$'"],
    ["data/media", "expected an absolute path or one starting with ./ (relative to the rendered folder)"],
    ["../outside", "expected an absolute path or one starting with ./ (relative to the rendered folder)"],
    ["./data/../../etc", "expected no '..' segments"],
  ])("refuses %j", (p, message) => {
    expect(only(HOST_PATH, hostPath(JSON.stringify(p)))).toBe(
      `targets.compose.paths.media: ${message}, got ${JSON.stringify(p).replace("\\n", "\\n")} [invalid-format]`,
    );
  });
});

describe("container paths", () => {
  it.each([
    ["/mnt/a:b", "expected a path without ':', which separates the parts of a volume mount"],
    ["/mnt/${X}", "expected a path without '$', which Compose would read as a variable"],
    ["/mnt//photos", "expected no empty segments ('//')"],
    ["/mnt/photos/", "expected no trailing slash"],
  ])("refuses a library path %j", (p, message) => {
    const all = diagnose(edit(BASE_SPEC, "    path: /mnt/photos", `    path: "${p}"`));
    expect(all[0]).toBe(`spec.yaml:27:11: libraries.photos.path: ${message}, got "${p}" [invalid-format]`);
  });
});

describe("NFS sources", () => {
  const NFS = "nfs: { server: nas.lan, share: /volume1/photos }";
  it.each(["nas", "NAS.lan", "192.168.1.10", "fd00::10", "nas.lan, subDir: public/ponder/Fotos"])("accepts server %s", (server) =>
    accepts(NFS, `nfs: { server: ${server}, share: /volume1/photos }`),
  );

  it("refuses a server that is not a host name or IP", () => {
    expect(only(NFS, 'nfs: { server: "a;rm -rf /", share: /volume1/photos }')).toBe(
      'targets.kubernetes.libraries.photos.nfs.server: expected a host name (nas.lan) or an IP address (192.168.1.10), got "a;rm -rf /" [invalid-format]',
    );
  });

  it.each([
    ["../../..", "expected no '..' segments"],
    ["/etc", "expected a relative path such as public/photos"],
    ["a:b", "expected a path without ':', which separates the parts of a volume mount"],
  ])("refuses subDir %j", (subDir, message) => {
    expect(only(NFS, `nfs: { server: nas.lan, share: /volume1/photos, subDir: "${subDir}" }`)).toBe(
      `targets.kubernetes.libraries.photos.nfs.subDir: ${message}, got "${subDir}" [invalid-format]`,
    );
  });

  it("refuses a relative share", () => {
    expect(only(NFS, "nfs: { server: nas.lan, share: volume1 }")).toBe(
      'targets.kubernetes.libraries.photos.nfs.share: expected an absolute path starting with /, got "volume1" [invalid-format]',
    );
  });
});

describe("time zones", () => {
  const at = "  version: v2.7.5";
  it.each(["Europe/Berlin", "UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+5"])("accepts %s", (tz) => accepts(at, `${at}\n  timezone: ${tz}`));
  it.each([
    ["Mars/Olympus_Mons", "expected an IANA time zone such as Europe/Berlin or America/New_York"],
    ["'; rm -rf /'", "expected an IANA time zone such as Europe/Berlin or America/New_York"],
    ["europe/berlin", "expected the time zone spelt Europe/Berlin"],
  ])("refuses %s", (tz, message) => {
    expect(only(at, `${at}\n  timezone: ${tz}`)).toMatch(new RegExp(`^immich\\.timezone: ${message.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}, got `));
  });
});

describe("the Immich version", () => {
  it.each(["v2.0.0", "2.7.5", "v3.1.0", "v3.99.99"])("accepts %s", (v) => accepts("  version: v2.7.5", `  version: ${v}`));
  it.each(["v1.99.0", "v4.0.0", "v0.1.0"])("refuses %s, naming the supported range", (v) => {
    expect(only("  version: v2.7.5", `  version: ${v}`)).toBe(
      `immich.version: expected an Immich release on a supported line, >=v2.0.0 <v4.0.0 (the v2 and v3 lines), got "${v}" [unsupported-version]`,
    );
  });
});

describe("uid and gid", () => {
  it("accepts 0 and 2147483647", () => accepts("{ uid: 1000, gid: 1000 }", "{ uid: 0, gid: 2147483647 }"));
  it.each([
    ["gid: 1099511627776", "targets.compose.user.gid: expected a number <= 2147483647, got number 1099511627776 [too-big]"],
    ["gid: -1", "targets.compose.user.gid: expected a number >= 0, got number -1 [too-small]"],
  ])("refuses %s", (gid, message) => expect(only("{ uid: 1000, gid: 1000 }", `{ uid: 1000, ${gid} }`)).toBe(message));
});

describe("names that become object names", () => {
  it.each([
    [
      "  name: smiths",
      "  name: smiths-",
      "metadata.name: expected a lowercase name of letters, digits and dashes, starting with a letter, ending with a letter or digit, at most 40 characters",
    ],
    [
      "  name: smiths",
      `  name: ${"s".repeat(41)}`,
      "metadata.name: expected a lowercase name of letters, digits and dashes, starting with a letter, ending with a letter or digit, at most 40 characters",
    ],
    ["  kubernetes:\n", "  kubernetes:\n    namespace: Photos\n", "targets.kubernetes.namespace: expected a namespace name"],
    [
      "  kubernetes:\n",
      "  kubernetes:\n    secrets: { existingSecret: My_Secret }\n",
      "targets.kubernetes.secrets.existingSecret: expected a Kubernetes object name",
    ],
    ["  kubernetes:\n", "  kubernetes:\n    storageClass: fast.ssd.\n", "targets.kubernetes.storageClass: expected a Kubernetes object name"],
    ["  kubernetes:\n", "  kubernetes:\n    secrets: { envFile: 'a:b\\nc' }\n", "targets.kubernetes.secrets.envFile: expected a path without ':'"],
    [
      "  kubernetes:\n",
      "  kubernetes:\n    secrets: { envFile: ../secrets.env }\n",
      "targets.kubernetes.secrets.envFile: expected a path inside the rendered folder such as secrets.env (kustomize refuses files outside it)",
    ],
    [
      "  kubernetes:\n",
      "  kubernetes:\n    secrets: { envFile: /etc/immich/secrets.env }\n",
      "targets.kubernetes.secrets.envFile: expected a path inside the rendered folder such as secrets.env (kustomize refuses files outside it)",
    ],
    ["  postgresMajor: 16", "  postgresMajor: 16\n  name: immich_", "database.name: expected a lowercase name of letters, digits and '_'"],
    [
      "  compose:\n",
      "  compose:\n    redisImage: valkey:latest; rm -rf /\n",
      "targets.compose.redisImage: expected an image reference such as ghcr.io/immich-app/immich-server:v2.7.5",
    ],
    ["  compose:\n", "  compose:\n    networks: { frontend: 'traefik net' }\n", "targets.compose.networks.frontend: expected a Docker network name"],
    ["  compose:\n", "  compose:\n    envFile: $HOME/.env\n", "targets.compose.envFile: expected no '$' (Compose and kustomize read it as a variable)"],
    [
      "  version: v2.7.5",
      "  version: v2.7.5\n  trustedProxies: [10.0.0.0/8, evil.com]",
      "immich.trustedProxies.1: expected an IP address or CIDR range such as 172.16.0.0/12",
    ],
    [
      "    preset: google",
      "    preset: entra\n    tenantId: 'x/../../evil'",
      "auth.oauth.tenantId: expected a tenant ID (a GUID) or a tenant domain such as contoso.onmicrosoft.com",
    ],
  ])("refuses %#: %s", (from, to, start) => {
    expect(only(from, to)).toMatch(new RegExp(`^${start.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`));
  });
});

describe("the restore drill's schedule (a host crontab line)", () => {
  const LIBS = "    libraries:\n      photos: { hostPath: /srv/photos }";
  const drill = (schedule: string) => `${LIBS}\n    backup:\n      drill: { schedule: ${JSON.stringify(schedule)} }`;
  it.each(["0 5 * * 0", "@weekly", "30 4 1,15 * *"])("accepts %s", (s) => accepts(LIBS, drill(s)));

  it.each([
    ["0 0 5 * * 0", "a host crontab has 5 fields (minute hour day month weekday), no seconds"],
    ["0 25 * * 0", 'hour "25" is outside 0-23'],
    ["@fortnightly", "unknown cron macro @fortnightly (expected one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)"],
  ])("refuses %j", (s, message) => {
    expect(only(LIBS, drill(s))).toBe(`targets.compose.backup.drill.schedule: ${message} [invalid-value]`);
  });

  it("refuses a line break, which would end the crontab line", () => {
    expect(only(LIBS, drill("0 5 * * 0\nrm -rf /"))).toMatch(
      /^targets\.compose\.backup\.drill\.schedule: expected a cron schedule such as 0 5 \* \* 0 or @weekly/,
    );
  });
});
