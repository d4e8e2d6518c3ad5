import { renderRuleCatalogMarkdown } from './catalog.js';
import { renderPlatformNamespacesMarkdown } from './platformNamespaces.js';

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

const PLATFORM_BEGIN = /<!-- platform-namespaces:begin[^>]*-->\n/;
const PLATFORM_END = '<!-- platform-namespaces:end -->';

/** The README text with the generated built-in platform namespace list between its markers. */
export function withPlatformNamespaces(readme: string): string {
  const begin = PLATFORM_BEGIN.exec(readme);
  const end = readme.indexOf(PLATFORM_END);
  if (!begin || end < begin.index) {
    throw new Error('README.md: the platform-namespaces:begin / platform-namespaces:end markers are missing');
  }
  const head = readme.slice(0, begin.index + begin[0].length);
  return `${head}\n${renderPlatformNamespacesMarkdown()}\n\n${readme.slice(end)}`;
}
