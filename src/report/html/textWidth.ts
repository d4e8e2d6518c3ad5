/**
 * How wide SVG text can get, without a browser to measure it.
 *
 * Chart geometry is computed here, before any font is known: the report is opened in whatever
 * browser, with whatever fonts, the reader has. So the estimate is an upper bound over common
 * sans-serif fonts at weight 600 (DejaVu Sans Bold is the widest of those on Linux: `m` 1.04 em,
 * digits 0.70 em), never a guess at the typical width: a label laid out with it never runs into
 * its neighbour, whatever font renders it.
 */

/** Upper bounds of glyph advance, in em, by character class. */
const WIDEST = /[mwMW@%]/;
const WIDE = /[A-Z]/;
const DIGIT = /[0-9]/;
const NARROW = /[.,:;'|!ilj ]/;

/** An upper bound of the rendered width of `text` at `fontSize` px. */
export function maxTextWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const character of text) {
    em += WIDEST.test(character)
      ? 1.1
      : WIDE.test(character)
        ? 0.9
        : DIGIT.test(character)
          ? 0.7
          : NARROW.test(character)
            ? 0.42
            : 0.74;
  }
  return em * fontSize;
}

/**
 * `text` itself when it fits in `width` px at `fontSize`, else its longest prefix that fits with
 * an ellipsis (the full text goes in a tooltip and the table beside the chart).
 */
export function fitText(text: string, width: number, fontSize: number): { text: string; truncated: boolean } {
  if (maxTextWidth(text, fontSize) <= width) return { text, truncated: false };
  const characters = [...text];
  let length = characters.length;
  while (length > 0 && maxTextWidth(`${characters.slice(0, length).join('')}…`, fontSize) > width) length--;
  return { text: `${characters.slice(0, length).join('')}…`, truncated: true };
}
