/**
 * Lists a reader sees (report.html, the e-mail) show their first entries and say how many more
 * there are: a cluster with 50,000 namespaces must not make a 100 MB page or a mail nobody opens.
 * The machine outputs (report.json, findings.csv, policyreport.yaml) always hold every entry.
 */

export interface CappedList<T> {
  /** The first `limit` entries, in the order given. */
  readonly items: T[];
  /** How many entries were left out (0: none). */
  readonly more: number;
}

/**
 * @example
 * capList(['a', 'b', 'c'], 2) // { items: ['a', 'b'], more: 1 }
 */
export function capList<T>(items: readonly T[], limit: number): CappedList<T> {
  return { items: items.slice(0, limit), more: Math.max(0, items.length - limit) };
}
