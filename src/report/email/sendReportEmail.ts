/**
 * Sends the rendered report e-mail (HTML + plain text) with report.json and findings.csv
 * attached when asked.
 */
import type { Transporter } from 'nodemailer';
import { errorMessage, OperationalError } from '../../core/errors.js';
import type { RenderedEmail } from './renderEmail.js';

export interface ReportAttachments {
  /** The stored bytes of report.json, attached unchanged. */
  reportJson?: Uint8Array;
  findingsCsv?: Uint8Array;
  /** The stored bytes of report.html: the full report, readable offline. */
  reportHtml?: Uint8Array;
}

export interface ReportEmailMessage {
  from: string;
  to: readonly string[];
  email: RenderedEmail;
  attachments?: ReportAttachments;
}

export interface SentReportEmail {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

function addressesOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((entry) =>
    typeof entry === 'string'
      ? entry
      : entry && typeof entry === 'object' && 'address' in entry
        ? String(entry.address)
        : String(entry),
  );
}

/**
 * Sends one message to all recipients. A transport failure (connection refused, SES error) is an
 * OperationalError; recipients the server refused are returned in `rejected`.
 *
 * @example
 * const sent = await sendReportEmail(createMailTransport({ kind: 'smtp', url }), {
 *   from: 'fleetledger@example.com', to: ['secops@example.com'], email: renderEmail(doc, links),
 *   attachments: { reportJson: bytes },
 * });
 */
export async function sendReportEmail(transport: Transporter, message: ReportEmailMessage): Promise<SentReportEmail> {
  const attachments = [];
  if (message.attachments?.reportJson) {
    attachments.push({
      filename: 'report.json',
      content: Buffer.from(message.attachments.reportJson),
      contentType: 'application/json',
    });
  }
  if (message.attachments?.findingsCsv) {
    attachments.push({
      filename: 'findings.csv',
      content: Buffer.from(message.attachments.findingsCsv),
      contentType: 'text/csv; charset=utf-8',
    });
  }
  if (message.attachments?.reportHtml) {
    attachments.push({
      filename: 'report.html',
      content: Buffer.from(message.attachments.reportHtml),
      contentType: 'text/html; charset=utf-8',
    });
  }
  try {
    const info = await transport.sendMail({
      from: message.from,
      to: [...message.to],
      subject: message.email.subject,
      text: message.email.text,
      html: message.email.html,
      attachments,
    });
    return {
      messageId: String(info.messageId ?? ''),
      accepted: addressesOf(info.accepted),
      rejected: addressesOf(info.rejected),
    };
  } catch (error) {
    throw new OperationalError(`sending the report e-mail failed: ${errorMessage(error)}`);
  }
}
