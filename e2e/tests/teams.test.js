// The teams overview (Team Topologies map and types) and a team's page.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPage, texts, useBrowser } from '../lib/browser.js';
import { INTERACTIONS, PAYMENTS_TEAM as TEAM, TEAM_TYPE_LABELS, TEAMS_BY_TYPE } from '../lib/example.js';

const chrome = useBrowser();

test('the teams overview draws the Team Topologies map with its interactions', async () => {
  const { context, page } = await openPage(chrome.browser, '/teams');
  try {
    assert.equal(await page.textContent('h1'), 'Teams');
    const map = page.locator('section[aria-labelledby="teams-map"] svg.kiosque-graph');
    assert.equal(await map.count(), 1);
    const teamCount = Object.values(TEAMS_BY_TYPE).flat().length;
    assert.equal(await map.locator('a').count(), teamCount, 'one node per typed team');
    for (const type of Object.keys(TEAMS_BY_TYPE)) {
      assert.equal(await map.locator(`.node.${type}`).count(), TEAMS_BY_TYPE[type].length, type);
    }
    for (const [mode, count] of Object.entries(INTERACTIONS)) {
      assert.equal(await map.locator(`path.edge.${mode}`).count(), count, `${mode} edges`);
    }
    assert.deepEqual(await texts(page, 'ul.legend li'), ['Collaboration', 'Facilitating', 'X-as-a-service']);

    // Nodes are links to the teams.
    await Promise.all([
      page.waitForURL('**/catalog/default/group/fraud-scoring-team'),
      map.locator('a[href="/catalog/default/group/fraud-scoring-team"]').click(),
    ]);
    assert.equal(await page.textContent('h1'), 'Fraud Scoring');
  } finally {
    await context.close();
  }
});

test('the teams overview lists every team under its type', async () => {
  const { context, page } = await openPage(chrome.browser, '/teams');
  try {
    for (const [type, titles] of Object.entries(TEAMS_BY_TYPE)) {
      const column = page.locator(`section[aria-labelledby="type-${type}"]`);
      assert.equal(await column.locator('h2').textContent(), TEAM_TYPE_LABELS[type]);
      assert.deepEqual((await texts(column, 'li a')).sort(), [...titles].sort(), type);
    }
  } finally {
    await context.close();
  }
});

test('a team page shows its type, parent, members, interactions and what it owns', async () => {
  const { context, page } = await openPage(chrome.browser, TEAM.path);
  try {
    assert.equal(await page.textContent('h1'), TEAM.title);
    assert.equal(await page.textContent('.entity-head .badge.team-stream-aligned'), 'Stream-aligned');
    const team = page.locator('section[aria-labelledby="team"]');
    assert.deepEqual(await texts(team, 'h3:has-text("Part of") + ul a'), [TEAM.parent]);
    const members = await team
      .locator('h3:has-text("Members") + ul a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(members.sort(), TEAM.members);
    assert.equal(await team.locator('h3:has-text("Members") .count').textContent(), String(TEAM.members.length));
    assert.deepEqual((await texts(team, 'h3:has-text("Interactions") + ul li')).sort(), [...TEAM.interactions].sort());
    assert.equal(await page.textContent('.relations h3:has-text("Owns") .count'), String(TEAM.owns));

    await Promise.all([
      page.waitForURL('**/catalog/default/group/fraud-scoring-team'),
      team.locator('a:text-is("Fraud Scoring")').click(),
    ]);
    assert.equal(await page.textContent('.entity-head .badge.team-complicated-subsystem'), 'Complicated subsystem');
  } finally {
    await context.close();
  }
});
