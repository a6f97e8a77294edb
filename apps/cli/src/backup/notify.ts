import type { ComposeTarget } from "@family/immich-spec";
import { createTransport } from "nodemailer";
import { type DrillReport, reportLines } from "./report.js";

type BackupEmail = NonNullable<NonNullable<ComposeTarget["backup"]["notify"]>["email"]>;

/**
 * Mail a failed drill through the backup's own mail settings (`targets.compose.backup.notify.email`):
 * the same sender, recipients and SMTP server as db-backup's failure mails. `secret` looks a key up
 * (the environment, then the secrets env file). Resolves to what was done, for the report.
 */
export async function mailFailedDrill(mail: BackupEmail, project: string, report: DrillReport, secret: (key: string) => string | undefined): Promise<string> {
  const { smtp } = mail;
  const user = smtp.user ? ("key" in smtp.user ? secret(smtp.user.key) : smtp.user.value) : undefined;
  const pass = smtp.password ? secret(smtp.password.key) : undefined;
  if (smtp.password && !pass) return `no mail sent: set ${smtp.password.key} (in the environment or the secrets env file)`;
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === "tls",
    requireTLS: smtp.security === "starttls",
    ignoreTLS: smtp.security === "none",
    tls: { rejectUnauthorized: smtp.security !== "none" },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
    ...(pass ? { auth: { user: user ?? mail.from, pass } } : {}),
  });
  try {
    await transport.sendMail({
      from: mail.from,
      to: mail.to.join(", "),
      subject: `[${project}] Immich backup restore drill FAILED`,
      text: `${reportLines(report).join("\n")}\n\nRun \`immich-family backup verify\` on the host to see it again.\n`,
    });
    return `mailed the failure to ${mail.to.join(", ")}`;
  } catch (error) {
    return `could not mail the failure through ${smtp.host}:${smtp.port}: ${(error as Error).message}`;
  } finally {
    transport.close();
  }
}
