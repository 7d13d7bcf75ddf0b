// Every main page on a desktop screen, light and dark (see lib/sweep.js),
// and what only shows after a click.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BLOCKING, axeViolations, describe } from '../lib/axe.js';
import { DESKTOP, newContext, useBrowser } from '../lib/browser.js';
import { sweep } from '../lib/sweep.js';

const chrome = useBrowser();

sweep(chrome, 'desktop', DESKTOP);

test('an entity\'s descriptor, once opened, can be scrolled from the keyboard', async () => {
  const context = await newContext(chrome.browser);
  try {
    const page = await context.newPage();
    await page.goto('/catalog/default/component/payments-service');
    await page.click('section[aria-labelledby="source"] summary');
    assert.ok(await page.isVisible('section[aria-labelledby="source"] pre'));
    const blocking = (await axeViolations(page)).filter((v) => BLOCKING.has(v.impact));
    if (blocking.length > 0) assert.fail(`axe with the descriptor open:\n${describe(blocking)}`);
  } finally {
    await context.close();
  }
});
