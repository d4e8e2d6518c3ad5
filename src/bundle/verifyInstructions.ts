/**
 * VERIFY.md: the commands that check a bundle, filled in for it. It is unsigned, but every fact in
 * it comes from the signed records (report.json and the report's run manifest) and the bundle's
 * name, so `verify --bundle` renders it again and names a VERIFY.md that says anything else: whoever
 * tampers with the bundle cannot rewrite its instructions either. It still tells the auditor to
 * compare the head and the key's fingerprint with what they received before the bundle (the
 * report's e-mail or report.html), which no file of the bundle can prove.
 */
import { opensslRecipeFor } from '../signing/opensslRecipe.js';
import { BUNDLE_KEY_FILE, SUMS_FILE } from './bundleLayout.js';

export interface VerifyInstructionsFacts {
  /** The bundle's file name as written (its base name: BUNDLE_FILE_NAME). */
  bundleFile: string;
  folder: string;
  periodId: string;
  generatedAt: string;
  /** The ledger the report was built from. */
  store: string;
  reportFolder: string;
  /** The report's own run manifest: the one step 4 checks. */
  reportManifest: string;
  head: { manifest: string; sha256: string } | null;
  signingKey: string;
  /** Whether the bundle carries the public key. */
  keyIncluded: boolean;
}

/** A bundle's file name as VERIFY.md names it: a plain name a shell command can take as it is. */
export const BUNDLE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

/** The bundle's file name VERIFY.md's first line names, or null when it names none that fits. */
export function bundleFileNamedIn(text: string): string | null {
  const name = /^# Verifying (\S+)\n/.exec(text)?.[1];
  return name !== undefined && BUNDLE_FILE_NAME.test(name) ? name : null;
}

/** The text of VERIFY.md. */
export function renderVerifyInstructions(facts: VerifyInstructionsFacts): string {
  const key = facts.keyIncluded ? BUNDLE_KEY_FILE : 'PUBLIC_KEY.pem';
  const expectHead = facts.head ? ` --expect-head ${facts.head.sha256}` : '';
  const keyParagraph = facts.keyIncluded
    ? [
        `The bundle carries a copy of the public key (${BUNDLE_KEY_FILE}). Trust it only if its fingerprint is`,
        'the one above as you received it:',
        '',
        `    openssl pkey -pubin -in ${BUNDLE_KEY_FILE} -outform DER | openssl dgst -sha256`,
        '',
        'prints the hex digits that follow `sha256:`. Better still, use the public key the operator gave you',
        `directly, and name it instead of ${BUNDLE_KEY_FILE} below.`,
      ]
    : [
        'The bundle carries no public key: use the one the operator gave you (SPKI PEM, as',
        '`fleetledger keygen` writes it) in place of PUBLIC_KEY.pem below, after checking its fingerprint:',
        '',
        '    openssl pkey -pubin -in PUBLIC_KEY.pem -outform DER | openssl dgst -sha256',
      ];
  return [
    `# Verifying ${facts.bundleFile}`,
    '',
    `This bundle holds the fleetledger report of ${facts.periodId} generated at ${facts.generatedAt}`,
    `(${facts.reportFolder} of the ledger ${facts.store}), every snapshot it rests on, and the signed run`,
    'manifests that record them, from the runs that collected the evidence to the run that wrote the report.',
    '',
    'Compare these with what you received before this bundle (the report e-mail or report.html), not with',
    'this file: whoever handled the bundle could have changed this file, but not the signatures.',
    '',
    `- ledger head the report rests on: ${facts.head ? `${facts.head.manifest}, SHA-256 ${facts.head.sha256}` : 'none (the ledger was empty)'}`,
    `- fingerprint of the signing key: ${facts.signingKey}`,
    '',
    '## 1. Every file arrived intact (coreutils)',
    '',
    `    tar -xzf ${facts.bundleFile}`,
    `    cd ${facts.folder}`,
    `    sha256sum -c ${SUMS_FILE}`,
    '',
    'Every line must end in OK. This catches damage, not tampering (whoever can change a file can change',
    `${SUMS_FILE} too): the signatures below catch that.`,
    '',
    '## 2. The public key',
    '',
    ...keyParagraph,
    '',
    '## 3. Everything, offline (fleetledger)',
    '',
    `    fleetledger verify --bundle ${facts.bundleFile} --public-key ${key}${expectHead}`,
    '',
    `It needs no ledger and no network. It checks every file against ${SUMS_FILE} and against what the`,
    'manifests record, the chain of manifests, every signature with the key, that every snapshot and',
    'report file is recorded by a signed manifest, that every snapshot the report names is here, that',
    'the head above is in the chain, and that this file says what those signed records say. It ends with',
    '`bundle verified` and exit status 0; anything changed, missing or added is named, with exit status 1.',
    '',
    '## 4. One signature with openssl alone',
    '',
    `In the bundle's folder (after step 1), the report's own run: its manifest's signature, then the`,
    'manifest and every file it records. It prints `Verified OK`, then `OK` and the name of each file.',
    '',
    '```sh',
    opensslRecipeFor(facts.reportManifest, key),
    '```',
    '',
  ].join('\n');
}
