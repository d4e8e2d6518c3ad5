/**
 * A section that could not be (fully) read, told in people's words: "cannot list ApplicationSets
 * (forbidden for the reader role)" rather than the API server's answer. The words go where people
 * read them (the status cells and matrix of report.html, the e-mail, the CLI's line per cluster);
 * the raw error goes along as `detail` (report.json, the report's appendix).
 *
 * A noun per section and a phrase per state. Takes the section name and its status as plain data,
 * so states and per-source outcomes added later read too; a state this module does not know gets a
 * neutral phrase instead of an error.
 */
import { SECTION_NAMES, type SectionName } from '../snapshot/schema.js';
import { isFailedState, sectionFailed } from '../snapshot/sectionStatus.js';

/** One source of a section (an API list or get) as the collector recorded it. */
export interface SourceOutcomeLike {
  readonly source: string;
  readonly request?: string;
  readonly state: string;
  readonly message?: string;
}

/** A section's status as the snapshot records it. */
export interface SectionStatusLike {
  readonly state: string;
  readonly message?: string;
  readonly sources?: readonly SourceOutcomeLike[];
}

export interface ClusterProblem {
  /** The snapshot section, or null for a problem of the whole cluster (unreachable). */
  section: string | null;
  state: string;
  /** In people's words. */
  summary: string;
  /** The raw error as the API server or the network gave it; null when none was recorded. */
  detail: string | null;
}

interface SectionWords {
  /** What the section holds, as an operator calls it. */
  noun: string;
  /** list: read by listing objects; read: assembled from several reads. */
  verb: 'list' | 'read';
}

const SECTION_WORDS: Record<SectionName, SectionWords> = {
  namespaces: { noun: 'Namespaces', verb: 'list' },
  resourceQuotas: { noun: 'ResourceQuotas', verb: 'list' },
  limitRanges: { noun: 'LimitRanges', verb: 'list' },
  gatekeeper: { noun: 'Gatekeeper templates and constraints', verb: 'list' },
  kyverno: { noun: 'Kyverno policies and reports', verb: 'list' },
  networkPolicies: { noun: 'NetworkPolicies', verb: 'list' },
  istio: { noun: 'Istio PeerAuthentications', verb: 'list' },
  nodes: { noun: 'Nodes', verb: 'list' },
  serviceCidrs: { noun: 'Service address ranges', verb: 'read' },
  ipPools: { noun: 'Calico IP pools', verb: 'list' },
  cniConfig: { noun: 'CNI configuration', verb: 'read' },
  tlsSecrets: { noun: 'TLS Secrets', verb: 'list' },
  certManager: { noun: 'cert-manager Certificates', verb: 'list' },
  istioCa: { noun: 'Istio CA roots', verb: 'read' },
  argocdApplications: { noun: 'Argo CD Applications', verb: 'list' },
  argocdApplicationSets: { noun: 'ApplicationSets', verb: 'list' },
  argocdClusters: { noun: 'Argo CD cluster registrations', verb: 'list' },
  kubefed: { noun: 'KubeFed clusters', verb: 'list' },
  istioRemoteSecrets: { noun: 'Istio remote cluster secrets', verb: 'list' },
};

const PAST: Record<SectionWords['verb'], string> = { list: 'listed', read: 'read' };

/** States in which everything the cluster has was read, or there was nothing to read. */
const NO_PROBLEM = new Set(['ok', 'absent']);

function wordsOf(section: string): SectionWords {
  return (SECTION_WORDS as Record<string, SectionWords | undefined>)[section] ?? { noun: section, verb: 'read' };
}

/** Why a read failed, in a few words, from the raw message. */
function errorWords(message: string | undefined): string {
  if (message === undefined) return 'an error';
  if (message.startsWith('invalid data from the cluster')) return 'the cluster sent data that is not valid';
  if (/no answer within|ETIMEDOUT|timed? ?out/i.test(message)) return 'no answer in time';
  const status = /HTTP (\d{3})/.exec(message);
  if (status) return `the API server answered HTTP ${status[1]}`;
  return 'an error';
}

/** A source's or a section's failed state as a phrase ("forbidden for the reader role"). */
function statePhrase(state: string, message: string | undefined): string {
  if (state === 'forbidden') return 'forbidden for the reader role';
  if (state === 'unreachable') return 'the cluster was unreachable';
  if (state === 'error') return errorWords(message);
  return `state "${state}"`;
}

function rawDetail(status: SectionStatusLike): string | null {
  const failedSources = (status.sources ?? []).filter((source) => isFailedState(source.state));
  const sources = failedSources.map((source) => {
    const raw = [source.request, source.message].filter((part) => part !== undefined).join(': ');
    return `${source.source}: ${source.state}${raw ? ` (${raw})` : ''}`;
  });
  const parts = [...(status.message !== undefined ? [status.message] : []), ...sources];
  return parts.length > 0 ? parts.join('; ') : null;
}

function summaryOf(section: string, status: SectionStatusLike): string {
  const { noun, verb } = wordsOf(section);
  switch (status.state) {
    case 'forbidden':
      return `cannot ${verb} ${noun} (${statePhrase('forbidden', status.message)})`;
    case 'error':
    case 'unreachable':
      return `could not ${verb} ${noun} (${statePhrase(status.state, status.message)})`;
    case 'partial': {
      const failed = (status.sources ?? []).filter((source) => isFailedState(source.state));
      const which = failed.map((source) => `${source.source}: ${statePhrase(source.state, source.message)}`);
      return `${PAST[verb]} ${noun} only in part${which.length > 0 ? ` (${which.join('; ')})` : ''}`;
    }
    default:
      return `could not fully ${verb} ${noun} (${statePhrase(status.state, status.message)})`;
  }
}

/**
 * The problem of one section, or null when it was read (ok), its API is not installed (absent), or
 * what was not read was skipped on purpose (Secret reads off: the report states that mode on its
 * own, see secretReads), so a skipped source is neither a problem nor named in one.
 *
 * @example
 * sectionProblem('tlsSecrets', { state: 'forbidden', message: 'GET /api/v1/secrets: HTTP 403: ...' })
 * // { section: 'tlsSecrets', state: 'forbidden', summary: 'cannot list TLS Secrets (forbidden for the reader role)',
 * //   detail: 'GET /api/v1/secrets: HTTP 403: ...' }
 */
export function sectionProblem(section: string, status: SectionStatusLike): ClusterProblem | null {
  if (NO_PROBLEM.has(status.state) || status.state === 'skipped') return null;
  if (status.state === 'partial' && !sectionFailed(status)) return null;
  return { section, state: status.state, summary: summaryOf(section, status), detail: rawDetail(status) };
}

/**
 * Why a cluster could not be read at all, in people's words, from the recorded reason. A reason
 * that names neither a request (`GET /version: ...`) nor a network error code is fleetledger's
 * own word on the access it was given (a kubeconfig that does not load, a token variable that is
 * empty): kept as it is, since it already says what to fix.
 */
export function unreachableSummary(reason: string | undefined): string {
  const text = reason ?? '';
  if (text !== '' && !/^[A-Z]+ \//.test(text) && !/\bE[A-Z]{4,}\b/.test(text)) return text;
  if (/credentials rejected|HTTP 401/.test(text)) return 'the API server rejected the credentials';
  if (/credentials .* could not be obtained/.test(text)) return 'no credentials for the API server could be obtained';
  const why: [RegExp, string][] = [
    [/ECONNREFUSED/, 'connection refused'],
    [/ENOTFOUND|EAI_AGAIN/, 'host name not found'],
    [/no answer within|ETIMEDOUT/, 'no answer in time'],
    [/ECONNRESET/, 'connection reset'],
    [/EHOSTUNREACH|ENETUNREACH/, 'no route to the host'],
    [/CERT|certificate|SELF_SIGNED|UNABLE_TO_VERIFY/i, 'its TLS certificate is not trusted'],
  ];
  const found = why.find(([pattern]) => pattern.test(text));
  return `could not reach the API server${found ? ` (${found[1]})` : ''}`;
}

/**
 * The problems of a cluster's snapshot: the unreachable cluster as one problem, else each section
 * that was not (fully) read, in section order.
 */
export function clusterProblemsOf(meta: {
  status: string;
  unreachableReason?: string | undefined;
  sections: Readonly<Partial<Record<string, SectionStatusLike>>>;
}): ClusterProblem[] {
  if (meta.status === 'unreachable') {
    return [
      {
        section: null,
        state: 'unreachable',
        summary: unreachableSummary(meta.unreachableReason),
        detail: meta.unreachableReason ?? null,
      },
    ];
  }
  const rank = (section: string) => {
    const index = (SECTION_NAMES as readonly string[]).indexOf(section);
    return index === -1 ? SECTION_NAMES.length : index;
  };
  return Object.keys(meta.sections)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .flatMap((section) => {
      const status = meta.sections[section];
      const problem = status ? sectionProblem(section, status) : null;
      return problem ? [problem] : [];
    });
}
