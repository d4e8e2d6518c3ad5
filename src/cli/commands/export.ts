import type { Command } from 'commander';
import { exportBundle } from '../../bundle/writeBundle.js';
import { ConfigError } from '../../core/errors.js';
import { openStore } from '../../ledger/open.js';
import { readPublicKeyFile } from '../../signing/keyFiles.js';
import type { VerificationKey } from '../../signing/signer.js';
import { SIGNING_KEY_VARIABLE, signerFromFlagOrEnvironment } from '../../signing/signingSetting.js';
import { EXIT } from '../exit.js';
import { examples } from '../help.js';
import { formatOption, printJson, printLines } from '../output.js';
import type { RunState } from './index.js';

interface ExportFlags {
  format: string;
  store: string;
  period: string;
  out: string;
  timeZone?: string;
  s3Endpoint?: string;
  publicKey?: string;
  signingKey?: string;
}

/** The ledger's key: --public-key, else the public half of --signing-key / FLEETLEDGER_SIGNING_KEY. */
async function ledgerKey(flags: ExportFlags): Promise<VerificationKey> {
  if (flags.publicKey) return readPublicKeyFile('--public-key', flags.publicKey);
  const signer = await signerFromFlagOrEnvironment(flags.signingKey);
  if (signer) return signer.verificationKey();
  throw new ConfigError(
    `--public-key: the ledger's public key is needed (or --signing-key, or $${SIGNING_KEY_VARIABLE}, whose public half is taken): a bundle is checked against it`,
  );
}

/** `fleetledger export`: a period's report, its evidence and signed chain as one file for an auditor. */
export function register(program: Command, run: RunState): void {
  const command = program
    .command('export')
    .description(
      "Write a period's auditor's bundle: the report, every snapshot it rests on, the signed manifest chain, the public key, SHA256SUMS and VERIFY.md, as one .tar.gz",
    )
    .requiredOption('--store <location>', 'ledger: a directory or s3://bucket/prefix')
    .requiredOption('--period <period>', 'the ISO week whose latest report is exported, e.g. 2026-W48')
    .requiredOption('--out <file>', 'the bundle to write (.tar.gz); an existing file is never replaced')
    .option('--time-zone <tz>', 'only a report generated in this time zone (IANA), as report --time-zone')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .option('--public-key <file>', "the ledger's public key (SPKI PEM): only what it vouches for is exported")
    .option(
      '--signing-key <file>',
      `instead of --public-key: the ledger's signing key (key file or kms:<key ARN>), whose public half is taken (default: $${SIGNING_KEY_VARIABLE})`,
    )
    .addOption(formatOption(['text', 'json']))
    .action(async (flags: ExportFlags) => {
      const publicKey = await ledgerKey(flags);
      const store = await openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      const bundle = await exportBundle(store, {
        period: flags.period,
        publicKey,
        out: flags.out,
        ...(flags.timeZone ? { timeZone: flags.timeZone } : {}),
      });
      const { plan } = bundle;
      const head = plan.head ? `${plan.head.manifest} (SHA-256 ${plan.head.sha256})` : 'none';
      run.exitCode = EXIT.ok;
      if (flags.format === 'json') {
        printJson({
          bundle: bundle.file,
          files: bundle.files,
          bytes: bundle.bytes,
          sha256: bundle.sha256,
          period: plan.periodId,
          report: plan.report.folder,
          evidence: plan.evidence,
          manifests: plan.manifests.length,
          head: plan.head ?? null,
          signingKey: plan.signingKey,
        });
        return;
      }
      printLines(
        `bundle: ${bundle.file} (${bundle.files} files, ${bundle.bytes} bytes, SHA-256 ${bundle.sha256})`,
        `report: ${plan.report.folder} of ${plan.periodId}, ${plan.evidence} snapshot(s) of evidence, ${plan.manifests.length} signed manifest(s)`,
        `head: ${head}, signed by ${plan.signingKey}`,
        `verify it: fleetledger verify --bundle ${bundle.file} --public-key PUBLIC_KEY.pem${plan.head ? ` --expect-head ${plan.head.sha256}` : ''}`,
      );
    });
  examples(command, [
    'fleetledger export --store ./ledger --period 2026-w48 --public-key fleetledger-signing.pub --out fleetledger-2026-W48.tar.gz',
    'fleetledger verify --bundle fleetledger-2026-W48.tar.gz --public-key fleetledger-signing.pub',
  ]);
}
