/**
 * How the e-mail leaves: SMTP (`smtp://host:port`, `smtps://` for implicit TLS) or Amazon SES v2
 * (nodemailer's SES transport hands the raw MIME message to SendEmailCommand).
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import nodemailer, { type Transporter } from 'nodemailer';
import { ConfigError } from '../../core/errors.js';
import { withMaskedCredentials } from '../../core/urls.js';

export type MailTransportSpec =
  | { kind: 'smtp'; url: string; auth?: { user: string; pass: string } | null }
  | { kind: 'ses'; client: SESv2Client };

/**
 * Checks an SMTP URL: ConfigError unless smtp:// or smtps:// with a host. The message echoes the
 * URL with its user and password masked: it lands in terminals, CI logs and tickets.
 */
export function parseSmtpUrl(text: string): URL {
  const problem = () =>
    new ConfigError(`--smtp: expected smtp://host:port or smtps://host:port, got "${withMaskedCredentials(text)}"`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw problem();
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') throw problem();
  return url;
}

/**
 * A nodemailer transporter for the spec.
 *
 * @example
 * const transport = createMailTransport({ kind: 'smtp', url: 'smtp://mail.internal:25' });
 * const ses = createMailTransport({ kind: 'ses', client: new SESv2Client({ region: 'eu-west-1' }) });
 */
export function createMailTransport(spec: MailTransportSpec): Transporter {
  if (spec.kind === 'ses') {
    return nodemailer.createTransport({ SES: { sesClient: spec.client, SendEmailCommand } });
  }
  const url = parseSmtpUrl(spec.url);
  // AUTH credentials from the environment or a file (smtpCredentials.ts), never from the URL: a
  // user name left in the URL would make nodemailer log in with an empty password instead.
  url.username = '';
  url.password = '';
  return nodemailer.createTransport({ url: url.toString(), ...(spec.auth ? { auth: spec.auth } : {}) });
}
