import { isoUtc, resolveNow } from '../../src/core/clock.js';
import { ConfigError } from '../../src/core/errors.js';

describe('resolveNow', () => {
  it('reads an instant with an offset as the same instant in UTC', () => {
    expect(isoUtc(resolveNow('2026-11-25T12:00:00+18:00'))).toBe('2026-11-24T18:00:00.000Z');
    expect(isoUtc(resolveNow('2026-11-25T12:00:00-18:00'))).toBe('2026-11-26T06:00:00.000Z');
  });

  it('rejects a UTC offset beyond ±18:00 as a configuration error naming the flag', () => {
    for (const text of ['2026-11-25T12:00:00+25:00', '2026-11-25T12:00:00-18:01']) {
      expect(() => resolveNow(text)).toThrow(ConfigError);
      expect(() => resolveNow(text)).toThrow(`--now: expected a UTC offset between -18:00 and +18:00, got "${text}"`);
    }
  });
});
