/**
 * Faults on demand, for tests that interrupt real CLI processes at an exact point of a run (the
 * crash-safety tests kill `fleetledger` as a user's machine or Lambda would):
 *
 * - FLEETLEDGER_TEST_PAUSE_AFTER_WRITES=N: after the Nth write the store prints
 *   `fleetledger: paused after write N (<key>)` to stderr and holds every later write forever, so
 *   the test can SIGKILL the process with exactly N objects written;
 * - FLEETLEDGER_TEST_FAIL_AFTER_WRITES=N: every write after the Nth fails, as when the store goes
 *   away mid-run.
 *
 * Unset (always, outside tests), the store is returned as it is.
 */
import { ConfigError, OperationalError } from '../core/errors.js';
import { ForwardingLedgerStore } from './forwardingStore.js';
import type { LedgerStore, PutBody, PutOptions, PutResult } from './store.js';

export const PAUSE_AFTER_WRITES = 'FLEETLEDGER_TEST_PAUSE_AFTER_WRITES';
export const FAIL_AFTER_WRITES = 'FLEETLEDGER_TEST_FAIL_AFTER_WRITES';

function countIn(environment: Readonly<Record<string, string | undefined>>, name: string): number | null {
  const text = environment[name];
  if (text === undefined || text === '') return null;
  if (!/^\d+$/.test(text)) throw new ConfigError(`${name}: expected a number of writes, got "${text}"`);
  return Number(text);
}

const forever = () => new Promise<never>(() => setInterval(() => undefined, 1 << 30));

/**
 * Writes are counted as they start, so concurrent writers (a run's clusters) still get exactly N:
 * the ones after the Nth are held (pause) or refused (outage) before they reach the store.
 */
class FaultInjectingStore extends ForwardingLedgerStore {
  #started = 0;
  #completed = 0;

  constructor(
    inner: LedgerStore,
    private readonly pauseAfter: number | null,
    private readonly failAfter: number | null,
  ) {
    super(inner);
  }

  override async put(key: string, body: PutBody, options: PutOptions): Promise<PutResult> {
    this.#started += 1;
    if (this.pauseAfter !== null && this.#started > this.pauseAfter) return forever();
    if (this.failAfter !== null && this.#started > this.failAfter) {
      throw new OperationalError(
        `${this.location}: writing ${key} failed: the store is unreachable (${FAIL_AFTER_WRITES})`,
      );
    }
    const result = await this.inner.put(key, body, options);
    this.#completed += 1;
    if (this.#completed === this.pauseAfter) {
      process.stderr.write(`fleetledger: paused after write ${this.#completed} (${key})\n`);
      return forever();
    }
    return result;
  }
}

/** The store, with the faults the environment asks for (none outside tests). */
export function withInjectedFaults(
  store: LedgerStore,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): LedgerStore {
  const pauseAfter = countIn(environment, PAUSE_AFTER_WRITES);
  const failAfter = countIn(environment, FAIL_AFTER_WRITES);
  return pauseAfter === null && failAfter === null ? store : new FaultInjectingStore(store, pauseAfter, failAfter);
}
