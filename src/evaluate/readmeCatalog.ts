import { renderRuleCatalogMarkdown } from './catalog.js';

const BEGIN = /<!-- rules:begin[^>]*-->\n/;
const END = '<!-- rules:end -->';

/** The README text with the generated rule catalog between its markers. */
export function withRuleCatalog(readme: string): string {
  const begin = BEGIN.exec(readme);
  const end = readme.indexOf(END);
  if (!begin || end < begin.index) throw new Error('README.md: the rules:begin / rules:end markers are missing');
  const head = readme.slice(0, begin.index + begin[0].length);
  return `${head}\n${renderRuleCatalogMarkdown().trim()}\n\n${readme.slice(end)}`;
}
