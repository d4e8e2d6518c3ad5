/**
 * One cluster -> one snapshot. Reaching the cluster is probed first (GET /version and the TLS
 * handshake for the serving certificate, together), so an unreachable cluster costs at most one
 * request timeout and yields an `unreachable` snapshot. Then every section is collected
 * concurrently (bounded); each records the outcome of each of its sources (sources.ts), keeps
 * what it read and is `partial` when some sources failed; a section that fails records its state
 * and the others go on. Last, credentials in the text the cluster supplied are redacted
 * (redactSnapshot.ts): only then is anything about the cluster logged or returned.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { DateTime } from 'luxon';
import { isoUtc } from '../core/clock.js';
import { mapBounded } from '../core/concurrency.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { withoutUrlCredentials } from '../core/urls.js';
import { FLEETLEDGER_VERSION } from '../core/version.js';
import type { ClusterTarget } from '../fleet/fleetFile.js';
import {
  type ClusterStatus,
  SECTION_NAMES,
  type SectionName,
  type SectionStatus,
  SNAPSHOT_SCHEMA_VERSION,
  type Snapshot,
  type X509Info,
} from '../snapshot/schema.js';
import { sectionFailed } from '../snapshot/sectionStatus.js';
import { type ClusterAccess, ClusterAccessError } from './access/clusterAccess.js';
import { clusterAccessFor } from './access/clusterAccessFor.js';
import { type CollectorContext, emptyDraft, type SnapshotDraft } from './collectors/collector.js';
import { COLLECTORS } from './collectors/index.js';
import { at, type JsonRecord, str } from './fields.js';
import { quarantineInvalidSections } from './invalidSections.js';
import { KubeReadError, KubeReader } from './kube.js';
import { redactSnapshot } from './redactSnapshot.js';
import type { RetryPolicy } from './retryPolicy.js';
import { readServingCertificate } from './servingCertificate.js';
import { SourceRecorder } from './sources.js';

export interface CollectOptions {
  /** The injected clock: collectionStart is read before, collectionEnd after collecting. */
  readonly clock: () => DateTime;
  readonly logger: Logger;
  readonly requestTimeoutMs: number;
  readonly excludeNamespaces: readonly string[];
  /** Sections collected at the same time within the cluster. @default 6 */
  readonly sectionConcurrency?: number;
  /** `limit` of list requests. @default 500 */
  readonly pageSize?: number;
  readonly retryPolicy?: RetryPolicy;
  /** @default the access the target's fleet file entry names */
  readonly access?: ClusterAccess;
  /**
   * Whether Secrets may be read (TLS Secrets, the Istio CA Secrets, Argo CD cluster and Istio
   * remote Secrets). When false, no request for a Secret is made: those sources are recorded
   * `skipped`. @default true
   */
  readonly readSecrets?: boolean;
  /** The largest API answer read; a larger one fails its request (that section's error). @default 64 MiB */
  readonly maxResponseBytes?: number;
}

/**
 * Collects a snapshot of one cluster without storing it (for Lambda handlers and the fleet run).
 * Never throws for cluster failures: they are recorded in meta.status and meta.sections.
 *
 * @example
 * const snapshot = await collectClusterSnapshot(fleet.clusters[0], {
 *   clock: () => DateTime.utc(), logger, requestTimeoutMs: 20_000, excludeNamespaces: ['kube-system'],
 * });
 */
export async function collectClusterSnapshot(target: ClusterTarget, options: CollectOptions): Promise<Snapshot> {
  // Redacted first: the schema check's messages and every log line then see only redacted text.
  const snapshot = quarantineInvalidSections(redactSnapshot(await collectUnredacted(target, options)));
  logProblems(snapshot, options.logger);
  return snapshot;
}

async function collectUnredacted(target: ClusterTarget, options: CollectOptions): Promise<Snapshot> {
  const collectionStart = options.clock();
  let kubeConfig: KubeConfig;
  try {
    kubeConfig = await (options.access ?? clusterAccessFor(target)).kubeConfig();
  } catch (error) {
    const reason = error instanceof ClusterAccessError ? error.message : `cannot build access: ${errorMessage(error)}`;
    return unreachableSnapshot(target, collectionStart, options.clock(), configuredEndpoint(target), reason);
  }

  const reader = new KubeReader(kubeConfig, {
    requestTimeoutMs: options.requestTimeoutMs,
    readSecrets: options.readSecrets ?? true,
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
    ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
  });
  try {
    return await collectWith(reader, target, options, collectionStart);
  } finally {
    await reader.close();
  }
}

/** What could not be read, from the redacted snapshot: a log line never carries what redaction removed. */
function logProblems(snapshot: Snapshot, logger: Logger): void {
  const { cluster, status, unreachableReason, sections, redactions } = snapshot.meta;
  if (status === 'unreachable') {
    logger.warn('cluster unreachable', { cluster, reason: unreachableReason });
    return;
  }
  for (const name of SECTION_NAMES) {
    const section = sections[name];
    if (!sectionFailed(section)) continue;
    logger.warn(section.state === 'partial' ? 'section partly collected' : 'section not collected', {
      cluster,
      section: name,
      state: section.state,
      message: section.message,
    });
  }
  if (redactions) logger.warn('credentials in cluster text were redacted', { cluster, redactions });
}

async function collectWith(
  reader: KubeReader,
  target: ClusterTarget,
  options: CollectOptions,
  collectionStart: DateTime,
): Promise<Snapshot> {
  const { logger } = options;
  // A user name or password in the kubeconfig's server URL is not part of the address to keep.
  const endpoint = withoutUrlCredentials(reader.server);
  const [version, servingCertificate] = await Promise.all([
    reader.getJson('/version').then(
      (document) => ({ ok: true as const, gitVersion: str(at(document, 'gitVersion')) }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
    readServingCertificate(endpoint, options.requestTimeoutMs),
  ]);
  if (!version.ok && version.error instanceof KubeReadError && version.error.state === 'unreachable') {
    return unreachableSnapshot(
      target,
      collectionStart,
      options.clock(),
      endpoint,
      version.error.message,
      servingCertificate,
    );
  }

  const excluded = new Set(options.excludeNamespaces);
  let namespaceList: Promise<JsonRecord[]> | undefined;
  const shared: Omit<CollectorContext, 'source'> = {
    reader,
    logger,
    isExcluded: (namespace) => excluded.has(namespace),
    namespaces: () => {
      namespaceList ??= reader.listAll('/api/v1/namespaces');
      return namespaceList;
    },
  };
  const draft = emptyDraft();
  const sections = {} as Record<SectionName, SectionStatus>;
  await mapBounded(COLLECTORS, options.sectionConcurrency ?? 6, async (collector) => {
    const recorder = new SourceRecorder(options.readSecrets ?? true);
    let status: SectionStatus;
    try {
      status = recorder.status(await collector.collect({ ...shared, source: recorder.read }, draft));
    } catch (error) {
      status = recorder.failure(error);
    }
    sections[collector.section] = status;
  });
  if (servingCertificate) {
    draft.certificates.bundles.push({
      source: 'apiserver',
      namespace: null,
      // A stable name, not the endpoint: the same certificate slot week after week (meta.endpoint has the address).
      name: 'kube-apiserver',
      key: 'serving-certificate',
      chain: [servingCertificate],
    });
  }
  sortBundles(draft);

  // Sources skipped on purpose (Secret reads off) leave the cluster ok: the report states the mode.
  const status: ClusterStatus = Object.values(sections).some(sectionFailed) ? 'partial' : 'ok';
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    meta: {
      cluster: target.name,
      labels: { ...target.labels },
      collectionStart: isoUtc(collectionStart),
      collectionEnd: isoUtc(options.clock()),
      fleetledgerVersion: FLEETLEDGER_VERSION,
      kubernetesVersion: version.ok ? version.gitVersion : null,
      endpoint,
      servingCertificate,
      status,
      sections: orderedSections(sections),
      objectsRead: reader.objectsRead,
      ...declaredAliases(target),
    },
    ...draft,
  };
}

function orderedSections(sections: Record<SectionName, SectionStatus>): Record<SectionName, SectionStatus> {
  const out = {} as Record<SectionName, SectionStatus>;
  for (const name of SECTION_NAMES) out[name] = sections[name] ?? { state: 'error', message: 'not collected' };
  return out;
}

function sortBundles(draft: SnapshotDraft): void {
  const keyOf = (b: SnapshotDraft['certificates']['bundles'][number]) =>
    `${b.source}\u0000${b.namespace ?? ''}\u0000${b.name}\u0000${b.key}`;
  draft.certificates.bundles.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

/** The fleet file's aliases, kept with the labels so a report without the fleet file connects the same clusters. */
function declaredAliases(target: ClusterTarget): { aliases?: string[] } {
  return target.aliases.length > 0 ? { aliases: [...target.aliases] } : {};
}

function configuredEndpoint(target: ClusterTarget): string {
  return target.access.kind === 'token' ? withoutUrlCredentials(target.access.server) : '';
}

/** A snapshot of a cluster that could not be read at all: every section `unreachable`, with the reason. */
export function unreachableSnapshot(
  target: ClusterTarget,
  collectionStart: DateTime,
  collectionEnd: DateTime,
  endpoint: string,
  reason: string,
  servingCertificate: X509Info | null = null,
): Snapshot {
  const sections = {} as Record<SectionName, SectionStatus>;
  for (const name of SECTION_NAMES) sections[name] = { state: 'unreachable' };
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    meta: {
      cluster: target.name,
      labels: { ...target.labels },
      collectionStart: isoUtc(collectionStart),
      collectionEnd: isoUtc(collectionEnd),
      fleetledgerVersion: FLEETLEDGER_VERSION,
      kubernetesVersion: null,
      endpoint,
      servingCertificate,
      status: 'unreachable',
      unreachableReason: reason,
      sections,
      objectsRead: 0,
      ...declaredAliases(target),
    },
    ...emptyDraft(),
  };
}
