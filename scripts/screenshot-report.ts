// Screenshots a rendered report for the README and docs/report.md (npm run screenshot [-- report.html docs/]).
// Run `npm start` first: the default input is the demo's report. Writes, in the output folder:
// demo-report.png (a laptop's first screens), report-screenshot.png (the whole page on a laptop)
// and report-phone.png (a phone's first screens).
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHROMIUM_INSTALL, findChromium, launchChromium } from '../test/support/chromium.js';

const [input = 'out/report/report.html', folder = 'docs'] = process.argv.slice(2);
const executable = findChromium();
if (!executable) {
  process.stderr.write(
    `Chromium not found ($CHROMIUM_PATH, /usr/bin/chromium, PATH): install it with ${CHROMIUM_INSTALL}\n`,
  );
  process.exit(1);
}
const browser = await launchChromium(executable);
const shots = [
  { file: 'demo-report.png', width: 1280, height: 1800, fullPage: false },
  { file: 'report-screenshot.png', width: 1280, height: 900, fullPage: true },
  { file: 'report-phone.png', width: 390, height: 1600, fullPage: false },
];
try {
  for (const shot of shots) {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: shot.width, height: shot.height });
    await page.goto(pathToFileURL(resolve(input)).href);
    const path = join(folder, shot.file);
    await page.screenshot({ path, fullPage: shot.fullPage });
    await page.close();
    console.log(`wrote ${path}`);
  }
} finally {
  await browser.close();
}
