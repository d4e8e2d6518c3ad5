/**
 * Small hand-written snapshots for the evaluation tests. `snapshotOf` starts from a reachable
 * cluster with every section collected and nothing in it, lets the test fill in what it needs,
 * and validates the result with the schema, so a fixture can never drift from the contract.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { type EvaluateOptions, type Evaluation, evaluateFleet } from '../../src/evaluate/evaluate.js';
import type { Rule } from '../../src/evaluate/rule.js';
import {
  type ArgoApplication,
  type CertificateBundle,
  type Constraint,
  SECTION_NAMES,
  type SectionName,
  type SectionState,
  Snapshot,
  type X509Info,
} from '../../src/snapshot/schema.js';

export const NOW = DateTime.fromISO('2026-11-25T09:00:00Z', { zone: 'utc' }) as DateTime<true>;
export const COLLECTED_AT = '2026-11-25T06:00:00.000Z';

export function snapshotOf(cluster: string, fill: (snapshot: Snapshot) => void = () => {}): Snapshot {
  const snapshot: Snapshot = {
    schemaVersion: 1,
    meta: {
      cluster,
      labels: {},
      collectionStart: COLLECTED_AT,
      collectionEnd: '2026-11-25T06:00:05.000Z',
      fleetledgerVersion: '0.1.0',
      kubernetesVersion: 'v1.33.1',
      endpoint: `https://${cluster}.example.test:6443`,
      servingCertificate: null,
      status: 'ok',
      sections: Object.fromEntries(
        SECTION_NAMES.map((name) => [name, { state: 'ok' }]),
      ) as Snapshot['meta']['sections'],
      objectsRead: 0,
    },
    namespaces: [],
    quotas: { resourceQuotas: [], limitRanges: [] },
    policies: {
      gatekeeper: { installed: true, apiVersion: 'v1', templates: [], constraints: [] },
      kyverno: { installed: false, policies: [], reports: [] },
      networkPolicies: [],
      istio: { installed: false, apiVersion: null, peerAuthentications: [], mtls: [] },
    },
    network: { nodes: [], serviceCIDRs: [], podRanges: [], ipPools: [] },
    certificates: { bundles: [], certManager: [], istioRootFingerprints: [] },
    gitops: { installed: true, applications: [], applicationSets: [], clusters: [] },
    federation: { kubefedInstalled: false, kubefedClusters: [], istioRemoteClusters: [] },
  };
  fill(snapshot);
  return Snapshot.parse(snapshot);
}

export function setSection(snapshot: Snapshot, section: SectionName, state: SectionState, message?: string): void {
  snapshot.meta.sections[section] = message === undefined ? { state } : { state, message };
  if (state !== 'ok' && snapshot.meta.status === 'ok') snapshot.meta.status = 'partial';
}

export function unreachableSnapshot(cluster: string, reason = 'connect ECONNREFUSED 10.0.0.9:6443'): Snapshot {
  return snapshotOf(cluster, (s) => {
    s.meta.status = 'unreachable';
    s.meta.unreachableReason = reason;
    s.meta.kubernetesVersion = null;
    for (const name of SECTION_NAMES) s.meta.sections[name] = { state: 'unreachable' };
    s.policies.gatekeeper.installed = false;
    s.gitops.installed = false;
  });
}

export function namespaces(snapshot: Snapshot, ...names: string[]): void {
  for (const name of names) snapshot.namespaces.push({ name, labels: {}, phase: 'Active' });
}

export const fingerprint = (seed: string): string => createHash('sha256').update(seed).digest('hex');

export function certificate(subject: string, notAfter: string, overrides: Partial<X509Info> = {}): X509Info {
  return {
    subject,
    issuer: subject,
    sans: [],
    serialNumber: fingerprint(subject).slice(0, 8),
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter,
    fingerprint256: fingerprint(`${subject}|${notAfter}`),
    isCA: false,
    ...overrides,
  };
}

export function tlsSecret(namespace: string, name: string, ...chain: X509Info[]): CertificateBundle {
  return { source: 'tls-secret', namespace, name, key: 'tls.crt', chain };
}

export function constraint(kind: string, name: string, overrides: Partial<Constraint> = {}): Constraint {
  return {
    kind,
    name,
    enforcementAction: 'deny',
    totalViolations: 0,
    violations: [],
    auditTimestamp: '2026-11-25T05:00:00.000Z',
    ...overrides,
  };
}

export function application(
  namespace: string,
  name: string,
  overrides: Partial<ArgoApplication> = {},
): ArgoApplication {
  return {
    namespace,
    name,
    project: 'default',
    destination: { server: 'https://kubernetes.default.svc', name: null, namespace: name },
    syncStatus: 'Synced',
    revision: 'abc123',
    health: 'Healthy',
    operation: { phase: 'Succeeded', message: 'successfully synced' },
    reconciledAt: '2026-11-25T05:59:00.000Z',
    automated: { enabled: true, prune: true, selfHeal: true },
    outOfSyncResources: [],
    ...overrides,
  };
}

/** Runs the given rules only (with the real gating, ids, waivers and scores). */
export function run(
  rules: Rule | readonly Rule[],
  snapshots: readonly Snapshot[],
  options: Partial<EvaluateOptions> = {},
): Evaluation {
  return evaluateFleet(snapshots, { now: NOW, ...options, rules: Array.isArray(rules) ? rules : [rules as Rule] });
}

/** The tally of one rule (summed over clusters). */
export function tallyOf(
  evaluation: Evaluation,
  rule: string,
): { applicable: number; evaluated: number; passed: number } {
  return evaluation.tallies
    .filter((tally) => tally.rule === rule)
    .reduce(
      (sum, t) => ({
        applicable: sum.applicable + t.applicable,
        evaluated: sum.evaluated + t.evaluated,
        passed: sum.passed + t.passed,
      }),
      { applicable: 0, evaluated: 0, passed: 0 },
    );
}
