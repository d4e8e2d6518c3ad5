/**
 * Go's time.ParseDuration, in seconds: the format of Argo CD's `timeout.reconciliation` ("180s",
 * "3m", "1h30m", "0"). Returns null for text Go would reject.
 */
const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

export function parseGoDurationSeconds(text: string): number | null {
  const match = /^([-+]?)(.*)$/s.exec(text.trim());
  const body = match?.[2] ?? '';
  if (body === '0') return 0;
  if (body === '') return null;
  const part = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let seconds = 0;
  let index = 0;
  while (index < body.length) {
    part.lastIndex = index;
    const found = part.exec(body);
    if (!found) return null;
    seconds += Number(found[1]) * (UNIT_SECONDS[found[2]!] ?? 0);
    index = part.lastIndex;
  }
  return match?.[1] === '-' ? -seconds : seconds;
}
