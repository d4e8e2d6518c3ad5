import { renderEvaluationTable } from '../../src/evaluate/renderTable.js';
import { constraintViolations } from '../../src/evaluate/rules/constraintViolations.js';
import { waiverExpired } from '../../src/evaluate/rules/waiverExpired.js';
import { constraint, run, snapshotOf } from './fixtures.js';

describe('renderEvaluationTable', () => {
  it('never prints control characters from cluster-supplied text (terminal escapes)', () => {
    const hostile = snapshotOf('cluster-a', (s) => {
      s.policies.gatekeeper.constraints.push(
        constraint('K8sRequiredLabels', 'owner', {
          totalViolations: 1,
          violations: [
            { kind: 'Pod', name: 'x', namespace: 'y', message: 'bad\u001b]8;;https://evil.test\u0007link\nnext' },
          ],
        }),
      );
    });
    const text = renderEvaluationTable(run(constraintViolations, [hostile]));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(text.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(text).toContain('e.g. Pod y/x: bad ]8;;https://evil.test link next');
  });

  it('shows a fleet-level finding that names no cluster as the fleet’s, never a glob', () => {
    const evaluation = run(waiverExpired, [snapshotOf('cluster-a')], {
      waivers: [{ rule: 'QUOTA-MISSING', cluster: 'prod-*', reason: 'r', owner: 'o', expires: '2026-11-01' }],
    });
    expect(evaluation.findings.map((f) => [f.cluster, f.clusters])).toEqual([[undefined, []]]);
    expect(renderEvaluationTable(evaluation).split('\n')[1]).toMatch(
      /^medium +WAIVER-EXPIRED +fleet +Waiver\/QUOTA-MISSING\/\* +the waiver of QUOTA-MISSING for prod-\* owned by o expired on 2026-11-01/,
    );
  });

  it('ends with the counts and the scores of the fleet and of each cluster', () => {
    const text = renderEvaluationTable(run(constraintViolations, [snapshotOf('cluster-a')]));
    expect(text).toBe(
      [
        '0 finding(s)',
        'fleet: compliance n/a (0/0 checks passed), coverage 0.0% (0/0 evaluated); open none; waived none',
        'cluster-a: compliance n/a (0/0 checks passed), coverage 0.0% (0/0 evaluated); open none; waived none',
        '',
      ].join('\n'),
    );
  });
});
