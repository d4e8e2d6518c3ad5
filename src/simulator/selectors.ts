/**
 * labelSelector and fieldSelector query parameters, parsed as the API server does
 * (k8s.io/apimachinery/pkg/labels and pkg/fields): `a=b,c!=d,e in (f,g),h notin (i),j,!k`.
 */

export class SelectorSyntaxError extends Error {
  override readonly name = 'SelectorSyntaxError';
}

export type LabelRequirement =
  | { key: string; operator: 'in' | 'notin'; values: string[] }
  | { key: string; operator: 'exists' | '!exists' };

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

const KEY = '[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?';
const VALUE = '([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?';
const EQUALITY = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const EXISTS = new RegExp(`^(!?)\\s*(${KEY})$`);
const VALUE_ONLY = new RegExp(`^${VALUE}$`);

export function parseLabelSelector(selector: string): LabelRequirement[] {
  return splitTopLevel(selector).map((part): LabelRequirement => {
    const equality = EQUALITY.exec(part);
    if (equality) {
      const [, key = '', , operator, value = ''] = equality;
      return { key, operator: operator === '!=' ? 'notin' : 'in', values: [value] };
    }
    const set = SET.exec(part);
    if (set) {
      const [, key = '', , operator, list = ''] = set;
      const values = list.split(',').map((v) => v.trim());
      if (values.some((v) => !VALUE_ONLY.test(v))) {
        throw new SelectorSyntaxError(`unable to parse requirement: invalid label value in "${part}"`);
      }
      return { key, operator: operator as 'in' | 'notin', values };
    }
    const exists = EXISTS.exec(part);
    if (exists) {
      const [, negated, key = ''] = exists;
      return { key, operator: negated ? '!exists' : 'exists' };
    }
    throw new SelectorSyntaxError(
      `unable to parse requirement: found '${part}', expected: key, !key, key=value, key!=value, key in (...), key notin (...)`,
    );
  });
}

export function matchesLabels(
  requirements: readonly LabelRequirement[],
  labels: Readonly<Record<string, string>>,
): boolean {
  return requirements.every((requirement) => {
    const has = Object.hasOwn(labels, requirement.key);
    switch (requirement.operator) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'in':
        return has && requirement.values.includes(labels[requirement.key] ?? '');
      case 'notin':
        // As upstream: a missing label satisfies `!=` and `notin`.
        return !has || !requirement.values.includes(labels[requirement.key] ?? '');
    }
    return false;
  });
}

export function parseFieldSelector(selector: string): FieldRequirement[] {
  return splitTopLevel(selector).map((part) => {
    const match = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!match) throw new SelectorSyntaxError(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [, field = '', operator, value = ''] = match;
    return { field, operator: operator === '!=' ? '!=' : '=', value };
  });
}

export function matchesFields(
  requirements: readonly FieldRequirement[],
  fields: Readonly<Record<string, string>>,
): boolean {
  return requirements.every((r) => (fields[r.field] === r.value) === (r.operator === '='));
}
