/**
 * The phone-sized drawings of the report's charts (shown when the chart's box is narrow, see
 * htmlChartsChromium.test.ts for the sizes on screen): geometry that keeps the text full size.
 */
import { buildCertificateTimeline } from '../../src/report/html/certificateTimeline.js';
import { buildSeverityBars } from '../../src/report/html/severityBars.js';
import { makeReportDocument } from '../support/reportFixture.js';

describe('the stacked (phone) certificate timeline', () => {
  it('puts each label on its own line above a bar that spans the width, with short tick dates', () => {
    // Prepare
    const doc = makeReportDocument();
    doc.clusters[0]!.facts!.certificates[1]!.name = 'a-rather-long-certificate-name-for-a-phone';

    // Act
    const timeline = buildCertificateTimeline(doc.clusters, doc.generatedAt, 300, 'stacked');

    // Assess: rows of 36 below a 26 px axis; the bar 17 px below the label's line, starting at 6.
    expect(timeline.rows.map((row) => [row.label, row.labelY, row.barY, row.centerY, row.barX])).toEqual([
      ['prod-east · api-tls', 26, 43, 50, 6],
      ['prod-east · a-rather-long-certificate-nam…', 62, 79, 86, 6],
      ['prod-west · cacerts', 98, 115, 122, 6],
    ]);
    expect(timeline.rows[1]!.label).toHaveLength(42);
    // Axis from 6 to 290 (284 wide) for 90 days.
    expect(timeline.ticks).toEqual([
      { x: 6, label: 'today', anchor: 'start' },
      { x: 100.7, label: 'Dec 26', anchor: 'middle' },
      { x: 195.3, label: 'Jan 25', anchor: 'middle' },
      { x: 290, label: 'Feb 24', anchor: 'end' },
    ]);
    expect(timeline.height).toBe(26 + 3 * 36 + 6);
  });

  it('leaves the desktop layout as it was: the label beside the bar', () => {
    const doc = makeReportDocument();
    const timeline = buildCertificateTimeline(doc.clusters, doc.generatedAt, 880);
    expect(timeline.rows.map((row) => [row.label, row.labelY, row.barY, row.centerY, row.barX])).toEqual([
      ['prod-east · api-tls', 26, 26, 33, 260],
      ['prod-east · wildcard-example-com', 46, 46, 53, 260],
      ['prod-west · cacerts', 66, 66, 73, 260],
    ]);
  });
});

describe('the narrow severity bars', () => {
  it('give the label and the count the room they need and the track the rest', () => {
    const bars = buildSeverityBars({ critical: 1, high: 2, medium: 0, low: 0, info: 0 }, 280, { label: 64, count: 36 });
    expect([bars.barLeft, bars.trackWidth]).toEqual([64, 180]);
    expect(bars.bars.map((bar) => bar.width)).toEqual([90, 180, 0, 0, 0]);
  });
});
