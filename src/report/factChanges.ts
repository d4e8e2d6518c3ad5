/**
 * Fact changes worth an auditor's eye between two periods: quota limits, network ranges,
 * certificate rotations and newly expiring certificates, Argo CD sync, Gatekeeper constraints,
 * and clusters joining or leaving.
 *
 * A part of a cluster whose section was not collected in either period is not compared: unknown
 * facts are not "everything removed".
 */
import { DateTime } from 'luxon';
import type { SectionName } from '../snapshot/schema.js';
import { certificateSlot } from './clusterFacts.js';
import type { ClusterFacts, FactChange } from './schema.js';

/** A certificate expiring within this many days is "expiring". */
export const EXPIRING_WITHIN_DAYS = 30;

export interface ClusterFactsAt {
  facts: ClusterFacts | null;
  notCollected: readonly SectionName[];
}

export interface FactsAt {
  /** When expiry was judged (the report's as-of instant), ISO 8601. */
  asOf: string;
  clusters: Readonly<Record<string, ClusterFactsAt>>;
}

type Certificate = ClusterFacts['certificates'][number];

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function change(
  cluster: string | null,
  area: FactChange['area'],
  kind: FactChange['change'],
  subject: string,
  description: string,
): FactChange {
  return { cluster, area, change: kind, subject, description };
}

/** Calls `compare` only when none of the sections was missed in either period. */
function whenCollected(
  before: ClusterFactsAt,
  after: ClusterFactsAt,
  sections: readonly SectionName[],
  compare: () => FactChange[],
): FactChange[] {
  const missed = (side: ClusterFactsAt) => sections.some((s) => side.notCollected.includes(s));
  return missed(before) || missed(after) ? [] : compare();
}

function describeHard(hard: Record<string, string>): string {
  return Object.entries(hard)
    .map(([resource, value]) => `${resource}=${value}`)
    .join(', ');
}

function quotaChanges(cluster: string, before: ClusterFacts, after: ClusterFacts): FactChange[] {
  const slot = (q: { namespace: string; name: string }) => `${q.namespace}/${q.name}`;
  const old = new Map((before.quotas ?? []).map((q) => [slot(q), q]));
  const now = new Map((after.quotas ?? []).map((q) => [slot(q), q]));
  const changes: FactChange[] = [];
  for (const [key, quota] of now) {
    const previous = old.get(key);
    if (!previous) {
      changes.push(
        change(cluster, 'quotas', 'added', `ResourceQuota/${key}`, `new quota: ${describeHard(quota.hard)}`),
      );
      continue;
    }
    const resources = [...new Set([...Object.keys(previous.hard), ...Object.keys(quota.hard)])].sort(byText);
    const diffs = resources
      .filter((r) => previous.hard[r] !== quota.hard[r])
      .map((r) => `${r} ${previous.hard[r] ?? '(none)'} -> ${quota.hard[r] ?? '(none)'}`);
    if (diffs.length > 0) {
      changes.push(
        change(cluster, 'quotas', 'changed', `ResourceQuota/${key}`, `hard limits changed: ${diffs.join(', ')}`),
      );
    }
  }
  for (const [key, quota] of old) {
    if (!now.has(key)) {
      changes.push(
        change(cluster, 'quotas', 'removed', `ResourceQuota/${key}`, `quota removed (was ${describeHard(quota.hard)})`),
      );
    }
  }
  return changes;
}

function serviceCidrChanges(cluster: string, before: ClusterFacts, after: ClusterFacts): FactChange[] {
  const added = after.serviceCIDRs.filter((c) => !before.serviceCIDRs.includes(c));
  const removed = before.serviceCIDRs.filter((c) => !after.serviceCIDRs.includes(c));
  if (added.length > 0 && removed.length > 0) {
    return [
      change(
        cluster,
        'network',
        'changed',
        'ServiceCIDRs',
        `Service ranges changed from ${before.serviceCIDRs.join(', ')} to ${after.serviceCIDRs.join(', ')}`,
      ),
    ];
  }
  return [
    ...added.map((c) => change(cluster, 'network', 'added', `ServiceCIDR/${c}`, `Service range ${c} added`)),
    ...removed.map((c) => change(cluster, 'network', 'removed', `ServiceCIDR/${c}`, `Service range ${c} removed`)),
  ];
}

function describePool(pool: ClusterFacts['ipPools'][number]): string {
  const modes = [`ipip ${pool.ipipMode ?? 'unset'}`, `vxlan ${pool.vxlanMode ?? 'unset'}`];
  return `${pool.cidr} (${modes.join(', ')}${pool.disabled ? ', disabled' : ''})`;
}

function ipPoolChanges(cluster: string, before: ClusterFacts, after: ClusterFacts): FactChange[] {
  const old = new Map(before.ipPools.map((p) => [p.name, p]));
  const now = new Map(after.ipPools.map((p) => [p.name, p]));
  const changes: FactChange[] = [];
  for (const [name, pool] of now) {
    const previous = old.get(name);
    if (!previous) {
      changes.push(change(cluster, 'network', 'added', `IPPool/${name}`, `IP pool added: ${describePool(pool)}`));
    } else if (describePool(previous) !== describePool(pool)) {
      changes.push(
        change(
          cluster,
          'network',
          'changed',
          `IPPool/${name}`,
          `IP pool changed from ${describePool(previous)} to ${describePool(pool)}`,
        ),
      );
    }
  }
  for (const [name, pool] of old) {
    if (!now.has(name)) {
      changes.push(change(cluster, 'network', 'removed', `IPPool/${name}`, `IP pool removed: ${describePool(pool)}`));
    }
  }
  return changes;
}

const SECTION_OF_CERTIFICATE_SOURCE: Readonly<Record<string, SectionName | null>> = {
  'tls-secret': 'tlsSecrets',
  'cert-manager': 'certManager',
  'istio-root': 'istioCa',
  'istio-ca': 'istioCa',
  apiserver: null,
};

const KIND_OF_CERTIFICATE_SOURCE: Readonly<Record<string, string>> = {
  'tls-secret': 'Secret',
  'cert-manager': 'Certificate',
  'istio-root': 'ConfigMap',
  'istio-ca': 'Secret',
  apiserver: 'APIServer',
};

function certificateSubject(cert: Certificate): string {
  const kind = KIND_OF_CERTIFICATE_SOURCE[cert.source] ?? cert.source;
  return [kind, ...(cert.namespace ? [cert.namespace] : []), cert.name].join('/');
}

function daysUntil(notAfter: string, asOf: string): number {
  return Math.floor(DateTime.fromISO(notAfter).diff(DateTime.fromISO(asOf), 'days').days);
}

function isExpiring(cert: Certificate, asOf: string): boolean {
  return DateTime.fromISO(cert.notAfter) <= DateTime.fromISO(asOf).plus({ days: EXPIRING_WITHIN_DAYS });
}

function certificateChanges(
  cluster: string,
  before: ClusterFactsAt & { facts: ClusterFacts },
  after: ClusterFactsAt & { facts: ClusterFacts },
  beforeAsOf: string,
  afterAsOf: string,
): FactChange[] {
  const comparable = (cert: Certificate) => {
    const section = SECTION_OF_CERTIFICATE_SOURCE[cert.source];
    return !section || (!before.notCollected.includes(section) && !after.notCollected.includes(section));
  };
  const group = (certs: Certificate[]) => {
    const slots = new Map<string, Certificate[]>();
    for (const cert of certs.filter(comparable)) {
      slots.set(certificateSlot(cert), [...(slots.get(certificateSlot(cert)) ?? []), cert]);
    }
    return slots;
  };
  const old = group(before.facts.certificates);
  const now = group(after.facts.certificates);
  const changes: FactChange[] = [];
  for (const [slot, certs] of [...now].sort(([a], [b]) => byText(a, b))) {
    const first = certs[0]!;
    const subject = certificateSubject(first);
    const fingerprints = certs.map((c) => c.fingerprint256).sort(byText);
    const previous = old.get(slot);
    const previousFingerprints = (previous ?? []).map((c) => c.fingerprint256).sort(byText);
    if (previous && fingerprints.join() !== previousFingerprints.join()) {
      const short = (list: string[]) => list.map((f) => f.slice(0, 16)).join(', ');
      changes.push(
        change(
          cluster,
          'certificates',
          'changed',
          subject,
          `certificate rotated (${first.key ?? first.source}): fingerprint ${short(previousFingerprints)} -> ${short(fingerprints)}`,
        ),
      );
    }
    for (const cert of certs) {
      if (!isExpiring(cert, afterAsOf)) continue;
      const wasExpiring = (previous ?? []).some(
        (p) => p.fingerprint256 === cert.fingerprint256 && isExpiring(p, beforeAsOf),
      );
      if (wasExpiring) continue;
      const days = daysUntil(cert.notAfter, afterAsOf);
      const when =
        days < 0
          ? `expired on ${cert.notAfter.slice(0, 10)}`
          : `expires on ${cert.notAfter.slice(0, 10)}, in ${days} days`;
      changes.push(change(cluster, 'certificates', 'changed', subject, `newly expiring: ${cert.subject} ${when}`));
    }
  }
  return changes;
}

function applicationChanges(cluster: string, before: ClusterFacts, after: ClusterFacts): FactChange[] {
  const old = new Map(before.applications.map((a) => [`${a.namespace}/${a.name}`, a]));
  const changes: FactChange[] = [];
  for (const app of after.applications) {
    const key = `${app.namespace}/${app.name}`;
    const previous = old.get(key);
    const wasOutOfSync = previous?.sync === 'OutOfSync';
    if (app.sync === 'OutOfSync' && !wasOutOfSync) {
      const since = previous ? `was ${previous.sync ?? 'unknown'}` : 'new Application';
      changes.push(change(cluster, 'gitops', 'changed', `Application/${key}`, `newly OutOfSync (${since})`));
    } else if (app.sync === 'Synced' && wasOutOfSync) {
      changes.push(change(cluster, 'gitops', 'changed', `Application/${key}`, 'back in sync (was OutOfSync)'));
    }
  }
  return changes;
}

function constraintChanges(cluster: string, before: ClusterFacts, after: ClusterFacts): FactChange[] {
  const old = new Map(before.constraints.map((c) => [`${c.kind}/${c.name}`, c]));
  const now = new Map(after.constraints.map((c) => [`${c.kind}/${c.name}`, c]));
  const changes: FactChange[] = [];
  for (const [key, constraint] of now) {
    const previous = old.get(key);
    if (!previous) {
      changes.push(
        change(cluster, 'policies', 'added', key, `constraint added (enforcement ${constraint.enforcementAction})`),
      );
    } else if (previous.enforcementAction !== constraint.enforcementAction) {
      changes.push(
        change(
          cluster,
          'policies',
          'changed',
          key,
          `enforcement changed from ${previous.enforcementAction} to ${constraint.enforcementAction}`,
        ),
      );
    }
  }
  for (const [key, constraint] of old) {
    if (!now.has(key)) {
      changes.push(
        change(cluster, 'policies', 'removed', key, `constraint removed (was ${constraint.enforcementAction})`),
      );
    }
  }
  return changes;
}

function clusterChanges(
  cluster: string,
  before: ClusterFactsAt & { facts: ClusterFacts },
  after: ClusterFactsAt & { facts: ClusterFacts },
  beforeAsOf: string,
  afterAsOf: string,
): FactChange[] {
  return [
    ...whenCollected(before, after, ['resourceQuotas'], () => quotaChanges(cluster, before.facts, after.facts)),
    ...whenCollected(before, after, ['gatekeeper'], () => constraintChanges(cluster, before.facts, after.facts)),
    ...whenCollected(before, after, ['serviceCidrs'], () => serviceCidrChanges(cluster, before.facts, after.facts)),
    ...whenCollected(before, after, ['ipPools'], () => ipPoolChanges(cluster, before.facts, after.facts)),
    ...certificateChanges(cluster, before, after, beforeAsOf, afterAsOf),
    ...whenCollected(before, after, ['argocdApplications'], () =>
      applicationChanges(cluster, before.facts, after.facts),
    ),
  ];
}

const hasFacts = (side: ClusterFactsAt | undefined): side is ClusterFactsAt & { facts: ClusterFacts } =>
  side?.facts != null;

/** Every change from `before` to `after`, clusters in name order. */
export function diffFacts(before: FactsAt, after: FactsAt): FactChange[] {
  const names = [...new Set([...Object.keys(before.clusters), ...Object.keys(after.clusters)])].sort(byText);
  const changes: FactChange[] = [];
  for (const name of names) {
    const old = before.clusters[name];
    const now = after.clusters[name];
    if (!old) {
      changes.push(change(name, 'fleet', 'added', `Cluster/${name}`, 'cluster added to the fleet'));
    } else if (!now) {
      changes.push(change(name, 'fleet', 'removed', `Cluster/${name}`, 'cluster no longer in the fleet'));
    } else if (hasFacts(old) && hasFacts(now)) {
      changes.push(...clusterChanges(name, old, now, before.asOf, after.asOf));
    }
  }
  return changes;
}
