// Tracing in the console, in Debian's Chromium against a real `wam serve`:
// a stolen weapon and a recovery whose serial was read with two misread
// characters make a hit, which the inbox shows side by side and a registrar
// confirms; a trace request drafted for the recovered weapon keeps Send
// disabled while rule R10 misses anything and is sent once complete; the
// SDG 16.4.2 page shows the indicator and drills down to the record. The
// registry is made through the CLI, as a user would; each page seen is
// saved as a screenshot (harness.mjs: SCREENSHOTS).
//
// run: node --test --test-reporter=tap web/tests/trace.test.mjs   (WAM=build/wam)
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  MISREADS, USERS, WAM, assertAbsent, launchBrowser, removeRegistry, screenshot, setField, startServer, wam, withPage, tearDown
} from './harness.mjs';

const TRACER = ['tracer', 'tracer: a long enough password'];
// recoveries dated last year: the SDG page opens on last year
const YEAR = new Date().getUTCFullYear() - 1;
const SERIAL = 'KR52086417';
// the serial as a field officer read it: its first two look-alike characters misread
const READ = (() => {
  let n = 0;
  return [...SERIAL].map((c) => (c in MISREADS && n < 2 ? (n++, MISREADS[c]) : c)).join('');
})();

let dir, server, browser, url;
const data = {};

const json = (args, input) => JSON.parse(wam(dir, ['--json', ...args], input));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wam-trace-'));
  try {
    wam(dir, ['init', '--country', 'FR', '--name', 'Trace test registry']);
    for (const [name, [role, password]] of [...Object.entries(USERS), ['tracer', TRACER]]) {
      wam(dir, ['user', 'add', name, '--role', role, '--password-stdin'], password + '\n');
    }
    // a weapon of the registry, held by a dealer, then reported stolen
    data.holder = json(['holder', 'add', 'Armurerie Dupont', '--type', 'dealer']).id;
    const item = json(['item', 'add', '--category', 'SA1', '--make', 'Glock', '--model', '17', '--calibre', '9x19mm',
      '--serial', SERIAL, '--country', 'AT', '--year', '2012', '--holder', data.holder]);
    data.stolen = item.id ?? item.item?.id;
    assert.ok(data.stolen, `item add gave no id: ${JSON.stringify(item)}`);
    json(['loss', 'report', '--item', data.stolen, '--kind', 'stolen', '--date', `${YEAR}-02-03`,
      '--circumstances', 'taken from a locked car', '--reported-by', 'the owner', '--police-ref', 'PR-2291']);
    // seized months later; the officer read the serial with two misread characters
    const rec = json(['recovery', 'add', '--from', '-'], JSON.stringify({
      type: 'seized', date: `${YEAR}-06-15`, officer: 'Insp. Moreau', place: 'Marseille port',
      weapons: [{ serial: READ, make: 'Glock', model: '17', category: 'SA1', calibre: '9x19mm' }],
    }));
    data.recovery = rec.id;
    // one more weapon of the registry, to report lost from the console
    const other = json(['item', 'add', '--category', 'SA2', '--make', 'Steyr', '--model', 'AUG', '--calibre', '5.56x45mm',
      '--serial', 'ST7731094', '--country', 'AT']);
    data.other = other.id ?? other.item?.id;
    data.recovered = rec.items[0].id;
    const hits = json(['hit', 'list', '--state', 'open']);
    data.hit = hits.find((h) => h.recovered?.id === data.recovered || h.recovery_id === data.recovery);
    assert.ok(data.hit, `no hit for the recovered weapon ${READ} against ${SERIAL}: ${JSON.stringify(hits)}`);
  } catch (err) {
    removeRegistry(dir);
    throw new Error(`${WAM}: ${err.message}${err.stderr ? `\n${err.stderr}` : ''}`);
  }
  server = await startServer(dir);
  url = server.url;
  browser = await launchBrowser();
});

after(() => tearDown(browser, server, dir));

const signOut = (page) => page.getByRole('button', { name: 'Sign out', exact: true });

async function signIn(page, name, password = USERS[name]?.[1]) {
  if (!page.url().startsWith(url)) await page.goto(`${url}/`);
  await page.getByLabel('User name', { exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await signOut(page).waitFor();
}

async function go(page, route) {
  await page.evaluate((r) => { window.location.hash = r; }, route);
}

test('the inbox shows the hit with both weapons side by side; confirming it records the decision', async () => {
  await withPage(browser, 'trace-hit', async (page) => {
    await signIn(page, 'registrar');
    await page.getByRole('button', { name: 'Tracing', exact: true }).click(); // the menu's group
    await page.getByRole('link', { name: 'Inbox', exact: true }).click();
    const link = page.locator(`a[href="#/inbox/${data.hit.id}"]`);
    await link.waitFor();
    await screenshot(page, '20-trace-inbox');
    await link.click();

    const compare = page.getByTestId('hit-compare');
    await compare.waitFor();
    const recovered = (await page.getByTestId('serial-recovered').innerText());
    const registered = (await page.getByTestId('serial-registered').innerText());
    assert.ok(recovered.includes(READ), `the recovered side shows the serial as read, ${READ}: ${recovered}`);
    assert.ok(registered.includes(SERIAL), `the registered side shows the serial as registered, ${SERIAL}: ${registered}`);
    const marked = await page.getByTestId('serial-registered').locator('mark').allTextContents();
    assert.equal(marked.join('').length, 2, `two characters of the registered serial marked, not ${JSON.stringify(marked)}`);
    const markedRead = await page.getByTestId('serial-recovered').locator('mark').allTextContents();
    assert.equal(markedRead.join('').length, 2, `two characters of the serial as read marked, not ${JSON.stringify(markedRead)}`);
    for (const side of ['recovered', 'registered']) {
      assert.match(await compare.getByTestId('hit-' + side).filter({ hasText: 'Glock' }).first().innerText(), /Glock/);
    }
    // the registered weapon's holder by name, not by id
    const holder = compare.getByTestId('hit-holder');
    await holder.waitFor();
    assert.equal((await holder.innerText()).trim(), 'Armurerie Dupont');
    assert.ok(!(await compare.innerText()).includes(data.holder), 'the holder\'s id is not shown');
    await screenshot(page, '21-trace-hit');

    const form = page.getByTestId('hit-decide');
    // an irreversible decision has no default: nothing is chosen until the user chooses
    assert.equal(await form.getByLabel('Decision', { exact: true }).inputValue(), '', 'the decision starts unchosen');
    await setField(page, 'Decision', 'confirm');
    await setField(page, 'Reason for the decision', 'frame and slide serials agree under magnification');
    await form.getByRole('button', { name: 'Record the decision', exact: true }).click();
    // it asks first, naming the decision; nothing is recorded until the yes
    const ask = form.getByTestId('hit-ask');
    await ask.waitFor();
    assert.match(await ask.innerText(), /Confirm/);
    await assertAbsent(page.getByTestId('hit-decision'), 'a decision before the yes', 300);
    await ask.getByRole('button', { name: 'Go back', exact: true }).click();
    await assertAbsent(form.getByTestId('hit-ask'), 'the question after going back', 300);
    await form.getByRole('button', { name: 'Record the decision', exact: true }).click();
    await form.getByTestId('hit-ask').getByRole('button', { name: 'Yes, record it', exact: true }).click();
    const decided = page.getByTestId('hit-decision');
    await decided.waitFor();
    assert.match(await decided.innerText(), /confirmed/);
    assert.match(await decided.innerText(), /serials agree under magnification/);
    await assertAbsent(page.getByTestId('hit-decide'), 'the decision form after deciding', 300);
    await screenshot(page, '22-trace-hit-confirmed');

    const stored = json(['hit', 'show', data.hit.id]);
    assert.equal(stored.state, 'confirmed', 'the registry holds the decision');
    assert.equal(stored.decision_reason, 'frame and slide serials agree under magnification');
  });
});

test('a viewer reads the hit but has no decision form', async () => {
  await withPage(browser, 'trace-hit-viewer', async (page) => {
    await signIn(page, 'viewer');
    await go(page, `#/inbox/${data.hit.id}`);
    await page.getByTestId('hit-compare').waitFor();
    await assertAbsent(page.getByTestId('hit-decide'), 'the decision form for a viewer', 500);
    await assertAbsent(page.getByRole('link', { name: 'Trace requests', exact: true }), 'Trace requests in a viewer\'s menu', 200);
  });
});

test('a trace draft names what R10 misses and cannot be sent until complete; then it is sent', async () => {
  await withPage(browser, 'trace-draft', async (page) => {
    await signIn(page, 'tracer', TRACER[1]);
    await go(page, `#/traces/new?item=${data.recovered}`);
    const quality = page.getByTestId('trace-quality');
    const missing = quality.getByTestId('trace-missing');
    await missing.waitFor();
    const send = page.getByTestId('trace-send');
    assert.ok(await send.isDisabled(), 'Send is disabled while fields are missing');
    const fields = await missing.locator('button[data-field]').evaluateAll((bs) => bs.map((b) => b.dataset.field));
    for (const f of ['illicit_reason', 'justification', 'intended_use', 'requesting.state', 'requesting.contact.name', 'requested.state']) {
      assert.ok(fields.includes(f), `${f} is named missing (${fields.join(', ')})`);
    }
    for (const f of ['item.make', 'item.serial', 'item.category', 'item.calibre']) {
      assert.ok(!fields.includes(f), `${f} came from the weapon, yet is named missing`);
    }
    // each missing field leads to its control
    await missing.locator('button[data-field="justification"]').click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'tr-justification', 'the link focuses the field');
    await screenshot(page, '23-trace-draft-missing');

    await setField(page, 'Requesting State', 'FR');
    await setField(page, 'Point of contact: name', 'Cmdt. Laurent');
    await setField(page, 'Point of contact: e-mail', 'laurent@example.org');
    await setField(page, 'Requested State', 'AT');
    await setField(page, 'Why the weapon is considered illicit', 'illicit_national_law');
    await setField(page, 'Legal justification', 'possession without licence, Code de la sécurité intérieure L.317-8');
    // all but one: the panel names only that one, and Send stays disabled
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="trace-missing"] button[data-field]')]
      .map((b) => b.dataset.field).join() === 'intended_use').catch(async () => {
      throw new Error(`the panel does not name intended_use alone: ${await missing.innerText().catch(() => 'no list')}`);
    });
    assert.ok(await send.isDisabled(), 'intended_use still missing: Send stays disabled');
    await setField(page, 'Intended use of the information', 'criminal investigation 2291/MRS');
    await page.waitForFunction(() => {
      const b = document.querySelector('[data-testid="trace-send"]');
      return b && !b.disabled;
    }).catch(async () => {
      const left = await missing.innerText().catch(() => '');
      throw new Error(`Send did not become enabled; still missing: ${left}`);
    });
    await assertAbsent(missing, 'the list of missing fields once complete', 200);
    assert.match(await quality.innerText(), /Ready to send/);
    await screenshot(page, '24-trace-draft-complete');

    await send.click();
    await page.waitForURL(/#\/traces\/[0-9A-HJKMNP-TV-Z]{26}$/);
    const state = page.getByTestId('trace-state').first();
    await state.waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="trace-state"]')?.textContent.trim() === 'sent');
    assert.match(await page.getByTestId('trace-timeline').innerText(), /Due/, 'the timeline shows the acknowledgement due date');
    // the day it was recorded here is no state of its own, and comes in date order
    const steps = await page.getByTestId('trace-timeline').locator('li').evaluateAll((ls) => ls.map((l) => l.dataset.step));
    assert.deepEqual(steps.slice(0, 2), ['recorded', 'sent'], `recorded, then sent: ${steps.join(', ')}`);
    assert.ok(!steps.includes('draft'), `no "draft" step in the timeline of a sent request: ${steps.join(', ')}`);
    await screenshot(page, '25-trace-sent');

    const id = page.url().split('#/traces/')[1];
    const stored = json(['trace', 'show', id]);
    assert.equal(stored.state, 'sent');
    assert.equal(stored.requested.state, 'AT');
  });
});

test('a Panel of Experts asks a manufacturer: each party named, listed by its name', async () => {
  await withPage(browser, 'trace-parties', async (page) => {
    await signIn(page, 'tracer', TRACER[1]);
    await go(page, `#/traces/new?item=${data.recovered}`);
    const missing = page.getByTestId('trace-quality').getByTestId('trace-missing');
    await missing.waitFor();
    const named = () => missing.locator('button[data-field]').evaluateAll((bs) => bs.map((b) => b.dataset.field));
    await assertAbsent(page.getByLabel('Name of the requesting party', { exact: true }), 'a name field for a State', 200);
    await setField(page, 'Requesting party', 'panel');
    await setField(page, 'Requested party', 'manufacturer');
    // a Panel and a manufacturer are known by their names: R10 asks for them, not for a State
    await page.waitForFunction(() => {
      const f = [...document.querySelectorAll('[data-testid="trace-missing"] button[data-field]')].map((b) => b.dataset.field);
      return f.includes('requesting.name') && f.includes('requested.name') && !f.includes('requesting.state') && !f.includes('requested.state');
    }).catch(async () => { throw new Error(`the panel does not ask for the names: ${(await named()).join(', ')}`); });
    await setField(page, 'Name of the requesting party', 'Panel of Experts on the Central African Republic');
    await setField(page, 'Name of the requested party', 'Beretta');
    await setField(page, 'Country of the requested party', 'IT');
    await setField(page, 'Point of contact: name', 'Arms expert');
    await setField(page, 'Why the weapon is considered illicit', 'embargo_violation');
    await setField(page, 'Legal justification', 'Security Council resolution 2127 (2013)');
    await setField(page, 'Intended use of the information', 'report of the Panel to the Committee');
    await page.waitForFunction(() => {
      const b = document.querySelector('[data-testid="trace-send"]');
      return b && !b.disabled;
    }).catch(async () => { throw new Error(`Send did not become enabled; still missing: ${(await named()).join(', ')}`); });
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/#\/traces\/[0-9A-HJKMNP-TV-Z]{26}$/);
    const id = page.url().split('#/traces/')[1];
    const stored = json(['trace', 'show', id]);
    assert.deepEqual(stored.requesting.kind, 'panel');
    assert.equal(stored.requesting.name, 'Panel of Experts on the Central African Republic');
    assert.deepEqual({ ...stored.requested }, { kind: 'manufacturer', name: 'Beretta', state: 'IT' });
    // back to a State: its name does not stay
    await page.getByTestId('trace-form').waitFor();
    await setField(page, 'Requested party', 'state');
    await setField(page, 'Requested State', 'IT');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Draft saved.').waitFor();
    assert.deepEqual(json(['trace', 'show', id]).requested, { state: 'IT' }, 'a State is written as before parties had kinds');
    await setField(page, 'Requested party', 'manufacturer');
    await setField(page, 'Name of the requested party', 'Beretta');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Draft saved.').waitFor();
    await screenshot(page, '26-trace-panel-draft');
    await go(page, '#/traces');
    const row = page.getByRole('row').filter({ hasText: 'Panel of Experts on the Central African Republic' });
    await row.first().waitFor();
    assert.match(await row.first().innerText(), /Beretta \(Italy\)/, 'the manufacturer by its name and country');
  });
});

test('the data-quality panel speaks French and Arabic, not the server\'s English', async () => {
  await withPage(browser, 'trace-quality-languages', async (page) => {
    await signIn(page, 'tracer', TRACER[1]);
    await page.locator('#lang').selectOption('fr');
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    const asked = page.waitForResponse((r) => r.url().endsWith('/api/v1/traces/quality') && r.request().method() === 'POST');
    await go(page, `#/traces/new?item=${data.recovered}`);
    const server = await (await asked).json();
    const quality = page.getByTestId('trace-quality');
    await quality.getByTestId('trace-missing').waitFor();
    const findings = [...server.missing, ...server.doubtful, ...server.recommended];
    assert.ok(server.doubtful.some((m) => m.field === 'item.photos'), `the server doubts the missing photo: ${JSON.stringify(server.doubtful)}`);
    const text = await quality.innerText();
    for (const m of findings) assert.ok(!text.includes(m.message), `the English "${m.message}" is not shown in French:\n${text}`);
    assert.match(text, /Justification juridique : obligatoire/, 'a missing field is said in French');
    assert.match(text, /aucune photographie/, 'the missing photo is said in French');
    assert.equal(await quality.locator('[data-kind="server"]').count(), 0, 'every finding is one the console knows');
    assert.equal(await quality.locator('[data-kind="known"]').count(), findings.length, 'one sentence per finding');
    await screenshot(page, '30-trace-quality-french');

    await page.locator('#lang').selectOption('ar');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await page.waitForFunction(() => /مطلوب/.test(document.querySelector('[data-testid="trace-missing"]')?.textContent || ''));
    const arabic = await quality.innerText();
    for (const m of findings) assert.ok(!arabic.includes(m.message), `the English "${m.message}" is not shown in Arabic`);
    await screenshot(page, '31-trace-quality-arabic');
  });
});

test('a recovery lists the hits on its weapons, each leading to the inbox', async () => {
  await withPage(browser, 'trace-recovery-hits', async (page) => {
    await signIn(page, 'registrar');
    await go(page, `#/recoveries/${data.recovery}`);
    await page.locator(`a[href="#/items/${data.recovered}"]`).first().waitFor();
    const rec = await page.evaluate((id) => fetch(`/api/v1/recoveries/${id}`, { headers: { Accept: 'application/json' } }).then((r) => r.json()), data.recovery);
    const section = page.getByTestId('recovery-hits');
    if (!Array.isArray(rec.hits)) {
      await assertAbsent(section, 'a hits section when the API gives none', 300);
      return;
    }
    assert.ok(rec.hits.some((h) => h.id === data.hit.id), `the recovery's hits include ${data.hit.id}: ${JSON.stringify(rec.hits)}`);
    const link = section.locator(`a[href="#/inbox/${data.hit.id}"]`);
    await link.waitFor();
    await screenshot(page, '32-trace-recovery-hits');
    await link.click();
    await page.getByTestId('hit-compare').waitFor();
  });
});

test('a recovery shows the sex and age band of its person and its legal justification, and records them later', async () => {
  await withPage(browser, 'trace-recovery-people', async (page) => {
    await signIn(page, 'registrar');
    await go(page, `#/recoveries/${data.recovery}`);
    const rec = await page.evaluate((id) => fetch(`/api/v1/recoveries/${id}`, { headers: { Accept: 'application/json' } }).then((r) => r.json()), data.recovery);
    const sex = page.getByTestId('rec-person-sex');
    await sex.waitFor();
    const said = { female: 'Female', male: 'Male', other: 'Other', not_recorded: 'Not recorded' };
    assert.equal((await sex.innerText()).trim(), said[rec.person_sex], 'the sex as the API gives it');
    await page.getByTestId('rec-person-age').waitFor();
    await page.getByTestId('rec-justification').waitFor();
    // the form offers the vocabulary's words; what is chosen is one event
    await setField(page, 'Sex of the person', 'other');
    await setField(page, 'Legal justification', 'use_in_crime');
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Recorded.' }).waitFor();
    await page.getByTestId('rec-person-sex').filter({ hasText: 'Other' }).waitFor();
    await page.getByTestId('rec-justification').filter({ hasText: 'Use in a crime' }).waitFor();
    const after = json(['recovery', 'show', data.recovery]);
    assert.equal(after.person_sex, 'other', 'recorded in the registry');
    assert.equal(after.person_age_band, rec.person_age_band, 'the age band, not chosen, stays as it was');
    assert.equal(after.legal_justification, 'use_in_crime');
    // the form of a new recovery has the three selects
    await go(page, '#/recoveries');
    await page.getByRole('button', { name: 'Record a recovery', exact: true }).click();
    const people = page.getByTestId('rec-people');
    await people.waitFor();
    for (const l of ['Sex of the person', 'Age band of the person', 'Legal justification'])
      assert.equal(await people.getByLabel(l, { exact: true }).evaluate((el) => el.tagName), 'SELECT', `${l} is a select`);
    assert.ok((await people.getByLabel('Legal justification', { exact: true }).locator('option').allInnerTexts()).includes('Voluntary surrender'),
      'the justifications are offered by name');
  });
});

test('lost and stolen: the stolen weapon is listed, a weapon is reported lost from the form, the CSV is offered', async () => {
  await withPage(browser, 'trace-losses', async (page) => {
    await signIn(page, 'registrar');
    await page.getByRole('button', { name: 'Tracing', exact: true }).click();
    await page.getByRole('link', { name: 'Lost & stolen', exact: true }).click();
    await page.getByLabel('Show', { exact: true }).selectOption('all');
    const row = page.locator('tr').filter({ hasText: SERIAL });
    await row.first().waitFor();
    assert.match(await row.first().innerText(), /Stolen/);
    await page.getByRole('link', { name: 'Download the lost/stolen list (CSV)', exact: true }).waitFor();

    // the weapon is picked by its serial, never typed as a record id
    await setField(page, 'Weapon (serial)', 'ST7731');
    await page.getByTestId('weapon-choices').getByRole('button').filter({ hasText: 'ST7731094' }).first().click();
    await page.getByTestId('weapon-picked').filter({ hasText: 'ST7731094' }).waitFor();
    await setField(page, 'Lost or stolen', 'lost');
    await setField(page, 'Reported by', 'Sgt. Petit');
    await setField(page, 'Circumstances', 'not found at the monthly stock check');
    await page.getByRole('button', { name: 'Report', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Reported.' }).waitFor();
    await page.locator(`a[href="#/items/${data.other}"]`).first().waitFor();
    await screenshot(page, '29-trace-losses');
    assert.equal(json(['item', 'show', data.other]).status, 'lost', 'the weapon is lost in the registry');
  });
});

test('the SDG 16.4.2 page shows the indicator, and a number drills down to the record behind it', async () => {
  await withPage(browser, 'trace-sdg', async (page) => {
    await signIn(page, 'viewer');
    await page.getByRole('button', { name: 'Reports', exact: true }).click();
    await page.getByRole('link', { name: 'SDG 16.4.2', exact: true }).click();
    const indicator = page.getByTestId('sdg-indicator');
    await indicator.waitFor();
    assert.equal(await page.getByLabel('Year', { exact: true }).inputValue(), String(YEAR), 'the page opens on last year');
    assert.equal((await page.getByTestId('sdg-scope').innerText()).trim(), 'The whole registry', 'the heading names the scope');
    const report = json(['report', 'sdg-16-4-2', '--year', String(YEAR)]);
    await page.getByTestId('sdg-value').waitFor();
    const value = page.getByTestId('sdg-value');
    assert.equal(Number(await value.getAttribute('data-value')), report.indicator.value, 'the indicator as the CLI reports it');
    assert.match(await value.innerText(), /%/, 'shown as a percentage');
    await screenshot(page, '26-trace-sdg');

    // the splits by the sex and the age band of the recovering person, every word, each number drillable
    for (const [kind, words] of [['by_sex', ['female', 'male', 'other', 'not_recorded']],
      ['by_age_band', ['under_18', '18_24', '25_34', '35_59', '60_plus', 'not_recorded']]]) {
      const table = page.getByTestId('sdg-' + kind);
      await table.waitFor();
      for (const w of words) {
        const cell = table.locator(`a[data-figure="${kind}.${w}"]`);
        assert.equal((await cell.innerText()).trim(), String(report[kind][w].recovered), `${kind}.${w} as the CLI reports it`);
      }
      const sum = words.reduce((n, w) => n + report[kind][w].recovered, 0);
      assert.equal(sum, report.counts.recovered, `${kind} sums to the weapons recovered`);
    }

    const seized = page.getByTestId('sdg-counts').locator('a[data-figure="seized"]');
    assert.equal((await seized.innerText()).trim(), String(report.counts.seized));
    await seized.click();
    const records = page.getByTestId('sdg-records');
    await records.waitFor();
    const weapon = records.locator(`a[href="#/items/${data.recovered}"]`);
    await weapon.waitFor();
    // the focus moves once the records are drawn: wait for it, a while at most
    await page.waitForFunction(() => document.activeElement?.id === 'sdg-rec-h', null, { timeout: 5000 }).catch(() => {});
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'sdg-rec-h', 'the records take the focus');
    await screenshot(page, '27-trace-sdg-records');
    await weapon.click();
    await page.waitForURL(`**/#/items/${data.recovered}`);
  });
});

test('the SDG page in Arabic runs right to left', async () => {
  await withPage(browser, 'trace-sdg-ar', async (page) => {
    await signIn(page, 'viewer');
    await page.getByLabel('Language', { exact: true }).selectOption('ar');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await go(page, '#/reports/sdg');
    await page.getByTestId('sdg-indicator').waitFor();
    await screenshot(page, '28-trace-sdg-arabic');
  });
});
