import type { SpecRule } from "./_rule.js";
import { albumShare } from "./album-share.js";
import { composeLibraryBinds } from "./compose-library-binds.js";
import { composePaths } from "./compose-paths.js";
import { composeSuperuser } from "./compose-superuser.js";
import { exclusionPatterns } from "./exclusion-patterns.js";
import { importPaths } from "./import-paths.js";
import { kubernetesBackup } from "./kubernetes-backup.js";
import { libraryOwner } from "./library-owner.js";
import { libraryTargets } from "./library-targets.js";
import { memberEmails } from "./member-emails.js";
import { memberPartners } from "./member-partners.js";
import { mobileRedirectHost } from "./mobile-redirect-host.js";
import { oauthProvider } from "./oauth-provider.js";
import { oauthRoleClaim } from "./oauth-role-claim.js";
import { placeholders } from "./placeholders.js";
import { serverEnvironment } from "./server-environment.js";
import { storageTemplate } from "./storage-template.js";
import { immichCron } from "./immich-cron.js";
import { immichScanScope } from "./immich-scan-scope.js";
import { unusedField } from "./unused-field.js";
import { vectorExtension } from "./vector-extension.js";
import { immichConfigKeys } from "./immich-config.js";
import { reservedKey } from "./reserved-key.js";

/** Every cross-field rule, in the order their diagnostics are reported. */
export const specRules: readonly SpecRule[] = [
  memberEmails,
  memberPartners,
  libraryOwner,
  importPaths,
  exclusionPatterns,
  albumShare,
  libraryTargets,
  oauthProvider,
  oauthRoleClaim,
  mobileRedirectHost,
  storageTemplate,
  vectorExtension,
  composeSuperuser,
  composePaths,
  composeLibraryBinds,
  serverEnvironment,
  immichCron,
  immichScanScope,
  unusedField,
  immichConfigKeys,
  kubernetesBackup,
  placeholders,
  reservedKey,
];
