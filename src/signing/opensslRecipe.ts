/**
 * The openssl-only recipe that checks one manifest's signature and the objects it records, with
 * nothing but a POSIX shell and the openssl CLI: the README prints it (between its
 * `openssl-recipe` markers, a test keeps the two equal) and every auditor's bundle's VERIFY.md
 * carries it filled in for the report's own run.
 */

/** The recipe as the README prints it, for its example manifest and the key file keygen writes. */
// biome-ignore-start lint/suspicious/noTemplateCurlyInString: shell text, whose ${...} the shell expands
export const OPENSSL_RECIPE = [
  'M=manifests/2026-11-25T06-00-00.000Z-0f3e089576c44e9d.json   # the manifest to check',
  'PUB=fleetledger-signing.pub                                   # the public key you were given',
  'E=${M%.json}.dsse.json                                        # its signature, beside it',
  'T=application/vnd.in-toto+json',
  'W=$(mktemp -d)                                                # scratch files, outside the ledger',
  '# 1. The signature: DSSE signs "DSSEv1 <length of type> <type> <length of payload> <payload>".',
  'grep -o \'"payload": *"[^"]*"\' "$E" | cut -d\'"\' -f4 | openssl base64 -d -A > "$W/statement.json"',
  'grep -o \'"sig": *"[^"]*"\' "$E" | head -n 1 | cut -d\'"\' -f4 | openssl base64 -d -A > "$W/signature.der"',
  'printf \'DSSEv1 %s %s %s \' "${#T}" "$T" "$(wc -c < "$W/statement.json" | tr -d \' \')" | cat - "$W/statement.json" > "$W/signed.bin"',
  'openssl dgst -sha256 -verify "$PUB" -signature "$W/signature.der" "$W/signed.bin"',
  '# 2. The signed statement names the manifest and every object it records with its SHA-256.',
  'grep -o \'"name":"[^"]*","digest":{"sha256":"[0-9a-f]*"}\' "$W/statement.json" | cut -d\'"\' -f4,10 | tr \'"\' \' \' |',
  '  while read -r name sha256; do',
  '    if [ "$(openssl dgst -sha256 -r "$name" | cut -c1-64)" = "$sha256" ]; then echo "OK $name"; else echo "FAILED $name"; fi',
  '  done',
].join('\n');
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: shell text

/**
 * The recipe for one manifest (a ledger key such as `manifests/<runAt>-<hash>.json`) and one
 * public key file, run from the folder that holds the ledger's files (a ledger directory, or an
 * extracted bundle). Both are ledger-made names (no spaces, no quotes), so they go in as they are.
 *
 * @example
 * const script = opensslRecipeFor('manifests/2026-11-25T09-00-00.000Z-0123456789abcdef.json', 'fleetledger-signing.pub');
 */
export function opensslRecipeFor(manifest: string, publicKeyFile: string): string {
  return OPENSSL_RECIPE.replace(/^M=\S+/m, `M=${manifest}`).replace(/^PUB=\S+/m, `PUB=${publicKeyFile}`);
}
