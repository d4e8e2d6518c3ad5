/**
 * Headless Chromium for tests, driven by playwright-core (no bundled browser download: the
 * system's Debian chromium, flags as in TOOLCHAIN.md, a fresh profile per launch).
 *
 * @example
 * const chromium = findChromium();
 * const describeWithChromium = chromium ? describe : describe.skip;
 * ...
 * const browser = await launchChromium(chromium!);
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

const CANDIDATES = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'];

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium binary, or null (with a message on stderr saying how to install it). */
export function findChromium(): string | null {
  const found = CANDIDATES.find((candidate): candidate is string => Boolean(candidate) && existsSync(candidate!));
  if (!found) {
    process.stderr.write(
      'Chromium not found (looked at $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser): ' +
        'skipping browser tests. Install it with: apt-get install -y chromium\n',
    );
    return null;
  }
  return found;
}

export interface RunningChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A persistent context on a fresh, temporary user-data-dir, removed on close. */
export async function launchChromium(executablePath: string): Promise<RunningChromium> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: FLAGS,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
