// An entity's page: owner, system, relations, and the relation graph whose
// nodes are links; following a relation lands on that entity.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPage, pathOf, texts, useBrowser } from '../lib/browser.js';
import { PAYMENTS_SERVICE as SERVICE } from '../lib/example.js';

const chrome = useBrowser();

/** The link texts listed under the relation heading that starts with `label`. */
async function relation(page, label) {
  return texts(page, `.relations h3:has-text("${label}") + ul > li > a`);
}

test('a component shows its owner, system and relations', async () => {
  const { context, page } = await openPage(chrome.browser, SERVICE.path);
  try {
    assert.equal(await page.textContent('h1'), SERVICE.title);
    assert.equal(await page.title(), `${SERVICE.title} · Kiosque`);
    assert.equal(await page.textContent('.entity-head .badge.kind-component'), 'Component');

    const owner = page.locator('.entity-head .owner a');
    assert.equal(await owner.textContent(), SERVICE.owner.title);
    assert.equal(await owner.getAttribute('href'), SERVICE.owner.href);

    const system = page.locator('dt:text-is("System") + dd a');
    assert.equal(await system.textContent(), SERVICE.system.title);
    assert.equal(await system.getAttribute('href'), SERVICE.system.href);

    assert.deepEqual((await relation(page, 'Provides API')).sort(), SERVICE.providesApis);
    assert.deepEqual((await relation(page, 'Consumes API')).sort(), SERVICE.consumesApis);
    assert.deepEqual((await relation(page, 'Depends on')).sort(), SERVICE.dependsOn);
    assert.deepEqual(await relation(page, 'Dependency of'), SERVICE.dependencyOf);
    assert.equal(await page.textContent('.relations h3:has-text("Consumes API") .count'), '3');

    assert.deepEqual(await texts(page, 'ul.tags a'), ['kotlin', 'kafka', 'pci-dss']);
    assert.deepEqual(await texts(page, 'ul.links a'), ['Service dashboard', 'Runbook', '#payments']);
    const source = await page.textContent('section[aria-labelledby="source"]');
    assert.match(source, /payments-service\/catalog-info\.yaml:\d+:\d+/);
  } finally {
    await context.close();
  }
});

test('a relation link leads to that entity, and its owner link to the team', async () => {
  const { context, page } = await openPage(chrome.browser, SERVICE.path);
  try {
    await Promise.all([
      page.waitForURL('**/catalog/default/api/payments-api'),
      page.click('.relations a:text-is("SEPA Payments API")'),
    ]);
    assert.equal(await page.textContent('h1'), 'SEPA Payments API');
    // The API names its provider back.
    assert.deepEqual(await relation(page, 'Provided by'), [SERVICE.title]);

    await Promise.all([page.waitForURL(`**${SERVICE.owner.href}`), page.click('.entity-head .owner a')]);
    assert.equal(await page.textContent('h1'), SERVICE.owner.title);

    await page.goBack();
    await page.goBack();
    assert.equal(pathOf(page), SERVICE.path);
  } finally {
    await context.close();
  }
});

test('the relation graph is an SVG whose nodes link to their entities', async () => {
  const { context, page } = await openPage(chrome.browser, SERVICE.path);
  try {
    const svg = page.locator('section[aria-labelledby="graph"] svg.kiosque-graph');
    assert.equal(await svg.count(), 1);
    assert.equal(await svg.getAttribute('role'), 'group');
    assert.ok(await svg.getAttribute('aria-label'));
    const links = await svg.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual([...links].sort(), SERVICE.graphNodes);
    assert.equal(await svg.locator('.node.focus').count(), 1);
    assert.ok((await svg.locator('path.edge').count()) >= SERVICE.graphNodes.length - 1, 'every neighbour is joined');

    // Nodes are reachable from the keyboard and open their entity.
    const ledger = svg.locator('a[href="/catalog/default/component/ledger-core"]');
    await ledger.focus();
    await Promise.all([page.waitForURL('**/catalog/default/component/ledger-core'), page.keyboard.press('Enter')]);
    assert.equal(await page.textContent('h1'), 'Ledger Core');
  } finally {
    await context.close();
  }
});

test('the full graph page draws deeper and lets the depth be chosen', async () => {
  const { context, page } = await openPage(chrome.browser, `${SERVICE.path}/graph`);
  try {
    assert.equal(await page.textContent('h1'), `Relations of ${SERVICE.title}`);
    assert.equal(await page.textContent('nav.depth [aria-current="true"]'), '2');
    const depth2 = await page.locator('svg.kiosque-graph a').count();
    assert.ok(depth2 > SERVICE.graphNodes.length, `depth 2 draws more than depth 1 (${depth2})`);
    await Promise.all([page.waitForURL(/depth=1/), page.click('nav.depth a:text-is("1")')]);
    assert.equal(await page.locator('svg.kiosque-graph a').count(), SERVICE.graphNodes.length);
  } finally {
    await context.close();
  }
});

test('an unknown entity answers a page that says so', async () => {
  const { context, page } = await openPage(chrome.browser, '/');
  try {
    const response = await page.goto('/catalog/default/component/no-such-service');
    assert.equal(response.status(), 404);
    assert.equal(await page.textContent('h1'), 'Page not found');
    assert.equal(await page.getAttribute('main a', 'href'), '/catalog');
  } finally {
    await context.close();
  }
});
