/**
 * What produced a report (report.json `configuration`): the fleet and waivers files the run read
 * (path and SHA-256 of their bytes) and the effective rule settings, and what of it hides
 * findings, for the executive summary's note. Pure.
 */
import type { ConfigFile } from '../core/configFile.js';
import { ruleById, ruleCatalog } from '../evaluate/catalog.js';
import { excludedNamespacesOf } from '../evaluate/excludedNamespaces.js';
import { DEFAULT_THRESHOLDS, type RuleThresholds } from '../evaluate/thresholds.js';
import { SEVERITIES } from '../evaluate/types.js';
import { sha256Hex } from '../ledger/objects.js';
import type { ReportConfiguration } from './schema.js';

/** The configuration files a run read (null: none given). */
export interface ConfigurationSources {
  fleetFile: ConfigFile | null;
  waiversFile: ConfigFile | null;
}

export const NO_CONFIGURATION_FILES: ConfigurationSources = { fleetFile: null, waiversFile: null };

const recorded = (file: ConfigFile | null) => (file ? { path: file.path, sha256: sha256Hex(file.bytes) } : null);

/** The numeric settings of the rules (quotaNearLimit, ...), each with its default. */
function thresholdsOf(thresholds: RuleThresholds): ReportConfiguration['rules']['thresholds'] {
  const defaults: Readonly<Record<string, unknown>> = DEFAULT_THRESHOLDS;
  return Object.fromEntries(
    Object.entries(thresholds).flatMap(([name, value]) => {
      const fallback = defaults[name];
      return typeof value === 'number' && typeof fallback === 'number' ? [[name, { value, default: fallback }]] : [];
    }),
  );
}

/** The rules files of the custom rules that ran (not disabled), each once. */
function rulesFilesRecord(thresholds: RuleThresholds): Pick<ReportConfiguration, 'rulesFiles'> {
  const files = new Map<string, { path: string; sha256: string }>();
  for (const rule of ruleCatalog()) {
    if (rule.definedIn && !thresholds.disabled.includes(rule.id)) files.set(rule.definedIn.path, rule.definedIn);
  }
  return files.size > 0 ? { rulesFiles: [...files.values()] } : {};
}

/**
 * @example
 * const configuration = reportConfiguration({ fleetFile: readConfigFile('--fleet', 'fleet.yaml'), waiversFile: null }, thresholds);
 */
export function reportConfiguration(sources: ConfigurationSources, thresholds: RuleThresholds): ReportConfiguration {
  return {
    fleetFile: recorded(sources.fleetFile),
    waiversFile: recorded(sources.waiversFile),
    ...rulesFilesRecord(thresholds),
    rules: {
      disabled: [...thresholds.disabled].sort(),
      severityOverrides: Object.entries(thresholds.severity)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([rule, severity]) => ({
          rule,
          severity,
          defaultSeverity: ruleById(rule)?.defaultSeverity ?? severity,
        })),
      thresholds: thresholdsOf(thresholds),
    },
    excludedNamespaces: excludedNamespacesOf(thresholds),
    checkedPlatformNamespaces: [...thresholds.checkPlatformNamespaces],
  };
}

/** What the settings hide, counted for the executive summary ("2 rules disabled, 1 severity lowered"). */
export interface HiddenBySettings {
  disabledRules: number;
  severitiesLowered: number;
  /** excludeNamespaces globs. */
  excludedNamespaces: number;
  /** Platform namespace patterns the tenant-hygiene rules skip (the built-in list unless replaced, and additions). */
  platformNamespaces: number;
  thresholdsChanged: number;
}

const rank = (severity: string) => SEVERITIES.indexOf(severity as (typeof SEVERITIES)[number]);

export function hiddenBySettings(configuration: ReportConfiguration): HiddenBySettings {
  return {
    disabledRules: configuration.rules.disabled.length,
    // Lower severity = later in SEVERITIES (critical first).
    severitiesLowered: configuration.rules.severityOverrides.filter((o) => rank(o.severity) > rank(o.defaultSeverity))
      .length,
    excludedNamespaces: configuration.excludedNamespaces.filter((entry) => entry.reason === 'excluded').length,
    platformNamespaces: configuration.excludedNamespaces.filter((entry) => entry.reason === 'platform').length,
    thresholdsChanged: Object.values(configuration.rules.thresholds).filter((t) => t.value !== t.default).length,
  };
}

const counted = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/**
 * "2 rules disabled, 1 severity lowered, 3 namespace patterns excluded, 53 platform namespace
 * patterns skipped by tenant-hygiene rules, 1 threshold changed from the default", or null when the
 * settings hide nothing.
 */
export function describeHiddenBySettings(hidden: HiddenBySettings): string | null {
  const parts = [
    hidden.disabledRules > 0 ? `${counted(hidden.disabledRules, 'rule', 'rules')} disabled` : null,
    hidden.severitiesLowered > 0 ? `${counted(hidden.severitiesLowered, 'severity', 'severities')} lowered` : null,
    hidden.excludedNamespaces > 0
      ? `${counted(hidden.excludedNamespaces, 'namespace pattern', 'namespace patterns')} excluded`
      : null,
    hidden.platformNamespaces > 0
      ? `${counted(hidden.platformNamespaces, 'platform namespace pattern', 'platform namespace patterns')} skipped by tenant-hygiene rules`
      : null,
    hidden.thresholdsChanged > 0
      ? `${counted(hidden.thresholdsChanged, 'threshold', 'thresholds')} changed from the default`
      : null,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(', ') : null;
}
