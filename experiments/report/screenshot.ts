/**
 * Screenshots of a report in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core): the first screen (headline and first charts) and the full page. Used by
 * `npm run experiments -- --screenshots DIR` and the report's browser test.
 */
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.SLUICE_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Writes `<base>-top.png` (1300 x 1000) and `<base>-full.png`; returns the console errors. */
export async function screenshotReport(htmlFile: string, base: string): Promise<string[]> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(htmlFile).href);
    await page.screenshot({ path: `${base}-top.png` });
    await page.screenshot({ path: `${base}-full.png`, fullPage: true });
    return errors;
  } finally {
    await browser.close();
  }
}
