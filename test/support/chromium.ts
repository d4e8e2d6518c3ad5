/**
 * Headless Chromium for tests, driven by playwright-core (no bundled browser download: the
 * system's Debian chromium, flags as in TOOLCHAIN.md, a fresh profile per launch).
 *
 * @example
 * const executable = findChromium();
 * describeWithChromium('report.html in headless Chromium', () => {
 *   beforeAll(async () => { browser = await launchChromium(executable!); });
 * });
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { describeWithTool, findExecutable } from './requiredTool.js';

const CANDIDATES = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'];
export const CHROMIUM_INSTALL = 'apt-get install -y chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium binary ($CHROMIUM_PATH, Debian's /usr/bin/chromium, or chromium on the PATH), or null. */
export function findChromium(): string | null {
  return findExecutable('chromium', CANDIDATES);
}

/** A suite that needs headless Chromium: fails in CI when it is missing, skips loudly elsewhere. */
export const describeWithChromium = describeWithTool({
  name: 'Chromium',
  path: findChromium(),
  install: CHROMIUM_INSTALL,
});

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
