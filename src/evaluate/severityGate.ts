/**
 * The gate of `evaluate` and `check`: which open findings fail a CI run. A severity threshold
 * (`--fail-on high` fails on high and critical) or `none`; waived findings never count.
 */
import { ConfigError } from '../core/errors.js';
import { SEVERITIES, type Severity } from './types.js';

export type SeverityThreshold = Severity | 'none';

/** `--fail-on`: a severity in any case, or none; ConfigError naming the flag otherwise. */
export function parseSeverityThreshold(flag: string, text: string): SeverityThreshold {
  const value = text.trim().toLowerCase();
  if (value === 'none' || (SEVERITIES as readonly string[]).includes(value)) return value as SeverityThreshold;
  throw new ConfigError(`${flag}: expected one of ${[...SEVERITIES, 'none'].join(', ')}, got "${text}"`);
}

/** True when a finding of `severity` is at or above the threshold (critical is the highest). */
export function atOrAbove(severity: Severity, threshold: SeverityThreshold): boolean {
  if (threshold === 'none') return false;
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold);
}

/** The open findings that fail the gate. */
export function findingsOverGate<F extends { severity: Severity; status: 'open' | 'waived' }>(
  findings: readonly F[],
  threshold: SeverityThreshold,
): F[] {
  return findings.filter((finding) => finding.status === 'open' && atOrAbove(finding.severity, threshold));
}

/** `--min-compliance`: a percentage from 0 to 100 (`95`, `95%`, `99.5`); ConfigError otherwise. Returns a ratio. */
export function parseMinimumCompliance(flag: string, text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const value = match ? Number(match[1]) : Number.NaN;
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    throw new ConfigError(`${flag}: expected a percentage from 0 to 100 (e.g. 95), got "${text}"`);
  }
  return value / 100;
}
