import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Opaque `continue` tokens. A real API server encodes the etcd key and revision; once etcd compacts
 * that revision (every 5 minutes by default) the token answers 410 Expired. Here a token is HMAC-signed
 * with a key private to one server instance and carries its issue time, so a token from another
 * server, a forged one and one older than the window all count as expired.
 */
export interface ContinuePosition {
  /** Which list the token belongs to (resource + namespace). */
  scope: string;
  /** Sort key of the last item returned. */
  lastKey: string;
  resourceVersion: string;
}

export const CONTINUE_TOKEN_LIFETIME_MS = 5 * 60 * 1000;

export class ContinueTokens {
  private readonly key = randomBytes(32);

  constructor(private readonly clock: () => number = Date.now) {}

  issue(position: ContinuePosition): string {
    const payload = Buffer.from(JSON.stringify({ ...position, issuedAt: this.clock() })).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** The position a token stands for, or undefined when it is forged, from elsewhere, or expired. */
  verify(token: string, scope: string): ContinuePosition | undefined {
    const [payload = '', signature = ''] = token.split('.');
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<
        ContinuePosition & { issuedAt: number }
      >;
      const age = this.clock() - (decoded.issuedAt ?? 0);
      if (decoded.scope !== scope || age < 0 || age > CONTINUE_TOKEN_LIFETIME_MS) return undefined;
      if (typeof decoded.lastKey !== 'string' || typeof decoded.resourceVersion !== 'string') return undefined;
      return { scope, lastKey: decoded.lastKey, resourceVersion: decoded.resourceVersion };
    } catch {
      return undefined;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
