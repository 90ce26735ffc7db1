// Layout test of every page kind (issue 14), run by tests/layout.rs:
//   node tests/browser/layout.mjs ROOT PAGE...
// Opens each PAGE (a path below ROOT) in headless Chromium at a desktop
// width (1280 px) and a phone width (390 px) and fails if a page scrolls
// sideways: tables and long words must fit the text column. For each page
// that does, it names the widest elements that stick out.
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [root, ...pages] = process.argv.slice(2);
if (!root || pages.length === 0) {
  console.error('usage: node layout.mjs ROOT PAGE...');
  process.exit(2);
}
const WIDTHS = [1280, 390];

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
const problems = [];
try {
  for (const width of WIDTHS) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    for (const rel of pages) {
      const file = join(resolve(root), rel);
      if (!existsSync(file)) {
        problems.push(`${rel}: no such page`);
        continue;
      }
      await page.goto(pathToFileURL(file).href);
      const report = await page.evaluate(() => {
        const doc = document.documentElement;
        const overflow = doc.scrollWidth - doc.clientWidth;
        if (overflow <= 1) return null;
        const limit = doc.clientWidth;
        const wide = [...document.querySelectorAll('body *')]
          .map((el) => ({ el, right: el.getBoundingClientRect().right }))
          .filter((x) => x.right > limit + 1)
          .sort((a, b) => b.right - a.right)
          .slice(0, 3)
          .map((x) => `<${x.el.tagName.toLowerCase()}${x.el.className ? ` class="${x.el.className}"` : ''}> ends at ${Math.round(x.right)} px`);
        return { overflow, wide };
      });
      if (report) {
        problems.push(`${rel} at ${width} px scrolls sideways by ${report.overflow} px: ${report.wide.join('; ')}`);
      }
    }
    await context.close();
  }
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`layout: ${pages.length} pages fit at ${WIDTHS.join(' and ')} px`);
