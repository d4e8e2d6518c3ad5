/**
 * Chart text stays readable on a phone: at 390x844 (and at 1280x900) every text of the report's
 * charts renders at 10 CSS px or more. The report draws phone-sized charts rather than shrinking
 * the desktop ones (whose 11px text would end up at about 4px). Measured in headless Chromium:
 * the effective font size (computed font size times the SVG's scale on screen) and the height of
 * each text's bounding box. The network map is the lead's part (issue 9, section 5) and is left
 * out here.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderReportHtml } from '../../src/report/html/renderReportHtml.js';
import { findChromium, launchChromium, type RunningChromium } from '../support/chromium.js';
import { makeReportDocument } from '../support/reportFixture.js';

const executable = findChromium();
const describeWithChromium = executable ? describe : describe.skip;

interface MeasuredText {
  chart: string;
  text: string;
  fontSize: number;
  height: number;
}

// An expression string: the test's TypeScript has no DOM types. Every visible text of every
// visible chart SVG outside the network map, with the size it is drawn at.
const MEASURE_CHART_TEXT = `[...document.querySelectorAll('svg text')]
  .filter((text) => !text.closest('#network'))
  .map((text) => {
    const rect = text.getBoundingClientRect();
    const svg = text.ownerSVGElement;
    const scale = svg.getScreenCTM().a;
    return {
      chart: (svg.getAttribute('aria-label') || '?') + ' [' + (svg.getAttribute('class') || '') + ']',
      text: text.textContent,
      fontSize: parseFloat(getComputedStyle(text).fontSize) * scale,
      height: rect.height,
      visible: rect.width > 0 && rect.height > 0,
    };
  })
  .filter((measured) => measured.visible)`;

describeWithChromium('chart text in headless Chromium', () => {
  let chromium: RunningChromium;
  let directory: string;
  let url: string;

  beforeAll(async () => {
    chromium = await launchChromium(executable!);
    directory = await mkdtemp(join(tmpdir(), 'report-charts-'));
    const file = join(directory, 'report.html');
    await writeFile(file, renderReportHtml(makeReportDocument()));
    url = pathToFileURL(file).href;
  });

  afterAll(async () => {
    await chromium?.close();
    await rm(directory, { recursive: true, force: true });
  });

  async function measure(width: number, height: number): Promise<MeasuredText[]> {
    const page = await chromium.context.newPage();
    try {
      await page.setViewportSize({ width, height });
      await page.goto(url, { waitUntil: 'load' });
      return (await page.evaluate(MEASURE_CHART_TEXT)) as MeasuredText[];
    } finally {
      await page.close();
    }
  }

  it.each([
    [390, 844],
    [1280, 900],
  ])('draws every chart text at 10 CSS px or more at %ix%i', async (width, height) => {
    const measured = await measure(width, height);

    // The trend chart, the severity bars and the certificate timeline are all there, with text.
    const charts = new Set(measured.map((text) => text.chart.replace(/ \[.*$/, '')));
    expect([...charts].sort()).toEqual([
      'Certificate expiry timeline',
      'Fleet compliance and coverage per period',
      'Open findings by severity',
    ]);
    const small = measured
      .filter((text) => text.fontSize < 10 || text.height < 10)
      .map((text) => `${text.chart} "${text.text}": ${text.fontSize.toFixed(1)}px, ${text.height.toFixed(1)}px high`);
    expect(small).toEqual([]);
  });
});
