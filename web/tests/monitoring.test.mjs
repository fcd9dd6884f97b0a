// Monitoring in the field in the console, in Debian's Chromium against a
// real `wam serve` on the demo registry (whose mission scenario records
// three observations in the Central African Republic — the same rifle and
// ammunition lot seen in two provinces — one corroborated finding, one
// draft): every page of the Monitoring menu, an observation, a finding and
// the profiles pass axe-core in English and Arabic with no raw code; the
// map draws the observations offline and leads to them; a monitor records
// an observation through the form (a graded source, a weapon with a marking
// in Arabic script, a photo sent first) and sees its source's identity,
// which a second monitor does not and a source handler does; a field the
// server refuses is named under it and nothing is recorded; a draft finding
// cannot be corroborated on one source, the refusal and the verdict as the
// server says them, then can once independent evidence is linked, and is
// frozen once reported; evidence packs download, the redacted one without
// the identity; profiles drill down to their observations; the committee
// report prints; a viewer has no Monitoring menu.
//
// run: node --test --test-reporter=tap web/tests/monitoring.test.mjs   (WAM=build/wam)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
  apiGet, assertAbsent, axeViolations, goTo, launchBrowser, openedText, makeRegistry, screenshot, settle, signInWith, startServer, tearDown,
  wam, withPage,
} from './harness.mjs';

let dir, server, browser, url;

// users of their own for need to know: two monitors and a source handler
const PASSWORD = 'a long enough password for monitoring';
const MORE = { 'mon.one': 'monitor', 'mon.two': 'monitor', 'src.handler': 'source_handler' };

before(async () => {
  dir = makeRegistry();
  for (const [name, role] of Object.entries(MORE)) wam(dir, ['user', 'add', name, '--role', role, '--password-stdin'], PASSWORD + '\n');
  server = await startServer(dir);
  url = server.url;
  browser = await launchBrowser();
});

after(() => tearDown(browser, server, dir));

const signIn = (page, name, lang) => signInWith(page, url, name, { lang, password: MORE[name] ? PASSWORD : undefined });
const go = goTo;
const get = apiGet;
const must = async (page, path) => {
  const r = await get(page, path);
  assert.equal(r.status, 200, `GET ${path}: ${JSON.stringify(r.body)}`);
  return r.body;
};
const enc = encodeURIComponent;

// The demo's mission, read through the API.
async function demo(page, { draft: needDraft = true } = {}) {
  const observations = await must(page, '/observations');
  const findings = await must(page, '/findings');
  assert.ok(observations.length >= 3, 'the demo has its mission\'s observations');
  const linked = observations.find((o) => o.links > 0 && o.actor); // the demo's, not one a test recorded
  assert.ok(linked, 'an observation of the demo is linked to another');
  const corroborated = findings.find((f) => f.state === 'corroborated');
  const draft = findings.find((f) => f.state === 'draft');
  assert.ok(corroborated && (draft || !needDraft), 'the demo has a corroborated finding and a draft');
  return { observations, findings, linked, corroborated, draft, actor: linked.actor.name };
}

// Waits for the page's heading and data; no raw code, no catalogue key, no
// record id in the text; axe-core finds nothing; no error in the page.
async function pageIsClean(page, route, what, lang) {
  const main = await openedText(page, route);
  assert.ok(main.trim().length > 0, `${what} shows something`);
  const raw = main.match(/(?<![\p{L}\p{N}_.@/-])(?:[a-z]+_[a-z_]+|(?:mon|nav|msg|obs_kind|actor_kind|source_type|finding_state|link_kind|item_kind|document_kind|evidence_rule|link_why|reliability|credibility)\.[\w.-]+)(?![\p{L}\p{N}_])/gu);
  assert.equal(raw, null, `${what} (${lang}) shows codes: ${raw}`);
  assert.ok(!/\b[0-9A-HJKMNP-TV-Z]{26}\b/.test(main), `${what} (${lang}) shows a record id`);
  const found = await axeViolations(page);
  assert.deepEqual(found, [], `axe-core on ${what} (${lang})`);
  assert.deepEqual(page.errors, [], `errors in the page on ${what}`);
}

for (const lang of ['en', 'ar']) {
  test(`the Monitoring pages pass axe-core in ${lang === 'en' ? 'English' : 'Arabic'}, with no raw code`, async () => {
    await withPage(browser, `monitoring-pages-${lang}`, async (page) => {
      await signIn(page, 'admin', lang);
      const d = await demo(page);
      if (lang === 'ar') assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
      const routes = [
        ['#/observations', 'the observations and their map'],
        [`#/observations/${enc(d.linked.id)}`, 'an observation linked to another'],
        ['#/observations/new', 'the observation form'],
        ['#/findings', 'the findings'],
        [`#/findings/${enc(d.corroborated.id)}`, 'a corroborated finding'],
        [`#/findings/${enc(d.draft.id)}`, 'a draft finding'],
        ['#/findings/new', 'the finding form'],
        ['#/profiles', 'the profiles'],
        [`#/profiles/actor?name=${enc(d.actor)}`, "an armed group's profile"],
        ['#/profiles/country/CF?compare=1', "a country's profile beside its imports"],
        ['#/committee', 'the report to a committee'],
      ];
      for (const [i, [route, what]] of routes.entries()) {
        await pageIsClean(page, route, what, lang);
        await screenshot(page, `60-monitoring-${lang}-${String(i).padStart(2, '0')}`);
      }
    });
  });
}

test('the map draws the observations offline, each a link to its own; a link between two observations shows on both', async () => {
  await withPage(browser, 'monitoring-map', async (page) => {
    const outside = [];
    page.on('request', (r) => { if (!r.url().startsWith(url)) outside.push(r.url()); });
    await signIn(page, 'admin');
    const d = await demo(page);
    await go(page, '#/observations');
    const map = page.getByTestId('observation-map');
    await map.waitFor();
    const placed = d.observations.filter((o) => typeof o.place?.lat === 'number');
    assert.equal(await map.getByTestId('map-observation').count(), placed.length, 'every observation with coordinates is on the map');
    assert.deepEqual(outside, [], 'nothing is asked of another server');
    // the linked observation's point leads to its page, where the other one is named
    const other = (await must(page, `/observations/${enc(d.linked.id)}`)).links[0].observation_id;
    await map.locator(`a[href="#/observations/${d.linked.id}"]`).click();
    // waiting for the very link, not for any list of links: the page before may still show its own
    await page.getByTestId('cross-links').first().locator(`a[href="#/observations/${other}"]`).waitFor();
    assert.ok(await page.getByTestId('cross-links').first().locator(`a[href="#/observations/${other}"]`).count(), 'the link names the other observation');
    await go(page, `#/observations/${enc(other)}`);
    await page.getByTestId('cross-links').first().locator(`a[href="#/observations/${d.linked.id}"]`).waitFor();
    assert.ok(await page.getByTestId('cross-links').first().locator(`a[href="#/observations/${d.linked.id}"]`).count(), 'and the other names it back');
    // the filters narrow the list and the map together
    await go(page, `#/observations?kind=${enc(d.linked.kind)}`);
    await settle(page);
    const rows = await page.locator('main table.list tbody tr').count();
    assert.equal(rows, d.observations.filter((o) => o.kind === d.linked.kind).length, 'the list holds the observations of the kind');
    assert.equal(await page.getByTestId('map-observation').count(), rows, 'and so does the map');
  });
});

// A small PNG (1x1, grey) for the photo field.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==', 'base64');
const IDENTITY = 'Head of the cooperative at Kabo (a fictitious witness)';
const MARKING = 'صنع في ٢٠١٥';

async function fill(page, id, value) {
  await page.locator(`#${id.replace(/\./g, '\\.')}`).fill(value);
}
async function choose(page, id, value) {
  await page.locator(`#${id.replace(/\./g, '\\.')}`).selectOption(value);
}
async function country(page, id, code) {
  const box = page.locator(`#${id.replace(/\./g, '\\.')}`);
  await box.fill(code);
  await box.press('Tab');
}

test('a monitor records an observation with the form; the identity of its source is shown to them and a source handler, never to another monitor', async () => {
  let id;
  await withPage(browser, 'monitoring-form', async (page) => {
    await signIn(page, 'mon.one');
    const before = (await must(page, '/observations')).length;
    await go(page, '#/observations/new');
    await page.getByTestId('new-observation').waitFor();
    await choose(page, 'ob-kind', 'cache_recovery');
    await fill(page, 'ob-place.name', 'Kabo, a storehouse');
    await fill(page, 'ob-place.admin_area', 'Ouham');
    await country(page, 'ob-place.country', 'CF');
    await fill(page, 'ob-place.lat', '7.7');
    await fill(page, 'ob-place.lon', '18.63');
    await fill(page, 'ob-officer', 'A. Officer');
    // the source: a witness graded B2, independent, with an identity
    await choose(page, 'ob-sources.0.type', 'witness');
    await choose(page, 'ob-sources.0.reliability', 'B');
    await choose(page, 'ob-sources.0.credibility', '2');
    await page.locator('#ob-sources\\.0\\.independent').check();
    await fill(page, 'ob-sources.0.ref', 'KB-W-01');
    await fill(page, 'ob-sources.0.identity', IDENTITY);
    // the weapon, its marking as read in Arabic script, and a photo sent first
    await fill(page, 'ob-items.0.serial', 'KB 9031');
    await fill(page, 'ob-items.0.make', 'Beretta');
    await fill(page, 'ob-items.0.markings.0.text', MARKING);
    await page.locator('#ob-items\\.0\\.photos-file').setInputFiles({ name: 'rifle.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('.photo-thumbs img').first().waitFor();
    // a second item: the demo's ammunition lot, by headstamp and lot
    await page.getByTestId('items').getByRole('button', { name: 'Add an item' }).click();
    const second = page.getByTestId('item-row').nth(1);
    await second.locator('select').first().selectOption('ammunition');
    const ammo = await second.locator('select').first().getAttribute('id');
    const k = ammo.split('.')[1];
    await fill(page, `ob-items.${k}.calibre`, '7.62x39mm');
    await fill(page, `ob-items.${k}.quantity`, '220');
    await fill(page, `ob-items.${k}.headstamp.text`, '71 19');
    await fill(page, `ob-items.${k}.lot`, 'LOT 19-0412');

    // no unit: the server's refusal is put under the field, nothing recorded
    await page.locator('form[data-testid="new-observation"] button[type="submit"]').click();
    const unit = page.locator('#ob-unit');
    await page.locator('#ob-unit-error').waitFor();
    assert.equal(await unit.getAttribute('aria-invalid'), 'true', 'the unit is named as the field at fault');
    assert.equal((await must(page, '/observations')).length, before, 'nothing was recorded');

    await fill(page, 'ob-unit', 'Embargo cell, team B');
    await page.locator('form[data-testid="new-observation"] button[type="submit"]').click();
    await page.waitForFunction(() => /^#\/observations\/[0-9A-Z]{26}$/.test(location.hash));
    id = decodeURIComponent((await page.evaluate(() => location.hash)).split('/')[2]);
    await page.getByTestId('observed-item').first().waitFor();
    assert.ok(await page.getByText(MARKING).count(), 'the marking as read, in its script');
    assert.equal(await page.locator('.mon-photos img').count(), 1, 'the photo');
    assert.equal((await page.getByTestId('source-identity').innerText()).trim(), IDENTITY, 'the recorder sees the identity');
    const body = await must(page, `/observations/${enc(id)}`);
    assert.equal(body.sources[0].reliability, 'B');
    assert.equal(body.sources[0].credibility, 2);
    assert.equal(body.sources[0].independent, true);
    assert.deepEqual(body.items.map((it) => it.kind), ['weapon', 'ammunition'], 'both items, in order');
    assert.equal(body.items[1].quantity, 220);
    // the lot seen before is a link to the demo's observations
    assert.ok(body.links.some((l) => l.item === 1 && l.why === 'lot'), 'the lot links to where it was seen before');
    await page.getByTestId('cross-links').first().waitFor();
    await screenshot(page, '61-monitoring-recorded');

    // the weapon as a trace request in one step, listed with its item after
    await country(page, 'ot-requested.state', 'IT');
    await country(page, 'ot-requesting.state', 'CF');
    await page.getByTestId('trace-item').locator('button[type="submit"]').click();
    await page.waitForFunction(() => /^#\/traces\/[0-9A-Z]{26}$/.test(location.hash));
    const request = decodeURIComponent((await page.evaluate(() => location.hash)).split('/')[2]);
    const drafted = await must(page, `/traces/${enc(request)}`);
    assert.equal(drafted.item.serial, 'KB 9031', 'the request is about the weapon seen');
    await go(page, `#/observations/${enc(id)}`);
    await page.locator(`main a[href="#/traces/${request}"]`).waitFor();
  });
  await withPage(browser, 'monitoring-other-monitor', async (page) => {
    await signIn(page, 'mon.two');
    await go(page, `#/observations/${enc(id)}`);
    await page.getByTestId('identity-sealed').waitFor();
    await assertAbsent(page.getByText(IDENTITY), 'the identity, to another monitor');
    const body = await must(page, `/observations/${enc(id)}`);
    assert.ok(!JSON.stringify(body).includes(IDENTITY), 'nor does the API give it');
  });
  await withPage(browser, 'monitoring-source-handler', async (page) => {
    await signIn(page, 'src.handler');
    await go(page, `#/observations/${enc(id)}`);
    assert.equal((await page.getByTestId('source-identity').innerText()).trim(), IDENTITY, 'a source handler sees it');
  });
});

test('a draft finding is not corroborated on one source; linked to independent evidence it is, then reported and frozen; its packs download', async () => {
  await withPage(browser, 'monitoring-finding', async (page) => {
    page.context().setDefaultTimeout(15000);
    await signIn(page, 'mon.one');
    const d = await demo(page);
    await go(page, `#/findings/${enc(d.draft.id)}`);
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor();
    const rule = await must(page, `/findings/${enc(d.draft.id)}/rule`);
    assert.equal(rule.holds, false, 'the demo\'s draft rests on one source');
    assert.equal(await verdict.getAttribute('data-holds'), 'false', 'the verdict is the server\'s');
    assert.equal((await page.getByTestId('verdict-message').innerText()).trim(), rule.message, 'in the server\'s words');
    // the sources it set aside, as the server names them, one line each
    assert.ok(Array.isArray(rule.set_aside), 'the verdict names the sources it set aside');
    assert.equal(await page.locator('[data-testid="set-aside"] li').count(), rule.set_aside.length, 'each source set aside, no more');
    for (const s of rule.set_aside) {
      const line = page.locator(`[data-testid="set-aside"] li[data-observation="${s.observation}"][data-why="${s.why}"]`);
      assert.ok(await line.count() >= 1, `the source set aside as ${s.why} is listed`);
      assert.ok(await line.first().locator(`a[href="#/observations/${enc(s.observation)}"]`).count() >= 1, 'with a link to its observation');
    }

    // refused, and said so; still a draft
    await page.getByTestId('corroborate').click();
    const alert = page.locator('main .alert[role="alert"]');
    await alert.waitFor();
    assert.match(await alert.innerText(), /\S/);
    assert.equal((await must(page, `/findings/${enc(d.draft.id)}`)).state, 'draft');

    // the cache recovery (two independent sources) linked: the rule holds
    const cache = d.observations.find((o) => o.kind === 'cache_recovery' && o.sources >= 2);
    assert.ok(cache, 'the demo has a cache recovery on two sources');
    await page.locator('#fl-target').selectOption(cache.id);
    await page.locator('#fl-note').fill('the same lot, seen at the cache');
    await page.getByTestId('link-form').locator('button[type="submit"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="verdict"]')?.dataset.holds === 'true');
    assert.equal((await must(page, `/findings/${enc(d.draft.id)}/rule`)).holds, true);
    await page.getByTestId('corroborate').click();
    await page.locator('main [data-state="corroborated"]').first().waitFor();

    // reported: frozen, no link form, no corroborate button
    await page.locator('#rp-to').fill('Panel of Experts on the Central African Republic');
    await page.locator('section[aria-labelledby="rp-h"] button[type="submit"]').click();
    await page.locator('main [data-state="reported"]').first().waitFor();
    await assertAbsent(page.getByTestId('link-form'), 'the link form of a reported finding');
    assert.equal((await must(page, `/findings/${enc(d.draft.id)}`)).state, 'reported');
    await screenshot(page, '62-monitoring-reported');

    // the evidence packs: a POSIX tar each; the redacted one without the identity
    const packs = page.getByTestId('evidence-pack').locator('a');
    const bytes = async (i) => {
      const [dl] = await Promise.all([page.waitForEvent('download'), packs.nth(i).click()]);
      return readFileSync(await dl.path());
    };
    const whole = await bytes(0);
    assert.equal(whole.subarray(257, 262).toString('latin1'), 'ustar', 'the pack is a POSIX tar');
    const redacted = await bytes(1);
    assert.equal(redacted.subarray(257, 262).toString('latin1'), 'ustar');
    const identity = 'Village chief of Ndomété (fictitious)';
    assert.ok(!redacted.includes(Buffer.from(identity)), 'the redacted pack holds no identity');

    // verified here: intact; with one byte of finding.json changed, that file is named
    await go(page, '#/findings');
    const verify = page.getByTestId('verify-pack');
    const check = async (buffer) => {
      await verify.locator('#vp-file').setInputFiles({ name: 'pack.wep', mimeType: 'application/x-tar', buffer });
      await verify.locator('button[type="submit"]').click();
      const verdict = verify.getByTestId('pack-verdict');
      await verdict.waitFor();
      return verdict;
    };
    assert.equal(await (await check(whole)).getAttribute('data-valid'), 'true', 'the pack made here verifies here');
    const changed = Buffer.from(whole);
    const at = memberAt(changed, 'finding.json');
    changed[at] ^= 0x01;
    const refused = await check(changed);
    await page.waitForFunction(() => document.querySelector('[data-testid="pack-verdict"]')?.dataset.valid === 'false');
    assert.match(await refused.locator('table').innerText(), /finding\.json/, 'the file changed is named');
  });
});

// Where the contents of `name` start in a POSIX tar (the offset of its first byte).
function memberAt(tar, name) {
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const path = header.subarray(0, 100).toString('utf-8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(header[156]);
    if (path === name && (type === '0' || type === '\0')) return at + 512;
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${name} is not in the archive`);
}

test("an actor's profile charts its observations over time and each figure leads to its observations; the committee report prints", async () => {
  await withPage(browser, 'monitoring-profiles', async (page) => {
    await signIn(page, 'admin');
    const d = await demo(page, { draft: false }); // a test before may have reported it
    await go(page, `#/profiles/actor?name=${enc(d.actor)}`);
    await page.locator('.month-chart canvas').first().waitFor();
    const profile = await must(page, `/profiles/actors?name=${enc(d.actor)}`);
    const first = profile.weapons.by_category[0];
    const link = page.locator('a[data-figure="pr-cat"]').first();
    await link.evaluate((a) => a.closest('details')?.setAttribute('open', ''));
    await link.click();
    await page.getByTestId('figure-note').waitFor();
    await settle(page);
    assert.equal(await page.locator('main table.list tbody tr').count(), first.observations.length, 'the figure\'s observations, no more');

    // a country's profile counts a weapon seen twice once: the demo's rifle
    // BZ 47213 (Zastava), seen in Ouham-Pendé and again in Nana-Grébizi
    await go(page, '#/profiles/country/CF');
    const facts = page.getByTestId('profile-weapons');
    await facts.waitFor();
    const cf = await must(page, '/profiles/countries/CF');
    assert.ok(cf.weapons.total < cf.weapons.sightings, 'fewer distinct weapons than sightings');
    assert.equal(Number(await facts.getAttribute('data-total')), cf.weapons.total, 'the distinct weapons as the server counts them');
    assert.equal(Number(await facts.getAttribute('data-sightings')), cf.weapons.sightings, 'and the sightings beside');
    const zastava = cf.weapons.by_make.find((r) => /zastava/i.test(r.key));
    assert.ok(zastava, 'the demo\'s Zastava rifle is in the profile');
    assert.deepEqual([zastava.count, zastava.sightings, zastava.observations.length], [1, 2, 2], 'one rifle, seen twice in two observations');
    const row = page.locator('#pr-make ~ .chart table tbody tr').filter({ hasText: /Zastava/ });
    await row.evaluate((tr) => tr.closest('details')?.setAttribute('open', ''));
    assert.equal((await row.locator('a[data-figure="pr-make"]').innerText()).trim(), '1', 'counted once');
    assert.equal((await row.locator('[data-sightings="pr-make"]').innerText()).trim(), '2', 'seen twice');

    await go(page, '#/committee?from=2000-01-01');
    const report = page.getByTestId('committee-report');
    await report.waitFor();
    const api = await must(page, `/reports/committee?from=2000-01-01&to=${new Date().toISOString().slice(0, 10)}`);
    assert.equal(await page.getByTestId('report-finding').count(), api.findings.length, 'every finding of the period');
    assert.ok((await page.getByTestId('report-weapons').innerText()).includes(String(api.weapons.sightings)), 'the weapons\' sightings beside the distinct count');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('nav.nav').isVisible(), false, 'printed without the menu');
    assert.equal(await report.isVisible(), true, 'the report is printed');
    await page.emulateMedia({ media: 'screen' });
  });
});

test('a viewer has no Monitoring menu and is refused its pages', async () => {
  await withPage(browser, 'monitoring-viewer', async (page) => {
    await signIn(page, 'viewer');
    assert.equal(await page.locator('#nav-b-monitoring').count(), 0, 'no Monitoring group');
    await go(page, '#/observations');
    await page.locator('main h1').waitFor();
    await assertAbsent(page.getByTestId('observation-map'), 'the map, to a viewer');
    assert.equal((await get(page, '/observations')).status, 403);
  });
});
