// Regenerates the rule catalog section of README.md from src/evaluate/catalog.ts (npm run docs).
import { readFileSync, writeFileSync } from 'node:fs';
import { withRuleCatalog } from '../src/evaluate/readmeCatalog.js';

const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, withRuleCatalog(readFileSync(readme, 'utf8')));
console.log('wrote the rule catalog into README.md');
