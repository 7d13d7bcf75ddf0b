// The catalog list: facets, instant text filter, sorting and pages, with
// the script (no page load, filters in the address) and without it (the
// form submits).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPage, pathOf, texts, useBrowser } from '../lib/browser.js';
import { COMPONENT_LIFECYCLES, COUNTS, TOTAL } from '../lib/example.js';

const chrome = useBrowser();

const summary = (page) => page.textContent('#catalog-results .summary');
const rows = (page) => page.locator('#catalog-results tbody tr');

/** Waits until the results say `first–last of total`. */
async function waitForRange(page, first, last, total) {
  const expected = `${first}–${last} of ${total}`;
  await page.waitForFunction(
    (text) => document.querySelector('#catalog-results .summary')?.textContent.trim() === text,
    expected,
  );
}

function searchParams(page) {
  return new URL(page.url()).searchParams;
}

/** The kinds the address filters by (kinds are case-insensitive). */
function kinds(page) {
  return searchParams(page).getAll('kind').map((k) => k.toLowerCase());
}

/** The entity names of the rows, from their links. */
async function rowNames(page) {
  const links = page.locator('#catalog-results tbody th a');
  const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  return hrefs.map((h) => decodeURIComponent(h.split('/').pop()));
}

test('facets filter the list in place and keep the filters in the address', async () => {
  const { context, page } = await openPage(chrome.browser, '/catalog');
  try {
    await waitForRange(page, 1, 50, TOTAL);
    // Set on this document only: a full page load would lose it.
    await page.evaluate(() => {
      window.sameDocument = true;
    });

    await page.click('label[for="f-kind-Component"]');
    await waitForRange(page, 1, COUNTS.Components, COUNTS.Components);
    assert.deepEqual(kinds(page), ['component']);
    assert.equal(await rows(page).count(), COUNTS.Components);
    assert.deepEqual(new Set(await texts(page, '#catalog-results tbody td:nth-child(2)')), new Set(['Component']));

    // The lifecycle facet now counts components only.
    for (const [lifecycle, count] of Object.entries(COMPONENT_LIFECYCLES)) {
      assert.equal(await page.textContent(`label[for="f-lifecycle-${lifecycle}"] .count`), String(count), lifecycle);
    }
    await page.click('label[for="f-lifecycle-experimental"]');
    await waitForRange(page, 1, COMPONENT_LIFECYCLES.experimental, COMPONENT_LIFECYCLES.experimental);
    assert.deepEqual(kinds(page), ['component']);
    assert.deepEqual(searchParams(page).getAll('lifecycle'), ['experimental']);
    assert.deepEqual((await rowNames(page)).sort(), ['fraud-model-training', 'observability-sdk']);
    assert.ok(await page.isChecked('#f-kind-Component'));
    assert.ok(await page.isChecked('#f-lifecycle-experimental'));
    assert.equal(await page.evaluate(() => window.sameDocument), true, 'no page load');

    // The address is a shareable view: opened afresh, it shows the same.
    const shared = pathOf(page);
    const other = await context.newPage();
    await other.goto(shared);
    assert.equal((await summary(other)).trim(), `1–2 of 2`);
    assert.ok(await other.isChecked('#f-lifecycle-experimental'));

    // Unticking a value widens the list again.
    await page.click('label[for="f-lifecycle-experimental"]');
    await waitForRange(page, 1, COUNTS.Components, COUNTS.Components);
    assert.deepEqual(searchParams(page).getAll('lifecycle'), []);
  } finally {
    await context.close();
  }
});

test('the text filter narrows the list while typing', async () => {
  const { context, page } = await openPage(chrome.browser, '/catalog');
  try {
    await page.evaluate(() => {
      window.sameDocument = true;
    });
    // `camunda` is a tag of mortgage-origination only.
    await page.locator('#catalog-q').pressSequentially('camunda', { delay: 20 });
    await waitForRange(page, 1, 1, 1);
    assert.deepEqual(await rowNames(page), ['mortgage-origination']);
    assert.equal(searchParams(page).get('q'), 'camunda');
    assert.equal(await page.inputValue('#catalog-q'), 'camunda', 'the text box keeps what was typed');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'catalog-q', 'and keeps the focus');
    assert.equal(await page.evaluate(() => window.sameDocument), true, 'no page load');

    // A word matched in the title is highlighted.
    await page.fill('#catalog-q', 'ledger');
    await page.waitForFunction(() => document.querySelectorAll('#catalog-results tbody th mark').length > 0);
    const marked = await texts(page, '#catalog-results tbody th mark');
    assert.ok(marked.every((m) => m.toLowerCase() === 'ledger'), `marks: ${marked}`);
  } finally {
    await context.close();
  }
});

test('columns sort both ways and say so', async () => {
  const { context, page } = await openPage(chrome.browser, '/catalog?kind=component');
  try {
    const nameHeader = page.locator('thead th:has(a:text-is("Name"))');
    assert.equal(await nameHeader.getAttribute('aria-sort'), null);
    await Promise.all([page.waitForURL(/sort=name/), nameHeader.locator('a').click()]);
    assert.equal(await page.locator('thead th:has(a:text-is("Name"))').getAttribute('aria-sort'), 'ascending');
    const ascending = await rowNames(page);
    assert.equal(ascending.length, COUNTS.Components);
    assert.deepEqual(ascending, [...ascending].sort());
    assert.equal(ascending[0], 'accounts-service');
    assert.deepEqual(kinds(page), ['component'], 'sorting keeps the filters');

    await Promise.all([
      page.waitForURL(/dir=desc/),
      page.locator('thead th:has(a:text-is("Name")) a').click(),
    ]);
    assert.equal(await page.locator('thead th:has(a:text-is("Name"))').getAttribute('aria-sort'), 'descending');
    const descending = await rowNames(page);
    assert.deepEqual(descending, [...ascending].reverse());
    assert.equal(descending[0], 'web-banking');
  } finally {
    await context.close();
  }
});

test('the list is paginated', async () => {
  const { context, page } = await openPage(chrome.browser, '/catalog?sort=name');
  try {
    assert.equal((await summary(page)).trim(), `1–50 of ${TOTAL}`);
    assert.equal(await rows(page).count(), 50);
    assert.equal(await page.locator('.pager a[rel="prev"]').count(), 0);
    const firstPage = await rowNames(page);

    await Promise.all([page.waitForURL(/page=2/), page.click('.pager a[rel="next"]')]);
    assert.equal((await summary(page)).trim(), `51–${TOTAL} of ${TOTAL}`);
    assert.equal(await rows(page).count(), TOTAL - 50);
    assert.equal(await page.locator('.pager a[rel="next"]').count(), 0);
    const secondPage = await rowNames(page);
    assert.equal(searchParams(page).get('sort'), 'name');
    assert.ok(firstPage.at(-1) < secondPage[0], 'the second page goes on where the first stopped');
    assert.equal(new Set([...firstPage, ...secondPage]).size, TOTAL);

    await Promise.all([page.waitForURL((url) => !url.searchParams.has('page')), page.click('.pager a[rel="prev"]')]);
    assert.deepEqual(await rowNames(page), firstPage);
  } finally {
    await context.close();
  }
});

test('without JavaScript the filters apply when the form is submitted', async () => {
  const { context, page } = await openPage(chrome.browser, '/catalog', { javaScriptEnabled: false });
  try {
    await page.check('#f-kind-Component');
    await Promise.all([page.waitForURL(/kind=component/i), page.click('#catalog-filters button[type="submit"]')]);
    assert.equal((await summary(page)).trim(), `1–${COUNTS.Components} of ${COUNTS.Components}`);
    assert.ok(await page.isChecked('#f-kind-Component'));

    await page.check('#f-lifecycle-deprecated');
    await Promise.all([page.waitForURL(/lifecycle=deprecated/), page.click('#catalog-filters button[type="submit"]')]);
    assert.deepEqual(await rowNames(page), ['mainframe-gateway']);

    await page.uncheck('#f-lifecycle-deprecated');
    await page.fill('#catalog-q', 'camunda');
    await Promise.all([page.waitForURL(/q=camunda/), page.press('#catalog-q', 'Enter')]);
    assert.deepEqual(await rowNames(page), ['mortgage-origination']);
    assert.deepEqual(kinds(page), ['component']);

    await Promise.all([
      page.waitForURL((url) => url.search === ''),
      page.click('#catalog-filters a:text-is("Clear all")'),
    ]);
    assert.equal((await summary(page)).trim(), `1–50 of ${TOTAL}`);
  } finally {
    await context.close();
  }
});
