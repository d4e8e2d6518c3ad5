/**
 * Where fleetledger's own files are (package.json, templates/, examples/): the nearest folder
 * above this module holding a package.json. The same code runs from src/ (tests, tsx), from the
 * bundle in dist/ (the CLI) and from node_modules/fleetledger/dist/ (an installed package), each
 * at another depth. A bundled Lambda has no package.json above its code: there the settings that
 * name the files win (FLEETLEDGER_TEMPLATES_DIR, FLEETLEDGER_BUNDLED_VERSION), and this returns null.
 */
import { existsSync } from 'node:fs';

let found: URL | null | undefined;

export function packageRoot(): URL | null {
  if (found !== undefined) return found;
  found = null;
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    if (existsSync(new URL('package.json', dir))) {
      found = dir;
      break;
    }
    if (dir.pathname === '/') break;
  }
  return found;
}

/** A file or folder of the package, e.g. `packageFile('templates/')`; throws when there is no package root. */
export function packageFile(relativePath: string): URL {
  const root = packageRoot();
  if (!root) throw new Error(`programmer error: no package.json above ${import.meta.url} to find ${relativePath} in`);
  return new URL(relativePath, root);
}
