// Ammunition and parts outside the depot, and how weapons were made, in the
// console, in Debian's Chromium against a real `wam serve` on a demo
// registry (its cache recovery holds 7.62x39mm ammunition of two
// headstamps; its weapons include a converted alarm pistol, printed polymer
// frames with and without a metal insert and a weapon with a barrel and a
// slide linked to it): a recovery shows its ammunition lines with what
// remains of each; taking rounds of a line into stock makes a lot linked
// from the line and lowers what remains, and more than remains is refused
// at the rounds with nothing changed; a new recovery's ammunition line
// missing its rounds is refused at that line's field; rounds of a line are
// listed in an open destruction batch; ammunition alone is reported stolen;
// the weapons list filters by manufacture; a weapon's page shows how it was
// made, its parts and the marking method, and a part the weapon it belongs
// to; the ammunition search finds a headstamp typed with misread
// characters and links to where the line is held. axe-core finds no
// violation on the recovery page, the search and the weapon page, in
// English and in Arabic.
//
// run: node --test --test-reporter=tap web/tests/ammunition.test.mjs   (WAM=build/wam)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  apiGet, axeViolations, goTo, launchBrowser, makeRegistry, screenshot, settle, signInWith, startServer, tearDown, wam, withPage,
} from './harness.mjs';

let dir, server, browser, url;
const json = (args) => JSON.parse(wam(dir, ['--json', ...args]));
const body = async (page, path) => {
  const r = await apiGet(page, path);
  assert.equal(r.status, 200, `GET ${path}: ${JSON.stringify(r.body)}`);
  return r.body;
};
// a change from the browser's session carries its CSRF token
const post = async (page, path, data) => {
  const { csrf } = await body(page, '/session');
  return page.evaluate(([p, d, token]) => fetch('/api/v1' + p, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token }, body: JSON.stringify(d),
  }).then(async (r) => ({ status: r.status, body: await r.json().catch(() => null) })), [path, data, csrf]);
};

async function noViolations(page, what) {
  await settle(page);
  assert.deepEqual(await axeViolations(page), [], `axe-core on ${what}`);
}

// The demo's recovery holding the most rounds, as the API gives it.
async function cache(page) {
  const list = await body(page, '/recoveries');
  const withAmmo = list.filter((r) => r.ammunition_rounds > 0).sort((a, b) => b.ammunition_rounds - a.ammunition_rounds);
  assert.ok(withAmmo.length > 0, 'the demo has a recovery holding ammunition');
  return body(page, `/recoveries/${withAmmo[0].id}`);
}

before(async () => {
  dir = makeRegistry();
  server = await startServer(dir);
  url = server.url;
  browser = await launchBrowser();
});

after(() => tearDown(browser, server, dir));

test('a recovery shows its ammunition lines: calibre, both headstamps, rounds and what remains', async () => {
  await withPage(browser, 'ammo-recovery', async (page) => {
    await signInWith(page, url, 'admin');
    const rec = await cache(page);
    const headstamps = [...new Set(rec.ammunition.map((a) => a.headstamp?.text).filter(Boolean))];
    assert.ok(headstamps.length >= 2, `the cache holds two headstamps: ${JSON.stringify(headstamps)}`);
    await goTo(page, `#/recoveries/${rec.id}`);
    const section = page.getByTestId('recovery-ammunition');
    await section.waitFor();
    const text = await section.innerText();
    for (const h of headstamps) assert.ok(text.includes(h), `headstamp ${h} is shown`);
    assert.ok(text.includes('7.62x39'), 'the calibre is shown');
    const remaining = await section.getByTestId('remaining').allInnerTexts();
    assert.deepEqual(remaining.map((s) => Number(s.replace(/[^\d]/g, ''))), rec.ammunition.map((a) => a.remaining),
      'each line\'s remaining rounds, as the API counts them');
    await noViolations(page, 'the recovery page');
    await screenshot(page, '70-ammo-recovery');
  });
});

test('taking rounds of a line into stock makes a lot linked from the line; more than remains is refused at the rounds', async () => {
  await withPage(browser, 'ammo-stock', async (page) => {
    await signInWith(page, url, 'admin');
    const rec = await cache(page);
    const line = rec.ammunition.find((a) => a.remaining >= 20);
    assert.ok(line, 'a line with at least 20 rounds remaining');
    const sites = await body(page, '/sites');
    const depot = sites.find((s) => s.kind === 'depot') || sites[0];
    await goTo(page, `#/recoveries/${rec.id}`);
    const form = page.locator('section[aria-labelledby="st-h"]');
    await form.waitFor();
    await form.getByLabel('Line', { exact: true }).selectOption(String(line.line));
    await form.getByLabel('Depot', { exact: true }).selectOption(depot.id);

    // more than remains: refused at the rounds, nothing written
    const events = (await body(page, '/summary')).totals?.events;
    await form.getByLabel('Rounds', { exact: true }).fill(String(line.remaining + 1));
    await form.getByRole('button', { name: 'Take into stock', exact: true }).click();
    const rounds = form.locator('[id="st-rounds"]');
    await page.locator('[id="st-rounds-error"]').waitFor();
    assert.equal(await rounds.getAttribute('aria-invalid'), 'true', 'the rounds field is marked invalid');
    assert.ok(await rounds.evaluate((el) => el === document.activeElement), 'the focus is on the rounds');
    const same = (await body(page, `/recoveries/${rec.id}`)).ammunition.find((a) => a.line === line.line);
    assert.equal(same.remaining, line.remaining, 'nothing taken');
    if (events !== undefined) assert.equal((await body(page, '/summary')).totals.events, events, 'no event recorded');

    await form.getByLabel('Rounds', { exact: true }).fill('20');
    await form.getByRole('button', { name: 'Take into stock', exact: true }).click();
    await form.getByRole('status').filter({ hasText: '20 rounds taken into stock' }).waitFor();
    const now = (await body(page, `/recoveries/${rec.id}`)).ammunition.find((a) => a.line === line.line);
    assert.equal(now.remaining, line.remaining - 20, 'twenty rounds fewer remain');
    assert.equal(now.stocked, (line.stocked || 0) + 20);
    const lot = now.lots[now.lots.length - 1];
    const link = page.getByTestId('line-lot').and(page.locator(`a[href="#/lots/${lot}"]`));
    await link.waitFor();
    const made = await body(page, `/lots/${lot}`);
    assert.equal(made.origin?.recovery_id, rec.id, 'the lot keeps where it came from');
    assert.equal(made.origin?.line, line.line);
    await link.click();
    await page.waitForFunction((id) => location.hash === `#/lots/${id}`, lot);
  });
});

test('a new recovery with an ammunition line: its missing rounds refused at that line, then recorded and shown', async () => {
  await withPage(browser, 'ammo-new-recovery', async (page) => {
    await signInWith(page, url, 'admin');
    await goTo(page, '#/recoveries');
    await page.getByRole('button', { name: 'Record a recovery', exact: true }).click();
    const form = page.locator('section[aria-labelledby="rec-h"]');
    await form.waitFor();
    await page.locator('[id="rec-officer"]').fill('Insp. Joseph');
    await page.getByTestId('add-ammunition').click();
    // no weapon: the blank weapon row is removed, once there is a line
    await form.getByRole('button', { name: 'Remove Weapon 1', exact: true }).click();
    await page.locator('[id="rec-ammunition.0.calibre"]').fill('7.62x39mm');
    await page.locator('[id="rec-ammunition.0.headstamp.text"]').fill('539 83');
    await page.locator('[id="rec-ammunition.0.lot"]').fill('04-83-539');
    const submit = form.getByRole('button', { name: 'Record recovery', exact: true });
    await submit.click();
    const quantity = page.locator('[id="rec-ammunition.0.quantity"]');
    await page.locator('[id="rec-ammunition.0.quantity-error"]').waitFor();
    assert.equal(await quantity.getAttribute('aria-invalid'), 'true', 'the missing rounds are named at the field');
    await quantity.fill('240');
    await submit.click();
    await page.waitForFunction(() => /^#\/recoveries\/[^/]+$/.test(location.hash));
    const section = page.getByTestId('recovery-ammunition');
    await section.waitFor();
    assert.ok((await section.innerText()).includes('539 83'));
    assert.ok((await section.innerText()).includes('04-83-539'));
  });
});

test('rounds of a recovery\'s line are listed in an open destruction batch', async () => {
  await withPage(browser, 'ammo-destruction', async (page) => {
    await signInWith(page, url, 'admin');
    const rec = await cache(page);
    const line = rec.ammunition.find((a) => a.remaining >= 5);
    assert.ok(line, 'a line with rounds remaining');
    // a batch of its own, so that the line is listed in it for the first time
    const sites = await body(page, '/sites');
    const vocabulary = await body(page, '/vocabulary');
    const r = await post(page, '/destructions', { method: vocabulary.destruction_methods[0], site: sites[0].id, date: new Date().toISOString().slice(0, 10) });
    assert.ok(r.status < 300, `a batch opened: ${JSON.stringify(r.body)}`);
    const open = r.body;
    await goTo(page, `#/destructions/${open.id}`);
    const form = page.getByTestId('add-recovered');
    await form.waitFor();
    await form.getByLabel('Recovery', { exact: true }).selectOption(rec.id);
    await form.locator(`[id="dr-line"] option[value="${line.line}"]`).waitFor({ state: 'attached' });
    await form.getByLabel('Line', { exact: true }).selectOption(String(line.line));
    await form.getByLabel('Rounds', { exact: true }).fill('5');
    await form.getByRole('button', { name: 'List the rounds', exact: true }).click();
    await form.getByRole('status').filter({ hasText: '5 rounds listed' }).waitFor();
    const listed = page.getByTestId('batch-recovered');
    await listed.locator('tbody tr').first().waitFor();
    const after = (await body(page, `/recoveries/${rec.id}`)).ammunition.find((a) => a.line === line.line);
    assert.equal(after.remaining, line.remaining - 5, 'five rounds fewer remain');
  });
});

test('ammunition alone is reported stolen, with no weapon, and listed with its lines', async () => {
  await withPage(browser, 'ammo-loss', async (page) => {
    await signInWith(page, url, 'admin');
    const before = await body(page, '/losses?open=0');
    await goTo(page, '#/losses');
    const form = page.getByTestId('loss-form');
    await form.waitFor();
    await form.getByLabel('What was lost or stolen', { exact: true }).selectOption('ammunition');
    await page.locator('[id="loss-ammunition.0.calibre"]').fill('9x19mm');
    await page.locator('[id="loss-ammunition.0.headstamp.text"]').fill('FNM 19');
    await page.locator('[id="loss-ammunition.0.quantity"]').fill('350');
    await form.getByLabel('Reported by', { exact: true }).fill('Cdt. Marcellus');
    await form.getByLabel('Circumstances', { exact: true }).fill('taken from the armoury of the police station');
    await form.getByRole('button', { name: 'Report', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Loss of ammunition recorded' }).waitFor();
    const all = await body(page, '/losses?open=0');
    assert.equal(all.length, before.length + 1, 'one report more');
    const mine = all.find((r) => r.ammunition?.some((a) => a.headstamp?.text === 'FNM 19'));
    assert.ok(mine, 'the report holds the line');
    assert.ok(mine.item_id === null || mine.item_id === undefined, 'and no weapon');
    assert.equal(mine.ammunition[0].quantity, 350);

    // no weapon's status closes it: a person does, naming the recovery
    // that brought the rounds back (the demo's cache holds ammunition)
    const row = page.getByRole('row').filter({ hasText: 'FNM 19' });
    await row.getByTestId('loss-close-button').click();
    const close = page.getByTestId('loss-close');
    await close.getByRole('button', { name: 'Close the loss report' }).click();
    await close.getByText('reason is required').waitFor();
    assert.equal((await body(page, '/losses?open=1')).filter((r) => r.id === mine.id).length, 1, 'a refused close leaves it open');
    await close.getByLabel('Why it is closed').fill('the rounds were found in the cache at Bel-Air');
    const options = await close.getByLabel('Recovery that brought the rounds back').locator('option').count();
    assert.ok(options >= 2, 'the recoveries holding ammunition are offered');
    await close.getByLabel('Recovery that brought the rounds back').selectOption({ index: 1 });
    await close.getByRole('button', { name: 'Close the loss report' }).click();
    await page.getByRole('status').filter({ hasText: 'The loss report is closed' }).waitFor();
    const closed = (await body(page, '/losses?open=0')).find((r) => r.id === mine.id);
    assert.equal(closed.open, false);
    assert.equal(closed.closed.reason, 'the rounds were found in the cache at Bel-Air');
    assert.ok(closed.closed.recovery_id, 'the recovery is named');
    assert.equal((await body(page, '/losses?open=1')).filter((r) => r.id === mine.id).length, 0, 'no longer open');
  });
});

test('the weapons list filters by manufacture, and a converted weapon\'s page says from what', async () => {
  await withPage(browser, 'ammo-items-filter', async (page) => {
    await signInWith(page, url, 'admin');
    const converted = await body(page, '/items?manufacture=converted&limit=50');
    assert.ok(converted.items.length > 0, 'the demo has a converted weapon');
    await goTo(page, '#/items');
    await page.locator('table.list tbody tr').first().waitFor();
    await page.getByLabel('Manufacture', { exact: true }).selectOption('converted');
    await page.waitForFunction(() => location.hash.includes('manufacture=converted'));
    await page.locator('table.list tbody tr').first().waitFor();
    await settle(page);
    const rows = await page.locator('table.list tbody tr').allInnerTexts();
    assert.equal(rows.length, converted.items.length, 'as many rows as the API lists');
    for (const item of converted.items) assert.ok(rows.some((r) => r.includes(item.serial)), `${item.serial} is listed`);
    await page.locator('table.list tbody tr a').first().click();
    const makeup = page.getByTestId('makeup');
    await makeup.waitFor();
    assert.equal(await page.getByTestId('makeup-manufacture').innerText(), 'converted');
    const alarm = converted.items.find((i) => i.converted_from === 'alarm');
    if (alarm) {
      await goTo(page, `#/items/${alarm.id}`);
      await page.getByTestId('makeup-converted').filter({ hasText: 'alarm pistol' }).waitFor();
    }
  });
});

test('a printed polymer frame without an insert is rated inadequate, with the rule named; one with an insert shows its method', async () => {
  await withPage(browser, 'ammo-printed', async (page) => {
    await signInWith(page, url, 'admin');
    const printed = (await body(page, '/items?manufacture=printed&limit=50')).items;
    const bare = printed.find((i) => i.marking_status === 'inadequate');
    assert.ok(bare, 'the demo has a printed frame rated inadequate');
    await goTo(page, `#/items/${bare.id}`);
    await page.getByTestId('makeup-manufacture').filter({ hasText: '3D-printed' }).waitFor();
    assert.equal(await page.getByTestId('makeup-frame').innerText(), 'polymer');
    await page.locator('.reason-text').filter({ hasText: 'R4' }).waitFor();
    await noViolations(page, 'the weapon page of a printed frame');
    await screenshot(page, '71-ammo-printed-frame');
    const inserted = printed.find((i) => i.marking_status === 'adequate');
    if (inserted) {
      await goTo(page, `#/items/${inserted.id}`);
      await page.getByTestId('marking-method').filter({ hasText: 'serialised metal insert' }).first().waitFor();
    }
  });
});

test('a weapon lists its parts, each a link, and a part links the weapon it belongs to', async () => {
  await withPage(browser, 'ammo-parts', async (page) => {
    await signInWith(page, url, 'admin');
    const parts = (await body(page, '/items?kind=part&limit=50')).items;
    const linked = [];
    for (const p of parts) {
      const full = await body(page, `/items/${p.id}`);
      if (full.belongs_to) linked.push(full);
    }
    assert.ok(linked.length >= 2, 'the demo has a barrel and a slide linked to a weapon');
    const weapon = await body(page, `/items/${linked[0].belongs_to}`);
    await goTo(page, `#/items/${weapon.id}`);
    const section = page.getByTestId('parts');
    await section.waitFor();
    for (const p of weapon.parts) await section.locator(`a[href="#/items/${encodeURIComponent(p.id)}"]`).waitFor();
    assert.equal(await section.locator('tbody tr').count(), weapon.parts.length);
    await section.locator(`a[href="#/items/${encodeURIComponent(linked[0].id)}"]`).click();
    const belongs = page.getByTestId('makeup-belongs');
    await belongs.waitFor();
    await belongs.locator(`a[href="#/items/${encodeURIComponent(weapon.id)}"]`).waitFor();
  });
});

test('a part is linked to a weapon picked by its serial, listed on the weapon, and taken off with a reason', async () => {
  const part = json(['item', 'add', '--category', 'PART', '--make', 'Glock', '--model', '17', '--serial', 'BRL-7781', '--kind', 'part', '--part-type', 'barrel']);
  const weapon = json(['item', 'add', '--category', 'SA1', '--make', 'Glock', '--model', '17', '--serial', 'GLK-5521']);
  await withPage(browser, 'ammo-attach', async (page) => {
    await signInWith(page, url, 'admin');
    await goTo(page, `#/items/${part.id}`);
    const box = page.getByTestId('attach');
    await box.getByTestId('attach-open').click();
    await box.getByLabel('The weapon', { exact: true }).fill('GLK-55');
    await box.getByTestId('weapon-choices').getByRole('button').filter({ hasText: 'GLK-5521' }).first().click();
    await box.getByLabel('Reason', { exact: true }).fill('found fitted to it');
    await box.getByRole('button', { name: 'Link', exact: true }).click();
    await box.getByRole('status').filter({ hasText: 'linked to the weapon' }).waitFor();
    await page.getByTestId('makeup-belongs').locator(`a[href="#/items/${weapon.id}"]`).waitFor();
    assert.equal((await body(page, `/items/${part.id}`)).belongs_to, weapon.id);
    await noViolations(page, 'a part\'s page');
    await goTo(page, `#/items/${weapon.id}`);
    await page.getByTestId('parts').locator(`a[href="#/items/${part.id}"]`).waitFor();
    await goTo(page, `#/items/${part.id}`);
    await box.getByTestId('attach-open').click();
    await box.getByLabel('Reason', { exact: true }).fill('sent to the laboratory alone');
    await box.getByRole('button', { name: 'Take off', exact: true }).click();
    await box.getByRole('status').filter({ hasText: 'no longer linked' }).waitFor();
    const after = await body(page, `/items/${part.id}`);
    assert.ok(!after.belongs_to, 'the part belongs to no weapon');
  });
});

test('the ammunition search finds a headstamp typed with misread characters and links to its recovery', async () => {
  await withPage(browser, 'ammo-search', async (page) => {
    await signInWith(page, url, 'admin');
    const rec = await cache(page);
    const h = rec.ammunition.map((a) => a.headstamp?.text).find((x) => /^[0-9 ]+$/.test(x || '') && /[18]/.test(x));
    assert.ok(h, 'a headstamp of digits with a 1 or an 8');
    const typed = h.replace(/1/g, 'l').replace(/8/g, 'B');
    await goTo(page, '#/search');
    await page.getByTestId('search-ammunition').click();
    await page.getByTestId('ammunition-search').waitFor();
    await page.getByLabel('Headstamp', { exact: true }).fill(typed);
    await page.getByTestId('ammunition-search').getByRole('button', { name: 'Search', exact: true }).click();
    const result = page.getByTestId('ammunition-result').filter({ has: page.locator(`a[href="#/recoveries/${rec.id}"]`) });
    await result.first().waitFor();
    assert.ok((await result.first().getByTestId('result-headstamp').innerText()).includes(h), 'the headstamp as recorded');
    await noViolations(page, 'the ammunition search');
    await screenshot(page, '72-ammo-search');
    await result.first().getByTestId('ammunition-source').click();
    await page.getByTestId('recovery-ammunition').waitFor();
  });
});

test('an observation\'s ammunition drafts a request about its lot, which keeps the line when the draft is saved', async () => {
  await withPage(browser, 'ammo-trace-draft', async (page) => {
    await signInWith(page, url, 'admin');
    let target = null;
    for (const o of await body(page, '/observations')) {
      const full = await body(page, `/observations/${o.id}`);
      const n = (full.items || []).findIndex((i) => i.kind === 'ammunition');
      if (n >= 0) { target = { o: full, n }; break; }
    }
    assert.ok(target, 'the demo has an observation of ammunition');
    await goTo(page, `#/observations/${target.o.id}`);
    const box = page.getByTestId('trace-item');
    await box.waitFor();
    await page.locator('[id="ot-item"]').selectOption(String(target.n));
    await box.locator('button[type="submit"]').click();
    await page.waitForFunction(() => /^#\/traces\/[0-9A-Z]{26}$/.test(location.hash));
    const id = decodeURIComponent((await page.evaluate(() => location.hash)).split('/')[2]);
    const lot = target.o.items[target.n].lot;
    const shown = page.getByTestId('trace-ammunition');
    await shown.waitFor();
    if (lot) assert.ok((await shown.innerText()).includes(lot), 'the lot is shown');
    await page.locator('[id="tr-justification"]').fill('seen with an armed group under embargo');
    await page.getByTestId('trace-form').getByRole('button', { name: 'Save draft', exact: true }).click();
    await page.getByTestId('trace-form').locator('.success').filter({ hasText: 'saved' }).first().waitFor().catch(() => {});
    await settle(page);
    const req = await body(page, `/traces/${id}`);
    assert.equal(req.justification, 'seen with an armed group under embargo');
    assert.equal(req.item.kind, 'ammunition', 'still a request about ammunition');
    assert.equal(req.item.quantity, target.o.items[target.n].quantity);
    assert.equal(req.item.lot, lot);
    await noViolations(page, 'an ammunition draft');
  });
});

test('in Arabic, the recovery page, the ammunition search and a printed frame\'s page are right to left with no axe-core violation', async () => {
  await withPage(browser, 'ammo-ar', async (page) => {
    await signInWith(page, url, 'admin', { lang: 'ar' });
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    const rec = await cache(page);
    await goTo(page, `#/recoveries/${rec.id}`);
    await page.getByTestId('recovery-ammunition').waitFor();
    assert.ok((await page.getByTestId('recovery-ammunition').innerText()).includes('الذخيرة'));
    await noViolations(page, 'the recovery page in Arabic');
    await screenshot(page, '73-ammo-recovery-ar');
    await goTo(page, '#/search?what=ammunition&headstamp=71%2081');
    await page.getByTestId('ammunition-result').first().waitFor();
    await noViolations(page, 'the ammunition search in Arabic');
    const printed = (await body(page, '/items?manufacture=printed&limit=1')).items[0];
    if (printed) {
      await goTo(page, `#/items/${printed.id}`);
      await page.getByTestId('makeup').waitFor();
      await noViolations(page, 'a printed frame\'s page in Arabic');
    }
  });
});
