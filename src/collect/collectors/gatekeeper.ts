import type { Constraint } from '../../snapshot/schema.js';
import { at, int, isoOrNull, metadataOf, records, str } from '../fields.js';
import type { Collector } from './collector.js';

const TEMPLATE_VERSIONS = ['templates.gatekeeper.sh/v1', 'templates.gatekeeper.sh/v1beta1'];
const CONSTRAINT_VERSIONS = [
  'constraints.gatekeeper.sh/v1',
  'constraints.gatekeeper.sh/v1beta1',
  'constraints.gatekeeper.sh/v1alpha1',
];

/**
 * Gatekeeper: ConstraintTemplates (v1, else v1beta1) with their per-pod errors, and every
 * constraint of every kind discovered in constraints.gatekeeper.sh (first served version).
 * `violations[]` is a capped sample: totalViolations is the count.
 */
export const gatekeeperCollector: Collector = {
  section: 'gatekeeper',
  async collect({ reader }, draft) {
    const templateVersion = await reader.firstServing(TEMPLATE_VERSIONS, 'constrainttemplates');
    if (templateVersion === null) return 'absent';
    const gatekeeper = draft.policies.gatekeeper;
    gatekeeper.installed = true;
    gatekeeper.apiVersion = templateVersion;
    const templates = await reader.listAll(`/apis/${templateVersion}/constrainttemplates`);
    gatekeeper.templates = templates.map((item) => ({
      name: metadataOf(item).name,
      kind: str(at(item, 'spec', 'crd', 'spec', 'names', 'kind')) ?? '',
      errors: records(at(item, 'status', 'byPod')).flatMap((pod) =>
        records(pod['errors']).map((e) => str(e['message']) ?? str(e['code']) ?? 'unknown error'),
      ),
    }));

    for (const groupVersion of CONSTRAINT_VERSIONS) {
      const resources = await reader.discover(groupVersion);
      if (resources === null) continue;
      for (const resource of resources) {
        const items = await reader.listAll(`/apis/${groupVersion}/${resource.name}`);
        gatekeeper.constraints.push(...items.map((item) => constraintOf(item, resource.kind)));
      }
      break;
    }
    return 'ok';
  },
};

function constraintOf(item: Record<string, unknown>, discoveredKind: string): Constraint {
  return {
    kind: str(item['kind']) ?? discoveredKind,
    name: metadataOf(item).name,
    enforcementAction: str(at(item, 'spec', 'enforcementAction')) || 'deny',
    totalViolations: int(at(item, 'status', 'totalViolations')),
    violations: records(at(item, 'status', 'violations')).map((v) => {
      const namespace = str(v['namespace']);
      const action = str(v['enforcementAction']);
      return {
        kind: str(v['kind']) ?? '',
        name: str(v['name']) ?? '',
        ...(namespace ? { namespace } : {}),
        message: str(v['message']) ?? '',
        ...(action ? { enforcementAction: action } : {}),
      };
    }),
    auditTimestamp: isoOrNull(at(item, 'status', 'auditTimestamp')),
  };
}
