/**
 * The API server's serving certificate, read from a TLS handshake (the Kubernetes client does
 * not expose it). The certificate is read whether or not it is trusted: an expired or unknown
 * serving certificate is exactly what an audit wants to see; nothing is sent over the connection.
 */
import { connect } from 'node:tls';
import type { X509Info } from '../snapshot/schema.js';
import { x509InfoOf } from './x509.js';

export async function readServingCertificate(server: string, timeoutMs: number): Promise<X509Info | null> {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:') return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const isIp = /^[\d.]+$/.test(host) || host.includes(':');
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port: Number(url.port || 443),
      ...(isIp ? {} : { servername: host }),
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    const done = (info: X509Info | null) => {
      socket.destroy();
      resolve(info);
    };
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerX509Certificate();
      done(certificate ? x509InfoOf(certificate) : null);
    });
    socket.once('timeout', () => done(null));
    socket.once('error', () => done(null));
  });
}
