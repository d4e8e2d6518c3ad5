/**
 * `doctor` for one cluster, before the first run: can it be reached, does TLS verify, are the
 * credentials accepted, which Kubernetes version and optional APIs it has, and which of the reads
 * fleetledger needs its RBAC would deny, asked with SelfSubjectAccessReview (nothing is read but
 * /version and discovery). Failures are data: the diagnosis says what failed, it never throws.
 */
import { type ClusterAccess, ClusterAccessError } from '../collect/access/clusterAccess.js';
import { clusterAccessFor } from '../collect/access/clusterAccessFor.js';
import type { KubeconfigFiles } from '../collect/access/loadKubeconfig.js';
import { KubeReadError, KubeReader } from '../collect/kube.js';
import { errorMessage } from '../core/errors.js';
import type { ClusterTarget } from '../fleet/fleetFile.js';
import { OPTIONAL_APIS, REQUIRED_READS, type RequiredRead, readName } from './requiredReads.js';

/** Where the checks of a cluster stopped: the first step that failed, or ok. */
export type ClusterVerdict = 'ok' | 'access' | 'unreachable' | 'tls' | 'auth' | 'error';

export interface ClusterDiagnosis {
  cluster: string;
  server: string | null;
  verdict: ClusterVerdict;
  /** Why it cannot be audited (null when it can). */
  problem: string | null;
  kubernetesVersion: string | null;
  /** Optional APIs installed (OPTIONAL_APIS names). */
  optionalApis: string[];
  /** Needed reads that RBAC denies (of the APIs that are installed; Secrets only when they are read). */
  denied: RequiredRead[];
  /** Needed reads checked with SelfSubjectAccessReview. */
  checked: number;
  /** Why access reviews could not be made (the reads are then unknown), or null. */
  reviewProblem: string | null;
}

export interface DiagnoseOptions {
  requestTimeoutMs: number;
  /** false: Secrets are not read (defaults.readSecrets: false), so their denial does not matter. */
  readSecrets: boolean;
  kubeconfigs?: KubeconfigFiles;
  access?: ClusterAccess;
}

const SSAR_PATH = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

/** TLS failures undici reports (certificate chain, name, expiry): not "unreachable", a different fix. */
const TLS_FAILURE =
  /certificate|self[- ]signed|SSL|TLS|ERR_TLS|UNABLE_TO_VERIFY|DEPTH_ZERO|CERT_|altnames|hostname\/IP does not match/i;

function classify(error: unknown): { verdict: ClusterVerdict; problem: string } {
  if (error instanceof KubeReadError) {
    if (error.httpStatus === 401) return { verdict: 'auth', problem: error.message };
    if (error.state === 'unreachable' && TLS_FAILURE.test(error.message))
      return { verdict: 'tls', problem: error.message };
    if (error.state === 'unreachable') return { verdict: 'unreachable', problem: error.message };
    return { verdict: 'error', problem: error.message };
  }
  return { verdict: 'error', problem: errorMessage(error) };
}

const failed = (
  cluster: string,
  server: string | null,
  verdict: ClusterVerdict,
  problem: string,
): ClusterDiagnosis => ({
  cluster,
  server,
  verdict,
  problem,
  kubernetesVersion: null,
  optionalApis: [],
  denied: [],
  checked: 0,
  reviewProblem: null,
});

export async function diagnoseCluster(target: ClusterTarget, options: DiagnoseOptions): Promise<ClusterDiagnosis> {
  let reader: KubeReader;
  try {
    const kubeConfig = await (options.access ?? clusterAccessFor(target, options.kubeconfigs)).kubeConfig();
    reader = new KubeReader(kubeConfig, {
      requestTimeoutMs: options.requestTimeoutMs,
      readSecrets: options.readSecrets,
    });
  } catch (error) {
    const reason = error instanceof ClusterAccessError ? error.message : `cannot build access: ${errorMessage(error)}`;
    return failed(target.name, null, 'access', reason);
  }
  const server = reader.server || null;
  try {
    let kubernetesVersion: string | null;
    try {
      const version = (await reader.getJson('/version')) as { gitVersion?: unknown } | null;
      kubernetesVersion = typeof version?.gitVersion === 'string' ? version.gitVersion : null;
    } catch (error) {
      const { verdict, problem } = classify(error);
      return failed(target.name, server, verdict, problem);
    }
    let groups: string[];
    try {
      const list = (await reader.getJson('/apis')) as { groups?: { name?: unknown }[] } | null;
      groups = (list?.groups ?? []).flatMap((group) => (typeof group.name === 'string' ? [group.name] : []));
    } catch (error) {
      const { verdict, problem } = classify(error);
      return failed(target.name, server, verdict, problem);
    }
    const optionalApis = OPTIONAL_APIS.filter((api) => api.groups.some((group) => groups.includes(group))).map(
      (api) => api.name,
    );
    const needed = REQUIRED_READS.filter(
      (read) =>
        (read.api === null || optionalApis.includes(read.api)) &&
        (read.api === null ? true : groups.includes(read.group)) &&
        (options.readSecrets || readName(read) !== 'secrets'),
    );
    const denied: RequiredRead[] = [];
    let reviewProblem: string | null = null;
    for (const read of needed) {
      try {
        if (!(await allows(reader, read))) denied.push(read);
      } catch (error) {
        reviewProblem = classify(error).problem;
        break;
      }
    }
    return {
      cluster: target.name,
      server,
      verdict: 'ok',
      problem: null,
      kubernetesVersion,
      optionalApis,
      denied,
      checked: reviewProblem === null ? needed.length : 0,
      reviewProblem,
    };
  } finally {
    await reader.close();
  }
}

/** Whether both get and list of the read are allowed, by SelfSubjectAccessReview. */
async function allows(reader: KubeReader, read: RequiredRead): Promise<boolean> {
  for (const verb of ['list', 'get']) {
    const answer = (await reader.postJson(SSAR_PATH, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { group: read.group, resource: read.resource, verb } },
    })) as { status?: { allowed?: unknown } } | null;
    if (answer?.status?.allowed !== true) return false;
  }
  return true;
}
