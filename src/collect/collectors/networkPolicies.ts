import type { NamespaceNetworkPosture } from '../../snapshot/schema.js';
import { at, isRecord, type JsonRecord, metadataOf, records, strings } from '../fields.js';
import { type Collector, namespaceNames } from './collector.js';

/**
 * NetworkPolicy posture per namespace (excluded namespaces left out).
 *
 * Default-deny ingress: a policy selecting every pod (empty podSelector) whose effective
 * policyTypes include Ingress and that has no ingress rule. Unset policyTypes mean Ingress, plus
 * Egress only when egress rules exist. A rule with no peers and no ports (`ingress: [{}]`)
 * allows everything. Cluster-wide CNI policies (Calico GlobalNetworkPolicy ...) are not visible here.
 * Without the NetworkPolicy list nothing is known (the section fails); without the Namespace list
 * only the namespaces that have a policy get a posture (the section is partial).
 */
export const networkPoliciesCollector: Collector = {
  section: 'networkPolicies',
  async collect(context, draft) {
    const policies =
      (await context.source(
        {
          source: 'NetworkPolicies',
          request: 'GET /apis/networking.k8s.io/v1/networkpolicies',
          required: true,
        },
        () => context.reader.listAll('/apis/networking.k8s.io/v1/networkpolicies'),
      )) ?? [];
    const byNamespace = new Map<string, NamespaceNetworkPosture>();
    const postureOf = (namespace: string) => {
      let posture = byNamespace.get(namespace);
      if (!posture) {
        posture = {
          namespace,
          policyCount: 0,
          defaultDenyIngress: false,
          defaultDenyEgress: false,
          allowAllIngress: false,
          allowAllEgress: false,
        };
        byNamespace.set(namespace, posture);
      }
      return posture;
    };
    for (const name of (await namespaceNames(context)) ?? []) postureOf(name);
    for (const policy of policies) {
      const posture = postureOf(metadataOf(policy).namespace ?? '');
      const facts = networkPolicyFacts(policy);
      posture.policyCount++;
      posture.defaultDenyIngress ||= facts.defaultDenyIngress;
      posture.defaultDenyEgress ||= facts.defaultDenyEgress;
      posture.allowAllIngress ||= facts.allowAllIngress;
      posture.allowAllEgress ||= facts.allowAllEgress;
    }
    draft.policies.networkPolicies = [...byNamespace.values()]
      .filter((p) => !context.isExcluded(p.namespace))
      .sort((a, b) => a.namespace.localeCompare(b.namespace));
    return 'ok';
  },
};

function isEmptySelector(selector: unknown): boolean {
  if (selector === undefined || selector === null) return true;
  if (!isRecord(selector)) return false;
  const labels = selector['matchLabels'];
  const expressions = selector['matchExpressions'];
  return (
    (!isRecord(labels) || Object.keys(labels).length === 0) && (!Array.isArray(expressions) || expressions.length === 0)
  );
}

function isAllowAllRule(rule: JsonRecord, peersKey: 'from' | 'to'): boolean {
  const peers = rule[peersKey];
  const ports = rule['ports'];
  return (!Array.isArray(peers) || peers.length === 0) && (!Array.isArray(ports) || ports.length === 0);
}

/** What one NetworkPolicy contributes to its namespace's posture. */
export function networkPolicyFacts(policy: unknown): {
  defaultDenyIngress: boolean;
  defaultDenyEgress: boolean;
  allowAllIngress: boolean;
  allowAllEgress: boolean;
} {
  const spec = at(policy, 'spec');
  const ingress = records(at(spec, 'ingress'));
  const egress = records(at(spec, 'egress'));
  const declared = strings(at(spec, 'policyTypes'));
  const types = declared.length > 0 ? declared : ['Ingress', ...(egress.length > 0 ? ['Egress'] : [])];
  const selectsAll = isEmptySelector(at(spec, 'podSelector'));
  return {
    defaultDenyIngress: selectsAll && types.includes('Ingress') && ingress.length === 0,
    defaultDenyEgress: selectsAll && types.includes('Egress') && egress.length === 0,
    allowAllIngress: types.includes('Ingress') && ingress.some((rule) => isAllowAllRule(rule, 'from')),
    allowAllEgress: types.includes('Egress') && egress.some((rule) => isAllowAllRule(rule, 'to')),
  };
}
