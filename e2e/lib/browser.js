// Headless Chromium against a running `kiosque serve --example`.
//
// The browser is the system's (Debian's `chromium` package): no test tool
// downloads one. `KIOSQUE_URL` names the server (scripts/browser-test starts
// one), `CHROMIUM` the browser binary, `KIOSQUE_SCREENSHOTS` where pictures
// for reviewers go.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

export const BASE_URL = (() => {
  const url = process.env.KIOSQUE_URL;
  if (!url) {
    throw new Error('KIOSQUE_URL is not set: run the browser tests with scripts/browser-test');
  }
  return url.replace(/\/+$/, '');
})();

export const SCREENSHOTS = process.env.KIOSQUE_SCREENSHOTS || path.join(here, '..', '..', 'artifacts', 'screenshots');

// The background-networking switches keep Chromium from calling home: on a
// closed network those connections are refused and slow everything down.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Launches one browser for the test file that calls it, closed after. */
export function useBrowser() {
  const handle = { browser: null };
  before(async () => {
    handle.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ARGS,
    });
  });
  after(async () => {
    await handle.browser?.close();
  });
  return handle;
}

/**
 * A fresh context (own cookies) on the server. `theme` and `lang` preset
 * the portal's preference cookies; other options go to Playwright.
 */
export async function newContext(browser, { theme, lang, ...options } = {}) {
  const context = await browser.newContext({ baseURL: BASE_URL, viewport: DESKTOP, locale: 'en-GB', ...options });
  const cookies = [];
  if (theme) cookies.push({ name: 'kiosque_theme', value: theme, url: BASE_URL });
  if (lang) cookies.push({ name: 'kiosque_lang', value: lang, url: BASE_URL });
  if (cookies.length) await context.addCookies(cookies);
  context.setDefaultTimeout(10_000);
  return context;
}

/** A new page in a fresh context; close the context when done. */
export async function openPage(browser, url, options = {}) {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  const response = await page.goto(url);
  if (!response || response.status() !== 200) {
    throw new Error(`GET ${url} answered ${response ? response.status() : 'nothing'}`);
  }
  return { context, page };
}

/** The path and query of the page's address. */
export function pathOf(page) {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

/** The trimmed, whitespace-collapsed text of every element matching `selector`. */
export async function texts(page, selector) {
  return page.locator(selector).evaluateAll((nodes) => nodes.map((n) => n.textContent.replace(/\s+/g, ' ').trim()));
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
