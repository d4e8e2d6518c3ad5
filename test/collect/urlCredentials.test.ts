import { redactCredentials } from '../../src/core/redaction.js';
import { withoutUrlCredentials } from '../../src/core/urls.js';

describe('URL credentials', () => {
  it('removes the user name and password of a URL and keeps the rest exactly', () => {
    expect(withoutUrlCredentials('https://admin:s3cret@argocd.example:8443/api?x=1#top')).toBe(
      'https://argocd.example:8443/api?x=1#top',
    );
    expect(withoutUrlCredentials('HTTPS://token@host')).toBe('HTTPS://host');
  });

  it('removes a password that itself holds an @ or a backslash, up to the last @ of the authority', () => {
    expect(withoutUrlCredentials('https://user:p@ss@host/x')).toBe('https://host/x');
    expect(withoutUrlCredentials('https://user:p\\w@host/')).toBe('https://host/');
  });

  it('leaves an @ in the path, query or fragment and text that is not a URL alone', () => {
    expect(withoutUrlCredentials('https://host/users/a@b?to=c@d#e@f')).toBe('https://host/users/a@b?to=c@d#e@f');
    expect(withoutUrlCredentials('kubernetes.default.svc')).toBe('kubernetes.default.svc');
    expect(withoutUrlCredentials('')).toBe('');
  });

  it('removes a password that holds a / as well, up to the last @ followed by a host', () => {
    expect(withoutUrlCredentials('https://ci:pa/ss@w@git.example/a.git')).toBe('https://git.example/a.git');
  });

  it('marks the credentials of every URL quoted in a message, leaving e-mail addresses alone', () => {
    expect(
      redactCredentials(
        'fetch https://ci:tok@git.example/a.git failed, "ssh://git:pw@host:22/r" too; ask ops@example.com',
      ),
    ).toBe(
      'fetch https://[REDACTED:userinfo]@git.example/a.git failed, "ssh://[REDACTED:userinfo]@host:22/r" too; ask ops@example.com',
    );
  });
});
