import type { Command } from 'commander';
import { generateSigningKeyFiles } from '../../signing/keyFiles.js';
import { EXIT } from '../exit.js';
import { examples } from '../help.js';
import { formatOption, printJson, printLines } from '../output.js';
import type { RunState } from './index.js';

/** `fleetledger keygen --out DIR`: an ECDSA P-256 signing key pair; existing files are never overwritten (exit 2). */
export function register(program: Command, run: RunState): void {
  const command = program
    .command('keygen')
    .description('Generate an ECDSA P-256 key pair to sign the ledger (PKCS#8 private key, SPKI public key, PEM)')
    .requiredOption(
      '--out <dir>',
      'directory for fleetledger-signing.key and fleetledger-signing.pub (created if needed)',
    )
    .addOption(formatOption(['text', 'json']))
    .action(async (flags: { out: string; format: string }) => {
      const files = await generateSigningKeyFiles(flags.out);
      if (flags.format === 'json') {
        printJson({ privateKey: files.privateKey, publicKey: files.publicKey, fingerprint: files.keyId });
      } else {
        printLines(
          `private key: ${files.privateKey} (keep it secret: whoever holds it can sign runs)`,
          `public key:  ${files.publicKey} (give it to auditors: fleetledger verify --public-key)`,
          `fingerprint: ${files.keyId}`,
        );
      }
      run.exitCode = EXIT.ok;
    });
  examples(command, [
    'fleetledger keygen --out ./keys',
    'fleetledger snapshot --store ./ledger --signing-key ./keys/fleetledger-signing.key',
  ]);
}
