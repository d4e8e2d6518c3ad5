import type { ScalarTag } from 'yaml';

/**
 * The `!now` YAML tag: timestamps relative to the moment the fleet starts, so fixtures such as a
 * cert-manager `status.notAfter: !now +5d` or a Gatekeeper `auditTimestamp: !now -1h` stay meaningful
 * whenever the demo runs. Offsets combine units s, m, h, d, w (`!now -1d12h`); a bare `!now` is now.
 * Resolves to RFC 3339 in UTC without fractional seconds, as the API server writes timestamps.
 */
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const OFFSET = /^([+-])\s*((?:\d+[smhdw])+)$/;

/** Milliseconds of an offset such as `+5d` or `-1h30m`; undefined when it does not parse. */
export function parseRelativeOffset(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return 0;
  const match = OFFSET.exec(trimmed);
  if (!match) return undefined;
  let total = 0;
  for (const [, amount, unit] of (match[2] ?? '').matchAll(/(\d+)([smhdw])/g)) {
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  }
  return match[1] === '-' ? -total : total;
}

export function kubernetesTimestamp(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function relativeTimeTag(now: Date): ScalarTag {
  return {
    tag: '!now',
    resolve(value, onError) {
      const offset = parseRelativeOffset(value);
      if (offset === undefined) {
        onError(`!now: expected an offset such as +5d, -2h or -1d12h (units s, m, h, d, w), got "${value}"`);
        return value;
      }
      return kubernetesTimestamp(new Date(now.getTime() + offset));
    },
  };
}
