/**
 * The report document turned into what the HTML templates lay out: every number formatted, every
 * chart's geometry computed, every list grouped and sorted. Pure; the templates add no logic.
 */
import { isoWeekOrdinal } from '../../core/period.js';
import { DEFAULT_THRESHOLDS } from '../../evaluate/thresholds.js';
import { SEVERITIES, type Severity } from '../../evaluate/types.js';
import { capList } from '../cappedList.js';
import { describeHiddenBySettings, hiddenBySettings } from '../configuration.js';
import { ledgerPinOf, verifyCommandOf } from '../ledgerPin.js';
import { AREAS, type Area, type AreaResult, type ReportDocument } from '../schema.js';
import { buildCertificateTimeline } from './certificateTimeline.js';
import { connectedClustersView } from './connectedClustersView.js';
import { findingView, groupFindingRows } from './findingRows.js';
import { formatDay, formatDeltaPoints, formatInstant, formatScore, trendArrow, trendDirection } from './format.js';
import { buildLineChart } from './lineChart.js';
import { buildNetworkMap } from './networkMap.js';
import { collectionProblemsView, skippedNamespacesView } from './notCheckedView.js';
import { describeControls, type RuleDescription } from './ruleCatalog.js';
import { buildSecretReadsView } from './secretReadsView.js';
import { buildSeverityBars } from './severityBars.js';

export interface ReportViewOptions {
  /** The command an auditor runs to re-check the evidence; default `fleetledger verify --store <store> --period <period>`. */
  verifyCommand?: string;
  /** The rule catalog (titles, remediation, controls). */
  catalog: readonly RuleDescription[];
}

const AREA_TITLES: Record<Area, string> = {
  quotas: 'Quotas',
  policies: 'Policies',
  network: 'Network',
  certificates: 'Certificates',
  gitops: 'GitOps',
};

const STATE_LABELS: Record<AreaResult['state'], string> = {
  pass: 'Pass',
  fail: 'Fail',
  'not-evaluated': 'Not evaluated',
  'not-applicable': 'n/a',
};

/**
 * The fleet trend comes in two drawings: `wide` for a laptop or print, `narrow` for a phone column
 * (about 300 px), each shown where it fits (styles.css: a container query on the chart's box), so
 * that its text is drawn at its size rather than scaled down with the desktop drawing.
 */
const TREND_CHART = { width: 640, height: 220, minLabelSpacing: 30 } as const;
const TREND_CHART_NARROW = {
  width: 300,
  height: 200,
  margin: { left: 40, right: 12, top: 12, bottom: 30 },
  minLabelSpacing: 34,
} as const;

/** The per-cluster compliance trend in the matrix: no axes, just the lines. */
const SPARKLINE = { width: 120, height: 36, margin: { left: 3, right: 3, top: 3, bottom: 3 } } as const;

const severityRank = (severity: Severity) => SEVERITIES.indexOf(severity);

/**
 * Rows of each "what changed" table of the summary (new and resolved findings, fact changes): the
 * table says how many more there are; report.json holds every one.
 */
export const SUMMARY_LIST_LIMIT = 50;

function scoreView(value: number | null, delta: number | null, noData: boolean | undefined) {
  const direction = trendDirection(delta);
  return {
    value: formatScore(value, noData),
    delta: noData ? 'nothing was evaluated' : (formatDeltaPoints(delta) ?? 'no previous data'),
    direction,
    arrow: trendArrow(direction),
  };
}

function describeRule(catalog: ReadonlyMap<string, RuleDescription>, id: string) {
  const rule = catalog.get(id);
  return {
    id,
    title: rule?.title ?? null,
    rationale: rule?.rationale ?? null,
    remediation: rule?.remediation ?? null,
    controls: rule ? describeControls(rule.controls) : '',
    inCatalog: rule !== undefined,
  };
}

/**
 * One cell of the clusters x areas matrix: a failing area shows its open findings counted by
 * severity ("2 high · 5 medium", coloured by the worst); a not-evaluated one says why.
 */
function matrixCell(area: Area, given: AreaResult | undefined) {
  const result: AreaResult = given ?? { state: 'not-evaluated', open: 0, worstSeverity: null };
  const label = STATE_LABELS[result.state];
  // Reports written before per-severity counts were recorded: the total alone.
  const counts = result.counts
    ? SEVERITIES.filter((severity) => result.counts![severity] > 0).map((severity) => ({
        severity,
        count: result.counts![severity],
      }))
    : result.open > 0
      ? [{ severity: 'open', count: result.open }]
      : [];
  const countText =
    counts.map((c) => `${c.count} ${c.severity}`).join(', ') + (result.counts && counts.length > 0 ? ' open' : '');
  const reason = result.state === 'not-evaluated' ? (result.reason ?? null) : null;
  return {
    area,
    areaTitle: AREA_TITLES[area],
    state: result.state,
    label,
    worstSeverity: result.worstSeverity,
    counts,
    reason,
    title: `${area}: ${countText || label}${reason ? `: ${reason}` : ''}`,
  };
}

function driftView(doc: ReportDocument) {
  return doc.clusters.flatMap((cluster) =>
    (cluster.facts?.applications ?? [])
      .filter((app) => app.sync !== 'Synced' || app.health !== 'Healthy')
      .map((app) => ({
        cluster: cluster.name,
        namespace: app.namespace,
        name: app.name,
        sync: app.sync ?? 'Unknown',
        health: app.health ?? 'Unknown',
        syncProblem: app.sync !== 'Synced',
        healthProblem: app.health !== 'Healthy',
        message: app.message,
      })),
  );
}

/** "42 s", "12 min", "3.5 h": a reconcile lag as people read it. */
function formatLag(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 3 * 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** The worst Argo CD reconcile lag of each cluster that has one (ARGO-RECONCILE-STALE's measure). */
function reconcileLagView(doc: ReportDocument, staleFactor: number) {
  return doc.clusters.flatMap((cluster) => {
    const lag = cluster.facts?.reconcileLag;
    if (!lag) return [];
    return [
      {
        cluster: cluster.name,
        application: lag.application,
        lag: formatLag(lag.lagSeconds),
        period: `${lag.periodSeconds} s`,
        stale: lag.periodSeconds > 0 && lag.lagSeconds > staleFactor * lag.periodSeconds,
        reconciledAt: formatInstant(lag.reconciledAt, doc.timeZone),
      },
    ];
  });
}

/** The factor the report was evaluated with (its recorded configuration), else the default. */
function reconcileStaleFactor(doc: ReportDocument): number {
  return (
    doc.configuration?.rules.thresholds['argoReconcileStaleFactor']?.value ??
    DEFAULT_THRESHOLDS.argoReconcileStaleFactor
  );
}

function sha256Command(store: string, key: string): string {
  const s3 = /^s3:\/\/(.+?)\/?$/.exec(store);
  if (s3) return `aws s3 cp "s3://${s3[1]}/${key}" - | sha256sum`;
  return `sha256sum "${store.replace(/\/$/, '')}/${key}"`;
}

function appendixView(doc: ReportDocument, catalog: readonly RuleDescription[], options: ReportViewOptions) {
  const known = new Map(catalog.map((rule) => [rule.id, rule]));
  const rules = [...catalog].sort((a, b) => a.id.localeCompare(b.id)).map((rule) => describeRule(known, rule.id));
  const uncatalogued = [...new Set(doc.findings.map((finding) => finding.rule))]
    .filter((id) => !known.has(id))
    .sort()
    .map((id) => describeRule(known, id));
  const firstEvidence = doc.evidence[0];
  const backfilled = new Set(doc.ledger?.backfilledEvidence ?? []);
  const pin = ledgerPinOf(doc);
  return {
    rules: [...rules, ...uncatalogued],
    evidence: doc.evidence.map((item) => ({
      cluster: item.cluster,
      key: item.key,
      sha256: item.sha256,
      size: item.size,
      collectedAt: formatInstant(item.collectedAt, doc.timeZone),
      backfill: backfilled.has(item.key),
    })),
    ledger: pin,
    verifyCommand: options.verifyCommand ?? verifyCommandOf(doc),
    verifyAlsoChecks: `${pin?.signingKey ? ', every signature' : ''}${pin?.headSha256 ? ', the head above' : ''}`,
    sha256Example: firstEvidence ? sha256Command(doc.store, firstEvidence.key) : null,
    gaps: doc.gaps,
  };
}

/**
 * Deltas compare with the latest earlier period that had data: when that is not the week just
 * before, say so ("the latest period with data: 2 weeks in between had none").
 */
function weeksWithoutDataBefore(doc: ReportDocument): string | null {
  if (doc.previousPeriod === null) return null;
  const now = isoWeekOrdinal(doc.period);
  const before = isoWeekOrdinal(doc.previousPeriod);
  if (now === null || before === null || now - before <= 1) return null;
  const between = now - before - 1;
  return `the latest period with data: ${between} week${between === 1 ? '' : 's'} in between had none`;
}

/** The appendix's record of what produced the report; null for a report of an earlier version. */
function configurationView(doc: ReportDocument) {
  const configuration = doc.configuration;
  if (!configuration) return null;
  const file = (label: string, recorded: { path: string; sha256: string } | null) => ({
    label,
    path: recorded?.path ?? null,
    sha256: recorded?.sha256 ?? null,
  });
  return {
    files: [file('Fleet file', configuration.fleetFile), file('Waivers file', configuration.waiversFile)],
    disabled: configuration.rules.disabled,
    severityOverrides: configuration.rules.severityOverrides.map((override) => ({
      ...override,
      lowered: SEVERITIES.indexOf(override.severity) > SEVERITIES.indexOf(override.defaultSeverity),
    })),
    thresholds: Object.entries(configuration.rules.thresholds)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, { value, default: fallback }]) => ({ name, value, default: fallback, changed: value !== fallback })),
    excludedNamespaces: configuration.excludedNamespaces.filter((entry) => entry.reason === 'excluded'),
    platformNamespaces: configuration.excludedNamespaces.filter((entry) => entry.reason === 'platform'),
    checkedPlatformNamespaces: configuration.checkedPlatformNamespaces ?? [],
  };
}

/** What the reader must know before reading the report: it holds no data. */
function noticesView(doc: ReportDocument) {
  return {
    noData: doc.noData
      ? {
          period: doc.period,
          timeZone: doc.timeZone,
          expected: doc.clusters.map((cluster) => cluster.name).join(', '),
        }
      : null,
    supersedes: doc.supersedes
      ? {
          folder: doc.supersedes.folder,
          generatedAt: formatInstant(doc.supersedes.generatedAt, doc.timeZone),
          reportJsonSha256: doc.supersedes.reportJsonSha256,
          reason: doc.reason ?? null,
        }
      : null,
    // A reason given for the first report of a period is shown too.
    reason: doc.supersedes ? null : (doc.reason ?? null),
    backfill: doc.ledger?.backfill ?? false,
  };
}

/**
 * Builds the view of a whole report.
 *
 * @example
 * const view = buildReportView(doc, { catalog: rules });
 */
export function buildReportView(doc: ReportDocument, options: ReportViewOptions) {
  const catalog = new Map(options.catalog.map((rule) => [rule.id, rule]));
  const tz = doc.timeZone;
  const newIds = new Set(doc.trend.new);
  const newFindings = capList(
    doc.findings
      .filter((finding) => newIds.has(finding.id))
      .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.rule.localeCompare(b.rule)),
    SUMMARY_LIST_LIMIT,
  );
  const resolvedFindings = capList(doc.trend.resolvedFindings, SUMMARY_LIST_LIMIT);
  const changes = capList(doc.trend.changes, SUMMARY_LIST_LIMIT);

  const timeline = buildCertificateTimeline(doc.clusters, doc.generatedAt);
  const networkMap = buildNetworkMap(doc.clusters, doc.findings);
  const drift = driftView(doc);
  const openTotal = SEVERITIES.reduce((sum, severity) => sum + doc.fleet.open[severity], 0);
  const waivedTotal = SEVERITIES.reduce((sum, severity) => sum + doc.fleet.waived[severity], 0);

  return {
    title: `Fleet compliance report ${doc.period}`,
    meta: {
      period: doc.period,
      periodStart: formatDay(doc.periodStart, tz),
      // periodEnd is exclusive: show the last day inside the period.
      periodLastDay: formatDay(new Date(Date.parse(doc.periodEnd) - 1).toISOString(), tz),
      timeZone: tz,
      generatedAt: formatInstant(doc.generatedAt, tz),
      version: doc.fleetledgerVersion,
      store: doc.store,
      previousPeriod: doc.previousPeriod,
      previousGap: weeksWithoutDataBefore(doc),
      ledger: ledgerPinOf(doc),
    },
    notices: noticesView(doc),
    summary: {
      compliance: scoreView(doc.fleet.compliance, doc.fleet.delta.compliance, doc.noData),
      coverage: scoreView(doc.fleet.coverage, doc.fleet.delta.coverage, doc.noData),
      clusters: doc.fleet.clusters,
      severityCounts: SEVERITIES.map((severity) => ({
        severity,
        open: doc.fleet.open[severity],
        waived: doc.fleet.waived[severity],
      })),
      openTotal,
      waivedTotal,
      severityBars: buildSeverityBars(doc.fleet.open),
      chart: {
        wide: buildLineChart(doc.trend.series.fleet, TREND_CHART),
        narrow: buildLineChart(doc.trend.series.fleet, TREND_CHART_NARROW),
      },
      newCount: doc.trend.new.length,
      resolvedCount: doc.trend.resolved.length,
      persistingCount: doc.trend.persisting.length,
      newFindings: newFindings.items.map((finding) => ({
        ...findingView(finding, tz),
        title: describeRule(catalog, finding.rule).title,
      })),
      moreNewFindings: newFindings.more,
      resolvedFindings: resolvedFindings.items.map((finding) => ({
        ...finding,
        cluster: finding.cluster ?? 'fleet',
        title: describeRule(catalog, finding.rule).title,
      })),
      moreResolvedFindings: resolvedFindings.more,
      changes: changes.items.map((change) => ({ ...change, cluster: change.cluster ?? 'fleet' })),
      moreChanges: changes.more,
      hiddenBySettings: doc.configuration ? describeHiddenBySettings(hiddenBySettings(doc.configuration)) : null,
    },
    matrix: {
      areas: AREAS.map((area) => ({ id: area, title: AREA_TITLES[area] })),
      rows: doc.clusters.map((cluster) => ({
        name: cluster.name,
        labels: Object.entries(cluster.labels)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, value]) => ({ key, value })),
        status: cluster.status,
        statusReason: cluster.statusReason,
        compliance: scoreView(cluster.compliance, cluster.delta.compliance, doc.noData),
        coverage: formatScore(cluster.coverage, doc.noData),
        kubernetesVersion: cluster.facts?.kubernetesVersion ?? null,
        sparkline: buildLineChart(doc.trend.series.clusters[cluster.name] ?? [], SPARKLINE),
        collectedAt: cluster.collectedAt ? formatInstant(cluster.collectedAt, tz) : null,
        cells: AREAS.map((area) => matrixCell(area, cluster.areas[area])),
      })),
    },
    network: networkMap,
    groups: connectedClustersView(doc),
    certificates: {
      timeline,
      hasRows: timeline.rows.length > 0,
      rows: timeline.rows.map((row) => ({ ...row, notAfterText: formatInstant(row.notAfter, tz) })),
    },
    drift: { apps: drift, count: drift.length, reconcileLags: reconcileLagView(doc, reconcileStaleFactor(doc)) },
    findings: {
      groups: groupFindingRows(doc, (id) => describeRule(catalog, id)),
      total: doc.findings.length,
    },
    waivers: doc.waivers.map((waiver) => ({
      rule: waiver.rule,
      // A fleet-wide waiver says so (allClusters: true), not only by its glob.
      cluster: waiver.allClusters ? `${waiver.cluster} (all clusters)` : waiver.cluster,
      resource: waiver.resource ?? '*',
      reason: waiver.reason,
      owner: waiver.owner,
      expires: waiver.expires,
      expired: waiver.expired,
      matched: waiver.matched,
    })),
    appendix: appendixView(doc, options.catalog, options),
    secretReads: buildSecretReadsView(doc),
    collectionProblems: collectionProblemsView(doc),
    skippedNamespaces: skippedNamespacesView(doc),
    configuration: configurationView(doc),
  };
}

export type ReportView = ReturnType<typeof buildReportView>;
