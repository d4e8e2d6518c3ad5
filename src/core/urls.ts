/**
 * URLs read from clusters and configuration may carry credentials in their user-info part
 * (`https://admin:secret@host`): Argo CD cluster Secrets, Application destinations, kubeconfig
 * servers, SMTP URLs. Those credentials must never reach a snapshot, a report, a log or an error.
 *
 * Text-based on purpose: a string that the URL parser rejects (a typo, a hostile value) must lose
 * its credentials too, and the rest of it is kept exactly as written.
 */

// scheme://userinfo@ — the user-info runs to the last `@` before the authority ends (`/`, `?`, `#`).
const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;
// The same inside free text (error messages): the authority also ends at white space and quotes.
const USER_INFO_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s"'<>`]*@/gi;

/**
 * The URL without its user name and password; anything else is returned unchanged.
 *
 * @example
 * withoutUrlCredentials('https://admin:s3cret@argocd.example:443/x') // 'https://argocd.example:443/x'
 */
export function withoutUrlCredentials(url: string): string {
  return url.replace(USER_INFO, '$1');
}

/** Text (an error message, a log line) with the credentials of every URL in it removed. */
export function withoutCredentialsInUrls(text: string): string {
  return text.replace(USER_INFO_IN_TEXT, '$1');
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
