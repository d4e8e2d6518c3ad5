/**
 * The weekly e-mail: a subject with the period and the fleet score, an HTML part (table layout,
 * inline styles only: no <style>, no SVG, no images, so it survives Outlook and webmail) and a
 * plain-text part with the same content. Templates in templates/email/.
 */
import { withoutTerminalControlsDeep } from '../../core/text.js';
import { compileTemplate, createEnvironment, readTemplate } from '../html/templateFiles.js';
import type { ReportDocument } from '../schema.js';
import { buildEmailView, type EmailView, newUrgentFindings, type ReportLinks } from './emailView.js';

export type { ReportLinks } from './emailView.js';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

interface EmailTemplates {
  html: (view: EmailView) => string;
  text: (view: EmailView) => string;
}

let compiled: EmailTemplates | undefined;

function emailTemplates(): EmailTemplates {
  if (!compiled) {
    const environment = createEnvironment(null);
    compiled = {
      html: compileTemplate<EmailView>(environment, readTemplate('email/email.html.hbs')),
      // Plain text is not HTML: no entity escaping (the view already keeps untrusted text on one line).
      text: compileTemplate<EmailView>(environment, readTemplate('email/email.txt.hbs'), { noEscape: true }),
    };
  }
  return compiled;
}

/**
 * Renders the e-mail for a report.
 *
 * @example
 * const mail = renderEmail(doc, { report: 'https://...', json: 'https://...', csv: 'https://...', expiresAt });
 */
export function renderEmail(doc: ReportDocument, links: ReportLinks): RenderedEmail {
  // Cluster-supplied text must not carry terminal escape codes into the mail (see core/text.ts).
  // Of the findings the mail shows only the new urgent ones: only those are cleaned, rather than
  // copying every finding of a report with hundreds of thousands.
  const view = buildEmailView(withoutTerminalControlsDeep({ ...doc, findings: newUrgentFindings(doc) }), links);
  const templates = emailTemplates();
  return { subject: view.subject, html: templates.html(view), text: templates.text(view) };
}
