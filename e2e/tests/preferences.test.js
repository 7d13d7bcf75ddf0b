// The reader's preferences: language (switch, cookie, Accept-Language) and
// theme (switch, kept across loads, the system's preference by default).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { newContext, openPage, pathOf, useBrowser } from '../lib/browser.js';

const chrome = useBrowser();

const DARK_BACKGROUND = 'rgb(13, 17, 23)';
const LIGHT_BACKGROUND = 'rgb(255, 255, 255)';

const background = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

test('the language switch brings the same page back in French, and French stays', async () => {
  const { context, page } = await openPage(chrome.browser, '/catalog/default/group/horizon-bank');
  try {
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('h1'), 'Horizon Bank');
    const link = page.locator('header a.lang');
    assert.equal(await link.textContent(), 'Français');
    assert.equal(await link.getAttribute('lang'), 'fr');

    await Promise.all([page.waitForURL('**/catalog/default/group/horizon-bank'), link.click()]);
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    // metadata.annotations["kiosque.io/title-fr"] of org/groups.yaml.
    assert.equal(await page.textContent('h1'), 'Banque Horizon');
    assert.equal(await page.title(), 'Banque Horizon · Kiosque');
    assert.equal(await page.textContent('header nav a[href="/teams"]'), 'Équipes');
    assert.equal(await page.textContent('header a.lang'), 'English');

    // The next page is French too, without asking again.
    await Promise.all([page.waitForURL('**/teams'), page.click('header nav a[href="/teams"]')]);
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    assert.equal(await page.textContent('h1'), 'Équipes');
    assert.ok(await page.isVisible('section[aria-labelledby="type-stream-aligned"] a:text-is("Banque au quotidien")'));

    // And back to English.
    await Promise.all([page.waitForURL('**/teams'), page.click('header a.lang')]);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('h1'), 'Teams');
  } finally {
    await context.close();
  }
});

test('a browser that prefers French gets French on its first visit', async () => {
  const { context, page } = await openPage(chrome.browser, '/catalog/default/component/payments-service', {
    locale: 'fr-FR',
  });
  try {
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    assert.equal(await page.textContent('h1'), 'Service des paiements');
    assert.equal(await page.textContent('.entity-head .owner a'), 'Paiements');
    assert.equal(await page.textContent('.entity-head .badge.kind-component'), 'Composant');
  } finally {
    await context.close();
  }
});

test('a chosen language wins over the browser\'s', async () => {
  const { context, page } = await openPage(chrome.browser, '/', { locale: 'fr-FR', lang: 'en' });
  try {
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('h1'), 'Find anything in your platform');
  } finally {
    await context.close();
  }
});

test('the theme switch turns the page dark at once, and the choice survives a reload', async () => {
  const { context, page } = await openPage(chrome.browser, '/catalog', { colorScheme: 'light' });
  try {
    assert.equal(await page.getAttribute('html', 'data-theme'), null);
    assert.equal(await background(page), LIGHT_BACKGROUND);
    await page.evaluate(() => {
      window.sameDocument = true;
    });

    await page.click('header a.theme');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    assert.equal(await background(page), DARK_BACKGROUND);
    assert.equal(await page.evaluate(() => window.sameDocument), true, 'switched without a page load');

    await page.reload();
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    assert.equal(await background(page), DARK_BACKGROUND);

    // Other pages are dark too, and the switch goes back to light.
    await page.goto('/teams');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    await page.click('header a.theme');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
    await page.reload();
    assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
    assert.equal(await background(page), LIGHT_BACKGROUND);
  } finally {
    await context.close();
  }
});

test('the system\'s dark preference applies until a theme is chosen', async () => {
  const context = await newContext(chrome.browser, { colorScheme: 'dark' });
  try {
    const page = await context.newPage();
    await page.goto('/');
    assert.equal(await page.getAttribute('html', 'data-theme'), null);
    assert.equal(await background(page), DARK_BACKGROUND);
    await page.click('header a.theme');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
    assert.equal(await background(page), LIGHT_BACKGROUND);
  } finally {
    await context.close();
  }
});

test('without JavaScript both switches still work, through the server', async () => {
  const { context, page } = await openPage(chrome.browser, '/catalog?kind=api', {
    javaScriptEnabled: false,
    colorScheme: 'light',
  });
  try {
    await Promise.all([page.waitForURL('**/catalog?kind=api'), page.click('header a.theme')]);
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    assert.equal(await background(page), DARK_BACKGROUND);

    await Promise.all([page.waitForURL('**/catalog?kind=api'), page.click('header a.lang')]);
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    assert.equal(await page.textContent('h1'), 'Catalogue');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark', 'the theme is kept');
    assert.equal(pathOf(page), '/catalog?kind=api', 'the switch comes back to the same view');
  } finally {
    await context.close();
  }
});
