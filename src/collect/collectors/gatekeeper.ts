import type { Constraint } from '../../snapshot/schema.js';
import { at, int, isoOrNull, metadataOf, records, str } from '../fields.js';
import type { KubeReader } from '../kube.js';
import type { Collector } from './collector.js';
import { gatekeeperAdmission } from './gatekeeperAdmission.js';

const TEMPLATE_VERSIONS = ['templates.gatekeeper.sh/v1', 'templates.gatekeeper.sh/v1beta1'];
const CONSTRAINT_VERSIONS = [
  'constraints.gatekeeper.sh/v1',
  'constraints.gatekeeper.sh/v1beta1',
  'constraints.gatekeeper.sh/v1alpha1',
];

/**
 * Gatekeeper: ConstraintTemplates (v1, else v1beta1) with their per-pod errors, and every
 * constraint of every kind discovered in constraints.gatekeeper.sh (first served version).
 * `violations[]` is a capped sample: totalViolations is the count. The template list, the
 * constraint kinds and each kind's list are separate sources: one kind the reader may not list
 * leaves the others (and the templates) in the snapshot. Then how it admits and audits
 * (gatekeeperAdmission.ts).
 */
export const gatekeeperCollector: Collector = {
  section: 'gatekeeper',
  async collect(context, draft) {
    const { reader, source } = context;
    const templateVersion = await reader.firstServing(TEMPLATE_VERSIONS, 'constrainttemplates');
    if (templateVersion === null) return 'absent';
    const gatekeeper = draft.policies.gatekeeper;
    gatekeeper.installed = true;
    gatekeeper.apiVersion = templateVersion;
    const templatesPath = `/apis/${templateVersion}/constrainttemplates`;
    const templates = await source({ source: 'ConstraintTemplates', request: `GET ${templatesPath}` }, () =>
      reader.listAll(templatesPath),
    );
    gatekeeper.templates = (templates ?? []).map((item) => ({
      name: metadataOf(item).name,
      kind: str(at(item, 'spec', 'crd', 'spec', 'names', 'kind')) ?? '',
      errors: records(at(item, 'status', 'byPod')).flatMap((pod) =>
        records(pod['errors']).map((e) => str(e['message']) ?? str(e['code']) ?? 'unknown error'),
      ),
    }));

    const kinds = await source(
      {
        source: 'Gatekeeper constraint kinds',
        request: `GET /apis/${CONSTRAINT_VERSIONS[0]} (then ${CONSTRAINT_VERSIONS.slice(1)
          .map((v) => v.split('/')[1])
          .join(', ')})`,
      },
      () => constraintKinds(reader),
    );
    for (const { groupVersion, name, kind } of kinds ?? []) {
      const path = `/apis/${groupVersion}/${name}`;
      const items = await source({ source: `${kind || name} constraints`, request: `GET ${path}` }, () =>
        reader.listAll(path),
      );
      gatekeeper.constraints.push(...(items ?? []).map((item) => constraintOf(item, kind)));
    }
    // Read only beside the templates: it says nothing without their number, and alone it would
    // turn a forbidden section into a partial one.
    if (templates !== null) gatekeeper.admission = await gatekeeperAdmission(context);
    return 'ok';
  },
};

/** The constraint resources of the first served version of constraints.gatekeeper.sh, or null when none is. */
async function constraintKinds(
  reader: KubeReader,
): Promise<{ groupVersion: string; name: string; kind: string }[] | null> {
  for (const groupVersion of CONSTRAINT_VERSIONS) {
    const resources = await reader.discover(groupVersion);
    if (resources !== null) return resources.map(({ name, kind }) => ({ groupVersion, name, kind }));
  }
  return null;
}

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
