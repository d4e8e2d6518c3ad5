/**
 * Key timestamps are parsed without luxon (a run parses every manifest and opening key it lists):
 * the result must be exactly what the luxon parse gives, valid and invalid dates alike.
 */
import { isoUtc } from '../../src/core/clock.js';
import { isoFromKeyTimestamp, parseTimestampFromKey } from '../../src/ledger/keys.js';

const viaLuxon = (text: string) => {
  const instant = parseTimestampFromKey(text);
  return instant ? isoUtc(instant) : null;
};

describe('isoFromKeyTimestamp', () => {
  it('reads a key timestamp as luxon does, impossible dates and times included', () => {
    const edges = [
      '2026-02-29T00-00-00.000Z',
      '2024-02-29T23-59-59.999Z',
      '1900-02-29T00-00-00Z',
      '2000-02-29T00-00-00Z',
      '2026-04-31T00-00-00Z',
      '2026-13-01T00-00-00Z',
      '2026-00-10T00-00-00Z',
      '2026-01-00T00-00-00Z',
      '2026-04-30T24-00-00Z',
      '2026-04-30T24-00-01Z',
      '2026-04-30T23-60-00Z',
      '2026-04-30T23-59-60Z',
      '2026-12-31T23-59-59Z',
      '2026-12-31T23:59:59Z',
    ];
    // Instants spread over six years, every month and time of day.
    const spread = Array.from({ length: 2_000 }, (_, i) =>
      new Date(Date.UTC(2024, 0, 1) + i * 97_654_321).toISOString().replaceAll(':', '-'),
    );

    for (const text of [...edges, ...spread]) expect([text, isoFromKeyTimestamp(text)]).toEqual([text, viaLuxon(text)]);
    expect(isoFromKeyTimestamp('2026-11-25T09-00-00.000Z')).toBe('2026-11-25T09:00:00.000Z');
    expect(isoFromKeyTimestamp('2026-02-29T00-00-00.000Z')).toBeNull();
  });
});
