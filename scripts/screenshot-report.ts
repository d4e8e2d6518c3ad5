// Screenshots a rendered report for the README (npm run screenshot [-- report.html out.png]).
// Run `npm start` first: the default input is the demo's report.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findChromium, launchChromium } from '../test/support/chromium.js';

const [input = 'out/report/report.html', output = 'docs/demo-report.png'] = process.argv.slice(2);
const executable = findChromium();
if (!executable) process.exit(1);
const browser = await launchChromium(executable);
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 1800 });
  await page.goto(pathToFileURL(resolve(input)).href);
  await page.screenshot({ path: output });
  console.log(`wrote ${output}`);
} finally {
  await browser.close();
}
