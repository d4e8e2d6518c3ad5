/**
 * Kubernetes resource quantities (`500m`, `2Gi`, `1e3`, `10`) as numbers: cores for cpu, bytes for
 * memory and storage, a plain count otherwise. The unit is implied by the string's suffix.
 */
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/;

/** The quantity as a number, or null when the text is not a Kubernetes quantity. */
export function parseQuantity(text: string): number | null {
  const match = QUANTITY.exec(text.trim());
  if (!match) return null;
  const [, digits, exponent, suffix = ''] = match;
  const value = Number(digits);
  if (exponent) return value * 10 ** Number(exponent.slice(1));
  const factor = BINARY[suffix] ?? DECIMAL[suffix];
  // Round away floating-point noise such as 0.1 * 3 while keeping millicores.
  return factor === undefined ? null : Number((value * factor).toPrecision(15));
}
