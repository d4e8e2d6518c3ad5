import type { SourceStatus } from '../../snapshot/schema.js';
import { type ClusterRule, failed, notEvaluated, passed, type UnreadSource } from '../rule.js';

/** The API server's defaults for a webhook that leaves them unset. */
const DEFAULT_TIMEOUT_SECONDS = 10;
const DEFAULT_FAILURE_POLICY = 'Fail';
/** Gatekeeper's admission webhook (the other, check-ignore-label, guards namespace labels only). */
const VALIDATION_WEBHOOK = 'validation.gatekeeper.sh';

const unreadOf = (sources: readonly SourceStatus[], prefix: string): UnreadSource[] =>
  sources
    .filter((s) => s.source.startsWith(prefix) && s.state !== 'ok' && s.state !== 'absent')
    .map((s) => ({ section: 'gatekeeper', source: s.source, state: s.state }));

/**
 * One check per cluster running Gatekeeper. Every ConstraintTemplate adds Rego the webhook runs on
 * each admission request, so its latency grows with their number. Failed when:
 * - there are at least `gatekeeperManyTemplates` templates and the validation webhook fails closed
 *   (failurePolicy Fail, the default): an evaluation slower than timeoutSeconds rejects the request;
 * - there are that many templates and timeoutSeconds is above `gatekeeperMaxWebhookTimeoutSeconds`:
 *   every write may be held up that long;
 * - the audit runs from the cache (--audit-from-cache) while no Config sync list fills it: the
 *   audit sees no objects, and the violation counts in the report stay at zero.
 * Not evaluated when the webhooks could not be read, or the audit Deployment could not be and
 * nothing else failed the check.
 */
export const gatekeeperAdmissionRisk: ClusterRule = {
  id: 'GATEKEEPER-ADMISSION-RISK',
  title: 'Gatekeeper admission slow or brittle for its number of templates',
  scope: 'cluster',
  area: 'policies',
  defaultSeverity: 'medium',
  sections: ['gatekeeper'],
  rationale:
    'The Gatekeeper webhook evaluates every matching template on each write. With many templates a fail-closed webhook rejects deployments whenever evaluation exceeds its timeout, a long timeout stalls every write, and an audit from an unfilled cache reports no violations at all.',
  remediation:
    'Keep timeoutSeconds short (Gatekeeper ships 3 s) with failurePolicy Ignore plus the audit as the backstop, or scale the webhook (replicas, CPU) before adding templates; consolidate templates; when running the audit with --audit-from-cache, list every constrained kind in the Config sync list.',
  controls: { cis: null, nsa: 'Kubernetes Pod security: Pod security enforcement', soc2: ['CC7.1', 'A1.1'] },
  evaluate({ snapshot, thresholds }) {
    const gatekeeper = snapshot.policies.gatekeeper;
    if (!gatekeeper.installed) return [];
    const subject = `Cluster/${snapshot.meta.cluster}`;
    const admission = gatekeeper.admission;
    const sources = snapshot.meta.sections.gatekeeper?.sources ?? [];
    const templatesUnread = unreadOf(sources, 'ConstraintTemplates');
    if (templatesUnread.length > 0) {
      // Without the number of templates there is nothing to weigh the webhook against (and it was not read).
      return [notEvaluated(subject, 'the ConstraintTemplates could not be read', templatesUnread)];
    }
    if (!admission) {
      return [notEvaluated(subject, 'the snapshot holds no Gatekeeper webhook settings (taken by an earlier version)')];
    }
    if (admission.webhooks === null) {
      return [
        notEvaluated(
          subject,
          'the ValidatingWebhookConfigurations could not be read',
          unreadOf(sources, 'ValidatingWebhookConfigurations'),
        ),
      ];
    }
    const templates = gatekeeper.templates.length;
    const constraints = gatekeeper.constraints.length;
    const many = templates >= thresholds.gatekeeperManyTemplates;
    const hook = admission.webhooks.find((w) => w.name === VALIDATION_WEBHOOK) ?? admission.webhooks[0];
    const timeout = hook ? (hook.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) : null;
    const failurePolicy = hook ? (hook.failurePolicy ?? DEFAULT_FAILURE_POLICY) : null;

    const problems: string[] = [];
    if (many && failurePolicy === 'Fail') {
      problems.push(
        `the webhook fails closed with ${templates} templates: a request whose evaluation takes over ${timeout} s is rejected`,
      );
    }
    if (many && timeout !== null && timeout > thresholds.gatekeeperMaxWebhookTimeoutSeconds) {
      problems.push(`every write may wait up to ${timeout} s for ${templates} templates`);
    }
    const emptyCache = admission.syncOnly === null || admission.syncOnly.length === 0;
    if (admission.auditFromCache === true && constraints > 0 && emptyCache) {
      problems.push(
        `the audit runs from the cache (--audit-from-cache) but ${admission.syncOnly === null ? 'no Config sync list fills it' : 'the Config sync list is empty'}: it sees no objects and reports no violations`,
      );
    }
    if (problems.length === 0) {
      const auditUnread = unreadOf(sources, 'Deployment ');
      if (auditUnread.length > 0) {
        return [notEvaluated(subject, 'the gatekeeper-audit Deployment could not be read', auditUnread)];
      }
      return [passed(subject)];
    }
    return [
      failed(subject, {
        resource: subject,
        message: `Gatekeeper admission on ${snapshot.meta.cluster} is at risk: ${problems.join('; ')}`,
        evidence: {
          templates,
          constraints,
          webhook: hook
            ? { configuration: hook.configuration, name: hook.name, timeoutSeconds: timeout, failurePolicy }
            : null,
          auditFromCache: admission.auditFromCache,
          syncOnly: admission.syncOnly,
          manyTemplates: thresholds.gatekeeperManyTemplates,
          maxWebhookTimeoutSeconds: thresholds.gatekeeperMaxWebhookTimeoutSeconds,
        },
      }),
    ];
  },
};
