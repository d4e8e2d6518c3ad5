/**
 * report.html: one self-contained document (inline CSS, inline SVG, no script, nothing loaded
 * from any other host) rendered from the report document with the templates in
 * templates/report/.
 */
import { withoutTerminalControlsDeep } from '../../core/text.js';
import { ruleCatalog } from '../../evaluate/catalog.js';
import type { ReportDocument } from '../schema.js';
import { buildReportView, type ReportView } from './reportView.js';
import type { RuleDescription } from './ruleCatalog.js';
import { compileTemplate, createEnvironment, readTemplate } from './templateFiles.js';

export interface RenderReportHtmlOptions {
  /** The verification command shown in the appendix; default `fleetledger verify --store <store> --period <period>`. */
  verifyCommand?: string;
  /** The rule catalog; default: the catalog of this version (src/evaluate/catalog.ts) and the custom rules in use. */
  catalog?: readonly RuleDescription[];
}

let compiled: ((view: ReportView) => string) | undefined;

// Compiled once per process, on first use (the Lambda handler renders many reports per container).
function reportTemplate(): (view: ReportView) => string {
  if (!compiled) {
    // The stylesheet is a partial so it is inlined verbatim; it contains no Handlebars syntax.
    const environment = createEnvironment('report/partials/', { styles: readTemplate('report/styles.css') });
    compiled = compileTemplate<ReportView>(environment, readTemplate('report/report.hbs'));
  }
  return compiled;
}

/**
 * Renders report.html.
 *
 * @example
 * const html = renderReportHtml(doc, { catalog: rules });
 * await writeFile('report.html', html);
 */
export function renderReportHtml(doc: ReportDocument, options: RenderReportHtmlOptions = {}): string {
  const view = buildReportView(doc, {
    catalog: options.catalog ?? ruleCatalog(),
    ...(options.verifyCommand !== undefined ? { verifyCommand: options.verifyCommand } : {}),
  });
  // Cluster-supplied text must not carry terminal escape codes into the file (see core/text.ts).
  // Cleaned in the view, which holds only what the page shows, rather than in a copy of the
  // whole document (every finding of a 50,000-namespace cluster).
  return reportTemplate()(withoutTerminalControlsDeep(view));
}
