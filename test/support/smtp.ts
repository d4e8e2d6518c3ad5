/**
 * A real SMTP server (smtp-server) on a free local port that keeps every message it receives,
 * parsed with mailparser.
 *
 * @example
 * const smtp = await startSmtpServer();
 * await sendReportEmail(createMailTransport({ kind: 'smtp', url: smtp.url }), message);
 * const [received] = smtp.messages;
 * await smtp.stop();
 */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMessage {
  /** Envelope sender and recipients (MAIL FROM / RCPT TO). */
  envelope: { from: string | null; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
}

export interface RunningSmtpServer {
  /** e.g. smtp://127.0.0.1:40321 */
  url: string;
  messages: ReceivedMessage[];
  /** The user each message was sent as (AUTH), in order; null when sent without AUTH. */
  senders: (string | null)[];
  stop(): Promise<void>;
}

/**
 * With `users`, the server requires AUTH (PLAIN/LOGIN over plain SMTP on localhost) and accepts
 * exactly these user/password pairs; without, AUTH is disabled.
 */
export async function startSmtpServer(options: { users?: Record<string, string> } = {}): Promise<RunningSmtpServer> {
  const messages: ReceivedMessage[] = [];
  const senders: (string | null)[] = [];
  const users = options.users;
  const server = new SMTPServer({
    authOptional: users === undefined,
    // Plain SMTP on localhost: no certificate to manage, and nodemailer does not try STARTTLS.
    disabledCommands: users === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (users !== undefined && auth.username !== undefined && users[auth.username] === auth.password) {
        callback(null, { user: auth.username });
      } else {
        callback(new Error('Invalid username or password'));
      }
    },
    onData(stream, session, callback) {
      senders.push(typeof session.user === 'string' ? session.user : null);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const from = session.envelope.mailFrom;
            messages.push({
              envelope: {
                from: from ? from.address : null,
                to: session.envelope.rcptTo.map((recipient) => recipient.address),
              },
              raw,
              parsed,
            });
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    senders,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
