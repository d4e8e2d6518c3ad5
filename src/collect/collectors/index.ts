import { argocdApplicationSetsCollector } from './argocdApplicationSets.js';
import { argocdApplicationsCollector } from './argocdApplications.js';
import { argocdClustersCollector } from './argocdClusters.js';
import { certManagerCollector } from './certManager.js';
import { cniConfigCollector } from './cniConfig.js';
import type { Collector } from './collector.js';
import { gatekeeperCollector } from './gatekeeper.js';
import { ipPoolsCollector } from './ipPools.js';
import { istioCollector } from './istio.js';
import { istioCaCollector } from './istioCa.js';
import { istioRemoteSecretsCollector } from './istioRemoteSecrets.js';
import { kubefedCollector } from './kubefed.js';
import { kyvernoCollector } from './kyverno.js';
import { limitRangesCollector } from './limitRanges.js';
import { namespacesCollector } from './namespaces.js';
import { networkPoliciesCollector } from './networkPolicies.js';
import { nodesCollector } from './nodes.js';
import { resourceQuotasCollector } from './resourceQuotas.js';
import { serviceCidrsCollector } from './serviceCidrs.js';
import { tlsSecretsCollector } from './tlsSecrets.js';

/** Every collector, one per snapshot section (the order of SECTION_NAMES). */
export const COLLECTORS: readonly Collector[] = [
  namespacesCollector,
  resourceQuotasCollector,
  limitRangesCollector,
  gatekeeperCollector,
  kyvernoCollector,
  networkPoliciesCollector,
  istioCollector,
  nodesCollector,
  serviceCidrsCollector,
  ipPoolsCollector,
  cniConfigCollector,
  tlsSecretsCollector,
  certManagerCollector,
  istioCaCollector,
  argocdApplicationsCollector,
  argocdApplicationSetsCollector,
  argocdClustersCollector,
  kubefedCollector,
  istioRemoteSecretsCollector,
];
