// In a checkout of the repository, dist/ is rebuilt before it runs when anything under src/ is newer
// than it (or it was never built, e.g. after `npm ci --ignore-scripts`), so `npx fleetledger` never
// runs code older than the sources. An installed package has no src/: it runs the dist/ it shipped.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ENTRY = join(ROOT, 'dist', 'cli.js');
const SOURCES = join(ROOT, 'src');

function newestModification(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestModification(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function builtTime() {
  try {
    return statSync(ENTRY).mtimeMs;
  } catch {
    return null;
  }
}

export function ensureBuilt() {
  const checkout = existsSync(join(SOURCES, 'cli', 'main.ts'));
  const built = builtTime();
  if (!checkout) {
    if (built === null) {
      process.stderr.write(`fleetledger: ${ENTRY} is missing: this installation is incomplete (reinstall it)\n`);
      process.exit(1);
    }
    return;
  }
  if (built !== null && built >= newestModification(SOURCES)) return;
  process.stderr.write(
    `fleetledger: ${built === null ? 'dist/ was never built' : 'src/ changed since dist/ was built'}: building (npm run build)\n`,
  );
  // Not cleaning out the previous build: another fleetledger process may be running its chunks.
  const build = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'scripts', 'build.ts'), '--keep-old-chunks'],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (build.status !== 0) {
    process.stderr.write('fleetledger: the build failed (see above)\n');
    process.exit(1);
  }
}
