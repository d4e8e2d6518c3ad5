/**
 * report.html fits the page it is on, in the Chromium `.ci/run` installs with whatever fonts it
 * has: no horizontal page overflow on a desktop or a phone, every area column of the clusters x
 * areas matrix visible on a desktop, chart labels that overlap nothing, and chart text a phone
 * can read. Asserted as "no overflow, no overlap, at least this size", never as exact pixels.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { renderReportHtml } from '../../src/report/html/renderReportHtml.js';
import type { ReportDocument } from '../../src/report/schema.js';
import { describeWithChromium, findChromium, launchChromium, type RunningChromium } from '../support/chromium.js';
import { makeLargeFleetReportDocument } from '../support/largeReportFixture.js';
import { makeHostileReportDocument, makePinnedReportDocument, makeReportDocument } from '../support/reportFixture.js';

const executable = findChromium();

const DESKTOP = { width: 1280, height: 900 } as const;
const PHONE = { width: 390, height: 844 } as const;
/** The charts this suite measures: every chart of the report. */
const CHARTS = '#network svg, #certificates svg, #summary svg';
const MIN_PHONE_TEXT_PX = 10;

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}
interface ChartText extends Box {
  text: string;
  fontPx: number;
}
interface Chart {
  id: string;
  box: Box;
  texts: ChartText[];
  /** Marks a label must not cover: bars, markers, dots (backgrounds and grid lines excluded). */
  shapes: Box[];
}

/** Every displayed chart matching `selector` with the boxes of its texts and shapes, in CSS px (a string: the tests have no DOM types). */
const measureCharts = (selector: string): string => `(() => {
  const box = (r) => ({ left: r.left, right: r.right, top: r.top, bottom: r.bottom });
  return [...document.querySelectorAll(${JSON.stringify(selector)})]
    .filter((svg) => getComputedStyle(svg).display !== 'none' && svg.getBoundingClientRect().width > 0)
    .map((svg, index) => {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return {
        id: (svg.closest('section')?.id ?? '?') + '#' + index + '.' + svg.getAttribute('class'),
        box: box(svg.getBoundingClientRect()),
        texts: [...svg.querySelectorAll('text')].map((t) => ({
          ...box(t.getBoundingClientRect()),
          text: t.firstChild ? t.firstChild.textContent : '',
          fontPx: parseFloat(getComputedStyle(t).fontSize) * scale,
        })),
        shapes: [...svg.querySelectorAll('rect, circle')]
          .filter((s) => !/\\b(region|bar-track)\\b/.test(s.getAttribute('class') ?? ''))
          .map((s) => box(s.getBoundingClientRect())),
      };
    });
})()`;

/**
 * Table cells holding at least 40 characters of text whose lines average fewer than 9 characters:
 * a column squeezed to a word or two per line. One line per problem, as "section: text".
 */
const SQUEEZED_CELLS = `[...document.querySelectorAll('td')]
  .filter((td) => td.getClientRects().length > 0)
  .flatMap((td) => {
    // A cluster's label tags are a list of tags, not text: left out.
    const tags = td.querySelector('.labels');
    const text = (td.innerText || '').replace(tags ? tags.innerText : '', '').trim();
    const style = getComputedStyle(td);
    const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
    const box = td.getBoundingClientRect();
    const height = box.height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom) - (tags ? tags.getBoundingClientRect().height : 0);
    const lines = Math.max(1, Math.round(height / lineHeight));
    return text.length >= 40 && text.length / lines < 9
      ? [(td.closest('section')?.id ?? '?') + ': ' + text.slice(0, 60).replace(/\\s+/g, ' ') + ' (' + lines + ' lines in ' + Math.round(box.width) + ' px)']
      : [];
  })`;

/** Boxes that share more than a hair (0.5 px: anti-aliasing) of area. */
function intersects(a: Box, b: Box): boolean {
  return (
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5
  );
}

function inside(inner: Box, outer: Box): boolean {
  return (
    inner.left >= outer.left - 0.5 &&
    inner.right <= outer.right + 0.5 &&
    inner.top >= outer.top - 0.5 &&
    inner.bottom <= outer.bottom + 0.5
  );
}

/** What is wrong with the charts' labels, one line per problem (empty: nothing). */
function labelProblems(charts: readonly Chart[]): string[] {
  const problems: string[] = [];
  for (const chart of charts) {
    chart.texts.forEach((text, index) => {
      if (!inside(text, chart.box)) problems.push(`${chart.id}: "${text.text}" sticks out of its chart`);
      for (const other of chart.texts.slice(index + 1)) {
        if (intersects(text, other)) problems.push(`${chart.id}: "${text.text}" overlaps "${other.text}"`);
      }
      if (chart.shapes.some((shape) => intersects(text, shape)))
        problems.push(`${chart.id}: "${text.text}" covers a mark`);
    });
  }
  return problems;
}

describeWithChromium('report.html layout in headless Chromium', () => {
  let chromium: RunningChromium;
  let directory: string;

  beforeAll(async () => {
    chromium = await launchChromium(executable!);
    directory = await mkdtemp(join(tmpdir(), 'report-layout-'));
  });

  afterAll(async () => {
    await chromium?.close();
    await rm(directory, { recursive: true, force: true });
  });

  async function open(name: string, doc: ReportDocument, viewport: { width: number; height: number }): Promise<Page> {
    const path = join(directory, `${name}.html`);
    await writeFile(path, renderReportHtml(doc));
    const page = await chromium.context.newPage();
    await page.setViewportSize(viewport);
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    return page;
  }

  const reports: Array<[string, () => ReportDocument]> = [
    ['the hand-made report', makeReportDocument],
    ['a report full of hostile text', makeHostileReportDocument],
    ['a report of 50 clusters', () => makeLargeFleetReportDocument(50)],
    ['a signed backfill report resting on a pinned ledger head', makePinnedReportDocument],
  ];

  describe.each(reports)('%s', (name, build) => {
    it.each([
      ['a desktop', DESKTOP],
      ['a phone', PHONE],
    ])('never scrolls sideways on %s', async (_, viewport) => {
      const page = await open(name.replace(/\W+/g, '-'), build(), viewport);
      const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
      await page.close();
      expect(overflow).toBeLessThanOrEqual(0);
    });

    it.each([
      ['a desktop', DESKTOP],
      ['a phone', PHONE],
    ])('lays out every chart label on %s without overlaps, inside its chart', async (_, viewport) => {
      const page = await open(name.replace(/\W+/g, '-'), build(), viewport);
      const charts = (await page.evaluate(measureCharts(CHARTS))) as Chart[];
      await page.close();
      expect(charts.length).toBeGreaterThanOrEqual(3);
      expect(labelProblems(charts)).toEqual([]);
    });

    it.each([
      ['a desktop', DESKTOP],
      ['a phone', PHONE],
    ])('gives text in tables room on %s: no cell wraps its text a word or two per line', async (_, viewport) => {
      const page = await open(name.replace(/\W+/g, '-'), build(), viewport);
      // Every finding's subjects shown, as a reader who opens them sees them.
      await page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })");
      const squeezed = (await page.evaluate(SQUEEZED_CELLS)) as string[];
      await page.close();
      expect(squeezed).toEqual([]);
    });

    it('shows every area column of the clusters × areas matrix within a 1280 px window', async () => {
      const page = await open(name.replace(/\W+/g, '-'), build(), DESKTOP);
      const fit = (await page.evaluate(`(() => {
        const scroll = document.querySelector('#matrix .table-scroll');
        const box = scroll.getBoundingClientRect();
        return {
          hidden: scroll.scrollWidth - scroll.clientWidth,
          headers: [...document.querySelectorAll('#matrix thead th')].map((th) => th.getBoundingClientRect().right <= box.right + 0.5),
        };
      })()`)) as { hidden: number; headers: boolean[] };
      await page.close();
      expect(fit.hidden).toBeLessThanOrEqual(0);
      expect(fit.headers.every(Boolean)).toBe(true);
    });
  });

  it(`draws phone charts at their own size: chart text is at least ${MIN_PHONE_TEXT_PX} CSS px on a 390 px phone`, async () => {
    const page = await open('phone-text', makeLargeFleetReportDocument(12), PHONE);
    const charts = (await page.evaluate(measureCharts(CHARTS))) as Chart[];
    await page.close();
    const small = charts.flatMap((chart) =>
      chart.texts
        .filter((t) => t.fontPx < MIN_PHONE_TEXT_PX)
        .map((t) => `${chart.id}: "${t.text}" ${t.fontPx.toFixed(1)}px`),
    );
    expect(charts.length).toBeGreaterThanOrEqual(3);
    expect(small).toEqual([]);
  });
});
