// The quality sweep over every main page of the portal, for one device:
// in the light and the dark theme, no axe-core violation of serious or
// critical impact and, on a phone, no sideways scrolling of the page; a
// full-page screenshot of each for reviewers
// (artifacts/screenshots/PAGE-THEME-DEVICE.png).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BLOCKING, axeViolations, describe } from './axe.js';
import { newContext, screenshot } from './browser.js';

export const PAGES = {
  home: '/',
  catalog: '/catalog',
  'catalog-filtered': '/catalog?kind=component&q=service&sort=name',
  entity: '/catalog/default/component/payments-service',
  api: '/catalog/default/api/payments-api',
  system: '/catalog/default/system/sepa-payments',
  team: '/catalog/default/group/payments-team',
  teams: '/teams',
  graph: '/catalog/default/component/payments-service/graph',
  search: '/search?q=payment',
  docs: '/docs',
  'docs-page': '/docs/default/component/payments-service',
  'api-definition': '/catalog/default/api/payments-api/definition',
  'asyncapi-definition': '/catalog/default/api/payment-events-api/definition',
  'whats-new': '/whats-new',
  delivery: '/delivery',
  'delivery-team': '/delivery/teams/payments-team',
  'delivery-service': '/delivery/services/payments-service',
  surveys: '/surveys',
  'survey-form': '/surveys/developer-experience',
  'survey-results': '/surveys/developer-experience/results',
  'sign-in': '/sign-in',
  'not-found': '/catalog/default/component/no-such-thing',
};

/** One test per theme, one subtest per page. */
export function sweep(chrome, device, viewport) {
  const phone = device === 'phone';
  for (const theme of ['light', 'dark']) {
    test(`every page in the ${theme} theme on a ${device}`, async (t) => {
      const context = await newContext(chrome.browser, { theme, viewport, isMobile: phone, hasTouch: phone });
      const page = await context.newPage();
      try {
        for (const [name, url] of Object.entries(PAGES)) {
          await t.test(`${name} (${theme}, ${device})`, async () => {
            const response = await page.goto(url);
            assert.equal(response.status(), name === 'not-found' ? 404 : 200, url);
            assert.equal(await page.getAttribute('html', 'data-theme'), theme);
            await screenshot(page, `${name}-${theme}-${device}`);
            const problems = [];
            const blocking = (await axeViolations(page)).filter((v) => BLOCKING.has(v.impact));
            if (blocking.length > 0) problems.push(`axe on ${url} (${theme}, ${device}):\n${describe(blocking)}`);
            if (phone) {
              const overflow = await sidewaysOverflow(page);
              if (overflow) problems.push(`${url} (${theme}) ${overflow}`);
            }
            if (problems.length > 0) assert.fail(problems.join('\n'));
          });
        }
      } finally {
        await context.close();
      }
    });
  }
}

/**
 * Whether the page scrolls sideways, and what sticks out. Graphs, wide
 * tables and code scroll inside their own boxes, never the page. (A
 * phone's layout viewport grows to fit what overflows, so the page's width
 * is compared with the screen's, clientWidth, not with innerWidth.)
 */
async function sidewaysOverflow(page) {
  const found = await page.evaluate(() => {
    const screen = document.documentElement.clientWidth;
    const label = (e) => e.tagName.toLowerCase() + [...e.classList].map((c) => `.${c}`).join('');
    const scrolls = (e) => e.closest('.graph-scroll, .table-wrap, pre');
    const tooWide = (e) => e.getBoundingClientRect().right > screen + 1 && !scrolls(e);
    // The innermost elements that stick out, with their parents.
    const culprits = [...document.querySelectorAll('main *')]
      .filter((e) => tooWide(e) && ![...e.children].some(tooWide))
      .slice(0, 5)
      .map((e) => {
        const path = [];
        for (let a = e.parentElement; a && a.tagName !== 'MAIN' && path.length < 4; a = a.parentElement) {
          path.unshift(label(a));
        }
        return `${[...path, label(e)].join(' > ')} (right edge at ${Math.round(e.getBoundingClientRect().right)}px)`;
      });
    return { width: document.documentElement.scrollWidth, screen, culprits };
  });
  if (found.width <= found.screen) return null;
  const where = found.culprits.join('\n  ');
  const size = `the page is ${found.width}px wide`;
  return `scrolls sideways on a ${found.screen}px wide phone: ${size}; sticking out:\n  ${where}`;
}
