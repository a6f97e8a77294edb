import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diagnose } from "./helpers.js";

// Each fixture in malformed/ is the small valid base spec (base.yaml) with one mistake (its first line says which).
// The loader must report exactly these diagnostics: line, column, dotted path, message and code.
const EXPECTED: Record<string, string[]> = {
  "01-wrong-type-integer": ['42:18: targets.compose.user.uid: expected an integer, got "one" [invalid-type]'],
  "02-wrong-type-mapping": ["8:8: hosts: expected a mapping, got a list [invalid-type]"],
  "03-wrong-type-boolean": ['21:12: members.ann.admin: expected a boolean (true or false), got "yes please" [invalid-type]'],
  "04-wrong-type-list": ['29:24: libraries.photos.exclusionPatterns: expected a list, got "**/raw/**" [invalid-type]'],
  "05-unknown-key-top": ['8:1: host: unknown key "host" (did you mean "hosts"?) [unknown-key]'],
  "06-unknown-key-nested": ['21:5: members.ann.admn: unknown key "admn" (did you mean "admin"?) [unknown-key]'],
  "07-unknown-key-no-suggestion": [
    '14:5: auth.oauth.colour: unknown key "colour"; expected one of: preset, tenantId, issuerUrl, clientId, clientSecret, scope, autoRegister, autoLaunch, mobileRedirect, mobileRedirectHost, buttonText, roleClaim [unknown-key]',
  ],
  "08-unknown-key-union": [
    '40:9: targets.kubernetes.libraries.photos.nsf: unknown key "nsf" (did you mean "nfs"?); expected one of: nfs, existingClaim [unknown-key]',
  ],
  "09-duplicate-key": ['24:5: members.bob.name: duplicate key "name" (first defined on line 23); each key may appear once in a mapping [duplicate-key]'],
  "10-duplicate-member": [
    '22:3: members.ann: duplicate key "ann" (first defined on line 18); each key may appear once in a mapping [duplicate-key]',
    '32:21: libraries.photos.albums.shareWith.0.member: album share target "bob" is not a declared member; members: ann [album-share]',
  ],
  "11-yaml-unclosed-flow": ["33:1: YAML syntax: Flow map in block collection must be sufficiently indented and end with a } [yaml-bad-indent]"],
  "12-yaml-bad-indent": ["9:8: YAML syntax: Nested mappings are not allowed in compact mappings [yaml-block-as-implicit-key]"],
  "13-yaml-unclosed-quote": ['16:39: YAML syntax: Missing closing "quote [yaml-missing-char]'],
  "14-yaml-tab": [
    "19:1: YAML syntax: Tabs are not allowed as indentation [yaml-tab-as-indent]",
    "20:12: YAML syntax: Nested mappings are not allowed in compact mappings [yaml-block-as-implicit-key]",
    "21:12: YAML syntax: Nested mappings are not allowed in compact mappings [yaml-block-as-implicit-key]",
  ],
  "15-empty-file": ["1:1: the spec is empty: expected a mapping with apiVersion, kind, metadata, immich, hosts, members and targets [empty]"],
  "16-missing-required": ["2:1: metadata: missing required key metadata [missing-key]"],
  "17-missing-nested": ["22:3: members.bob.email: missing required key email [missing-key]"],
  "18-bad-api-version": ['2:13: apiVersion: expected "immich-family.dev/v1alpha1", got "v1" [invalid-value]'],
  "19-bad-enum": ['13:13: auth.oauth.preset: expected one of google, entra, generic, got "gogle" (did you mean "google"?) [invalid-value]'],
  "20-bad-hwaccel": ['47:14: targets.compose.hwaccel: expected one of cpu, nvenc, quicksync, rkmpp, vaapi, got "cuda" [invalid-value]'],
  "21-bad-host-scheme": [
    '9:8: hosts.web: expected a lowercase DNS host name such as photos.example.com (no scheme, no path), got "https://photos.smith.family" [invalid-format]',
  ],
  "22-bad-host-uppercase": [
    '10:11: hosts.mobile: expected a lowercase DNS host name such as photos.example.com (no scheme, no path), got "App.Smith.Family" [invalid-format]',
  ],
  "23-bad-quantity": ['25:12: members.bob.quota: expected a quantity such as 100Gi, 512Mi, 500m or 2, got "500GB" [invalid-format]'],
  "24-bad-email": ['24:12: members.bob.email: expected an email address, got "bob-at-smith" [invalid-format]'],
  "25-bad-version": ['7:12: immich.version: expected a version such as v2.7.5, got "latest" [invalid-format]'],
  "26-bad-path": ['28:11: libraries.photos.path: expected an absolute path starting with /, got "mnt/photos" [invalid-format]'],
  "27-bad-handle": [
    '22:3: members.Bob: invalid key "Bob": expected a lowercase name of letters, digits and dashes, starting with a letter, ending with a letter or digit, at most 40 characters [invalid-key]',
  ],
  "28-bad-int-range": ["34:18: database.postgresMajor: expected a number >= 14, got number 12 [too-small]"],
  "29-bad-levels": ["31:15: libraries.photos.albums.levels: album levels cannot be 0 [invalid-value]"],
  "30-bad-levels-type": ["31:15: libraries.photos.albums.levels: expected an integer or a string, got boolean true [invalid-type]"],
  "31-secret-literal": [
    "15:19: auth.oauth.clientSecret: expected a secret reference like ${IMMICH_OAUTH_CLIENT_SECRET}, got a literal value; put the value in the secrets env file and reference its key [secret-literal]",
  ],
  "32-secret-bare-key": ["34:13: database.password: expected a secret reference like ${DB_PASSWORD}, got the bare key name DB_PASSWORD [secret-bare-key]"],
  "33-both-targets-missing": ["36:10: targets: declare at least one target: kubernetes or compose [invalid-value]"],
  "34-targets-missing": ["2:1: targets: missing required key targets [missing-key]"],
  "35-broken-owner": ['27:12: libraries.photos.owner: library owner "anne" is not a declared member (did you mean "ann"?); members: ann, bob [library-owner]'],
  "36-broken-share": [
    '32:21: libraries.photos.albums.shareWith.0.member: album share target "bobb" is not a declared member (did you mean "bob"?); members: ann, bob [album-share]',
  ],
  "37-share-with-owner": [
    '32:21: libraries.photos.albums.shareWith.0.member: "ann" owns the albums of library photos (its owner) and cannot also be a share target; remove this entry [album-share]',
  ],
  "38-library-without-source": [
    '41:3: targets.compose.libraries.photos: library "photos" (/mnt/photos) has no source in targets.compose.libraries; add photos: { hostPath: /path/on/the/host } [library-targets]',
  ],
  "39-unknown-library-source": [
    '47:7: targets.compose.libraries.fotos: "fotos" is not a declared library (did you mean "photos"?); libraries: photos [library-targets]',
  ],
  "40-bad-mobile-redirect-host": [
    '15:25: auth.oauth.mobileRedirectHost: expected one of the declared hosts (photos.smith.family, app.smith.family), got "photos.example.com"; the relay must be served by this Immich [mobile-redirect-host]',
  ],
  "41-bad-template-token": ["16:27: storageTemplate.template: unknown token {{filname}} (did you mean {{filename}}?) [storage-template]"],
  "42-bad-exclusion": ['29:38: libraries.photos.exclusionPatterns.1: the glob does not compile: Missing closing: "]" [exclusion-patterns]'],
  "43-import-outside": [
    '29:19: libraries.photos.importPaths.0: import path "/mnt/other" is not under the library path /mnt/photos; Immich only sees files under it [import-paths]',
  ],
  "44-vector-out-of-range": ["35:18: database.vectorVersion: Immich accepts VectorChord >=0.3.0 <2.0.0, got 2.1.0 [vector-extension]"],
  "45-vector-image-mismatch": [
    "39:14: targets.kubernetes.database.image: the image tag says PostgreSQL 17 with VectorChord 0.4.3, but database.postgresMajor is 16 and database.vectorVersion is 0.3.0; use the tag 16-0.3.0 or change the database section [vector-extension]",
  ],
  "46-entra-without-tenant": [
    "12:3: auth.oauth: preset entra needs tenantId (the Directory ID; the issuer URL is derived from it) or issuerUrl [oauth-provider]",
  ],
  "47-several-errors": [
    "7:12: immich.version: expected a string, got number 2 [invalid-type]",
    '21:12: members.ann.admin: expected a boolean (true or false), got "maybe" [invalid-type]',
    "26:3: libraries.photos.owner: missing required key owner [missing-key]",
    '27:5: libraries.photos.ownr: unknown key "ownr" (did you mean "owner"?) [unknown-key]',
  ],
};

const dir = new URL("./malformed/", import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => f.slice(0, -5));

describe("malformed specs", () => {
  it("has at least 30 fixtures, each with its expectation", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    expect(fixtures.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(fixtures)("%s", (name) => {
    const text = readFileSync(new URL(`${name}.yaml`, dir), "utf8");
    expect(diagnose(text, `${name}.yaml`).map((d) => d.slice(name.length + 6))).toEqual(EXPECTED[name]);
  });
});
