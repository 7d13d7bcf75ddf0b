// What's new: the platform team's announcements, on the home page until
// read, on their own page newest first, and as an Atom feed.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPage, texts, useBrowser } from '../lib/browser.js';

const chrome = useBrowser();

// examples/acme-bank/news/*.md, newest first: the first heading of each.
const TITLES = ['The team map is live', 'Your docs, next to your service', 'Every service in one catalog'];
const TITLES_FR = [
  'La carte des équipes est en ligne',
  'Votre documentation, à côté de votre service',
  'Tous les services dans un seul catalogue',
];
const DATES = ['2026-11-20', '2026-11-02', '2026-10-05'];

test('announcements show on the home page until they are read', async () => {
  const { context, page } = await openPage(chrome.browser, '/');
  try {
    const panel = page.locator('section[aria-labelledby="home-news"]');
    assert.deepEqual(await texts(panel, 'li a'), TITLES);
    await Promise.all([page.waitForURL('**/whats-new'), panel.locator('a.more').click()]);

    assert.equal(await page.getAttribute('header nav a[aria-current="page"]', 'href'), '/whats-new');
    assert.deepEqual(await texts(page, 'article.announcement h2'), TITLES);
    const dates = await page.locator('article.announcement time').evaluateAll((ts) => ts.map((t) => t.dateTime));
    assert.deepEqual(dates, DATES);

    // Read now: the home page no longer shows them.
    await page.goto('/');
    assert.equal(await panel.count(), 0);
  } finally {
    await context.close();
  }
});

test('announcements are in French for French readers, and in a feed', async () => {
  const { context, page } = await openPage(chrome.browser, '/whats-new', { lang: 'fr' });
  try {
    assert.deepEqual(await texts(page, 'article.announcement h2'), TITLES_FR);
    const feed = await context.request.get('/whats-new/feed.xml');
    assert.equal(feed.status(), 200);
    assert.match(feed.headers()['content-type'], /atom\+xml/);
    const xml = await feed.text();
    assert.equal(xml.match(/<entry>/g)?.length, TITLES.length);
  } finally {
    await context.close();
  }
});
