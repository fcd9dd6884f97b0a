// The international reports' pages in Debian's Chromium against a real
// `wam serve` on the demo registry: the UN Register, ATT, PoA and UNODC
// questionnaire pages draw every table of the report the API computes
// (captions, column headers, rows, totals as the API counts them); a number
// opens the records behind it, as many as the API lists; the downloads are
// the report's CSV, JSON and printable page; an admin submits a report,
// finds it listed and sees that nothing has changed since; a viewer gets no
// submit form; axe-core finds no violation in English and Arabic, and
// Arabic is right to left.
//
// The renderer is also checked on a report of the contract's shape made by
// hand (the API's answers replaced in the browser): group headings, country
// names, the nil-table, withheld and note statements, a message shown from
// the catalogue in French and one the catalogue lacks in its English,
// totals, a chart, withholding rows with checkboxes, the records' links to
// their pages, and the comparison's changes and events.
//
// run: node --test --test-reporter=tap web/tests/reports.test.mjs   (WAM=build/wam)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  apiGet, assertAbsent, axeViolations, goTo, launchBrowser, makeRegistry, screenshot, settle, signInWith, startServer,
  tearDown, wam, withPage,
} from './harness.mjs';

let dir, server, browser, url;

before(async () => {
  dir = makeRegistry();
  server = await startServer(dir);
  url = server.url;
  browser = await launchBrowser();
});

after(() => tearDown(browser, server, dir));

const KINDS = ['unroca', 'att', 'poa', 'iafq'];
const msg = (message, message_id = '', args = []) => ({ message, message_id, args });

// ---- a report made by hand, of the shape include/wam/reports.h fixes ----

const SHIP = '01JDEMOSHIPMENT0000000000A';
const ATT = {
  report: 'att', year: 2025, country: 'FR', options: { basis: 'actual' }, title: msg('Arms Trade Treaty annual report 2025', 'test.att_title'),
  ledger: { seq: 4242, hash: 'ab'.repeat(32) }, generated_at: '2026-01-15T10:00:00Z', nil: false, withheld: true,
  notes: [msg('no user given', 'auth.no_user_given'), msg('Ammunition is not reported under Article 13(3).', 'test.ammunition_note')],
  tables: [
    {
      id: 'exports', caption: msg('Exports of conventional arms', 'test.exports'),
      columns: [
        { id: 'category', label: msg('Category', 'test.category') }, { id: 'partner', label: msg('Final importer state', 'test.partner') },
        { id: 'items', label: msg('Number of items', 'test.items'), numeric: true },
        { id: 'value', label: msg('Value', 'test.value'), numeric: true, total: false }, { id: 'currency', label: msg('Currency', 'test.currency') },
        { id: 'intermediate', label: msg('Intermediate locations', 'test.intermediate') }, { id: 'description', label: msg('Description', 'test.description') },
      ],
      rows: [
        { key: `${SHIP}:1`, group: { id: 'SA1', label: msg('Revolvers and self-loading pistols', 'test.sa1') },
          cells: { category: 'SA1', partner: 'DE', items: 120, value: 50000, currency: 'EUR', intermediate: 'BE, NL', description: 'Glock 17' } },
        { key: `${SHIP}:2`, group: { id: 'SA1', label: msg('Revolvers and self-loading pistols', 'test.sa1') },
          cells: { category: 'SA1', partner: 'CA', items: 30, value: 9000, currency: 'USD', intermediate: null, description: 'Beretta 92' } },
        { key: 'S2:1', group: { id: 'LW1', label: msg('Heavy machine guns', 'test.lw1') },
          cells: { category: 'LW1', partner: 'DE', items: 4, value: null, currency: null, intermediate: null, description: 'M2' } },
      ],
      totals: { items: 154 },
    },
    { id: 'imports', caption: msg('Imports of conventional arms', 'test.imports'), nil: true, columns: [
      { id: 'category', label: msg('Category', 'test.category') }, { id: 'items', label: msg('Number of items', 'test.items'), numeric: true }], rows: [], totals: {} },
  ],
};
const IAFQ = {
  report: 'iafq', year: 2025, country: 'FR', options: {}, title: msg('UNODC IAFQ 2025', 'test.iafq_title'),
  ledger: { seq: 10, hash: 'cd'.repeat(32) }, generated_at: '2026-01-15T10:00:00Z', nil: false, withheld: false, notes: [],
  tables: [
    { id: 'weapons_by_type', caption: msg('Weapons by type', 'test.by_type'),
      columns: ['seized', 'found', 'surrendered', 'total'].map((id) => ({ id, label: msg(id[0].toUpperCase() + id.slice(1), `test.${id}`), numeric: true })),
      rows: [['pistol_revolver', 'Pistols and revolvers', 5, 1, 2], ['rifle', 'Rifles', 3, 0, 0], ['shotgun', 'Shotguns', 0, 0, 1]].map(([key, l, a, b, c]) =>
        ({ key, label: msg(l, `test.${key}`), cells: { seized: a, found: b, surrendered: c, total: a + b + c } })),
      totals: { seized: 8, found: 1, surrendered: 3, total: 12 } },
    { id: 'people', caption: msg('People by sex', 'test.people'),
      columns: ['female', 'male', 'other', 'not_recorded', 'total'].map((id) => ({ id, label: msg(id, `test.sex_${id}`), numeric: true })),
      rows: [{ key: 'surrendered', label: msg('People who surrendered weapons', 'test.surrendered_people'), cells: { female: 1, male: 2, other: 0, not_recorded: 0, total: 3 } },
        { key: 'seized_from', label: msg('People weapons were seized from', 'test.seized_from'), cells: { female: 0, male: 4, other: 0, not_recorded: 1, total: 5 } }],
      totals: { female: 1, male: 6, other: 0, not_recorded: 1, total: 8 } },
  ],
};
const RECORDS = [
  { kind: 'shipment', id: SHIP, licence_id: '01JDEMOLICENCE00000000000B', licence_number: 'FR-EXP-2025-0001', date: '2025-03-04', partner: 'DE', quantity: 120 },
  { kind: 'weapon', id: '01JDEMOWEAPON000000000000C', serial: 'GLK-00017', make: 'Glock', model: '17', category: 'SA1' },
];
const DIFF = {
  submission: { id: 'S1', submitted_at: '2026-01-20T09:00:00Z', ledger: { seq: 4000, hash: 'ef'.repeat(32) } },
  ledger: { seq: 4242, hash: 'ab'.repeat(32) }, changed: true,
  changes: [{ table: 'exports', key: `${SHIP}:1`, column: 'items', change: 'changed', submitted: 100, now: 120 }],
  events: [{ seq: 4100, type: 'shipment.received', subject: SHIP, time: '2026-02-01T08:00:00Z', actor: 'user:admin' }],
};
const SUBMISSIONS = [{ id: 'S1', report: 'att', year: 2025, options: { basis: 'actual' }, ledger: { seq: 4000, hash: 'ef'.repeat(32) },
  reference: 'ATT/2025/FR', submitted_by: 'admin', submitted_at: '2026-01-20T09:00:00Z' }];

// Answers the reports' API from the hand-made report, keeping what it was asked.
async function fake(page, asked) {
  await page.route(/\/api\/v1\/reports\/(?!sdg)/, (route) => {
    const u = new URL(route.request().url());
    asked.push(u.pathname + u.search);
    const kind = u.pathname.split('/')[4];
    let body;
    if (kind === 'submissions') body = SUBMISSIONS;
    else if (u.pathname.endsWith('/records')) body = RECORDS;
    else if (u.pathname.endsWith('/diff')) body = DIFF;
    else if (kind === 'iafq') body = IAFQ;
    else {
      // rows withheld are absent, as the library leaves them out
      const out = (u.searchParams.get('withhold') || '').split(',').filter(Boolean);
      body = { ...ATT, tables: ATT.tables.map((tb) => ({ ...tb, rows: tb.rows.filter((r) => !out.includes(`${tb.id}/${r.key}`)) })) };
    }
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
  });
}

test('a report of the contract\'s shape is drawn whole: statements, groups, countries, totals, drill-down, withholding', async () => {
  await withPage(browser, 'reports-fixture', async (page) => {
    const asked = [];
    await fake(page, asked);
    await signInWith(page, url, 'admin');
    await goTo(page, '#/reports/att?year=2025');
    const report = page.getByTestId('report');
    await report.waitFor();
    await settle(page);
    assert.equal((await page.getByTestId('report-title').innerText()).trim(), 'Arms Trade Treaty annual report 2025');
    await page.getByTestId('report-withheld').waitFor();
    assert.match(await page.getByTestId('report-country').innerText(), /France/);
    const main = await page.locator('main').innerText();
    assert.ok(main.includes('no user given'), 'a note is shown');
    assert.ok(main.includes('Ammunition is not reported under Article 13(3).'), 'a note the catalogue lacks is shown in its English');
    // the exports table: caption, headers, group headings, rows, countries by name, totals
    const exports = page.locator('[data-table="exports"]');
    assert.equal((await exports.locator('h2').innerText()).trim(), 'Exports of conventional arms');
    const heads = await exports.locator('thead th[scope="col"]').allInnerTexts();
    for (const h of ['Category', 'Final importer state', 'Number of items', 'Value', 'Currency']) assert.ok(heads.includes(h), `header ${h} in ${heads}`);
    const groups = await exports.locator('th[scope="rowgroup"]').allInnerTexts();
    assert.deepEqual(groups.map((g) => g.trim()), ['SA1 Revolvers and self-loading pistols', 'LW1 Heavy machine guns']);
    assert.equal(await exports.locator('tbody tr[data-row]').count(), 3);
    const first = exports.locator(`tr[data-row="exports/${SHIP}:1"]`);
    const cells = await first.innerText();
    assert.match(cells, /Germany/);
    assert.match(cells, /Belgium, Netherlands/);
    const items = ATT.tables[0].rows.reduce((s, r) => s + r.cells.items, 0);
    assert.equal((await exports.locator('[data-total="items"]').innerText()).trim(), items.toLocaleString('en'));
    assert.equal((await exports.locator('[data-total="value"]').innerText()).trim(), '', 'a column of mixed currencies is not summed');
    await page.locator('[data-table="imports"] [data-testid="table-nil"]').waitFor();
    // each column header and row header has its scope
    assert.equal(await page.locator('main table.report th:not([scope])').count(), 0);
    // downloads: the same route, each format
    for (const f of ['csv', 'json', 'html']) {
      const href = await page.locator(`[data-testid="report-downloads"] a[data-format="${f}"]`).getAttribute('href');
      const u = new URL(href, url);
      assert.equal(u.pathname, '/api/v1/reports/att');
      assert.equal(u.searchParams.get('format'), f);
      assert.equal(u.searchParams.get('year'), '2025');
    }
    // a number opens its records, each a link to its page
    await first.locator('a[data-cell$="/items"]').click();
    const records = page.getByTestId('report-records');
    await records.locator('table').waitFor();
    assert.ok(asked.some((a) => a.startsWith('/api/v1/reports/att/records?') && a.includes(`row=exports%2F${encodeURIComponent(SHIP)}%3A1%2Fitems`)), `records asked: ${asked}`);
    assert.equal(await records.locator(`a[href="#/shipments/${SHIP}"]`).innerText(), 'FR-EXP-2025-0001');
    assert.equal(await records.locator(`a[href="#/items/${RECORDS[1].id}"]`).innerText(), 'GLK-00017');
    assert.match(await records.innerText(), /Germany/);
    // withholding a row: it leaves the table and is listed to put back
    await first.locator('input[type="checkbox"]').check();
    await page.getByTestId('withhold').locator('button[type="submit"]').click();
    await page.waitForFunction(() => location.hash.includes('withhold='));
    assert.ok(decodeURIComponent(await page.evaluate(() => location.hash)).includes(`withhold=exports/${SHIP}:1`));
    await page.getByTestId('withhold').locator('fieldset').waitFor();
    await assertAbsent(page.locator(`tr[data-row="exports/${SHIP}:1"]`), 'the withheld row');
    assert.match(await page.getByTestId('withhold').innerText(), /Exports of conventional arms: SA1 · Germany · 120/);
    // the submissions and what changed since one
    const subs = page.getByTestId('report-submissions');
    await subs.locator('table').waitFor();
    assert.match(await subs.innerText(), /ATT\/2025\/FR/);
    await subs.locator('tr', { hasText: 'ATT/2025/FR' }).getByRole('link', { name: 'What changed since', exact: true }).click();
    const changes = page.getByTestId('report-changes');
    await changes.locator('table').waitFor();
    const ct = await changes.innerText();
    assert.match(ct, /Exports of conventional arms/);
    assert.match(ct, /changed/);
    assert.match(ct, /A shipment was recorded or changed/);
    assert.equal(await changes.locator(`a[href="#/shipments/${SHIP}"]`).count(), 1);
    assert.ok(asked.some((a) => a.startsWith('/api/v1/reports/att/diff?') && a.includes('submission=S1') && a.includes('year=2025')), `diff asked: ${asked}`);
    assert.deepEqual(await axeViolations(page), [], 'axe-core on the hand-made ATT report');
    await screenshot(page, '95-reports-fixture-att');
    assert.deepEqual(page.errors, []);
  });
});

test('a table of figures gets its chart; messages the catalogue knows are in the user\'s language; Arabic is right to left', async () => {
  await withPage(browser, 'reports-fixture-lang', async (page) => {
    await fake(page, []);
    await signInWith(page, url, 'admin', { lang: 'fr' });
    await goTo(page, '#/reports/att?year=2025');
    await page.getByTestId('report').waitFor();
    const main = await page.locator('main').innerText();
    assert.ok(main.includes('aucun utilisateur indiqué'), 'a message of the catalogue is in French');
    assert.ok(main.includes('Allemagne'), 'a country in French');
    await goTo(page, '#/reports/iafq?year=2025');
    await page.locator('[data-testid="report-chart-weapons_by_type"] canvas').waitFor();
    await page.locator('[data-testid="report-chart-people"] canvas').waitFor();
    // the people chart shows one row's split, chosen in its select
    const bars = page.locator('[data-testid="report-chart-people"] table.numbers tbody tr');
    assert.equal(await bars.count(), 4, 'female, male, other, not recorded');
    await page.locator('[data-testid="report-chart-people"] select').selectOption('seized_from');
    assert.match(await bars.nth(1).textContent(), /4/, 'the seized-from row: 4 men');
    await page.locator('#lang').selectOption('ar');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await settle(page);
    assert.deepEqual(await axeViolations(page), [], 'axe-core on the hand-made IAFQ report in Arabic');
    await screenshot(page, '96-reports-fixture-iafq-ar');
    // on a phone the page is no wider than the screen: the tables scroll in their own box
    await page.setViewportSize({ width: 390, height: 844 });
    for (const route of ['#/reports/iafq?year=2025', `#/reports/att?year=2025&row=exports/${SHIP}:1/items`]) {
      await goTo(page, route);
      await page.getByTestId('report').waitFor();
      await settle(page);
      const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: innerWidth }));
      assert.ok(scroll <= width, `${route} at 390 px is ${scroll} px wide`);
    }
    assert.deepEqual(page.errors, []);
  });
});

// ---- the reports the server computes from the demo registry ----

// The year to look at: this year or last, whichever the report has something for.
async function yearOf(page, kind) {
  const now = new Date().getUTCFullYear();
  for (const y of [now, now - 1]) {
    const r = await apiGet(page, `/reports/${kind}?year=${y}`);
    assert.equal(r.status, 200, `GET /reports/${kind}?year=${y}: ${JSON.stringify(r.body)}`);
    if (!r.body.nil) return { year: y, report: r.body };
  }
  const r = await apiGet(page, `/reports/${kind}?year=${now - 1}`);
  return { year: now - 1, report: r.body };
}

for (const lang of ['en', 'ar']) {
  test(`every report's page draws the API's tables, drills down and downloads (${lang === 'en' ? 'English' : 'Arabic'})`, async () => {
    await withPage(browser, `reports-${lang}`, async (page) => {
      await signInWith(page, url, 'admin', { lang });
      if (lang === 'ar') assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
      // the menu lists each report
      for (const kind of KINDS) assert.equal(await page.locator(`nav a[href="#/reports/${kind}"]`).count(), 1, `the menu has ${kind}`);
      let n = 0;
      let drilled = 0;
      for (const kind of KINDS) {
        const { year, report } = await yearOf(page, kind);
        await goTo(page, `#/reports/${kind}?year=${year}`);
        await page.getByTestId('report').waitFor();
        await settle(page);
        // every table, its rows and its totals as the API computed them
        for (const tb of report.tables) {
          const el = page.locator(`[data-table="${tb.id}"]`);
          assert.equal(await el.count(), 1, `${kind}: table ${tb.id} is shown`);
          assert.equal(await el.locator('tr[data-row]').count(), tb.rows.length, `${kind}/${tb.id}: rows`);
          if (tb.rows.length) assert.ok(await el.locator('thead th[scope="col"]').count() >= tb.columns.length, `${kind}/${tb.id}: column headers`);
          assert.equal((await el.locator('h2').innerText()).trim().length > 0, true, `${kind}/${tb.id}: its caption`);
          if (tb.rows.length && tb.totals) {
            for (const [col, v] of Object.entries(tb.totals)) {
              const shown = (await el.locator(`[data-total="${col}"]`).innerText()).trim();
              assert.equal(shown, new Intl.NumberFormat(lang).format(v), `${kind}/${tb.id}: total of ${col}`);
            }
          }
        }
        if (report.nil) await page.getByTestId('report-nil').waitFor();
        // no catalogue key or raw message id where words belong
        const text = await page.locator('main').innerText();
        assert.doesNotMatch(text, /\breport\.[a-z_]+/, `${kind} (${lang}) shows a catalogue key`);
        // the first number that counts something opens its records, as many as the API lists
        const cell = report.tables.flatMap((tb) => tb.rows.flatMap((r) => tb.columns.filter((c) => c.numeric && r.cells[c.id] > 0)
          .map((c) => `${tb.id}/${r.key}/${c.id}`)))[0];
        if (cell) {
          const api = await apiGet(page, `/reports/${kind}/records?year=${year}&row=${encodeURIComponent(cell)}`);
          assert.equal(api.status, 200, `records of ${cell}: ${JSON.stringify(api.body)}`);
          await page.locator(`a[data-cell="${cell}"]`).first().click();
          const rec = page.getByTestId('report-records');
          await rec.waitFor();
          await settle(page);
          if (api.body.length) {
            await rec.locator('table').waitFor();
            const shownRows = await rec.locator('tbody tr').count();
            assert.equal(shownRows, Math.min(api.body.length, 50), `${kind}: the records behind ${cell}`);
            drilled++;
          }
        }
        // downloads: CSV with its header, JSON the same report, a printable page
        const href = (f) => page.locator(`[data-testid="report-downloads"] a[data-format="${f}"]`).getAttribute('href');
        const csv = await page.evaluate((h) => fetch(h).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), text: await r.text() })), await href('csv'));
        assert.equal(csv.status, 200, `${kind} CSV`);
        assert.match(csv.text.replace(/^\uFEFF/, ''), /^"?table"?,"?key"?,"?label"?/, `${kind} CSV header`);
        const json = await page.evaluate((h) => fetch(h).then((r) => r.json()), await href('json'));
        assert.equal(json.report, kind);
        assert.deepEqual(json.tables.map((tb) => tb.id), report.tables.map((tb) => tb.id));
        const printable = await page.evaluate((h) => fetch(h).then(async (r) => ({ status: r.status, type: r.headers.get('content-type') })), await href('html'));
        assert.equal(printable.status, 200);
        assert.match(printable.type || '', /text\/html/);
        assert.deepEqual(await axeViolations(page), [], `axe-core on ${kind} (${lang})`);
        await screenshot(page, `9${lang === 'en' ? 7 : 8}-reports-${n++}-${kind}-${lang}`);
      }
      assert.ok(drilled > 0, 'some report of the demo has a number with records behind it');
      assert.deepEqual(page.errors, []);
    });
  });
}

test('an admin submits a report and sees it listed and unchanged since; a viewer cannot submit', async () => {
  await withPage(browser, 'reports-submit', async (page) => {
    await signInWith(page, url, 'admin');
    const { year } = await yearOf(page, 'poa');
    await goTo(page, `#/reports/poa?year=${year}`);
    await page.getByTestId('report').waitFor();
    const form = page.getByTestId('report-submit');
    await form.locator('button').first().click();
    await form.getByLabel('Reference', { exact: true }).fill('POA-TEST-1');
    await form.locator('button[type="submit"]').click();
    await form.locator('.success').filter({ hasText: /submitted/ }).waitFor();
    const subs = page.getByTestId('report-submissions');
    await subs.getByText('POA-TEST-1').waitFor();
    const listed = await apiGet(page, `/reports/submissions?report=poa&year=${year}`);
    assert.equal(listed.status, 200);
    const list = Array.isArray(listed.body) ? listed.body : listed.body.submissions;
    assert.ok(list.some((s) => s.reference === 'POA-TEST-1'), 'the API lists the submission');
    await subs.locator('tr', { hasText: 'POA-TEST-1' }).getByRole('link', { name: 'What changed since', exact: true }).click();
    await page.getByTestId('report-unchanged').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'axe-core on the submission and its comparison');
    await screenshot(page, '99-reports-submitted');
    // a weapon stolen since: the stolen figure of the submission's year changes, and its event is listed
    if (year === new Date().getUTCFullYear()) {
      const stolen = async () => (await apiGet(page, `/reports/poa?year=${year}`)).body.tables.find((tb) => tb.id === 'losses').rows.find((r) => r.key === 'stolen').cells.value;
      const before = await stolen();
      const { items } = JSON.parse(wam(dir, ['--json', 'item', 'list', '--status', 'in_service', '--limit', '1']));
      wam(dir, ['item', 'status', items[0].id, 'stolen', '--reason', 'taken from the armoury']);
      assert.equal(await stolen(), before + 1);
      await page.reload();
      const changes = page.getByTestId('report-changes');
      await changes.locator('table').waitFor();
      const row = changes.locator('tbody tr', { hasText: 'weapons stolen' });
      await row.waitFor();
      assert.equal(await row.count(), 1, 'the stolen figure is listed as changed');
      const cells = await row.locator('td').allInnerTexts();
      const fmt = (n) => n.toLocaleString('en');
      assert.ok(cells.includes(fmt(before)) && cells.includes(fmt(before + 1)), `submitted ${before}, now ${before + 1}: ${cells}`);
      await changes.locator(`[data-testid="report-events"] a[href="#/items/${items[0].id}"]`).waitFor();
      assert.deepEqual(await axeViolations(page), [], 'axe-core on the changes since a submission');
      await screenshot(page, '99-reports-changed');
    }
  });
  await withPage(browser, 'reports-viewer', async (page) => {
    await signInWith(page, url, 'viewer');
    await goTo(page, '#/reports/poa');
    await page.getByTestId('report-submissions').waitFor();
    await assertAbsent(page.getByTestId('report-submit'), 'the submit form for a viewer');
  });
});
