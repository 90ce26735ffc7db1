// Live reload of `relnotes preview` in headless Chromium.
//
//   node tests/browser/preview-reload.mjs <page url> <change file>
//
// Opens the page, scrolls down, rewrites the customer text of the change
// file the way many editors save (a temporary file, then a rename), and
// waits until the page shows the new text without being reloaded by us, at
// the same scroll position. Run by tests/preview.rs, which starts the
// server on a copy of the OctoAcme sample. Exits non-zero on failure.

import { chromium } from 'playwright-core';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const [url, file] = process.argv.slice(2);
if (!url || !file) {
  console.error('usage: preview-reload.mjs <page url> <change file>');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

try {
  // A short window, so that the page scrolls.
  const page = await browser.newPage({ viewport: { width: 900, height: 400 } });
  page.on('console', (m) => console.error(`console: ${m.text()}`));
  await page.goto(url, { waitUntil: 'load' });
  const before = await page.innerText('main');

  // Something only this load of the page has: gone after a real reload.
  await page.evaluate(() => { window.relnotesTestMark = 'before'; });
  const scrolled = await page.evaluate(() => {
    window.scrollTo(0, 150);
    return window.scrollY;
  });
  if (scrolled < 100) throw new Error(`the page does not scroll (scrollY ${scrolled})`);
  // The page must be listening before the file changes.
  await page.waitForTimeout(300);

  // Replace the customer text (everything after the front matter).
  const marker = `Edited by the browser test at ${Date.now()}.`;
  const text = readFileSync(file, 'utf8');
  const end = text.indexOf('\n---\n', 4);
  if (!text.startsWith('---\n') || end < 0) throw new Error(`${file}: no front matter`);
  const edited = `${text.slice(0, end)}\n---\n${marker}\n`;
  const tmp = join(dirname(file), `.${basename(file)}.tmp`);
  writeFileSync(tmp, edited);
  renameSync(tmp, file);

  await page.waitForFunction(
    (m) => document.querySelector('main')?.innerText.includes(m),
    marker,
    { timeout: 20000, polling: 100 },
  );
  const after = await page.innerText('main');
  if (after === before) throw new Error('the page text did not change');
  const mark = await page.evaluate(() => window.relnotesTestMark);
  if (mark !== undefined) throw new Error('the text changed without a reload');
  await page.waitForFunction(() => window.scrollY >= 100, null, { timeout: 5000 });
  const y = await page.evaluate(() => window.scrollY);
  console.log(`ok: the page reloaded by itself and shows the edit, scrolled to ${y}`);
  console.log('reloaded');
} finally {
  await browser.close();
}
