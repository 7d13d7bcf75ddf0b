// Docs rendered from the components' Markdown (navigation, table of
// contents, relative links), docs in search, and API definitions.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPage, pathOf, texts, useBrowser } from '../lib/browser.js';

const chrome = useBrowser();

const DOCS = '/docs/default/component/payments-service';

test('the docs index lists every component that has docs', async () => {
  const { context, page } = await openPage(chrome.browser, '/docs');
  try {
    // The six components with a backstage.io/techdocs-ref annotation and a
    // docs/ folder (examples/acme-bank/README.md).
    assert.deepEqual((await texts(page, 'ul.doc-list > li > a')).sort(), [
      'Accounts Service',
      'Electronic Document Management (GED)',
      'Fraud Scoring Service',
      'KYC Service',
      'Ledger Core',
      'Payments Service',
    ]);
    await Promise.all([page.waitForURL(`**${DOCS}`), page.click('ul.doc-list a:text-is("Payments Service")')]);
    assert.equal(await page.textContent('article h1'), 'Payments Service');
  } finally {
    await context.close();
  }
});

test('a docs page has its site navigation, a table of contents and working relative links', async () => {
  const { context, page } = await openPage(chrome.browser, DOCS);
  try {
    assert.equal(await page.getAttribute('header nav a[aria-current="page"]', 'href'), '/docs');
    // repos/payments-service/mkdocs.yml's nav.
    assert.deepEqual(await texts(page, '.docs-nav a'), ['Getting started', 'Architecture']);
    assert.equal(await page.textContent('.docs-nav a[aria-current="page"]'), 'Getting started');
    // The second-level headings of docs/index.md.
    assert.deepEqual(await texts(page, '.docs-toc a'), ['Getting started', 'Service levels', 'Where to go next']);
    assert.equal(await page.locator('article table').count(), 1, 'the service levels table');

    // The table of contents jumps to its heading.
    await page.click('.docs-toc a:text-is("Service levels")');
    await page.waitForFunction(() => location.hash === '#service-levels');
    assert.ok(await page.locator('#service-levels').isVisible());
    assert.ok(await page.locator('#service-levels').evaluate((h) => h.getBoundingClientRect().top < innerHeight));

    // `[architecture](architecture.md)` leads to the rendered page.
    await Promise.all([
      page.waitForURL(`**${DOCS}/architecture`),
      page.click('article a:text-is("architecture")'),
    ]);
    assert.equal(await page.textContent('article h1'), 'Architecture');
    assert.equal(await page.title(), 'Architecture · Payments Service · Kiosque');
    assert.equal(await page.textContent('.docs-nav a[aria-current="page"]'), 'Architecture');
    assert.deepEqual(await texts(page, '.docs-toc a'), ['The transfer saga', 'Fraud check']);

    // And `[getting started](index.md)` back.
    await Promise.all([page.waitForURL(`**${DOCS}`), page.click('article a:text-is("getting started")')]);
    assert.equal(await page.textContent('article h1'), 'Payments Service');
  } finally {
    await context.close();
  }
});

test('an entity without docs says so', async () => {
  const { context, page } = await openPage(chrome.browser, '/');
  try {
    const response = await page.goto('/docs/default/component/web-banking');
    assert.equal(response.status(), 404);
    assert.equal(await page.textContent('h1'), 'No docs here');
    assert.equal(await page.getAttribute('main a', 'href'), '/catalog/default/component/web-banking');
  } finally {
    await context.close();
  }
});

test('search finds docs pages and highlights the words in them', async () => {
  // "saga" appears in the docs of payments-service only.
  const { context, page } = await openPage(chrome.browser, '/search?q=saga');
  try {
    const docs = page.locator('section[aria-labelledby="search-docs"] ol.results > li');
    const links = await docs.locator('> a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(links.includes(`${DOCS}/architecture`), JSON.stringify(links));
    const marks = await texts(docs, 'mark');
    assert.ok(marks.length > 0 && marks.every((m) => m.toLowerCase() === 'saga'), JSON.stringify(marks));
    await Promise.all([
      page.waitForURL(`**${DOCS}/architecture`),
      docs.locator(`> a[href="${DOCS}/architecture"]`).click(),
    ]);
    assert.equal(await page.textContent('article h1'), 'Architecture');
  } finally {
    await context.close();
  }
});

test('an API page leads to its definition, with every operation', async () => {
  const { context, page } = await openPage(chrome.browser, '/catalog/default/api/payments-api');
  try {
    await Promise.all([
      page.waitForURL('**/catalog/default/api/payments-api/definition'),
      page.click('a.button:text-is("API definition")'),
    ]);
    assert.equal(await page.textContent('h1'), 'API definition: SEPA Payments API');
    // repos/payments-service/openapi.yaml.
    assert.match(await page.textContent('.k-api-title'), /Horizon Bank SEPA Payments API/);
    assert.match(await page.textContent('.k-api-version'), /4\.2\.0/);
    const operations = await page.locator('.k-api-operation').evaluateAll((sections) =>
      sections.map((s) => [
        s.querySelector('.k-api-method').textContent.trim().toUpperCase(),
        s.querySelector('.k-api-path').textContent.trim(),
      ].join(' ')),
    );
    assert.deepEqual(operations.sort(), [
      'DELETE /standing-orders/{standingOrderId}',
      'GET /standing-orders',
      'GET /transfers',
      'GET /transfers/{transferId}',
      'POST /payee-verifications',
      'POST /standing-orders',
      'POST /transfers',
      'POST /transfers/{transferId}/cancellation',
    ]);
    assert.ok(
      (await texts(page, '.k-api-operation-summary')).some((s) => s.startsWith('Initiate a SEPA credit transfer')),
    );
    assert.ok((await page.locator('.k-api-schemas .k-api-schema').count()) > 0, 'schemas are listed');

    // The breadcrumbs lead back to the API.
    await Promise.all([
      page.waitForURL('**/catalog/default/api/payments-api'),
      page.click('nav.breadcrumbs a:text-is("SEPA Payments API")'),
    ]);
    assert.equal(pathOf(page), '/catalog/default/api/payments-api');
  } finally {
    await context.close();
  }
});

test('an AsyncAPI definition shows its channels', async () => {
  const { context, page } = await openPage(chrome.browser, '/catalog/default/api/payment-events-api/definition');
  try {
    assert.equal(await page.textContent('h1'), 'API definition: Payment Events');
    // repos/payments-service/asyncapi.yaml's single channel.
    assert.deepEqual(await texts(page, '.k-api-channel > h3 code'), ['payments.transfer-events.v1']);
  } finally {
    await context.close();
  }
});
