/**
 * The LedgerStore contract: both stores behave the same, byte for byte.
 */
import { mapBounded } from '../../src/core/concurrency.js';
import { InvalidKeyError } from '../../src/ledger/keys.js';
import { ObjectExistsError, ObjectNotFoundError, type PutOptions } from '../../src/ledger/store.js';
import { STORE_KINDS, type StoreUnderTest, startSharedS3rver, stopSharedS3rver } from './storeFixtures.js';

const JSON_OPTIONS: PutOptions = { contentType: 'application/json' };
const bytes = (text: string) => new TextEncoder().encode(text);

beforeAll(startSharedS3rver);
afterAll(stopSharedS3rver);

describe.each(STORE_KINDS)('$name', (kind) => {
  let subject: StoreUnderTest;
  beforeEach(async () => {
    subject = await kind.create();
  });
  afterEach(() => subject.dispose());

  it('returns exactly the bytes that were put, including non-UTF-8 binary', async () => {
    const body = new Uint8Array(256).map((_, i) => i);

    const result = await subject.store.put('snapshots/a/b.bin', body, { contentType: 'application/octet-stream' });

    expect(result).toBe('created');
    expect(Buffer.from(await subject.store.get('snapshots/a/b.bin'))).toEqual(Buffer.from(body));
  });

  it('treats a second put of identical bytes as unchanged', async () => {
    await subject.store.put('manifests/one.json', bytes('{"a":1}'), JSON_OPTIONS);

    expect(await subject.store.put('manifests/one.json', bytes('{"a":1}'), JSON_OPTIONS)).toBe('unchanged');
  });

  it('refuses to overwrite an object with different bytes and keeps the original', async () => {
    await subject.store.put('manifests/one.json', bytes('{"a":1}'), JSON_OPTIONS);

    await expect(subject.store.put('manifests/one.json', bytes('{"a":2}'), JSON_OPTIONS)).rejects.toThrow(
      new ObjectExistsError('manifests/one.json'),
    );
    expect(new TextDecoder().decode(await subject.store.get('manifests/one.json'))).toBe('{"a":1}');
  });

  it('heads an object with its size, and a missing key as null', async () => {
    await subject.store.put('reports/x/report.json', bytes('12345'), JSON_OPTIONS);

    expect(await subject.store.head('reports/x/report.json')).toEqual({ key: 'reports/x/report.json', size: 5 });
    expect(await subject.store.head('reports/x/missing.json')).toBeNull();
  });

  it('throws ObjectNotFoundError naming the key when getting a missing object', async () => {
    await expect(subject.store.get('snapshots/none.json.gz')).rejects.toThrow(
      new ObjectNotFoundError('snapshots/none.json.gz'),
    );
  });

  it('lists every key under a prefix, recursively, sorted, with sizes', async () => {
    for (const key of ['b/2/z.json', 'a/1.json', 'b/1.json', 'b/10.json', 'bc/1.json', 'c.json']) {
      await subject.store.put(key, bytes(key), JSON_OPTIONS);
    }

    expect(await subject.store.list('b/')).toEqual([
      { key: 'b/1.json', size: 8 },
      { key: 'b/10.json', size: 9 },
      { key: 'b/2/z.json', size: 10 },
    ]);
    expect((await subject.store.list('b')).map((o) => o.key)).toEqual([
      'b/1.json',
      'b/10.json',
      'b/2/z.json',
      'bc/1.json',
    ]);
    expect((await subject.store.list('')).map((o) => o.key)).toEqual([
      'a/1.json',
      'b/1.json',
      'b/10.json',
      'b/2/z.json',
      'bc/1.json',
      'c.json',
    ]);
    expect(await subject.store.list('nothing/')).toEqual([]);
  });

  it('lists more than 1,000 keys across pages', async () => {
    const keys = Array.from({ length: 1_005 }, (_, i) => `many/${String(i).padStart(4, '0')}.json`);
    await mapBounded(keys, 32, (key) => subject.store.put(key, bytes('x'), JSON_OPTIONS));

    const listed = await subject.store.list('many/');

    expect(listed).toHaveLength(1_005);
    expect(listed.map((o) => o.key)).toEqual(keys);
  }, 120_000);

  it.each([
    ['../escape.json', 'must not contain . or .. segments'],
    ['a/../../b.json', 'must not contain . or .. segments'],
    ['/absolute.json', 'must be relative (no leading /)'],
    ['a\\b.json', 'must not contain a backslash'],
    ['a//b.json', 'must not contain empty path segments'],
    ['', 'must not be empty'],
  ])('rejects the key %j before touching the store (%s)', async (key, reason) => {
    const expected = new InvalidKeyError(key, reason);

    await expect(subject.store.put(key, bytes('x'), JSON_OPTIONS)).rejects.toThrow(expected);
    await expect(subject.store.get(key)).rejects.toThrow(expected);
    await expect(subject.store.head(key)).rejects.toThrow(expected);
  });

  it('rejects a list prefix that climbs out of the store', async () => {
    await expect(subject.store.list('../')).rejects.toThrow(
      new InvalidKeyError('../', 'must not contain . or .. segments'),
    );
  });
});
