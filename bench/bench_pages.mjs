// How long each page of the console takes to open, in each language, on a
// demo registry of 20,000 weapons: `wam serve` on 127.0.0.1, Debian's
// Chromium (playwright-core from web/node_modules), an admin signed in.
// A page is opened as a person opens it, from the menu: the hash changes
// and the time runs until the page's heading is shown and its last request
// has answered (nothing more asked for 300 ms after it). Each page is
// opened --runs times in each language; p50 and p99 per page and language
// are printed, and the pages whose p99 passes --budget (0.5 s) are named.
// A benchmark, not a test: it always exits 0 once it has measured.
//
// usage: node bench/bench_pages.mjs [--weapons N] [--runs R] [--langs en,fr,...] [--budget S] [--json]
//        (WAM=build/wam; make bench-pages PAGES_ARGS="--runs 3")
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  USERS, chooseLanguage, launchBrowser, menuRoutes, removeRegistry, signInAs, startServer, wam, withPage,
} from '../web/tests/harness.mjs';

const opts = { weapons: 20000, runs: 5, langs: 'en,fr,es,ru,zh,ar', budget: 0.5, json: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i].replace(/^--/, '');
  if (a === 'json') opts.json = true;
  else if (a in opts) opts[a] = typeof opts[a] === 'number' ? Number(process.argv[++i]) : process.argv[++i];
  else {
    console.error('usage: node bench/bench_pages.mjs [--weapons N] [--runs R] [--langs en,fr,...] [--budget S] [--json]');
    process.exit(2);
  }
}
const langs = opts.langs.split(',');
const log = (...a) => console.error(...a);

/** The q-quantile (0..1) of sorted numbers, nearest rank. */
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

/** Opens route from wherever the console is; resolves to the milliseconds it took. */
async function timeOpen(page, route) {
  let last = 0;
  const done = () => { last = performance.now(); };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  try {
    const start = performance.now();
    await page.evaluate((r) => { window.location.hash = r; }, route);
    await page.waitForFunction(() => !!document.querySelector('main h1') && !document.querySelector('main .loading'), null,
      { polling: 'raf' });
    const shown = performance.now();
    // then until nothing has been asked for 300 ms
    let quietSince = performance.now();
    while (performance.now() - quietSince < 300) {
      if (page.inflight > 0) quietSince = performance.now();
      await new Promise((r) => setTimeout(r, 10));
    }
    return Math.max(shown, last) - start;
  } finally {
    page.off('requestfinished', done);
    page.off('requestfailed', done);
  }
}

const loadStart = loadavg()[0].toFixed(1);
const dir = mkdtempSync(join(tmpdir(), 'wam-bench-pages-'));
let server, browser;
const results = []; // { lang, route, ms: [] }
try {
  log(`making a ${opts.weapons}-weapon demo registry in ${dir}`);
  let t = performance.now();
  wam(dir, ['demo', '--items', String(opts.weapons), '--seed', '1']);
  const [role, password] = USERS.admin;
  wam(dir, ['user', 'add', 'admin', '--role', role, '--password-stdin'], password + '\n');
  const { items } = JSON.parse(wam(dir, ['--json', 'item', 'list', '--status', 'stolen', '--limit', '1']));
  log(`  ${((performance.now() - t) / 1000).toFixed(1)} s`);
  server = await startServer(dir);
  browser = await launchBrowser();
  await withPage(browser, 'bench-pages', async (page) => {
    await page.goto(`${server.url}/`);
    await signInAs(page, server.url, 'admin');
    const routes = [...(await menuRoutes(page)), ...(items[0] ? [`#/items/${items[0].id}`] : [])];
    for (const lang of langs) {
      await chooseLanguage(page, lang);
      const rows = routes.map((route) => ({ lang, route, ms: [] }));
      for (let run = 0; run < opts.runs; run++) {
        for (const row of rows) row.ms.push(await timeOpen(page, row.route));
      }
      results.push(...rows);
      log(`  ${lang}: ${routes.length} pages × ${opts.runs}`);
    }
  });
} finally {
  await browser?.close();
  await server?.stop();
  removeRegistry(dir);
}

const table = results.map((r) => {
  const s = [...r.ms].sort((a, b) => a - b);
  return { lang: r.lang, route: r.route.replace(/^(#\/items\/).*/, '$1<stolen weapon>'), p50: quantile(s, 0.5), p99: quantile(s, 0.99), n: s.length };
});
const routes = [...new Set(table.map((r) => r.route))];
const cell = (lang, route, k) => {
  const r = table.find((x) => x.lang === lang && x.route === route);
  return r ? (r[k] / 1000).toFixed(3) : '';
};
console.log(`${opts.weapons} weapons, ${opts.runs} runs per page and language; seconds, p50 / p99; ` +
  `load average ${loadStart} at the start, ${loadavg()[0].toFixed(1)} at the end`);
console.log(['page', ...langs].map((c, i) => (i ? c.padStart(16) : c.padEnd(26))).join(''));
for (const route of routes) {
  console.log([route.padEnd(26), ...langs.map((l) => `${cell(l, route, 'p50')} / ${cell(l, route, 'p99')}`.padStart(16))].join(''));
}
const sorted = results.flatMap((r) => r.ms).sort((a, b) => a - b);
console.log(`all pages: p50 ${(quantile(sorted, 0.5) / 1000).toFixed(3)} s, p99 ${(quantile(sorted, 0.99) / 1000).toFixed(3)} s, max ${(sorted.at(-1) / 1000).toFixed(3)} s`);
const slow = table.filter((r) => r.p99 > opts.budget * 1000).sort((a, b) => b.p99 - a.p99);
const over = (k) => table.filter((r) => r[k] > opts.budget * 1000).length;
console.log(`over ${opts.budget} s: ${over('p50')} of ${table.length} p50s, ${over('p99')} p99s` +
  (slow.length ? `; slowest: ${slow.slice(0, 8).map((r) => `${r.route} (${r.lang}) ${(r.p99 / 1000).toFixed(3)} s`).join(', ')}` : ''));
if (opts.json) console.log(JSON.stringify({ weapons: opts.weapons, runs: opts.runs, pages: table }));
