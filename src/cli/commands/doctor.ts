import type { Command } from 'commander';
import { mapBounded } from '../../core/concurrency.js';
import { errorMessage } from '../../core/errors.js';
import { withMaskedCredentials } from '../../core/urls.js';
import { type ClusterDiagnosis, diagnoseCluster } from '../../doctor/clusterDiagnosis.js';
import { clusterRoleGranting, readName } from '../../doctor/requiredReads.js';
import { diagnoseStore, type StoreDiagnosis } from '../../doctor/storeDiagnosis.js';
import { printable, table } from '../../evaluate/renderTable.js';
import { fleetFromSources } from '../../fleet/fleetSources.js';
import { openStore } from '../../ledger/open.js';
import { createMailTransport } from '../../report/email/mailTransport.js';
import { signerFromFlagOrEnvironment } from '../../signing/signingSetting.js';
import { EXIT } from '../exit.js';
import { examples } from '../help.js';
import { createStatusLine, formatOption, paint, printJson, printLines } from '../output.js';
import { signingKeyOption } from '../runTrustOptions.js';
import { transportSpec } from './email.js';
import type { RunState } from './index.js';
import { fleetSourceHelp } from './snapshot.js';

interface DoctorFlags {
  fleet?: string;
  kubeconfig?: string;
  context?: string[];
  store?: string;
  s3Endpoint?: string;
  smtp?: string;
  smtpPasswordFile?: string;
  ses?: boolean;
  region?: string;
  signingKey?: string;
  format: string;
}

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** The mail transport answers (SMTP: connection, greeting, TLS and AUTH as configured; SES: not probed). */
async function diagnoseMail(flags: DoctorFlags): Promise<Check | null> {
  if (flags.smtp === undefined && !flags.ses) return null;
  const spec = transportSpec(flags);
  if (spec.kind === 'ses')
    return { name: 'ses', ok: true, detail: 'configured (not probed: sending is the only test)' };
  const where = withMaskedCredentials(spec.url);
  try {
    await createMailTransport(spec).verify();
    return {
      name: 'smtp',
      ok: true,
      detail: `${where}: connected${spec.auth ? `, logged in as ${spec.auth.user}` : ''}`,
    };
  } catch (error) {
    return { name: 'smtp', ok: false, detail: `${where}: ${printable(errorMessage(error))}` };
  }
}

/** The signing key (--signing-key or FLEETLEDGER_SIGNING_KEY) loads and signs. */
async function diagnoseSigning(flags: DoctorFlags): Promise<Check> {
  try {
    const signer = await signerFromFlagOrEnvironment(flags.signingKey);
    if (signer === null) return { name: 'signing key', ok: true, detail: 'none configured: runs are not signed' };
    const key = await signer.verificationKey();
    await signer.sign(new TextEncoder().encode('fleetledger doctor'));
    return { name: 'signing key', ok: true, detail: `${key.keyId}: signs` };
  } catch (error) {
    return { name: 'signing key', ok: false, detail: errorMessage(error) };
  }
}

function clusterRows(diagnoses: readonly ClusterDiagnosis[]): string[] {
  const rows = [
    ['CLUSTER', 'STATUS', 'VERSION', 'OPTIONAL APIS', 'DENIED READS'],
    ...diagnoses.map((d) => [
      printable(d.cluster),
      d.verdict,
      d.kubernetesVersion ? printable(d.kubernetesVersion) : '-',
      d.verdict === 'ok' ? d.optionalApis.join(', ') || 'none' : '-',
      d.verdict !== 'ok'
        ? '-'
        : d.reviewProblem
          ? 'unknown'
          : d.denied.length === 0
            ? `none of ${d.checked}`
            : `${d.denied.length} of ${d.checked}`,
    ]),
  ];
  return table(rows, [30, 11, 16, 40, 14]);
}

function detailLines(diagnoses: readonly ClusterDiagnosis[]): string[] {
  return diagnoses.flatMap((d) => {
    const name = printable(d.cluster);
    if (d.problem) return [`${name}: ${d.verdict}: ${printable(d.problem)}`];
    const lines: string[] = [];
    if (d.reviewProblem)
      lines.push(`${name}: access reviews failed, denied reads unknown: ${printable(d.reviewProblem)}`);
    if (d.denied.length > 0) lines.push(`${name}: denied: ${d.denied.map(readName).join(', ')}`);
    return lines;
  });
}

const storeLine = (store: StoreDiagnosis) =>
  `store ${store.location}: reachable ${store.reachable}; writable ${store.writable}; Object Lock ${store.objectLock}`;

/** 1 when a cluster cannot be audited or the store, mail or signing key cannot be used; 3 when reads are denied; else 0. */
export function doctorExitCode(
  diagnoses: readonly ClusterDiagnosis[],
  store: StoreDiagnosis | null,
  checks: readonly Check[],
): number {
  if (diagnoses.some((d) => d.verdict !== 'ok') || (store && !store.ok) || checks.some((check) => !check.ok)) {
    return EXIT.failure;
  }
  return diagnoses.some((d) => d.denied.length > 0 || d.reviewProblem !== null) ? EXIT.partial : EXIT.ok;
}

/** `fleetledger doctor`: checks access to every cluster, the store, mail and the signing key before the first run. */
export function register(program: Command, run: RunState): void {
  const command = program
    .command('doctor')
    .description(
      'Check, before the first run, that every cluster can be audited (connectivity, TLS, credentials, version, optional APIs, RBAC by SelfSubjectAccessReview), and the store, mail and signing key',
    )
    .option('--fleet <file>', fleetSourceHelp.fleet)
    .option('--kubeconfig <file>', fleetSourceHelp.kubeconfig)
    .option('--context <name...>', fleetSourceHelp.context)
    .option('--store <location>', 'also check this ledger: a directory or s3://bucket/prefix')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint (path-style addressing)')
    .option('--smtp <url>', 'also check this SMTP server (credentials as for `email`)')
    .option('--smtp-password-file <file>', 'the SMTP password: the first line of this file')
    .option('--ses', 'also check that Amazon SES is configured')
    .option('--region <region>', 'AWS region for SES')
    .addOption(signingKeyOption())
    .addOption(formatOption(['text', 'json']))
    .action(async (flags: DoctorFlags) => {
      const fleet = await fleetFromSources(flags);
      const store = flags.store
        ? await openStore(flags.store, flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {})
        : null;
      const readSecrets = fleet.defaults.readSecrets !== false;
      const status = createStatusLine();
      let done = 0;
      const diagnoses = await mapBounded(fleet.clusters, fleet.defaults.concurrency, async (target) => {
        const diagnosis = await diagnoseCluster(target, {
          requestTimeoutMs: fleet.defaults.requestTimeoutSeconds * 1000,
          readSecrets,
        });
        done++;
        status.show(`[${done}/${fleet.clusters.length}] checked ${target.name}`);
        return diagnosis;
      });
      status.clear();
      const storeDiagnosis = store ? await diagnoseStore(store) : null;
      const mail = await diagnoseMail(flags);
      const checks = [...(mail ? [mail] : []), await diagnoseSigning(flags)];
      const denied = diagnoses.flatMap((d) => d.denied);
      const role = denied.length > 0 ? clusterRoleGranting(denied) : null;
      run.exitCode = doctorExitCode(diagnoses, storeDiagnosis, checks);
      if (flags.format === 'json') {
        printJson({
          clusters: diagnoses.map((d) => ({
            ...d,
            denied: d.denied.map(({ group, resource }) => ({ group, resource })),
          })),
          store: storeDiagnosis,
          checks,
          clusterRole: role,
          exitCode: run.exitCode,
        });
        return;
      }
      printLines(
        ...clusterRows(diagnoses),
        ...detailLines(diagnoses),
        '',
        ...(storeDiagnosis ? [storeLine(storeDiagnosis)] : []),
        ...checks.map((check) => `${check.name}: ${check.ok ? '' : `${paint('bad', 'fail')}: `}${check.detail}`),
        ...(role
          ? [
              '',
              '# Grants the denied reads: apply it, and bind it to the identity the fleet file uses',
              '# (as examples/rbac/fleetledger-reader.yaml binds fleetledger-reader).',
              role,
            ]
          : []),
      );
    });
  examples(command, [
    '# every context of $KUBECONFIG (else ~/.kube/config), and the ledger',
    'fleetledger doctor --store s3://audit-ledger/fleet',
    'fleetledger doctor --fleet fleet.yaml --store ./ledger --smtp smtp://mail.internal:25 --signing-key ./keys/fleetledger-signing.key',
    'fleetledger doctor --kubeconfig ~/.kube/config --context prod-east --format json',
  ]);
}
