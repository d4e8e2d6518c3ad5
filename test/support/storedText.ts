import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * Every file under the directory (a ledger, an output directory), gzip members unpacked, as one
 * text: what tests search for strings that must appear nowhere.
 */
export function allStoredText(dir: string): string {
  const texts: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path)) walk(join(path, entry));
      return;
    }
    const bytes = readFileSync(path);
    texts.push(bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8'));
  };
  walk(dir);
  return texts.join('\n');
}
