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
