/** Crash safety on a directory ledger: see test/support/crashSafety.ts. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DirectoryLedgerStore } from '../../src/ledger/directoryStore.js';
import { describeCrashSafety } from '../support/crashSafety.js';

describeCrashSafety('directory store', async () => {
  const root = await mkdtemp(join(tmpdir(), 'crash-ledger-'));
  return {
    location: root,
    cliArgs: [],
    env: {},
    store: new DirectoryLedgerStore(root),
    plant: async (key, bytes) => {
      const path = join(root, ...key.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes);
    },
    dispose: () => rm(root, { recursive: true, force: true }),
  };
});
