/**
 * URLs read from clusters and configuration may carry credentials in their user-info part
 * (`https://admin:secret@host`): Argo CD cluster Secrets, Application destinations, kubeconfig
 * servers, SMTP URLs. Those credentials must never reach a snapshot, a report, a log or an error.
 *
 * Text-based on purpose: a string that the URL parser rejects (a typo, a hostile value) must lose
 * its credentials too, and the rest of it is kept exactly as written. A password may hold any
 * character, `/` and `@` included (`https://ci:pa/ss@w@git.example/repo`): after `user:`, the
 * user-info runs to the last `@` that is followed by a host name.
 */

const SCHEME = String.raw`([a-z][a-z0-9+.-]*:\/\/)`;
/** A host (name, IPv4 or [IPv6]) and optional port, then the end of the authority. */
const HOST_FOLLOWS = String.raw`(?=(?:[a-z0-9._~%-]+|\[[0-9a-f:.]+\])(?::\d*)?(?:[/?#\s"'<>\x60,;)\]]|$))`;
/** `user:password@` where the password may hold anything but white space and quotes. */
const USER_AND_PASSWORD = String.raw`[^\s/?#@:"'<>\x60]*:[^\s"'<>\x60]*@${HOST_FOLLOWS}`;
/** The authority's user-info as RFC 3986 has it: up to the last `@` before the path. */
const AUTHORITY_USER_INFO = String.raw`[^/?#\s"'<>\x60]*@`;
// A marker left by redaction (`https://[REDACTED:userinfo]@host`) is not user-info to remove again.
const NOT_A_MARKER = String.raw`(?!\[REDACTED:)`;

const USER_INFO = new RegExp(`^${SCHEME}${NOT_A_MARKER}(?:${USER_AND_PASSWORD}|${AUTHORITY_USER_INFO})`, 'i');

/**
 * The user-info of every URL in free text (error messages, Argo CD conditions): group 1 is the
 * scheme with `://`. The authority also ends at white space and quotes, so e-mail addresses and
 * `@` in paths stay.
 */
export const USER_INFO_IN_TEXT = new RegExp(
  String.raw`\b${SCHEME}${NOT_A_MARKER}(?:${USER_AND_PASSWORD}|${AUTHORITY_USER_INFO})`,
  'gi',
);

/**
 * The URL without its user name and password; anything else is returned unchanged.
 *
 * @example
 * withoutUrlCredentials('https://admin:s3cret@argocd.example:443/x') // 'https://argocd.example:443/x'
 */
export function withoutUrlCredentials(url: string): string {
  return url.replace(USER_INFO, '$1');
}

/**
 * The URL-like text with its user information (`user:password@`) replaced by `***@`, for echoing
 * a flag back in an error. Works on text that does not parse as a URL too: everything between
 * `://` (or the start) and the last `@` goes, so a password with `/` or `@` in it is masked whole.
 *
 * @example
 * withMaskedCredentials('smpt://mailer:s3cret@mail:25') // 'smpt://***@mail:25'
 */
export function withMaskedCredentials(text: string): string {
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const schemeEnd = text.indexOf('://');
  const start = schemeEnd >= 0 && schemeEnd < at ? schemeEnd + 3 : 0;
  return `${text.slice(0, start)}***${text.slice(at)}`;
}
