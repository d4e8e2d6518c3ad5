/**
 * report.json `clusters[].secretReads`: per cluster, whether Secrets were read and which checks
 * reading none of them left not evaluated (only those: a refusal is not the mode's doing).
 */
import type { UnevaluatedCheck } from '../../src/evaluate/evaluate.js';
import { secretReadsOf } from '../../src/report/secretReads.js';
import { setSection, snapshotOf, unreachableSnapshot } from '../evaluate/fixtures.js';

const check = (rule: string, cluster: string, subject: string, state: 'skipped' | 'forbidden'): UnevaluatedCheck => ({
  rule,
  cluster,
  subject,
  status: 'not-evaluated',
  reason: `${subject} ${state}`,
  unread: [{ section: 'tlsSecrets', source: 'TLS Secrets', state }],
});

describe('what reading no Secrets cost a cluster', () => {
  it('lists the checks a skipped source left not evaluated on that cluster, by rule and subject', () => {
    const cluster = snapshotOf('a', (s) => {
      setSection(s, 'tlsSecrets', 'skipped', 'not read: Secret reads are off');
      s.meta.sections.tlsSecrets.sources = [
        { source: 'TLS Secrets', request: 'GET /api/v1/secrets', state: 'skipped', message: 'off' },
      ];
      s.meta.status = 'ok';
    });
    const checks = [
      check('CERT-EXPIRING', 'a', 'Section/tlsSecrets', 'skipped'),
      check('CERT-EXPIRED', 'a', 'Section/tlsSecrets', 'skipped'),
      check('UNAUDITED-CLUSTER', 'a', 'Section/argocdClusters', 'forbidden'),
      check('CERT-EXPIRED', 'b', 'Section/tlsSecrets', 'skipped'),
    ];

    expect(secretReadsOf(cluster, checks)).toEqual({
      enabled: false,
      notEvaluated: [
        { rule: 'CERT-EXPIRED', subject: 'Section/tlsSecrets', reason: 'Section/tlsSecrets skipped' },
        { rule: 'CERT-EXPIRING', subject: 'Section/tlsSecrets', reason: 'Section/tlsSecrets skipped' },
      ],
    });
  });

  it('says Secrets were read on a cluster collected with them, and nothing of an unreachable or missing one', () => {
    expect(secretReadsOf(snapshotOf('a'), [])).toEqual({ enabled: true, notEvaluated: [] });
    expect(secretReadsOf(unreachableSnapshot('a'), [])).toBeNull();
    expect(secretReadsOf(undefined, [])).toBeNull();
  });
});
