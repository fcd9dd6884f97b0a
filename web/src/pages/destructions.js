// Destruction batches: the list, opening one, and one batch with its weapons,
// verifiers (each with whether they confirmed) and witnesses, the serials
// read at the site, a signed-in verifier's own confirmation, and the closing
// with a certificate number (roles with destroy); a closed batch links to its
// certificate, an HTML page the server renders.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { fmtDate, fmtNumber, label, t } from '../i18n.js';
import { navigate } from '../router.js';
import { can } from '../roles.js';
import { Field, FormError, LoadError, Loading, Submit, optionsOf, useForm } from '../components/form.js';
import { headstampText } from '../components/ammunition.js';
import { suggestUsers } from '../components/pickers.js';
import { ActionForm, Day, Facts, ItemLink, SiteName, Table, bodyOf, linesOf, siteOptions, useSites } from '../components/stock.js';
import { Ref } from '../components/table.js';
import { PageTitle, StatusBadge } from './misc.js';
import { DESTRUCTION_METHODS, DESTRUCTION_ROLES } from '../vocab.js';

// Where a batch is destroyed: a site of the registry by its name, or the
// place as typed (a range, a foundry), kept as written in every language.
const BatchSite = ({ sites, site }) =>
  (sites.some((x) => x.id === site) ? html`<${SiteName} sites=${sites} id=${site} />` : site ? html`<span dir="auto" translate=${false}>${site}</span>` : '—');

const StateBadge = ({ state }) => html`<span class=${'badge tone-' + (state === 'open' ? 'warn' : 'gone')}>${label('batch_state', state)}</span>`;

export function Destructions({ user }) {
  const sites = useSites();
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('GET', '/destructions').then(setList, setError);
  }, []);
  const cols = [
    [t('dest.date'), (b) => html`<a href=${'#/destructions/' + b.id}><${Day} at=${b.date} /></a>`, '', { sort: 'date' }],
    [t('dest.method'), (b) => label('method', b.method)],
    [t('field.site'), (b) => html`<${BatchSite} sites=${sites} site=${b.site} />`, '', { sort: (b) => sites.find((s) => s.id === b.site)?.name }],
    [t('nav.items'), (b) => fmtNumber(b.weapons), 'num', { sort: 'weapons' }],
    [t('field.status'), (b) => html`<${StateBadge} state=${b.state} />`, '', { sort: 'state' }],
    [t('dest.certificate'), (b) => html`<${Ref} text=${b.certificate} />`, '', { sort: 'certificate' }],
  ];
  return html`<${PageTitle}>${t('dest.title')}<//>
    <${LoadError} error=${error} />
    ${!list && !error && html`<${Loading} />`}
    ${list && html`<${Table} name="destructions" caption=${t('dest.title')} cols=${cols} rows=${list} empty=${t('dest.none')} />`}
    ${can(user, 'destroy') && html`<${ActionForm} prefix="dst-" title=${t('dest.open')} submit=${t('dest.open_submit')}
      initial=${{ method: '', site: '', date: new Date().toISOString().slice(0, 10), notes: '' }}
      fields=${[
        { name: 'method', label: t('dest.method'), type: 'select', required: true, options: optionsOf(DESTRUCTION_METHODS, 'method', { empty: t('common.choose') }) },
        { name: 'site', label: t('dest.site'), type: 'select', required: true, options: siteOptions(sites, t('common.choose')) },
        { name: 'date', label: t('dest.date'), type: 'date', required: true },
        { name: 'notes', label: t('field.notes'), dir: 'auto' },
      ]}
      action=${async (v) => {
        const b = await api('POST', '/destructions', { body: bodyOf(v) });
        navigate('#/destructions/' + b.id);
      }} />`}`;
}

export function Destruction({ user, route }) {
  const id = route.params[0];
  const sites = useSites();
  const [batch, setBatch] = useState(null);
  const [error, setError] = useState(null);
  const path = `/destructions/${encodeURIComponent(id)}`;
  const [lots, setLots] = useState([]); // what may be listed: lots holding rounds
  useEffect(() => {
    if (can(user, 'destroy')) api('GET', '/lots').then((ls) => setLots(ls.filter((l) => l.rounds > 0)), () => {});
  }, []);
  useEffect(() => {
    setBatch(null);
    setError(null);
    api('GET', path).then(setBatch, setError);
  }, [id]);
  if (error) return html`<${PageTitle}>${t('dest.one')}<//><${LoadError} error=${error} />`;
  if (!batch) return html`<${PageTitle}>${t('dest.one')}<//><${Loading} />`;

  // every change answers with the batch as it now is
  const post = (what, body) => api('POST', path + what, { body }).then((b) => (setBatch(b), b));
  const open = batch.state === 'open';
  // a verifier named in the batch, signed in as themselves, confirms here
  const me = user && (batch.verifier_states || []).find((v) => v.name === user.name);
  const mine = me && !me.confirmed;
  return html`
    <${PageTitle}>${t('dest.one')} · ${label('method', batch.method)} · <${Day} at=${batch.date} /><//>
    <p class="subtitle"><${StateBadge} state=${batch.state} /></p>
    <${Facts} rows=${[
      [t('dest.site'), html`<${BatchSite} sites=${sites} site=${batch.site} />`],
      [t('dest.verifiers'), html`<ul class="plain" data-testid="verifier-states">${(batch.verifier_states || []).map((v) => html`<li key=${v.name}>
        <span dir="auto">${v.name}</span> ${v.confirmed
          ? html`<span class="badge tone-held">${t('dest.confirmed_at', { when: fmtDate(v.confirmed_at) })}</span>`
          : html`<span class="badge tone-warn">${t('dest.not_confirmed')}</span>`}
        ${v.created_by && html`<br /><small class="muted" data-testid="verifier-account">${t('dest.account', {
          made_by: v.created_by, made_at: fmtDate(v.created_at), set_by: v.password_set_by, set_at: fmtDate(v.password_set_at),
        })}</small>`}</li>`)}</ul>`],
      [t('dest.witnesses'), batch.witnesses.length ? html`<span dir="auto">${batch.witnesses.join(', ')}</span>` : null],
      [t('dest.certificate'), batch.certificate && html`${batch.certificate} · <a href=${`/api/v1${path}/certificate`} target="_blank" rel="noopener">${t('dest.see_certificate')}<span class="sr-only"> ${t('dest.new_tab')}</span></a>`],
      [t('field.notes'), batch.notes && html`<span class="pre" dir="auto">${batch.notes}</span>`],
      [t('item.id'), html`<code>${batch.id}</code>`],
    ]} />
    <h2>${t('nav.items')}</h2>
    <${Table} caption=${t('nav.items')} rows=${batch.items} rowKey=${(w) => w.item_id} empty=${t('dest.no_items')} cols=${[
      [t('rec.n'), (w) => fmtNumber(w.n), 'num'],
      [t('field.serial'), (w) => html`<${ItemLink} id=${w.item_id} serial=${w.serial} />`],
      [t('field.make'), (w) => html`<span dir="auto">${w.make || '—'}</span>`],
      [t('field.model'), (w) => html`<span dir="auto">${w.model || '—'}</span>`],
      [t('field.category'), (w) => w.category],
      [t('field.status'), (w) => html`<${StatusBadge} status=${w.status} />`],
    ]} />
    ${(batch.lots?.length > 0 || open) && html`<h2>${t('dest.lots')}</h2>
    <${Table} caption=${t('dest.lots')} rows=${batch.lots || []} rowKey=${(l) => l.lot_id} empty=${t('dest.no_lots')} cols=${[
      [t('rec.n'), (l) => fmtNumber(l.n), 'num'],
      [t('lot.number'), (l) => html`<a href=${'#/lots/' + l.lot_id} dir="auto">${l.lot_number}</a>`],
      [t('lot.nomenclature'), (l) => html`<span dir="auto">${l.nomenclature}</span>`],
      [t('field.calibre'), (l) => l.calibre || '—'],
      [t('lot.rounds'), (l) => fmtNumber(l.rounds), 'num'],
    ]} />`}
    ${(batch.recovered?.length > 0 || (open && Array.isArray(batch.recovered))) && html`<section aria-labelledby="dest-rec-h" data-testid="batch-recovered">
    <h2 id="dest-rec-h">${t('dest.recovered')}</h2>
    <${Table} caption=${t('dest.recovered')} rows=${batch.recovered || []} rowKey=${(r) => r.recovery_id + ':' + r.line} empty=${t('dest.no_recovered')} cols=${[
      [t('task.recovery'), (r) => html`<a href=${'#/recoveries/' + encodeURIComponent(r.recovery_id)}>${t('dest.recovery_line', { n: fmtNumber(r.line + 1) })}</a>`],
      [t('field.calibre'), (r) => html`<span dir="auto">${r.calibre || '—'}</span>`],
      [t('ammo.headstamp'), (r) => html`<span dir="auto">${(typeof r.headstamp === 'object' ? headstampText(r.headstamp) : r.headstamp) || '—'}</span>`],
      [t('ammo.lot'), (r) => html`<span dir="auto">${r.lot || '—'}</span>`],
      [t('lot.rounds'), (r) => fmtNumber(r.rounds), 'num'],
    ]} /></section>`}
    <h2>${t('dest.readings')}</h2>
    <${Table} caption=${t('dest.readings')} rows=${batch.checks} rowKey=${(c) => c.n} empty=${t('dest.no_readings')} cols=${[
      [t('rec.n'), (c) => fmtNumber(c.n), 'num'],
      [t('dest.serials'), (c) => html`<span dir="auto">${c.serials.join(', ')}</span>`],
      [t('dest.verdict'), (c) => (c.ok ? html`<span class="badge tone-held">${t('dest.match')}</span>` : html`<span class="badge tone-missing">${t('dest.mismatch')}</span>`)],
      [t('dest.not_read'), (c) => html`<span dir="auto">${c.missing.join(', ') || '—'}</span>`],
      [t('dest.not_listed'), (c) => html`<span dir="auto">${c.unexpected.join(', ') || '—'}</span>`],
    ]} />
    ${open && mine && html`<${ActionForm} prefix="dk-" title=${t('dest.confirm')} submit=${t('dest.confirm_submit')}
      note=${t('dest.confirm_note', { name: user.name })} initial=${{}} fields=${[]}
      action=${async () => { await post('/confirm', {}); return t('dest.confirm_done'); }} />`}
    ${open && can(user, 'destroy') && html`<div class="panels">
      <${ActionForm} prefix="di-" title=${t('dest.add_item')} submit=${t('dest.add_item_submit')}
        initial=${{ item_id: '' }} fields=${[{ name: 'item_id', label: t('custody.item_id'), required: true, autocomplete: 'off', hint: t('custody.item_hint') }]}
        action=${async (v) => { await post('/items', bodyOf(v)); return t('dest.item_added'); }} />
      <${ActionForm} prefix="dl-" title=${t('dest.add_lot')} submit=${t('dest.add_lot_submit')}
        initial=${{ lot_id: '', rounds: '' }}
        fields=${[{ name: 'lot_id', label: t('check.lot'), type: 'select', required: true,
          options: [{ value: '', label: t('common.choose') }, ...lots.map((l) => ({ value: l.id, label: `${l.lot_number} — ${l.nomenclature} (${fmtNumber(l.rounds)})` }))] },
          { name: 'rounds', label: t('lot.rounds'), type: 'number', min: '1', required: true }]}
        action=${async (v) => { await post('/items', bodyOf(v, ['rounds'])); return t('dest.lot_added'); }} />
      <${AddRecovered} onAdd=${(body) => post('/recovered', body)} />
      <${ActionForm} prefix="dp-" title=${t('dest.add_person')} submit=${t('dest.add_person_submit')} note=${t('dest.person_note')}
        initial=${{ role: 'verifier', name: '' }}
        fields=${[{ name: 'role', label: t('dest.person_role'), type: 'select', options: optionsOf(DESTRUCTION_ROLES, 'dest_role') },
          { name: 'name', label: t('users.name'), type: 'suggest', load: suggestUsers, required: true }]}
        action=${async (v) => { await post('/people', bodyOf(v)); return t('dest.person_added', { name: v.name }); }} />
      <${ActionForm} prefix="dv-" title=${t('dest.verify')} submit=${t('dest.verify_submit')}
        initial=${{ serials: '' }} fields=${[{ name: 'serials', label: t('dest.serials_read'), type: 'textarea', rows: '5', dir: 'auto', hint: t('dest.serials_hint_lots'), spellcheck: false }]}
        action=${async (v) => { const b = await post('/verify', { serials: linesOf(v.serials) }); const c = b.checks[b.checks.length - 1]; return `${t('dest.readings')}: ${c?.ok ? t('dest.match') : t('dest.mismatch')}`; }} />
      <${ActionForm} prefix="dc-" title=${t('dest.close')} submit=${t('dest.close_submit')} note=${t('dest.close_note')}
        initial=${{ certificate: '' }} fields=${[{ name: 'certificate', label: t('dest.certificate'), required: true, dir: 'auto', autocomplete: 'off' }]}
        action=${async (v) => { await post('/close', bodyOf(v)); return t('dest.closed'); }} />
    </div>`}`;
}

// Rounds of a recovery's ammunition line listed in the batch: the recovery
// chosen among those holding ammunition, then its line among those with
// rounds remaining; more than remain is refused at the rounds.
function AddRecovered({ onAdd }) {
  const [recoveries, setRecoveries] = useState([]);
  const [rec, setRec] = useState(null);
  const [done, setDone] = useState('');
  const form = useForm({ recovery_id: '', line: '', rounds: '' }, { prefix: 'dr-' });
  useEffect(() => {
    api('GET', '/recoveries').then((rs) => setRecoveries(rs.filter((r) => r.ammunition_rounds > 0)), () => {});
  }, []);
  const id = form.values.recovery_id;
  useEffect(() => {
    setRec(null);
    if (id) api('GET', `/recoveries/${encodeURIComponent(id)}`).then(setRec, () => {});
  }, [id]);
  const lines = (rec?.ammunition || []).filter((a) => (a.remaining ?? 0) > 0);
  useEffect(() => {
    form.setValues((v) => ({ ...v, line: lines.length ? String(lines[0].line) : '' }));
  }, [rec]);
  const go = form.submit(async (v) => {
    setDone('');
    if (!v.recovery_id) throw Object.assign(new Error(t('dest.recovery_needed')), { field: 'recovery_id', code: 'invalid' });
    await onAdd(bodyOf(v, ['line', 'rounds']));
    setDone(t('dest.recovered_added', { n: fmtNumber(Number(v.rounds)) }));
    form.setValues({ recovery_id: '', line: '', rounds: '' });
  });
  return html`<section class="box" aria-labelledby="dr-h" data-testid="add-recovered">
    <h2 id="dr-h">${t('dest.add_recovered')}</h2>
    <p class="hint">${t('dest.add_recovered_note')}</p>
    <p class="success" role="status">${done}</p>
    <form class="form" onSubmit=${go} novalidate>
      <div class="row">
        <${Field} form=${form} name="recovery_id" type="select" label=${t('task.recovery')} required
          options=${[{ value: '', label: t('common.choose') }, ...recoveries.map((r) => ({ value: r.id, label: t('dest.recovery_choice', { date: r.date, place: r.place || '—', n: fmtNumber(r.ammunition_rounds) }) }))]} />
        <${Field} form=${form} name="line" type="select" label=${t('ammo.line')} required
          options=${lines.length ? lines.map((a) => ({ value: String(a.line), label: t('ammo.line_left', { n: fmtNumber(a.line + 1), what: [a.calibre, a.headstamp?.text, a.lot].filter(Boolean).join(' · '), left: fmtNumber(a.remaining) }) }))
            : [{ value: '', label: id ? t('dest.no_rounds_left') : t('common.choose') }]} />
        <${Field} form=${form} name="rounds" type="number" min="1" label=${t('lot.rounds')} required inputmode="numeric" />
      </div>
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('dest.add_recovered_submit')}<//></div>
    </form>
  </section>`;
}
