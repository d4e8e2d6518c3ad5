import {
  countRedactionMarkers,
  REDACTION_KINDS,
  redactCredentials,
  redactCredentialsDeep,
} from '../../src/core/redaction.js';

const JWT =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6IkZBS0UifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6YXJnb2NkIn0.c2lnbmF0dXJlLWZha2UtMDAx';
const basic = (userAndPassword: string) => Buffer.from(userAndPassword).toString('base64');

describe('redactCredentials', () => {
  it.each([
    [
      'a bearer token in a quoted header',
      'Authorization: Bearer FAKE.tok-123',
      'Authorization: Bearer [REDACTED:bearer]',
    ],
    ['a bearer JWT', `bearer ${JWT} rejected`, 'bearer [REDACTED:bearer] rejected'],
    ['basic credentials', `Authorization: Basic ${basic('ci:FAKE-pw')}`, 'Authorization: Basic [REDACTED:basic]'],
    ['another scheme', 'authorization: token FAKE0123456789abcdef', 'authorization: token [REDACTED:authorization]'],
    ['a bare Authorization value', 'Authorization=FAKE0123456789abcdefXYZ', 'Authorization=[REDACTED:authorization]'],
    [
      '?token=',
      'GET https://argo.example/api?token=FAKE-1&x=2',
      'GET https://argo.example/api?token=[REDACTED:parameter]&x=2',
    ],
    [
      'access_token',
      'repo https://git.example/r.git?access_token=FAKE-2 failed',
      'repo https://git.example/r.git?access_token=[REDACTED:parameter] failed',
    ],
    [
      'password= and secret= in text',
      'login password=FAKE-3 client_secret=FAKE-4',
      'login password=[REDACTED:parameter] client_secret=[REDACTED:parameter]',
    ],
    [
      'api_key and apikey',
      '?api_key=FAKE-5&apikey=FAKE-6',
      '?api_key=[REDACTED:parameter]&apikey=[REDACTED:parameter]',
    ],
    [
      'an Azure connection string key',
      'AccountName=a;AccountKey=FAKE7==;EndpointSuffix=x',
      'AccountName=a;AccountKey=[REDACTED:parameter]',
    ],
    [
      'an Azure SAS signature',
      'https://a.blob.core.windows.net/c?sv=2024&sig=FAKE8%3D',
      'https://a.blob.core.windows.net/c?sv=2024&sig=[REDACTED:parameter]',
    ],
    [
      'a JSON password field',
      '{"username":"ci","password":"FAKE-9\\"x"}',
      '{"username":"ci","password":"[REDACTED:parameter]"}',
    ],
    ['user-info', 'clone https://ci:FAKE@git.example/a.git', 'clone https://[REDACTED:userinfo]@git.example/a.git'],
    [
      'user-info whose password holds / and @',
      'clone https://ci:FAKE/pa@ss@git.example/a.git: 401',
      'clone https://[REDACTED:userinfo]@git.example/a.git: 401',
    ],
    ['a token as the user name', 'https://ghs_FAKE@github.com/o/r', 'https://[REDACTED:userinfo]@github.com/o/r'],
    ['a JWT alone', `token ${JWT}`, 'token [REDACTED:jwt]'],
    [
      'an AWS access key id',
      'key AKIAFAKEFAKEFAKE0001 and ASIAFAKEFAKEFAKE0002',
      'key [REDACTED:aws-access-key] and [REDACTED:aws-access-key]',
    ],
    [
      'GitHub tokens',
      `ghp_${'a'.repeat(36)} github_pat_${'B1'.repeat(20)}`,
      '[REDACTED:github-token] [REDACTED:github-token]',
    ],
    ['a GitLab token', `glpat-${'x'.repeat(20)}`, '[REDACTED:gitlab-token]'],
    ['a Slack token', 'xoxb-1234567890-FAKEFAKE', '[REDACTED:slack-token]'],
    [
      'a Slack webhook',
      'https://hooks.slack.com/services/T000/B000/FAKEFAKE',
      'https://hooks.slack.com/services/[REDACTED:slack-webhook]',
    ],
    [
      'a Google API key',
      `https://maps.example/?k=AIza${'F'.repeat(35)}`,
      'https://maps.example/?k=[REDACTED:google-api-key]',
    ],
    ['a Google OAuth token', `ya29.${'a0'.repeat(15)}`, '[REDACTED:google-oauth-token]'],
    [
      'a PEM private key',
      'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIFAKE\n-----END RSA PRIVATE KEY-----\nend',
      'key:\n[REDACTED:private-key]\nend',
    ],
  ])('replaces %s by its marker', (_, text, redacted) => {
    expect(redactCredentials(text)).toBe(redacted);
  });

  it.each([
    'Bearer token expired',
    'the Bearer authentication failed',
    'Basic auth is not allowed',
    'secretName=web-tls',
    'tokenExpiry=3600 token_type=bearer',
    'mail ops@example.com, see https://host/users/a@b?to=c@d#e@f',
    'oci://ghcr.io/org/chart@sha256:0123456789abcdef',
    'image registry.example:5000/app@sha256:0123456789abcdef',
    'namespace payments has no ResourceQuota',
  ])('leaves text without credentials alone: %s', (text) => {
    expect(redactCredentials(text)).toBe(text);
  });

  it('changes nothing on text it already redacted', () => {
    const once = redactCredentials(
      `Authorization: Bearer ${JWT} https://ci:FAKE/x@git.example/?token=FAKE&password=FAKE Authorization: Negotiate FAKE0123456789abcdef`,
    );
    expect(once).toBe(
      'Authorization: Bearer [REDACTED:bearer] https://[REDACTED:userinfo]@git.example/?token=[REDACTED:parameter]&password=[REDACTED:parameter] Authorization: Negotiate [REDACTED:authorization]',
    );
    expect(redactCredentials(once)).toBe(once);
  });
});

describe('counting markers', () => {
  it('counts the markers of plain data by kind, and redacts every string value of it', () => {
    const { value, markers } = redactCredentialsDeep({
      a: ['Bearer FAKE-token-1', { b: 'x https://u:p@h/ y https://v:q@h/', n: 3 }],
      'key=FAKE': null,
    });
    expect(value).toEqual({
      a: ['Bearer [REDACTED:bearer]', { b: 'x https://[REDACTED:userinfo]@h/ y https://[REDACTED:userinfo]@h/', n: 3 }],
      'key=FAKE': null,
    });
    expect(Object.fromEntries(markers)).toEqual({ bearer: 1, userinfo: 2 });
  });

  it('names every kind a marker can have', () => {
    const counts = new Map<string, number>();
    countRedactionMarkers(REDACTION_KINDS.map((k) => `[REDACTED:${k}]`).join(' '), counts);
    expect([...counts.keys()]).toEqual([...REDACTION_KINDS]);
  });
});
