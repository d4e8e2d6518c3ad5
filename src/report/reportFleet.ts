/** The configured fleet as the report needs it: shared by the CLI commands and the Lambda handlers. */
import { RuleThresholds } from '../evaluate/thresholds.js';
import type { Fleet } from '../fleet/fleetFile.js';
import type { ReportFleet } from './generateReport.js';

/** The fleet's cluster names, labels and API server aliases; thresholds as `evaluate` derives them. */
export function reportFleetOf(fleet: Fleet): ReportFleet {
  return {
    clusters: fleet.clusters.map((c) => ({ name: c.name, labels: { ...c.labels }, aliases: [...c.aliases] })),
    rules: fleet.rules ?? RuleThresholds.parse({ excludeNamespaces: [...fleet.defaults.excludeNamespaces] }),
  };
}
