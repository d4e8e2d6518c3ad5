/**
 * A minimal, fully valid snapshot (schema v1) with empty sections, for tests that need one.
 * Every section is 'ok' and every list empty; override what the test is about.
 */
import { emptyDraft } from '../../src/collect/collectors/collector.js';
import { FLEETLEDGER_VERSION } from '../../src/core/version.js';
import {
  SECTION_NAMES,
  type SectionName,
  type SectionStatus,
  SNAPSHOT_SCHEMA_VERSION,
  type Snapshot,
  type SnapshotMeta,
} from '../../src/snapshot/schema.js';

export type SnapshotOverrides = Partial<Omit<Snapshot, 'meta'>> & { meta?: Partial<SnapshotMeta> };

export function allSectionsOk(): Record<SectionName, SectionStatus> {
  return Object.fromEntries(SECTION_NAMES.map((name) => [name, { state: 'ok' }])) as Record<SectionName, SectionStatus>;
}

/**
 * @example
 * makeSnapshot({ meta: { cluster: 'prod-east', collectionStart: '2026-11-25T09:00:00.000Z' } })
 */
export function makeSnapshot(overrides: SnapshotOverrides = {}): Snapshot {
  const { meta, ...rest } = overrides;
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    meta: {
      cluster: 'test-cluster',
      labels: {},
      collectionStart: '2026-11-25T09:00:00.000Z',
      collectionEnd: '2026-11-25T09:00:05.000Z',
      fleetledgerVersion: FLEETLEDGER_VERSION,
      kubernetesVersion: 'v1.33.1',
      endpoint: 'https://127.0.0.1:6443',
      servingCertificate: null,
      status: 'ok',
      sections: allSectionsOk(),
      objectsRead: 0,
      ...meta,
    },
    ...emptyDraft(),
    ...rest,
  };
}
