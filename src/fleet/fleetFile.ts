/**
 * The fleet file as the CLI reads it: from disk (readFleetFile), its kubeconfig files checked with
 * the Kubernetes client's parser (KubeconfigFiles), its custom rules files read and compiled
 * (rulesOfFiles); fleets made of a kubeconfig's contexts are re-exported from kubeconfigFleet.ts.
 * The format and its validation are in fleetDocument.ts, re-exported here; that module does not
 * load the Kubernetes client, so a Lambda function that only reads names and rules does not bundle it.
 */
import { KubeconfigFiles } from '../collect/access/loadKubeconfig.js';
import { type ConfigFile, readConfigFile } from '../core/configFile.js';
import { rulesOfFiles } from '../customRules/rulesFile.js';
import { type Fleet, type FleetFileOptions, parseFleetText } from './fleetDocument.js';

export * from './fleetDocument.js';
export * from './kubeconfigFleet.js';

/**
 * Parses and validates a fleet file's text (see fleetDocument.ts); kubeconfig files are checked with
 * a fresh KubeconfigFiles and custom rules read with rulesOfFiles unless given.
 */
export function parseFleetFile(text: string, file: string, options: FleetFileOptions = {}): Fleet {
  return parseFleetText(text, file, {
    ...options,
    kubeconfigs: options.kubeconfigs ?? new KubeconfigFiles(),
    customRules: options.customRules ?? rulesOfFiles,
  });
}

/**
 * Reads and validates a fleet file (see the module header), keeping the bytes it read: a report
 * records what produced it (src/report/configuration.ts).
 */
export function readFleetFile(file: string, options: FleetFileOptions = {}): { fleet: Fleet; source: ConfigFile } {
  const source = readConfigFile('--fleet', file);
  return { fleet: parseFleetFile(source.text, file, options), source };
}

/** Reads and validates a fleet file (see the module header). */
export function loadFleetFile(file: string, options: FleetFileOptions = {}): Fleet {
  return readFleetFile(file, options).fleet;
}
