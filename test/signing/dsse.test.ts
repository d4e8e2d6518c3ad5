/**
 * The DSSE envelope, byte for byte as the specification defines it, so any DSSE tool (and the
 * README's openssl recipe) checks fleetledger's signatures.
 */
import { rm } from 'node:fs/promises';
import { preAuthEncoding, sealEnvelope, signatureProblem } from '../../src/signing/dsse.js';
import { type TestKeyPair, testKeyPair } from '../support/signedLedger.js';

let keys: TestKeyPair;
let other: TestKeyPair;
beforeAll(async () => {
  [keys, other] = await Promise.all([testKeyPair(), testKeyPair()]);
});
afterAll(async () => {
  await Promise.all([keys, other].map((pair) => rm(pair.dir, { recursive: true, force: true })));
});

const hello = new TextEncoder().encode('hello world');

describe('DSSE', () => {
  it('encodes the pre-authentication encoding of the DSSE v1 specification', () => {
    // The specification's own example.
    expect(new TextDecoder().decode(preAuthEncoding('http://example.com/HelloWorld', hello))).toBe(
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
    // Lengths count bytes, not characters.
    expect(new TextDecoder().decode(preAuthEncoding('t', new TextEncoder().encode('é')))).toBe('DSSEv1 1 t 2 é');
  });

  it('signs over type and payload: a signature verifies only for the key, the type and the payload it was made for', async () => {
    const envelope = await sealEnvelope('application/vnd.in-toto+json', hello, keys.signer);

    expect(envelope.payload).toBe(Buffer.from(hello).toString('base64'));
    expect(envelope.signatures).toEqual([{ keyid: keys.key.keyId, sig: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) }]);
    expect(signatureProblem(envelope, keys.key)).toBeNull();
    expect(signatureProblem(envelope, other.key)).toEqual({
      kind: 'other-key',
      detail: `signed by ${keys.key.keyId}, not by ${other.key.keyId}`,
    });
    expect(signatureProblem({ ...envelope, payloadType: 'text/plain' }, keys.key)).toEqual({
      kind: 'invalid',
      detail: `the signature does not verify with ${keys.key.keyId}`,
    });
    expect(
      signatureProblem({ ...envelope, payload: Buffer.from('hello w0rld').toString('base64') }, keys.key)?.kind,
    ).toBe('invalid');
    expect(signatureProblem(await sealEnvelope('application/vnd.in-toto+json', hello, null), keys.key)).toEqual({
      kind: 'unsigned',
      detail: 'carries no signature',
    });
  });
});
