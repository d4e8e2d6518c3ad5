/**
 * The fleet trend chart stays readable on a phone: at 390x844 (and at 1280x900) every text of it
 * renders at 10 CSS px or more. The report draws a phone-sized chart rather than shrinking the
 * desktop one (whose text would end up at about 5px), and shows the drawing that fits the chart's
 * box. Measured in headless Chromium: the effective font size (computed font size times the SVG's
 * scale on screen) and the height of each text's bounding box. The other charts (network map,
 * certificate timeline, severity bars) are drawn for phones in the lead's part of issue 9 and
 * measured by its layout test.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderReportHtml } from '../../src/report/html/renderReportHtml.js';
import { describeWithChromium, findChromium, launchChromium, type RunningChromium } from '../support/chromium.js';
import { makeReportDocument } from '../support/reportFixture.js';

const executable = findChromium();

interface MeasuredDrawing {
  drawing: string;
  texts: Array<{ text: string; fontSize: number; height: number }>;
}

// An expression string: the test's TypeScript has no DOM types. Every displayed drawing of the
// fleet trend chart, with the size each of its texts is drawn at.
const MEASURE_TREND_CHART = `[...document.querySelectorAll('#summary svg[aria-label="Fleet compliance and coverage per period"]')]
  .filter((svg) => getComputedStyle(svg).display !== 'none' && svg.getBoundingClientRect().width > 0)
  .map((svg) => ({
    drawing: svg.getAttribute('class'),
    texts: [...svg.querySelectorAll('text')].map((text) => ({
      text: text.textContent,
      fontSize: parseFloat(getComputedStyle(text).fontSize) * svg.getScreenCTM().a,
      height: text.getBoundingClientRect().height,
    })),
  }))`;

describeWithChromium('the fleet trend chart in headless Chromium', () => {
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

  async function measure(width: number, height: number): Promise<MeasuredDrawing[]> {
    const page = await chromium.context.newPage();
    try {
      await page.setViewportSize({ width, height });
      await page.goto(url, { waitUntil: 'load' });
      return (await page.evaluate(MEASURE_TREND_CHART)) as MeasuredDrawing[];
    } finally {
      await page.close();
    }
  }

  it.each([
    [390, 844, 'chart-narrow'],
    [1280, 900, 'chart-wide'],
  ])('draws every text at 10 CSS px or more at %ix%i (the %s drawing)', async (width, height, drawing) => {
    const measured = await measure(width, height);

    // One drawing is shown, the one made for this box, with its axis labels.
    expect(measured.map((shown) => shown.drawing)).toEqual([drawing]);
    const texts = measured[0]!.texts;
    expect(texts.map((text) => text.text)).toEqual(expect.arrayContaining(['0%', '100%', 'W48']));
    const small = texts
      .filter((text) => text.fontSize < 10 || text.height < 10)
      .map((text) => `"${text.text}": ${text.fontSize.toFixed(1)}px, ${text.height.toFixed(1)}px high`);
    expect(small).toEqual([]);
  });
});
