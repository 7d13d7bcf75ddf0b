// Search from the header: ranked results with the matches highlighted,
// each leading to its entity.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPage, pathOf, texts, useBrowser } from '../lib/browser.js';

const chrome = useBrowser();

/** Entity results; docs pages have their own section. */
const ENTITIES = 'section[aria-labelledby="search-entities"] ol.results > li';

test('the header search box finds entities, highlights the words and opens a result', async () => {
  const { context, page } = await openPage(chrome.browser, '/teams');
  try {
    await page.fill('#top-search', 'kyc');
    await Promise.all([page.waitForURL('**/search?q=kyc'), page.press('#top-search', 'Enter')]);
    assert.equal(await page.textContent('h1'), 'Search');
    assert.equal(await page.inputValue('#top-search'), 'kyc', 'the header box keeps the query');
    assert.equal(await page.inputValue('#search-q'), 'kyc');

    const titles = await texts(page, `${ENTITIES} > a`);
    // Every entity named kyc-… (repos/digital-factory/kyc/catalog-info.yaml).
    for (const title of ['KYC Service', 'KYC Verification API', 'KYC Events', 'KYC database']) {
      assert.ok(titles.includes(title), `${title} in ${JSON.stringify(titles)}`);
    }
    const marks = await texts(page, 'ol.results mark');
    assert.ok(marks.length >= 4, 'matches are marked');
    assert.ok(marks.every((m) => m.toLowerCase() === 'kyc'), `marked: ${JSON.stringify(marks)}`);
    assert.match(await page.textContent('section[aria-labelledby="search-entities"] p.summary'), /results/);

    const entities = page.locator('section[aria-labelledby="search-entities"]');
    await Promise.all([
      page.waitForURL('**/catalog/default/component/kyc-service'),
      entities.getByRole('link', { name: 'KYC Service', exact: true }).click(),
    ]);
    assert.equal(await page.textContent('h1'), 'KYC Service');
  } finally {
    await context.close();
  }
});

test('search marks the start of words in titles shown in the reader\'s language', async () => {
  // "fabri" begins fabrique-digitale's name; its French title is
  // "Fabrique digitale".
  const { context, page } = await openPage(chrome.browser, '/search?q=fabri', { lang: 'fr' });
  try {
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    const titles = await texts(page, `${ENTITIES} > a`);
    assert.ok(titles.includes('Fabrique digitale'), JSON.stringify(titles));
    const marks = await texts(page, `${ENTITIES} > a mark`);
    assert.ok(marks.includes('Fabri'), JSON.stringify(marks));
  } finally {
    await context.close();
  }
});

test('an empty search shows the form and no results', async () => {
  const { context, page } = await openPage(chrome.browser, '/search?q=');
  try {
    assert.equal(await page.locator('ol.results').count(), 0);
    assert.equal(pathOf(page), '/search?q=');
    assert.ok(await page.isVisible('#search-q'));
  } finally {
    await context.close();
  }
});
