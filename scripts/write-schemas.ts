// Regenerates the committed JSON Schemas from the zod schemas (npm run schemas).
import { writeFileSync } from 'node:fs';
import { reportJsonSchema } from '../src/report/schema.js';
import { snapshotJsonSchema } from '../src/snapshot/schema.js';

const schemas: Record<string, unknown> = {
  'snapshot-v1.schema.json': snapshotJsonSchema(),
  'report-v1.schema.json': reportJsonSchema(),
};
for (const [file, schema] of Object.entries(schemas)) {
  writeFileSync(new URL(`../schemas/${file}`, import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schemas/${file}`);
}
