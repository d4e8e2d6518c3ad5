/**
 * A body in pieces (writeTextPieces): what report files are stored as, rendered piece by piece and
 * never held whole. Both stores keep put-once for it, and the size and SHA-256 returned for the
 * manifest are those of the bytes stored.
 */
import { readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeWritten, writeTextPieces } from '../../src/ledger/objects.js';
import { ObjectExistsError, type PutOptions } from '../../src/ledger/store.js';
import {
  createDirectoryStore,
  STORE_KINDS,
  type StoreUnderTest,
  startSharedS3rver,
  stopSharedS3rver,
} from './storeFixtures.js';

const YAML: PutOptions = { contentType: 'application/yaml' };
const KEY = 'reports/2026-W48/2026-11-27T09-00-00.000Z/policyreport.yaml';
const bytes = (text: string) => new TextEncoder().encode(text);
const text = async (subject: StoreUnderTest, key: string) => new TextDecoder().decode(await subject.store.get(key));

beforeAll(startSharedS3rver);
afterAll(stopSharedS3rver);

describe.each(STORE_KINDS)('$name', (kind) => {
  let subject: StoreUnderTest;
  beforeEach(async () => {
    subject = await kind.create();
  });
  afterEach(() => subject.dispose());

  it('stores the pieces joined, and returns the size and SHA-256 of the stored bytes', async () => {
    const pieces = ['---\nkind: "ClusterPolicyReport"\n', '', '---\nname: "café ✓"\n'];

    const written = await writeTextPieces(subject.store, KEY, pieces, YAML);

    const whole = pieces.join('');
    expect(await text(subject, KEY)).toBe(whole);
    expect(written).toEqual({ ...describeWritten(KEY, bytes(whole)), result: 'created' });
  });

  it('keeps a character whose surrogate pair is split between two pieces', async () => {
    const emoji = '🔒';

    const written = await writeTextPieces(subject.store, KEY, ['lock ', emoji[0]!, `${emoji[1]!} end`], YAML);

    expect(await text(subject, KEY)).toBe(`lock ${emoji} end`);
    expect(written.sha256).toBe(describeWritten(KEY, bytes(`lock ${emoji} end`)).sha256);
  });

  it('treats the same text in other pieces as unchanged, and refuses other text, keeping the original', async () => {
    await writeTextPieces(subject.store, KEY, ['one ', 'two'], YAML);

    const again = await writeTextPieces(subject.store, KEY, ['one', ' two'], YAML);
    const other = writeTextPieces(subject.store, KEY, ['one ', 'too'], YAML);

    expect(again.result).toBe('unchanged');
    await expect(other).rejects.toThrow(new ObjectExistsError(KEY));
    expect(await text(subject, KEY)).toBe('one two');
  });

  it('stores nothing under the key, and leaves no temporary file, when the pieces throw part way (a report file that fails its check)', async () => {
    function* failing(): Generator<string> {
      yield '{"findings":[';
      yield 'x'.repeat(300_000);
      throw new Error('finding 2 does not validate');
    }

    const write = writeTextPieces(subject.store, KEY, failing(), YAML);

    await expect(write).rejects.toThrow('finding 2 does not validate');
    expect(await subject.store.head(KEY)).toBeNull();
    expect((await subject.store.list('')).map((object) => object.key)).toEqual([]);
  });

  it('takes pieces where bytes were stored, and bytes where pieces were, as the same object', async () => {
    await subject.store.put(KEY, bytes('same text'), YAML);
    await writeTextPieces(subject.store, `${KEY}.2`, ['same', ' text'], YAML);

    expect((await writeTextPieces(subject.store, KEY, ['same ', 'text'], YAML)).result).toBe('unchanged');
    expect(await subject.store.put(`${KEY}.2`, bytes('same text'), YAML)).toBe('unchanged');
    await expect(subject.store.put(`${KEY}.2`, bytes('same texts'), YAML)).rejects.toThrow(
      new ObjectExistsError(`${KEY}.2`),
    );
  });
});

describe('directory store, a large body in pieces', () => {
  let subject: StoreUnderTest;
  beforeEach(async () => {
    subject = await createDirectoryStore();
  });
  afterEach(() => subject.dispose());

  // About 2.9 MB: more than one block (1 MiB) of the comparison on a taken name.
  const line = (i: number) => `- resultID: "${String(i).padStart(8, '0')}"\n`;
  const large = (last: string) => [
    ...Array.from({ length: 200 }, (_, block) => Array.from({ length: 625 }, (_, i) => line(block * 625 + i)).join('')),
    last,
  ];

  it('compares every block with the stored object: a difference in the last byte is refused', async () => {
    const first = await writeTextPieces(subject.store, KEY, large('end\n'), YAML);

    const same = await writeTextPieces(subject.store, KEY, large('end\n'), YAML);
    const differs = writeTextPieces(subject.store, KEY, large('enD\n'), YAML);

    expect(first.size).toBe(2_875_004);
    expect(same).toEqual({ ...first, result: 'unchanged' });
    await expect(differs).rejects.toThrow(new ObjectExistsError(KEY));
    expect(new TextDecoder().decode(await subject.store.get(KEY))).toBe(large('end\n').join(''));
    // Nothing is left behind: the temporary files of the three writes are gone.
    expect(await readdir(join(subject.location, 'reports/2026-W48/2026-11-27T09-00-00.000Z'))).toEqual([
      'policyreport.yaml',
    ]);
  });

  it('never writes through, nor takes as the object, a symbolic link at the name', async () => {
    const outside = join(subject.location, '..', `outside-${Date.now()}.yaml`);
    await writeFile(outside, 'same text');
    await subject.overwrite(`${KEY}.x`, bytes(''));
    await symlink(outside, join(subject.location, ...KEY.split('/')));

    await expect(writeTextPieces(subject.store, KEY, ['same ', 'text'], YAML)).rejects.toThrow(
      new ObjectExistsError(KEY),
    );
    expect(await readFile(outside, 'utf8')).toBe('same text');
  });
});
