/**
 * What the report needs to know about a rule: its title, why it matters, how to fix it and the
 * controls it maps to. The catalog itself lives in src/evaluate/catalog.ts.
 */
import type { Rule } from '../../evaluate/rule.js';

export type RuleDescription = Pick<Rule, 'id' | 'title' | 'rationale' | 'remediation' | 'controls'>;

/** "CIS 5.3.2 · NSA Network separation · SOC 2 CC6.1, CC6.6", or "" when nothing maps. */
export function describeControls(controls: RuleDescription['controls']): string {
  const parts: string[] = [];
  if (controls.cis) parts.push(`CIS ${controls.cis}`);
  if (controls.nsa) parts.push(`NSA/CISA ${controls.nsa}`);
  if (controls.soc2.length > 0) parts.push(`SOC 2 ${controls.soc2.join(', ')}`);
  return parts.join(' · ');
}
