import { readFileSync } from 'node:fs';
import { reportJsonSchema } from '../../src/report/schema.js';
import { snapshotJsonSchema } from '../../src/snapshot/schema.js';

const committed = (file: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8'));

describe('committed JSON Schemas (run npm run schemas after changing a zod schema)', () => {
  it('schemas/snapshot-v1.schema.json matches the snapshot zod schema', () => {
    expect(committed('snapshot-v1.schema.json')).toEqual(snapshotJsonSchema());
  });

  it('schemas/report-v1.schema.json matches the report zod schema', () => {
    expect(committed('report-v1.schema.json')).toEqual(reportJsonSchema());
  });
});

describe('README rule catalog (run npm run docs after changing a rule)', () => {
  it('is the catalog rendered from src/evaluate/catalog.ts', async () => {
    const { withRuleCatalog } = await import('../../src/evaluate/readmeCatalog.js');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('### CIDR-OVERLAP');
    expect(withRuleCatalog(readme)).toBe(readme);
  });
});
