// Developer-satisfaction surveys: sign in (the example uses guest sign-in),
// answer once per period, see results only for large enough groups, export.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPage, pathOf, screenshot, texts, useBrowser } from '../lib/browser.js';

const chrome = useBrowser();

const SURVEY = '/surveys/developer-experience';

// Signs in as a catalog user through the guest sign-in page, from `from`.
async function signIn(page, from, filter, name) {
  await page.goto(from);
  await Promise.all([page.waitForURL('**/sign-in?**'), page.getByRole('link', { name: 'Sign in to answer' }).click()]);
  await page.getByLabel('Find yourself').fill(filter);
  await Promise.all([page.waitForURL('**/sign-in?**q=**'), page.getByRole('button', { name: 'Filter' }).click()]);
  await Promise.all([page.waitForURL(`**${from}`), page.getByRole('button', { name }).click()]);
}

test('a person signs in, answers once, and cannot answer twice', async () => {
  const { context, page } = await openPage(chrome.browser, '/surveys');
  try {
    assert.deepEqual(await texts(page, 'main h2'), ['Developer experience']);
    await signIn(page, '/surveys', 'amelie', 'Amélie Laurent');
    assert.match(await page.locator('p.person').innerText(), /Answering as Amélie Laurent/);
    const status = await page.locator('.status').innerText();
    const period = status.match(/\d{4}-Q[1-4]/)?.[0];
    assert.ok(period, `no open quarter in "${status}"`);

    await Promise.all([page.waitForURL(`**${SURVEY}`), page.getByRole('link', { name: 'Answer', exact: true }).click()]);
    // Nothing answered: refused, with a summary that says why.
    await page.getByRole('button', { name: 'Send my answers' }).click();
    assert.equal(await page.locator('#survey-errors li').innerText(), 'Answer at least one question.');

    await page.getByRole('radio', { name: /^4$/ }).first().check();
    await page.getByRole('radio', { name: '5 – Fully confident' }).check();
    await page.getByLabel('What should the platform team improve first, and why?').fill('Faster pipelines, please.');
    await screenshot(page, 'survey-form');
    await Promise.all([page.waitForURL(`**${SURVEY}?thanks`), page.getByRole('button', { name: 'Send my answers' }).click()]);
    assert.match(await page.locator('p.notice[role="status"]').innerText(), new RegExp(`Your answers are recorded\\. You have answered for ${period}`));
    assert.equal(await page.locator('form.survey').count(), 0);

    // Back on the list: answered, no more "Answer" button.
    await page.goto('/surveys');
    assert.match(await page.locator('.status').innerText(), new RegExp(`You have answered for ${period}`));
    assert.equal(await page.getByRole('link', { name: 'Answer', exact: true }).count(), 0);

    // Posting the form again records nothing more and lands on the answered page.
    const again = await context.request.post(SURVEY, {
      form: { 'ease-of-shipping': '1' },
      headers: { origin: new URL(page.url()).origin },
      maxRedirects: 0,
    });
    assert.equal(again.status(), 303);
    assert.equal(again.headers().location, SURVEY);
  } finally {
    await context.close();
  }
});

test('a form posted from another site is refused', async () => {
  const { context, page } = await openPage(chrome.browser, '/surveys');
  try {
    await signIn(page, '/surveys', 'lucas', 'Lucas Bernard');
    const forged = await context.request.post(SURVEY, {
      form: { 'ease-of-shipping': '1' },
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      maxRedirects: 0,
    });
    assert.equal(forged.status(), 403);
    // Still unanswered.
    await page.goto(SURVEY);
    assert.equal(await page.locator('form.survey').count(), 1);
  } finally {
    await context.close();
  }
});

test('results show large enough groups only, and export as CSV', async () => {
  const { context, page } = await openPage(chrome.browser, `${SURVEY}/results`);
  try {
    // The open period shows nothing yet, and says until when it takes answers.
    assert.match(await page.locator('main p.notice').first().innerText(), /^\d{4}-Q[1-4] is taking answers until \d{4}-\d{2}-\d{2}/);
    // The organisation over time: one row per closed period, a mean for each question.
    const trend = await texts(page, 'section[aria-labelledby="survey-trend"] tbody th');
    assert.ok(trend.length >= 2, `closed periods: ${trend}`);
    // The latest closed period: the organisation's figures, and small teams withheld.
    const latest = page.locator('section[aria-labelledby^="period-"]');
    assert.equal(await latest.count(), 1);
    const organisation = latest.locator('tbody tr').first();
    assert.equal(await organisation.locator('th').innerText(), 'Whole organisation');
    assert.match(await organisation.locator('td').nth(1).innerText(), /^[1-5]\.\d /);
    // Questions are numbered in the tables, named in full for screen readers.
    assert.equal(await latest.locator('thead abbr').first().getAttribute('aria-label'), 'How easy is it to take a change from your machine to production?');
    assert.ok((await texts(page, '.hidden-result')).includes('not enough answers'));
    // Earlier periods are folded away.
    assert.ok((await page.locator('details.period').count()) >= 1);
    await screenshot(page, 'survey-results');

    const csv = await context.request.get(`${SURVEY}/results.csv`);
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()['content-type'], /text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    assert.match(lines[0], /^survey,period,scope,team,question,/);
    assert.ok(lines.length > 10);
  } finally {
    await context.close();
  }
});

test('surveys speak French', async () => {
  const { context, page } = await openPage(chrome.browser, '/surveys', { lang: 'fr' });
  try {
    assert.equal(await page.locator('main h1').innerText(), 'Enquêtes développeurs');
    assert.deepEqual(await texts(page, 'main h2'), ['Expérience développeur']);
    await page.goto(SURVEY);
    assert.equal(pathOf(page), SURVEY);
    assert.match(await page.locator('main').innerText(), /Connectez-vous pour répondre/);
  } finally {
    await context.close();
  }
});
