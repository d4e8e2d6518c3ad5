import { readFileSync } from 'node:fs';
import { snapshotJsonSchema } from '../../src/snapshot/schema.js';

describe('snapshot JSON Schema', () => {
  it('matches the committed schemas/snapshot-v1.schema.json (run npm run schemas after changing the zod schema)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../schemas/snapshot-v1.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(snapshotJsonSchema());
  });
});
