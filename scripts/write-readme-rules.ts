// Regenerates the rule catalog and the platform namespace list of README.md from src/evaluate (npm run docs).
import { readFileSync, writeFileSync } from 'node:fs';
import { withPlatformNamespaces, withRuleCatalog } from '../src/evaluate/readmeCatalog.js';

const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, withPlatformNamespaces(withRuleCatalog(readFileSync(readme, 'utf8'))));
console.log('wrote the rule catalog and the platform namespace list into README.md');
