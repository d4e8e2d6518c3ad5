import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { exportBundle } from '../../bundle/writeBundle.js';
import { resolveNow } from '../../core/clock.js';
import { prepareOutputDirectory } from '../../core/outputDirectory.js';
import { packageFile } from '../../core/packageRoot.js';
import { type DemoStep, runDemo } from '../../demo/runDemo.js';
import { timestampForKey } from '../../ledger/keys.js';
import { openStore, prepareStore } from '../../ledger/open.js';
import { parseS3Location } from '../../ledger/s3Location.js';
import { ensureSigningKeyFiles, PUBLIC_KEY_FILE, readSigningKeyFile } from '../../signing/keyFiles.js';
import type { Signer } from '../../signing/signer.js';
import { signerFromFlagOrEnvironment } from '../../signing/signingSetting.js';
import { cliLogger } from '../cliLogger.js';
import { examples } from '../help.js';
import { printLines } from '../output.js';
import { signingKeyOption } from '../runTrustOptions.js';
import type { RunState } from './index.js';
import { reportSummary } from './report.js';
import { clusterLine, summaryLine } from './snapshot.js';

const EXAMPLES = fileURLToPath(packageFile('examples'));

function stepLines(step: DemoStep, storeLocation: string): string[] {
  const week = step.week === 'last' ? 'last week' : 'this week';
  if (step.kind === 'snapshot') {
    return [`== ${week}: snapshot`, ...step.result.clusters.map(clusterLine), summaryLine(step.result, storeLocation)];
  }
  return [`== ${week}: report`, ...reportSummary(step.report, storeLocation)];
}

/**
 * The demo's signer: `--signing-key` or FLEETLEDGER_SIGNING_KEY when given, else the pair beside
 * the ledger (the folder holding a directory ledger, the working directory for S3), generated on
 * the first start and reused after: an existing key is never replaced.
 */
async function demoSigner(
  store: string,
  isS3: boolean,
  signingKey: string | undefined,
): Promise<{ signer: Signer; publicKey: string | null; note: string }> {
  const given = await signerFromFlagOrEnvironment(signingKey);
  if (given) return { signer: given, publicKey: null, note: 'signed with the given key' };
  const dir = isS3 ? '.' : dirname(store);
  const files = await ensureSigningKeyFiles(dir, '--store');
  return {
    signer: readSigningKeyFile('--store', files.privateKey),
    publicKey: join(dir, PUBLIC_KEY_FILE),
    note: `signed with ${files.privateKey} (${files.created ? 'generated now' : 'reused'}; fingerprint ${files.keyId})`,
  };
}

/** `fleetledger demo` (`npm start`): the demo fleet, two weekly cycles, the report on disk. */
export function register(program: Command, run: RunState): void {
  const command = program
    .command('demo')
    .description('start the demo fleet, snapshot it for last week and this week, and write the report')
    .option('--store <location>', 'ledger location', './ledger')
    .option('--out <dir>', "directory for this week's report files", './out/report')
    .option('--now <iso>', 'the clock for the whole run (ISO 8601)')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .addOption(signingKeyOption())
    .action(async (flags: { store: string; out: string; now?: string; s3Endpoint?: string; signingKey?: string }) => {
      const now = resolveNow(flags.now);
      // Checked before the demo fleet starts: an unusable --out must not fail after the ledger was written.
      await prepareOutputDirectory('--out', flags.out);
      const store = await openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {});
      await prepareStore(store);
      const signing = await demoSigner(flags.store, parseS3Location(flags.store) !== null, flags.signingKey);
      const result = await runDemo({
        examplesDir: EXAMPLES,
        store,
        now,
        out: flags.out,
        logger: cliLogger(),
        onStep: (step) => printLines(...stepLines(step, store.location)),
        signer: signing.signer,
      });
      const outDir = result.thisWeek.report.outDir ?? flags.out;
      printLines(
        '',
        `report: ${outDir}/report.html (also report.json, findings.csv, policyreport.yaml, openreports.yaml, assessment-results.json, email.html)`,
      );
      const endpoint = flags.s3Endpoint ? ` --s3-endpoint ${flags.s3Endpoint}` : '';
      // The head this week's report names (report.json ledger.head): the checkpoint its readers hold.
      const head = result.thisWeek.report.doc.ledger?.head?.sha256;
      const publicKey = signing.publicKey ?? 'PUBLIC_KEY.pem';
      printLines(`ledger: ${signing.note}`);
      printLines(
        `verify the ledger: npx fleetledger verify --store ${store.location}${endpoint} --public-key ${publicKey}${head ? ` --expect-head ${head}` : ''}`,
      );
      // This week's auditor's bundle, named after its report (a second start writes a new one).
      const { doc } = result.thisWeek.report;
      const stamp = timestampForKey(DateTime.fromISO(doc.generatedAt, { zone: 'utc' }));
      const bundle = await exportBundle(store, {
        period: doc.period,
        publicKey: await signing.signer.verificationKey(),
        out: join(outDir, `fleetledger-${doc.period}-${stamp}.tar.gz`),
      });
      printLines(
        `auditor's bundle: ${bundle.file} (${bundle.files} files: the report, ${bundle.plan.evidence} snapshot(s), ${bundle.plan.manifests.length} signed manifest(s), SHA256SUMS, VERIFY.md)`,
      );
      printLines(
        `verify the bundle offline: npx fleetledger verify --bundle ${bundle.file} --public-key ${publicKey}${head ? ` --expect-head ${head}` : ''}`,
      );
      run.exitCode = 0;
    });
  examples(command, [
    'fleetledger demo',
    'fleetledger demo --store /tmp/demo/ledger --out /tmp/demo/report --now 2026-11-25T09:00:00Z',
  ]);
}
