import { clusterLine } from '../../src/cli/commands/snapshot.js';
import { allSectionsOk } from '../support/snapshotFixture.js';

const FORBIDDEN_APPLICATIONSETS =
  'GET /apis/argoproj.io/v1alpha1/applicationsets: HTTP 403: applicationsets.argoproj.io is forbidden: User "system:serviceaccount:fleetledger:fleetledger-reader" cannot list resource "applicationsets" in API group "argoproj.io" at the cluster scope';
const written = { key: 'snapshots/cluster=host/date=2026-12-01/x.json.gz', size: 1, sha256: 'a'.repeat(64) };

describe('the CLI line per cluster', () => {
  it('tells what could not be read in people words, not with the API error', () => {
    const sections = {
      ...allSectionsOk(),
      argocdApplicationSets: { state: 'forbidden' as const, message: FORBIDDEN_APPLICATIONSETS },
    };
    const line = clusterLine({
      cluster: 'host',
      status: 'partial',
      objectsRead: 17,
      elapsedMs: 210,
      problems: [`argocdApplicationSets: forbidden (${FORBIDDEN_APPLICATIONSETS})`],
      sections,
      written,
    });
    expect(line).toBe(
      'host: partial, 17 objects, 0.2s [cannot list ApplicationSets (forbidden for the reader role)] -> snapshots/cluster=host/date=2026-12-01/x.json.gz',
    );
  });

  it('tells why a cluster was unreachable in people words', () => {
    const line = clusterLine({
      cluster: 'lab',
      status: 'unreachable',
      objectsRead: 0,
      elapsedMs: 2000,
      problems: [],
      sections: {},
      unreachableReason: 'GET /version: connect ECONNREFUSED 10.0.0.9:6443',
      written,
    });
    expect(line).toBe('lab: unreachable (could not reach the API server (connection refused)) 2.0s');
  });
});
