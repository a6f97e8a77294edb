import { type ImmichFamilySpec, oauthIssuerUrl, oauthMobileRedirect, oauthRedirectUris } from "@family/immich-spec";
import type { CommandMain } from "../_command.js";
import { CliError } from "../_errors.js";
import { loadSpecOrThrow } from "../_spec.js";

/** The mobile app's own callback, used when the HTTPS relay is not. */
export const MOBILE_APP_CALLBACK = "app.immich:///oauth-callback";

export interface RedirectUris {
  readonly preset: "google" | "entra" | "generic";
  readonly issuerUrl: string | null;
  /** Whether the mobile app goes through the server's HTTPS relay (mobileOverrideEnabled). */
  readonly mobileRelay: boolean;
  readonly redirectUris: { readonly webLogin: string; readonly userSettings: string; readonly mobile: string };
  readonly notes: readonly string[];
}

const NOTES: Record<RedirectUris["preset"], string[]> = {
  google: ["Google Cloud Console → APIs & Services → Credentials → OAuth client ID, type Web application: add each URI under Authorized redirect URIs."],
  entra: [
    "Entra ID → App registrations → Authentication: add all three URIs under the Web platform (not Mobile and desktop: that makes a public client and Entra rejects the client secret with AADSTS700025).",
    "Set Allow public client flows to No.",
  ],
  generic: ["Register each URI as an allowed redirect/callback URI of the client at your OIDC provider."],
};

/** The exact redirect URIs to register at the identity provider, or undefined without OAuth. */
export function redirectUris(spec: ImmichFamilySpec): RedirectUris | undefined {
  const oauth = spec.auth.oauth;
  if (!oauth) return undefined;
  const uris = oauthRedirectUris(spec);
  const relay = oauthMobileRedirect(oauth);
  return {
    preset: oauth.preset,
    issuerUrl: oauthIssuerUrl(oauth) ?? null,
    mobileRelay: relay,
    redirectUris: { webLogin: uris.webLogin, userSettings: uris.userSettings, mobile: relay ? uris.mobileRelay : MOBILE_APP_CALLBACK },
    notes: NOTES[oauth.preset],
  };
}

export const main: CommandMain = async ({ cwd, io }, [action, path], flags) => {
  if (action !== "redirect-uris") throw new CliError("bad-arguments", `Unknown oauth action: ${action ?? "(none)"}. Use \`oauth redirect-uris [spec]\`.`);
  const { spec } = await loadSpecOrThrow(cwd, path);
  const result = redirectUris(spec);
  if (!result) {
    throw new CliError(
      "check-failed",
      "The spec has no auth.oauth: there is nothing to register. Add auth.oauth (preset google, entra or generic) to let members log in through an identity provider.",
    );
  }
  if (flags.output === "json") {
    io.stdout(JSON.stringify(result, null, 2));
    return 0;
  }
  const { webLogin, userSettings, mobile } = result.redirectUris;
  io.stdout(
    [
      `Redirect URIs to register at ${result.preset === "entra" ? "Microsoft Entra ID" : result.preset === "google" ? "Google" : "the identity provider"}:`,
      `  ${webLogin}    (web login)`,
      `  ${userSettings}    (user settings: linking an account)`,
      `  ${mobile}    (${result.mobileRelay ? "mobile app, through the server's relay" : "mobile app callback"})`,
      ...(result.issuerUrl ? [`Issuer URL: ${result.issuerUrl}`] : []),
      ...result.notes,
    ].join("\n"),
  );
  return 0;
};
