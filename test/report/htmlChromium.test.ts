import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { renderReportHtml } from '../../src/report/html/renderReportHtml.js';
import { describeWithChromium, findChromium, launchChromium, type RunningChromium } from '../support/chromium.js';
import { makeHostileReportDocument, makeReportDocument } from '../support/reportFixture.js';

const executable = findChromium();
// Screenshots go to .tmp/screenshots (ignored by git); docs/ holds the committed ones (npm run screenshot).
const SCREENSHOTS = new URL('../../.tmp/screenshots/', import.meta.url);

interface PageWatch {
  consoleErrors: string[];
  requests: string[];
  dialogs: string[];
}

function watch(page: Page): PageWatch {
  const seen: PageWatch = { consoleErrors: [], requests: [], dialogs: [] };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') seen.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => seen.consoleErrors.push(error.message));
  page.on('request', (request) => seen.requests.push(request.url()));
  page.on('dialog', (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return seen;
}

describeWithChromium('report.html in headless Chromium', () => {
  let chromium: RunningChromium;
  let directory: string;

  beforeAll(async () => {
    chromium = await launchChromium(executable!);
    directory = await mkdtemp(join(tmpdir(), 'report-html-'));
  });

  afterAll(async () => {
    await chromium?.close();
    await rm(directory, { recursive: true, force: true });
  });

  async function open(
    file: string,
    html: string,
    width: number,
  ): Promise<{ page: Page; seen: PageWatch; url: string }> {
    const path = join(directory, file);
    await writeFile(path, html);
    const page = await chromium.context.newPage();
    await page.setViewportSize({ width, height: 900 });
    const seen = watch(page);
    const url = pathToFileURL(path).href;
    await page.goto(url, { waitUntil: 'load' });
    return { page, seen, url };
  }

  it('loads with no console errors and no request but the document itself, shows the key facts, and is saved as screenshots', async () => {
    const { page, seen, url } = await open('report.html', renderReportHtml(makeReportDocument()), 1280);

    expect(seen.consoleErrors).toEqual([]);
    expect(seen.requests).toEqual([url]);
    await expect(page.title()).resolves.toBe('Fleet compliance report 2026-W48');
    const text = (await page.locator('body').textContent()) ?? '';
    for (const expected of [
      'Executive summary',
      '72.4%',
      'Clusters × areas',
      'Cross-cluster network map',
      'Certificate expiry, next 90 days',
      'Argo CD drift',
      'Deployment checkout has 0/3 ready replicas',
      'CIDR-OVERLAP',
      'platform-team@example.com',
      'fleetledger verify --store s3://audit-ledger/prod --period 2026-W48',
    ]) {
      expect(text).toContain(expected);
    }
    // The charts are drawn: lines, bars, ranges and certificate markers.
    expect(await page.locator('#summary svg.chart-wide path.line-compliance').count()).toBe(2);
    expect(await page.locator('svg.sparkline').count()).toBe(2);
    expect(await page.locator('svg.chart-wide rect.range-overlap').count()).toBe(3);
    expect(await page.locator('svg.chart-wide circle.cert-critical').count()).toBe(1);

    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: new URL('report-screenshot.png', SCREENSHOTS).pathname, fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    // On a phone the page never scrolls sideways: wide tables scroll inside their own box.
    // An expression string: the test's TypeScript has no DOM types.
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    expect(overflow).toBeLessThanOrEqual(0);
    // The first screen on a phone: enough to show the layout, small enough to commit.
    await page.screenshot({ path: new URL('report-phone.png', SCREENSHOTS).pathname });

    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // Printed without wasted pages: sections follow each other, only the findings and the appendix
    // start a page, so the page count is what the content needs plus at most those two breaks.
    // The content's height is measured at the printed width (A4 less the 12 mm margins: 186 mm).
    await page.setViewportSize({ width: 703, height: 1000 });
    await page.emulateMedia({ media: 'print' });
    const contentHeight = Number(await page.evaluate('document.documentElement.scrollHeight'));
    const pageHeight = ((297 - 2 * 14) / 25.4) * 96;
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)!.length;
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(contentHeight / pageHeight));
    expect(pages).toBeLessThanOrEqual(Math.ceil(contentHeight / pageHeight) + 2);
    expect(seen.requests).toEqual([url]);
    await page.close();
  });

  it('runs nothing and loads nothing from hostile cluster-supplied text', async () => {
    const { page, seen, url } = await open('hostile.html', renderReportHtml(makeHostileReportDocument()), 1280);

    expect(seen.dialogs).toEqual([]);
    expect(seen.requests).toEqual([url]);
    expect(await page.locator('script, img, iframe, object, embed, i[id]').count()).toBe(0);
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain('east<script>alert(1)</script>');
    expect(text).toContain('argo says <script>alert(1)</script> {{constructor}} {{#each}}');
    expect(text).toContain('checkout"><img src=x onerror=alert(1)>');
    await page.close();
  });
});
