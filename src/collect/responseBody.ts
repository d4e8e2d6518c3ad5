/**
 * Reading an API server's answer without trusting it: the body is streamed and counted, and
 * reading stops (the connection is dropped) as soon as it passes the response size limit, so an
 * endless body or one huge JSON string costs at most the limit in memory. Bytes are decoded as
 * UTF-8 with `fatal: true`: an answer that is not UTF-8 is an error, never text with U+FFFD
 * silently put in place of what the cluster sent.
 */

/** Far above a real list page (500 objects of a few KiB each), far below what breaks a Lambda. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** What is read of an error answer: its Status message is all that is kept (300 characters). */
const ERROR_BODY_BYTES = 64 * 1024;

/** Why an answer could not be read; the reading layer turns it into the section's error. */
export class ResponseBodyError extends Error {
  override readonly name = 'ResponseBodyError';
}

/** A size for people: 64 MiB, 0.5 MiB, 300 KiB. */
export function formatBytes(bytes: number): string {
  const MiB = 1024 * 1024;
  if (bytes >= MiB / 2) return `${Number((bytes / MiB).toFixed(2))} MiB`;
  return `${Number((bytes / 1024).toFixed(1))} KiB`;
}

function tooLarge(limit: number): ResponseBodyError {
  return new ResponseBodyError(`the answer is larger than the response size limit (${formatBytes(limit)}); not read`);
}

/**
 * The body as text, at most `limit` bytes. Throws ResponseBodyError when it is larger (the
 * declared Content-Length is checked first, then the bytes as they arrive) or not UTF-8.
 */
export async function readBodyText(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(limit);
  }
  const text = await readText(response, limit);
  if (text === null) throw tooLarge(limit);
  return text;
}

/** The start of an error answer, for its message: at most 64 KiB, what cannot be decoded replaced. */
export async function readErrorBodyText(response: Response): Promise<string> {
  try {
    return (await readText(response, ERROR_BODY_BYTES, { fatal: false })) ?? '';
  } catch {
    return '';
  }
}

/** Drops an answer without reading it (the connection is closed unless the body was already read). */
export async function discardBody(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/** The decoded text, or null when the body is larger than `limit` (reading stops there). */
async function readText(response: Response, limit: number, options = { fatal: true }): Promise<string | null> {
  if (!response.body) return '';
  const decoder = new TextDecoder('utf-8', options);
  const decode = (bytes?: Uint8Array) => {
    try {
      return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    } catch {
      throw new ResponseBodyError('the answer is not valid UTF-8');
    }
  };
  const parts: string[] = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) return null;
      parts.push(decode(value));
    }
    parts.push(decode());
    return parts.join('');
  } finally {
    // Stops the transfer when reading ended early (limit, bad bytes, timeout); a no-op at the end.
    await reader.cancel().catch(() => undefined);
  }
}
