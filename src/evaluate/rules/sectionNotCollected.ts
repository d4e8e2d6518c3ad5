import { SECTION_NAMES } from '../../snapshot/schema.js';
import { sectionFailed, unreadSourcesOf } from '../../snapshot/sectionStatus.js';
import { type ClusterRule, failed, passed } from '../rule.js';
import { sectionProblem } from '../sectionProblems.js';

/**
 * One check per snapshot section of a reachable cluster: ok and absent pass, forbidden and error
 * fail, and so does a partial section with a source that failed (naming the sources not read).
 * A section whose unread sources were all skipped on purpose (Secret reads off) is a choice, not a
 * failure: a skipped section makes no check, a partial one passes; the report states the mode.
 */
export const sectionNotCollected: ClusterRule = {
  id: 'SECTION-NOT-COLLECTED',
  title: 'Part of a cluster could not be collected',
  scope: 'cluster',
  area: null,
  defaultSeverity: 'medium',
  sections: [],
  gate: 'rule',
  rationale:
    'A section that was forbidden or failed leaves the checks that need it unevaluated: the report cannot say whether those controls hold.',
  remediation:
    'Grant the collector read access to the resources of the section (forbidden), or fix the failing API (error, often an aggregated API that is down), then snapshot again.',
  controls: { cis: null, nsa: 'Audit logging and threat detection', soc2: ['CC4.1'] },
  evaluate({ snapshot }) {
    // An unreachable cluster is CLUSTER-UNREACHABLE's finding; its sections say nothing more.
    if (snapshot.meta.status === 'unreachable') return [];
    return SECTION_NAMES.flatMap((section) => {
      const subject = `Section/${section}`;
      const status = snapshot.meta.sections[section];
      if (status?.state === 'skipped') return [];
      const problem = status && sectionFailed(status) ? sectionProblem(section, status) : null;
      if (!status || !problem) return [passed(subject)];
      const unread = unreadSourcesOf(status);
      // In people's words; the API server's answer stays in the evidence.
      return [
        failed(subject, {
          resource: subject,
          message: problem.summary,
          evidence: {
            section,
            state: status.state,
            message: status.message ?? null,
            ...(unread.length > 0 ? { unreadSources: unread } : {}),
          },
        }),
      ];
    });
  },
};
