// Delivery metrics in the portal: the example organisation's generated
// history, from the organisation down to a team, a service and its
// deployments.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BLOCKING, axeViolations } from '../lib/axe.js';
import { openPage, pathOf, screenshot, texts, useBrowser } from '../lib/browser.js';

const chrome = useBrowser();

const LEVELS = ['Elite', 'High', 'Medium', 'Low'];

test('the organisation, a team and a service, each figure with its level', async () => {
  const { context, page } = await openPage(chrome.browser, '/delivery');
  try {
    assert.equal(await page.locator('main h1').innerText(), 'Delivery metrics');
    // Five figures over the window, each read against the DORA levels.
    const figures = page.locator('section[aria-labelledby="dora-figures"]');
    const badges = await figures.locator('.dora-level').allInnerTexts();
    assert.ok(badges.length >= 4, `badges: ${badges}`);
    // The example's services span several levels.
    const ranking = await texts(page, 'section[aria-labelledby="dora-services"] .dora-level');
    const seen = LEVELS.filter((level) => ranking.some((text) => text.includes(level)));
    assert.ok(seen.length >= 3, `levels seen: ${seen}`);

    await Promise.all([page.waitForURL('**/delivery/teams/payments-team**'), page.locator('a[href^="/delivery/teams/payments-team"]').first().click()]);
    assert.match(await page.locator('main h1').innerText(), /Payments/);
    // Beside its figures, the team's latest developer-satisfaction results (or why
    // they are withheld), linking to the survey's results.
    const satisfaction = page.locator('section[aria-labelledby="satisfaction-developer-experience"]');
    assert.match(await satisfaction.locator('h2').innerText(), /^Developer satisfaction · Developer experience$/);
    assert.match(await satisfaction.innerText(), /Period \d{4}-Q[1-4]/);
    assert.equal(await satisfaction.locator('a[href="/surveys/developer-experience/results"]').count(), 1);
    // And over time: one row per closed period (the example has four).
    assert.equal(await satisfaction.locator('h3').innerText(), 'The team over time');
    assert.equal(await satisfaction.locator('table').last().locator('tbody tr').count(), 4);
    await Promise.all([page.waitForURL('**/delivery/services/payments-service**'), page.locator('a[href^="/delivery/services/payments-service"]').first().click()]);
    assert.equal(pathOf(page).split('?')[0], '/delivery/services/payments-service');

    // The drill-down: the window's production deployments, each with its outcome.
    const deployments = page.locator('section[aria-labelledby="dora-deployments"] tbody tr');
    assert.ok((await deployments.count()) > 0);
    await screenshot(page, 'delivery-service');

    // A deployment's own page: the changes behind its lead times, the incidents it caused.
    await Promise.all([
      page.waitForURL('**/delivery/services/payments-service/deployments/**'),
      deployments.first().locator('th a').click(),
    ]);
    assert.match(await page.locator('main h1').innerText(), /^Deployment .* of Payments Service$/);
    assert.equal(await page.locator('section[aria-labelledby="dora-changes"] h2').count(), 1);
    assert.equal(await page.locator('section[aria-labelledby="dora-caused"] h2').count(), 1);
    const blocking = (await axeViolations(page)).filter((v) => BLOCKING.has(v.impact));
    assert.deepEqual(blocking.map((v) => v.id), []);
    await screenshot(page, 'delivery-deployment');
  } finally {
    await context.close();
  }
});

test('a window the reader names, and one that cannot be', async () => {
  const { context, page } = await openPage(chrome.browser, '/delivery?days=28');
  try {
    assert.match(await page.locator('main').innerText(), /\(28 days\)/);
    const bad = await page.goto('/delivery?days=0');
    assert.equal(bad.status(), 400);
  } finally {
    await context.close();
  }
});
