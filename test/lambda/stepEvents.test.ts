/**
 * What the step handlers accept: the state machine's events and the environment the stack sets,
 * each mistake a ConfigError naming the field or variable; and the log lines carrying the run id
 * and the cluster.
 */
import { readHandlerEnvironment } from '../../lambda/handlerEnvironment.js';
import { optionalRunOf, resultsOf, runClock, runOf, wantsReport } from '../../lambda/stepEvents.js';
import { createLogger, withLogContext } from '../../src/core/logger.js';

const RUN = {
  opening: 'openings/2026-11-23T04-00-00.000Z-abc.json',
  runAt: '2026-11-23T04:00:00.000Z',
  startedAt: '2026-11-30T09:00:00.000Z',
};

describe('step events', () => {
  it('names the missing or malformed field of the run', () => {
    expect(() => runOf({})).toThrow('event.run.opening: expected a non-empty string, got nothing');
    expect(() => runOf({ run: { ...RUN, runAt: 42 } })).toThrow('event.run.runAt: expected a non-empty string, got 42');
    expect(() => runOf({ run: { ...RUN, startedAt: 'soon' } })).toThrow(
      'event.run.startedAt: expected an ISO 8601 date-time, got "soon"',
    );
    expect(runOf({ run: RUN, cluster: 'prod-east' })).toEqual(RUN);
    expect(optionalRunOf({ period: '2026-W48' })).toBeNull();
  });

  it('takes the Map results inline or from a Distributed Map, and names anything else', () => {
    const result = { cluster: 'prod-east', status: 'ok', written: null, problems: [] };
    const failure = { cluster: 'prod-west', error: 'Lambda.Unknown: boom' };
    expect(resultsOf({ run: RUN, results: [result, failure] })).toEqual({ results: [result, failure] });
    expect(resultsOf({ run: RUN, resultWriter: { Bucket: 'state', Key: 'results/x/manifest.json' } })).toEqual({
      resultWriter: { Bucket: 'state', Key: 'results/x/manifest.json' },
    });
    expect(() => resultsOf({ run: RUN, results: [{ cluster: 'prod-east' }] })).toThrow(
      `event.results[0]: expected a cluster step's result or failure, got {"cluster":"prod-east"}`,
    );
    expect(() => resultsOf({ run: RUN })).toThrow(
      "event: expected results (the Map's outputs) or resultWriter (a Distributed Map's ResultWriterDetails)",
    );
    expect(() => wantsReport({ report: 'yes' })).toThrow('event.report: expected true or false, got "yes"');
    expect(wantsReport({})).toBe(false);
  });

  it("runs a step's clock from the run's time plus the wall-clock time since it was opened", () => {
    const opened = Date.now() - 90_000;
    const clock = runClock({ ...RUN, startedAt: new Date(opened).toISOString() });
    const elapsed = clock().toMillis() - Date.parse(RUN.runAt);
    expect(elapsed).toBeGreaterThanOrEqual(90_000);
    expect(elapsed).toBeLessThan(100_000);
  });
});

describe('step environment', () => {
  it('names a bad SMTP_URL, RUN_STATE and DISTRIBUTED_MAP_ABOVE', () => {
    expect(() =>
      readHandlerEnvironment({
        LEDGER: 's3://audit-ledger/ledger',
        FLEET_FILE: 'fleet.yaml',
        SMTP_URL: 'mail.internal:25',
        RUN_STATE: './state',
        DISTRIBUTED_MAP_ABOVE: 'many',
      }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          'SMTP_URL: expected smtp://host:port or smtps://host:port',
          'RUN_STATE: expected s3://bucket[/prefix], got "./state"',
          'DISTRIBUTED_MAP_ABOVE: expected a whole number of clusters, got "many"',
        ],
      }),
    );
  });
});

describe('log context', () => {
  it("adds the run id and cluster to every JSON line, a line's own fields winning", () => {
    const lines: string[] = [];
    const log = withLogContext(createLogger({ level: 'debug', json: true, write: (l) => lines.push(l) }), {
      runId: RUN.opening,
      cluster: 'prod-east',
    });

    log.info('cluster snapshotted', { status: 'ok' });
    log.warn('renamed', { cluster: 'prod-east-2' });

    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        level: 'info',
        time: expect.any(String),
        message: 'cluster snapshotted',
        runId: RUN.opening,
        cluster: 'prod-east',
        status: 'ok',
      },
      { level: 'warn', time: expect.any(String), message: 'renamed', runId: RUN.opening, cluster: 'prod-east-2' },
    ]);
  });
});
