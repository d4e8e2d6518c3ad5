/**
 * Credentials in text a cluster supplies. Argo CD operation and condition messages quote failed
 * requests (`Authorization: Bearer ...`, `?access_token=...`, repository URLs with passwords),
 * cluster Secrets name servers with `?token=`, policy and controller messages quote whatever they
 * were given. fleetledger keeps such text as evidence, so every credential in it is replaced by a
 * marker naming what was there, `[REDACTED:<kind>]`, before anything is stored, printed or logged.
 *
 * What is found (the kinds):
 * - `userinfo`: the user name and password of a URL, whatever characters the password holds;
 * - `bearer`, `basic`: the credentials of an `Authorization: Bearer|Basic` header (a Basic value
 *   only when it decodes to `user:password`), `authorization`: of any other scheme;
 * - `parameter`: the value of a `name=value` pair (query string, connection string, form) or a
 *   JSON `"name": "value"` whose name ends in token, secret, password, passwd, pwd, credential(s),
 *   signature, apikey, api_key, access_key, private_key, account_key, shared_access_key or
 *   subscription_key, or is `sig` (Azure SAS);
 * - token shapes: `jwt`, `aws-access-key` (AKIA/ASIA...), `github-token` (ghp_ ..., github_pat_),
 *   `gitlab-token` (glpat-), `slack-token` (xox?-), `slack-webhook`, `google-api-key` (AIza),
 *   `google-oauth-token` (ya29.), `private-key` (a PEM private key block).
 *
 * Pattern-based, so it errs on the side of redacting: a path holding `@` after `host:port` loses
 * its host too. Applying it again changes nothing (markers are never matched).
 */
import { USER_INFO_IN_TEXT } from './urls.js';

export const REDACTION_KINDS = [
  'userinfo',
  'bearer',
  'basic',
  'authorization',
  'parameter',
  'jwt',
  'aws-access-key',
  'github-token',
  'gitlab-token',
  'slack-token',
  'slack-webhook',
  'google-api-key',
  'google-oauth-token',
  'private-key',
] as const;
export type RedactionKind = (typeof REDACTION_KINDS)[number];

/** What replaces a credential: `[REDACTED:bearer]`. */
export function redactionMarker(kind: RedactionKind): string {
  return `[REDACTED:${kind}]`;
}

/** Characters of an HTTP token68 (RFC 9110): what Bearer and Basic credentials are made of. */
const TOKEN68 = String.raw`[A-Za-z0-9\-._~+/]+=*`;
const SECRET_NAME = String.raw`(?:[\w.-]*?(?:token|secret|password|passwd|pwd|credentials?|signature|api[_-]?key|access[_-]?key|private[_-]?key|account[_-]?key|shared[_-]?access[_-]?key|subscription[_-]?key)|sig)`;
const NOT_A_MARKER = String.raw`(?!\[REDACTED:)`;

/** A word, not a credential: "Bearer token expired", "Bearer authentication". */
function looksLikeCredential(value: string): boolean {
  return value.length >= 8 && (/[\d\-._~+/=]/.test(value) || /.[A-Z]/.test(value) || value.length >= 20);
}

function decodesToUserAndPassword(value: string): boolean {
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: binary garbage is not user:password
  return /^[^:\u0000-\u001f]*:[^\u0000-\u001f]*$/.test(decoded) && decoded.length >= 2;
}

type Rule = readonly [pattern: RegExp, replace: (match: string, ...groups: string[]) => string];

const marker = redactionMarker;

/** In order: a match is never looked at again by a later rule (it holds a marker by then). */
const RULES: readonly Rule[] = [
  [
    /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
    () => marker('private-key'),
  ],
  [USER_INFO_IN_TEXT, (_, scheme) => `${scheme}${marker('userinfo')}@`],
  [
    new RegExp(String.raw`\b(hooks\.slack\.com/(?:services|workflows|triggers)/)${NOT_A_MARKER}[A-Za-z0-9/_-]+`, 'gi'),
    (_, prefix) => `${prefix}${marker('slack-webhook')}`,
  ],
  [
    new RegExp(String.raw`\b(Bearer\s+)(${TOKEN68})`, 'gi'),
    (match, prefix, value) => (looksLikeCredential(value) ? `${prefix}${marker('bearer')}` : match),
  ],
  [
    /\b(Basic\s+)([A-Za-z0-9+/]{4,}={0,2})(?![\w+/=])/gi,
    (match, prefix, value) => (decodesToUserAndPassword(value) ? `${prefix}${marker('basic')}` : match),
  ],
  [
    // Another scheme (token, Negotiate, AWS4-HMAC-SHA256 ...) or a bare credential.
    new RegExp(
      String.raw`\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic)\s)(?:([A-Za-z][A-Za-z0-9-]{0,15})\s+)?${NOT_A_MARKER}([^\s"',;]+)`,
      'gi',
    ),
    (match, prefix, scheme, value) => {
      if (!scheme && !looksLikeCredential(value)) return match;
      return `${prefix}${scheme ? `${scheme} ` : ''}${marker('authorization')}`;
    },
  ],
  [
    // Sentence punctuation right after the value ("...?token=abc: 401") is left to the sentence.
    new RegExp(String.raw`(^|[^\w.-])(${SECRET_NAME}=)${NOT_A_MARKER}[^\s&#"'<>]*[^\s&#"'<>.,:;)\]]`, 'gi'),
    (_, before, name) => `${before}${name}${marker('parameter')}`,
  ],
  [
    new RegExp(String.raw`("${SECRET_NAME}"\s*:\s*")${NOT_A_MARKER}(?:[^"\\]|\\.)+`, 'gi'),
    (_, prefix) => `${prefix}${marker('parameter')}`,
  ],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, () => marker('jwt')],
  [/\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, () => marker('aws-access-key')],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g, () => marker('github-token')],
  [/\bglpat-[A-Za-z0-9_-]{20,}/g, () => marker('gitlab-token')],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, () => marker('slack-token')],
  [/\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, () => marker('google-api-key')],
  [/\bya29\.[0-9A-Za-z_-]{20,}/g, () => marker('google-oauth-token')],
];

/**
 * Cheap first look: text matching neither holds nothing the rules find (most names, labels,
 * distinguished names, selectors and fingerprints). Each alternative is a necessary part of a
 * rule's match: a parameter rule needs one of the SECRET_NAME endings right before its `=` or `":`
 * (a bare `=` let every `CN=x` and `app=web` through to all the rules), and the token shapes are
 * matched with their case, as their rules do (a hex fingerprint holds `acca`, never `ACCA`).
 */
const MIGHT_HOLD_CREDENTIALS =
  /:\/\/|bearer|basic|authorization|(?:token|secret|passw(?:or)?d|pwd|credentials?|signature|key|sig)(?:=|"\s*:)|PRIVATE KEY/i;
const MIGHT_BE_A_TOKEN = /eyJ|AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|AIza|ya29\./;

/**
 * The text with every credential found replaced by its marker.
 *
 * @example
 * redactCredentials('GET https://ci:pw@git.example/a.git?access_token=abc: 401')
 * // 'GET https://[REDACTED:userinfo]@git.example/a.git?access_token=[REDACTED:parameter]: 401'
 */
export function redactCredentials(text: string): string {
  if (!MIGHT_HOLD_CREDENTIALS.test(text) && !MIGHT_BE_A_TOKEN.test(text)) return text;
  let out = text;
  for (const [pattern, replace] of RULES) {
    out = out.replace(pattern, replace as (substring: string, ...args: unknown[]) => string);
  }
  return out;
}

const MARKER = /\[REDACTED:([a-z-]+)\]/g;

/** Adds the markers found in `text` to `counts`, by kind. */
export function countRedactionMarkers(text: string, counts: Map<string, number>): void {
  if (!text.includes('[REDACTED:')) return;
  for (const match of text.matchAll(MARKER)) {
    const kind = match[1] ?? '';
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Plain data (objects, arrays, strings) with redactCredentials applied to every string value (keys
 * are names, not free text), and the markers it then holds counted by kind. Copy on write: what
 * holds nothing to redact is returned as it is (a snapshot of 50,000 namespaces is not rebuilt).
 */
export function redactCredentialsDeep<T>(value: T): { value: T; markers: Map<string, number> } {
  const markers = new Map<string, number>();
  const visit = (entry: unknown): unknown => {
    if (typeof entry === 'string') {
      const redacted = redactCredentials(entry);
      countRedactionMarkers(redacted, markers);
      return redacted;
    }
    if (Array.isArray(entry)) {
      let copy: unknown[] | null = null;
      entry.forEach((item, index) => {
        const visited = visit(item);
        if (visited === item) return;
        copy ??= [...entry];
        copy[index] = visited;
      });
      return copy ?? entry;
    }
    if (entry !== null && typeof entry === 'object' && isPlainObject(entry)) {
      let copy: Record<string, unknown> | null = null;
      for (const [key, item] of Object.entries(entry)) {
        const visited = visit(item);
        if (visited === item) continue;
        copy ??= { ...entry };
        copy[key] = visited;
      }
      return copy ?? entry;
    }
    return entry;
  };
  return { value: visit(value) as T, markers };
}
