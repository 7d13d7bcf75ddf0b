// Home: what the catalog holds and the organisation's teams; the shell's
// navigation by keyboard.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPage, pathOf, texts, useBrowser } from '../lib/browser.js';
import { COUNTS, TEAM_TYPE_LABELS, TEAMS_BY_TYPE, TOTAL } from '../lib/example.js';

const chrome = useBrowser();

test('home shows how many entities of each kind the catalog holds', async () => {
  const { context, page } = await openPage(chrome.browser, '/');
  try {
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.match(await page.title(), /Kiosque/);
    assert.match(await page.textContent('.hero .lead'), new RegExp(`^\\s*${TOTAL} entities`));
    const cards = await page.locator('ul.cards a.card').evaluateAll((links) =>
      links.map((a) => [a.querySelector('.label').textContent.trim(), a.querySelector('.count').textContent.trim()]),
    );
    const shown = Object.fromEntries(cards);
    const expected = Object.fromEntries(Object.entries(COUNTS).map(([k, v]) => [k, String(v)]));
    assert.deepEqual(shown, expected);

    // A card leads to the catalog filtered by its kind.
    await page.click('ul.cards a.card:has(.label:text-is("Components"))');
    await page.waitForURL('**/catalog?kind=component');
    assert.match(await page.textContent('#catalog-results .summary'), /of 18\b/);
  } finally {
    await context.close();
  }
});

test('home lists the teams under their Team Topologies type', async () => {
  const { context, page } = await openPage(chrome.browser, '/');
  try {
    const section = page.locator('section[aria-labelledby="home-teams"]');
    const headings = await texts(section, 'h3');
    assert.deepEqual(headings, Object.values(TEAM_TYPE_LABELS));
    for (const [type, titles] of Object.entries(TEAMS_BY_TYPE)) {
      const list = section.locator(`h3:has(.team-${type}) + ul`);
      const names = await texts(list, 'li a');
      assert.deepEqual([...names].sort(), [...titles].sort(), `teams of type ${type}`);
    }
    await section.locator('a.more').click();
    await page.waitForURL('**/teams');
  } finally {
    await context.close();
  }
});

test('the skip link is the first stop of the keyboard and moves focus to the content', async () => {
  const { context, page } = await openPage(chrome.browser, '/catalog');
  try {
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => ({
      className: document.activeElement.className,
      href: document.activeElement.getAttribute('href'),
      visible: document.activeElement.getBoundingClientRect().left >= 0,
    }));
    assert.deepEqual(first, { className: 'skip', href: '#main', visible: true });
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    // The next Tab starts inside the content, not back in the header.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.closest('main')?.id), 'main');
  } finally {
    await context.close();
  }
});

test('the main navigation works from the keyboard', async () => {
  const { context, page } = await openPage(chrome.browser, '/');
  try {
    assert.equal(await page.getAttribute('header nav a[aria-current="page"]', 'href'), '/');
    // Tab forward until the Teams link has the focus, then follow it.
    let reached = false;
    for (let i = 0; i < 12 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement.matches('header nav a[href="/teams"]'));
    }
    assert.ok(reached, 'the Teams link is reachable with Tab');
    await Promise.all([page.waitForURL('**/teams'), page.keyboard.press('Enter')]);
    assert.equal(pathOf(page), '/teams');
    assert.equal(await page.getAttribute('header nav a[aria-current="page"]', 'href'), '/teams');
    assert.equal(await page.textContent('h1'), 'Teams');
  } finally {
    await context.close();
  }
});
