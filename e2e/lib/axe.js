// axe-core in the page under test, and a readable account of what it finds.
//
// The pages' content security policy allows scripts from the site only, so
// axe's source cannot be added as a <script>. It is evaluated through the
// DevTools protocol instead (Playwright's page.evaluate, which the policy
// does not govern): the page is checked exactly as served, policy included,
// with no `bypassCSP`.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Impacts that fail a page. */
export const BLOCKING = new Set(['serious', 'critical']);

/** Runs axe over the whole document; returns its violations. */
export async function axeViolations(page) {
  const loaded = await page.evaluate(() => typeof window.axe === 'object');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const results = await window.axe.run(document, {
      resultTypes: ['violations'],
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
    }));
  });
}

/**
 * One paragraph per violation: rule, impact, the first offending elements,
 * then every distinct problem with how many elements have it (so that a
 * rule failing on a hundred elements reads as the two colours to change).
 */
export function describe(violations) {
  const SHOWN = 5;
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, SHOWN)
        .map((n) => `    - ${n.target}\n      ${n.html.slice(0, 160).replace(/\n/g, ' ')}`)
        .join('\n');
      const more = v.nodes.length > SHOWN ? `\n    … and ${v.nodes.length - SHOWN} more` : '';
      const problems = new Map();
      for (const n of v.nodes) {
        const kind = (n.html.match(/^<([\w-]+)(?:[^>]*\bclass="([^"]*)")?/) || []).slice(1).filter(Boolean).join('.');
        const fixes = (n.summary || '').split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
        const key = `${fixes.join('; ')} [<${kind}>]`;
        problems.set(key, (problems.get(key) || 0) + 1);
      }
      const distinct = [...problems].map(([p, count]) => `    * ${count}× ${p}`).join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} element(s))\n${nodes}${more}\n${distinct}`;
    })
    .join('\n');
}
