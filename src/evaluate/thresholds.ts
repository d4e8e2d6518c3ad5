/**
 * Rule thresholds and per-rule overrides: the `rules:` key of the fleet file.
 *
 * Strict: an unknown key is a configuration mistake (a typo would otherwise silently keep the
 * default). Every field has a default, so `RuleThresholds.parse({})` is the default set.
 */
import picomatch from 'picomatch';
import * as z from 'zod';
import { isKnownRuleId } from './catalog.js';
import { platformEntryOf, platformNamespacesOf } from './platformNamespaces.js';
import { Severity } from './types.js';

export const RuleThresholds = z
  .strictObject({
    /** QUOTA-NEAR-LIMIT: used / hard at or above this ratio. */
    quotaNearLimit: z.number().gt(0).max(1).default(0.9),
    /** GATEKEEPER-AUDIT-STALE: the last audit of a constraint is older than this. */
    gatekeeperAuditMaxAgeHours: z.number().positive().default(24),
    /** CERT-EXPIRING: critical when a certificate expires within this many days. */
    certExpiringCriticalDays: z.number().nonnegative().default(7),
    /** CERT-EXPIRING: high when a certificate expires within this many days. */
    certExpiringHighDays: z.number().nonnegative().default(30),
    /**
     * Namespaces (picomatch globs) left out of namespace-scoped checks (QUOTA-MISSING,
     * LIMITRANGE-MISSING, NETPOL-NO-DEFAULT-DENY, MTLS-NOT-STRICT).
     */
    excludeNamespaces: z.array(z.string().min(1)).default(['kube-system', 'kube-public', 'kube-node-lease']),
    /** Rule ids that are not evaluated at all. */
    disabled: z.array(z.string()).default([]),
    /** Severity overrides by rule id. */
    severity: z.record(z.string(), Severity).default({}),
    /**
     * Platform namespaces (globs) the tenant-hygiene rules skip, replacing the built-in list
     * (platformNamespaces.ts); unset: the built-in list; []: none.
     */
    platformNamespaces: z.array(z.string().min(1)).optional(),
    /** Platform namespaces (globs) skipped on top of the built-in (or replaced) list. */
    extraPlatformNamespaces: z.array(z.string().min(1)).default([]),
    /** Platform namespaces (globs) the tenant-hygiene rules check anyway, e.g. [default]; excludeNamespaces still wins. */
    checkPlatformNamespaces: z.array(z.string().min(1)).default([]),
    /**
     * The longest a waiver may run: its `expires` day at most this many days after the day of the
     * run (UTC). A longer one is a configuration error of the waivers file.
     */
    waiverMaxTermDays: z.number().int().positive().default(365),
    /**
     * ARGO-RECONCILE-STALE: an Application is stale when its last reconciliation is older than this
     * many reconciliation periods (argocd-cm timeout.reconciliation, 180 s when unset).
     */
    argoReconcileStaleFactor: z.number().min(1).default(3),
    /** GATEKEEPER-ADMISSION-RISK: from this many ConstraintTemplates on, admission is heavily loaded. */
    gatekeeperManyTemplates: z.number().int().positive().default(25),
    /** GATEKEEPER-ADMISSION-RISK: a webhook timeout above this many seconds holds writes up for long. */
    gatekeeperMaxWebhookTimeoutSeconds: z.number().int().positive().max(30).default(5),
    /** Rules files of the organisation's custom rules (YAML with CEL), relative to the fleet file. */
    files: z.array(z.string().min(1)).default([]),
  })
  .superRefine((t, ctx) => {
    if (t.certExpiringCriticalDays > t.certExpiringHighDays) {
      ctx.addIssue({
        code: 'custom',
        message: 'must not exceed certExpiringHighDays',
        path: ['certExpiringCriticalDays'],
      });
    }
    const unknown = (id: string): boolean => !isKnownRuleId(id);
    t.disabled.forEach((id, index) => {
      if (unknown(id)) ctx.addIssue({ code: 'custom', message: `unknown rule id "${id}"`, path: ['disabled', index] });
    });
    for (const id of Object.keys(t.severity).filter(unknown)) {
      ctx.addIssue({ code: 'custom', message: `unknown rule id "${id}"`, path: ['severity', id] });
    }
    // A name (not a glob) that no list entry matches is a typo: it would silently check nothing.
    const isPlatform = platformEntryOf(platformNamespacesOf(t));
    t.checkPlatformNamespaces.forEach((name, index) => {
      if (picomatch.scan(name).isGlob || isPlatform(name)) return;
      ctx.addIssue({
        code: 'custom',
        message: `"${name}" is not a platform namespace (neither in the built-in list nor in platformNamespaces or extraPlatformNamespaces)`,
        path: ['checkPlatformNamespaces', index],
      });
    });
  });
export type RuleThresholds = z.infer<typeof RuleThresholds>;
/** What a fleet file may write (every key optional). */
export type RuleThresholdsInput = z.input<typeof RuleThresholds>;

export const DEFAULT_THRESHOLDS: RuleThresholds = RuleThresholds.parse({});
