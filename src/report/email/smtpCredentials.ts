/**
 * SMTP credentials come from the environment or a file, never from the command line: a password
 * in `--smtp smtp://user:pass@host` would sit in the process list, the shell history and CI logs.
 * The user name may be in the URL or in FLEETLEDGER_SMTP_USER; the password in
 * FLEETLEDGER_SMTP_PASSWORD or the first line of the file --smtp-password-file names.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, errorMessage } from '../../core/errors.js';
import { withMaskedCredentials } from '../../core/urls.js';

export const SMTP_USER_VARIABLE = 'FLEETLEDGER_SMTP_USER';
export const SMTP_PASSWORD_VARIABLE = 'FLEETLEDGER_SMTP_PASSWORD';

export interface SmtpCredentials {
  user: string;
  pass: string;
}

/** The credentials to log in with, or null to send without AUTH; ConfigError naming the flag or variable. */
export function smtpCredentials(
  url: URL,
  passwordFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): SmtpCredentials | null {
  if (url.password !== '') {
    throw new ConfigError(
      `--smtp: "${withMaskedCredentials(url.toString())}" carries a password: give it in ${SMTP_PASSWORD_VARIABLE} or --smtp-password-file instead (a command line is visible to every user of the machine)`,
    );
  }
  const user = decodeURIComponent(url.username) || env[SMTP_USER_VARIABLE] || '';
  let pass = env[SMTP_PASSWORD_VARIABLE] ?? '';
  if (passwordFile !== undefined) {
    try {
      pass = (readFileSync(passwordFile, 'utf8').split(/\r?\n/)[0] ?? '').trim();
    } catch (error) {
      throw new ConfigError(`--smtp-password-file: cannot read ${passwordFile}: ${errorMessage(error)}`);
    }
    if (pass === '') throw new ConfigError(`--smtp-password-file: ${passwordFile} is empty`);
  }
  if (user === '' && pass === '') return null;
  if (user === '') {
    throw new ConfigError(
      `--smtp: a password was given but no user: put it in the URL (smtp://user@host:587) or ${SMTP_USER_VARIABLE}`,
    );
  }
  if (pass === '') {
    throw new ConfigError(
      `--smtp: user "${user}" has no password: set ${SMTP_PASSWORD_VARIABLE} or --smtp-password-file`,
    );
  }
  return { user, pass };
}
