// Regenerates the command reference of README.md from the CLI's own --help (npm run docs).
import { readFileSync, writeFileSync } from 'node:fs';
import { withCommandReference } from '../src/cli/commandReference.js';

const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, await withCommandReference(readFileSync(readme, 'utf8')));
console.log('wrote the command reference into README.md');
