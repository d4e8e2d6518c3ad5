import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { configFileOf, parseConfigYaml, yamlDocumentsOf } from '../core/configFile.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import { objectShapeProblem } from './objectIndex.js';
import { relativeTimeTag } from './relativeTime.js';
import { type SimulatorConfig, simulatorConfigProblems } from './simulatorConfig.js';

/**
 * A fleet directory: one sub-directory per cluster (its name is the cluster name) holding
 * `*.yaml`/`*.yml`/`*.json` files of Kubernetes objects at any depth (multi-document YAML and
 * `List` kinds too), and optionally `simulator.yaml` at its top, which configures the server.
 * Every problem found is reported at once, each naming the file and the document number.
 */
export interface LoadedCluster {
  name: string;
  objects: Record<string, unknown>[];
  config?: SimulatorConfig;
}

const OBJECT_FILE = /\.(ya?ml|json)$/i;
const CONFIG_FILE = 'simulator.yaml';

/** Where each loaded object came from ("file (document 2)"), for errors found after loading (duplicates). */
const sources = new WeakMap<object, string>();

export function sourceOf(object: object): string | undefined {
  return sources.get(object);
}

async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesBelow(path)));
    else if (entry.isFile() && OBJECT_FILE.test(entry.name)) files.push(path);
  }
  return files;
}

interface ParsedDocument {
  index: number;
  value: unknown;
}

function parseDocuments(text: string, file: string, now: Date, problems: string[]): ParsedDocument[] {
  const values: ParsedDocument[] = [];
  yamlDocumentsOf(text, { customTags: [relativeTimeTag(now)] }).forEach((document, index) => {
    // One problem per document: the parser's follow-up errors only restate the first one.
    const [problem] = document.problems;
    if (problem !== undefined) {
      problems.push(`${file} (document ${index + 1}): ${problem}`);
      return;
    }
    if ('value' in document) values.push({ index, value: document.value });
  });
  return values;
}

function collectObjects(text: string, file: string, now: Date, problems: string[]): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  const accept = (value: unknown, where: string) => {
    const problem = objectShapeProblem(value);
    if (problem) {
      problems.push(`${where}: ${problem}`);
      return;
    }
    const object = value as Record<string, unknown>;
    sources.set(object, where);
    objects.push(object);
  };
  for (const entry of parseDocuments(text, file, now, problems)) {
    const where = `${file} (document ${entry.index + 1})`;
    const value = entry.value;
    if (value === null || value === undefined) continue; // an empty document, e.g. after a trailing ---
    const record = typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    if (
      record &&
      typeof record['kind'] === 'string' &&
      record['kind'].endsWith('List') &&
      Array.isArray(record['items'])
    ) {
      for (const [i, item] of record['items'].entries()) {
        accept(item, `${file} (document ${entry.index + 1}, item ${i + 1})`);
      }
    } else {
      accept(value, where);
    }
  }
  return objects;
}

/** simulator.yaml: one document; its YAML problems throw (ConfigError), its schema problems are collected. */
function loadConfig(text: string, file: string, now: Date, problems: string[]): SimulatorConfig | undefined {
  const value = parseConfigYaml({ path: file, text }, { customTags: [relativeTimeTag(now)] }) ?? {};
  const configProblems = simulatorConfigProblems(value);
  for (const problem of configProblems) problems.push(`${file}: ${problem}`);
  return configProblems.length === 0 ? (value as SimulatorConfig) : undefined;
}

export async function loadFleetDirectory(dir: string, options: { now?: Date } = {}): Promise<LoadedCluster[]> {
  const now = options.now ?? new Date();
  const isDirectory = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDirectory)
    throw new ConfigError(`--fleet-dir ${dir}: expected a directory with one sub-directory per cluster`);
  const clusterDirs = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  if (clusterDirs.length === 0) throw new ConfigError(`--fleet-dir ${dir}: no cluster sub-directories found`);

  const problems: string[] = [];
  const clusters: LoadedCluster[] = [];
  for (const name of clusterDirs) {
    const clusterDir = join(dir, name);
    const configFile = join(clusterDir, CONFIG_FILE);
    const objects: Record<string, unknown>[] = [];
    let config: SimulatorConfig | undefined;
    for (const file of await filesBelow(clusterDir)) {
      try {
        const { text } = configFileOf(file, await readFile(file));
        if (file === configFile) config = loadConfig(text, file, now, problems);
        else objects.push(...collectObjects(text, file, now, problems));
      } catch (error) {
        if (error instanceof ConfigError) problems.push(...error.problems);
        else problems.push(`${file}: ${errorMessage(error)}`);
      }
    }
    clusters.push({ name, objects, ...(config ? { config } : {}) });
  }
  if (problems.length > 0) throw new ConfigError(problems[0] ?? 'invalid fleet directory', problems);
  return clusters;
}
