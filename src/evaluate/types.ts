/**
 * Findings and scores: the output of evaluation, the input of reports.
 * The zod schemas here are embedded in the report schema (src/report/schema.ts).
 */
import * as z from 'zod';

export const Severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);
export type Severity = z.infer<typeof Severity>;
export const SEVERITIES: readonly Severity[] = Severity.options;

export const Waiver = z.object({
  rule: z.string(),
  cluster: z.string().describe('glob'),
  resource: z.string().optional().describe('glob'),
  reason: z.string(),
  owner: z.string(),
  expires: z.string().describe('YYYY-MM-DD; the waiver applies up to and including this day (UTC)'),
  allClusters: z
    .boolean()
    .optional()
    .describe('true: a fleet-wide waiver, declared as such (required when the cluster glob matches every cluster)'),
});
export type Waiver = z.infer<typeof Waiver>;

export const Finding = z.object({
  id: z.string().describe('stable: SHA-256 (first 16 hex) of rule, cluster(s) and resource'),
  rule: z.string(),
  severity: Severity,
  cluster: z.string().optional(),
  clusters: z.array(z.string()).optional(),
  resource: z.string().describe('Kind/namespace/name or Kind/name'),
  message: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  status: z.enum(['open', 'waived']),
  waiver: Waiver.optional(),
});
export type Finding = z.infer<typeof Finding>;

export const SeverityCounts = z.object({
  critical: z.number().int(),
  high: z.number().int(),
  medium: z.number().int(),
  low: z.number().int(),
  info: z.number().int(),
});
export type SeverityCounts = z.infer<typeof SeverityCounts>;

export const Score = z.object({
  /** passed / evaluated checks; null when nothing could be evaluated. */
  compliance: z.number().min(0).max(1).nullable(),
  /** evaluated / applicable checks. */
  coverage: z.number().min(0).max(1),
  applicable: z.number().int(),
  evaluated: z.number().int(),
  passed: z.number().int(),
  open: SeverityCounts,
  waived: SeverityCounts,
});
export type Score = z.infer<typeof Score>;
