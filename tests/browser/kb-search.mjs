// Browser test of the knowledge-base search (issue 4), run by tests/kb.rs:
//   node tests/browser/kb-search.mjs SITE_DIR
// SITE_DIR is a site built by `relnotes kb` from the OctoAcme sample. The
// script opens its home page in headless Chromium (from file://: the search
// script loads its index with a script element, never fetch), types the
// title of a known issue into the search box, finds the issue page among the
// results, follows it, checks that the page shows the workaround, and fails
// if any page logged a console error or threw.
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const TITLE = 'Export of more than 50,000 invoices times out';
const ISSUE = 'issues/KI-7.html';
const WORKAROUND = 'Export one quarter at a time.';

class Failure extends Error {}

function fail(message) {
  throw new Failure(message);
}

const site = process.argv[2];
if (!site) {
  console.error('usage: node kb-search.mjs SITE_DIR');
  process.exit(2);
}
const home = join(resolve(site), 'index.html');
if (!existsSync(home)) {
  console.error(`kb-search: ${home} does not exist`);
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const errors = [];
try {
  const page = await browser.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()} (${page.url()})`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message} (${page.url()})`));
  page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()}`));
  // Nothing may leave the machine.
  await page.route(/^https?:/, (route) => {
    errors.push(`network request: ${route.request().url()}`);
    route.abort();
  });

  await page.goto(pathToFileURL(home).href);
  const box = page.getByRole('searchbox', { name: /search/i });
  await box.waitFor({ state: 'visible', timeout: 10000 });
  await box.click();
  await box.pressSequentially(TITLE, { delay: 5 });

  const result = page.locator(`#search-results a[href="${ISSUE}"]`);
  await result.waitFor({ state: 'visible', timeout: 10000 });
  const first = await page.locator('#search-results a').first().getAttribute('href');
  if (first !== ISSUE) fail(`the first result is ${first}, not ${ISSUE}`);
  const label = (await result.textContent()) || '';
  if (!label.includes(TITLE)) fail(`the result reads "${label}"`);

  await Promise.all([page.waitForURL(`**/${ISSUE}`), result.click()]);
  const heading = (await page.locator('h1').textContent()) || '';
  if (!heading.includes(TITLE)) fail(`the issue page's heading is "${heading}"`);
  const main = (await page.locator('main').textContent()) || '';
  if (!main.includes(WORKAROUND)) fail(`the issue page does not show the workaround "${WORKAROUND}"`);

  if (errors.length > 0) fail(`errors while searching:\n  ${errors.join('\n  ')}`);
  console.log(`kb-search: found ${ISSUE} by its title and saw its workaround; no console errors`);
} catch (err) {
  // Close the browser before reporting, so no Chromium is left behind.
  console.error(`kb-search: ${err instanceof Failure ? err.message : err.stack || err}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
