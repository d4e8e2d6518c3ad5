/** Exit statuses: 0 ok, 1 operational failure, 2 usage or configuration error, 3 partial result. */
export const EXIT = { ok: 0, failure: 1, usage: 2, partial: 3 } as const;

/** The exit statuses as the top-level --help and the README state them. */
export const EXIT_STATUS_HELP = [
  'Exit status:',
  '  0  ok',
  '  1  findings over the gate (--fail-on, --min-compliance), or an operational failure',
  '  2  usage or configuration error',
  '  3  partial: stored, but some cluster or object could not be collected or read',
].join('\n');
