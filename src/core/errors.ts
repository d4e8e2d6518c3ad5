/**
 * A mistake in what the user gave (flags, fleet file, waivers): reported as one clear message and
 * exit status 2, never a stack trace.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    /** Every problem found, when a file had several. */
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
  }
}

/** An operational failure the user can act on (unreachable store, missing bucket): one line, exit 1. */
export class OperationalError extends Error {
  override readonly name = 'OperationalError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
