import type { Command } from 'commander';

/** What a command reports back to main(): its exit status (see EXIT in main.ts). */
export interface RunState {
  exitCode: number;
}

/** What each command module exports: a function that adds the command (options, action) to the program. */
export type RegisterCommand = (program: Command, run: RunState) => void;

/**
 * One command of the CLI. Its module is imported only when the command runs (or its own --help
 * is asked for), so `fleetledger --version`, `--help` and light commands never load the AWS SDK,
 * the Kubernetes client, Handlebars or X.509 that other commands need. The top-level help is
 * printed from `term` and `description`, which must be what the module registers (a test
 * compares the help printed from this list with the help of every module loaded).
 */
export interface CommandEntry {
  readonly name: string;
  /** The command as the top-level help lists it, e.g. `rules [options] [ids...]`. */
  readonly term: string;
  readonly description: string;
  readonly load: () => Promise<{ register: RegisterCommand }>;
}

/**
 * Every command, in the order the help lists them. To add one: a module under commands/ exporting
 * `register` (as the others do), and an entry here naming it.
 */
export const commands: readonly CommandEntry[] = [
  {
    name: 'verify',
    term: 'verify [options]',
    description:
      'Recompute every hash of the ledger, walk the manifest chain, report missing/altered/unexpected objects; with --public-key check every signature',
    load: () => import('./verify.js'),
  },
  {
    name: 'share',
    term: 'share [options]',
    description: 'Print presigned download URLs (at most 7 days) for one object or a whole period',
    load: () => import('./share.js'),
  },
  {
    name: 'evaluate',
    term: 'evaluate [options]',
    description: "Evaluate each cluster's latest snapshot of a period against the rule catalog",
    load: () => import('./evaluate.js'),
  },
  {
    name: 'rules',
    term: 'rules [options] [ids...]',
    description: 'List the rule catalog: ids, severities, rationale, remediation and control mappings',
    load: () => import('./rules.js'),
  },
  {
    name: 'snapshot',
    term: 'snapshot [options]',
    description: 'Snapshot every cluster of a fleet into the ledger',
    load: () => import('./snapshot.js'),
  },
  {
    name: 'email',
    term: 'email [options]',
    description: 'E-mail the latest report of a period (HTML + text, links to the full report, attachments on request)',
    load: () => import('./email.js'),
  },
  {
    name: 'report',
    term: 'report [options]',
    description: 'Generate the compliance report of a period (HTML, JSON, CSV, policy reports, e-mail) into the ledger',
    load: () => import('./report.js'),
  },
  {
    name: 'run',
    term: 'run [options]',
    description: 'Snapshot every cluster of the fleet, then generate the report of the current week',
    load: () => import('./run.js'),
  },
  {
    name: 'simulate',
    term: 'simulate [options]',
    description: 'Serve each sub-directory of a fleet directory as a simulated Kubernetes API server (HTTPS)',
    load: () => import('./simulate.js'),
  },
  {
    name: 'demo',
    term: 'demo [options]',
    description: 'start the demo fleet, snapshot it for last week and this week, and write the report',
    load: () => import('./demo.js'),
  },
  {
    name: 'keygen',
    term: 'keygen [options]',
    description: 'Generate an ECDSA P-256 key pair to sign the ledger (PKCS#8 private key, SPKI public key, PEM)',
    load: () => import('./keygen.js'),
  },
  {
    name: 'export',
    term: 'export [options]',
    description:
      "Write a period's auditor's bundle: the report, every snapshot it rests on, the signed manifest chain, the public key, SHA256SUMS and VERIFY.md, as one .tar.gz",
    load: () => import('./export.js'),
  },
  {
    name: 'invoke',
    term: 'invoke [options]',
    description: 'Start a run of the deployed stack now: snapshots, and with --period the report and its e-mail',
    load: () => import('./invoke.js'),
  },
  {
    name: 'status',
    term: 'status [options]',
    description: "Show the deployed stack's last runs, newest first",
    load: () => import('./status.js'),
  },
  {
    name: 'check',
    term: 'check [options]',
    description:
      'CI gate: exit 1 when the latest stored report of a period has open findings at or above a severity, or compliance below a minimum',
    load: () => import('./check.js'),
  },
  {
    name: 'doctor',
    term: 'doctor [options]',
    description:
      'Check, before the first run, that every cluster can be audited (connectivity, TLS, credentials, version, optional APIs, RBAC by SelfSubjectAccessReview), and the store, mail and signing key',
    load: () => import('./doctor.js'),
  },
  {
    name: 'metrics',
    term: 'metrics [options]',
    description:
      'Print the latest stored report of a period as Prometheus metrics (text format): scores, coverage, cluster status, findings, certificate expiry',
    load: () => import('./metrics.js'),
  },
  {
    name: 'diff',
    term: 'diff [options] <a> <b>',
    description:
      'Show what changed between two snapshots of a cluster or the reports of two periods: facts, findings and scores (exit 0 when equal, 1 when different)',
    load: () => import('./diff.js'),
  },
  {
    name: 'reports',
    term: 'reports',
    description: 'List the reports stored in a ledger, or show one (as recorded by the run manifests)',
    load: () => import('./reports.js'),
  },
];

/**
 * The command an argument list runs, or asks help for (`help NAME`): its first word that is not an
 * option. Null for `--version`, `--help` and no command at all.
 */
export function commandNamed(argv: readonly string[]): CommandEntry | null {
  const words = argv.filter((arg) => !arg.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return commands.find((entry) => entry.name === name) ?? null;
}
