// Field collection: recoveries of weapons seized, found or surrendered, their
// hand-overs and photos, the tasks to mark what came in unmarked, and the
// forms for roles with collect. The whole registry's: national roles only.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { useRequest } from '../request.js';
import { fmtNumber, label, messageText, t } from '../i18n.js';
import { navigate } from '../router.js';
import { can } from '../roles.js';
import { Field, FormError, LoadError, Loading, Submit, errorText, optionsOf, useForm } from '../components/form.js';
import { CountryInput } from '../components/pickers.js';
import { ActionForm, Day, Facts, ItemLink, SiteName, Table, When, bodyOf, siteOptions, useSites } from '../components/stock.js';
import { CATEGORIES, COMPONENTS, LEGAL_JUSTIFICATIONS, MARKING_KINDS, PERSON_AGE_BANDS, PERSON_SEXES, RECOVERY_CONTEXTS, RECOVERY_TYPES } from '../vocab.js';
import { HitState } from '../components/trace.js';
import { hitLink } from './hits.js';
import { MarkingBadge, PageTitle, StatusBadge } from './misc.js';
import { AmmunitionRows, AmmunitionTable, lineField, lineNames, linesOf, rowsOf } from '../components/ammunition.js';

const recoveryLink = (r) => html`<a href=${'#/recoveries/' + r.id}><${Day} at=${r.date} /></a>`;

export function Recoveries({ user }) {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const [adding, setAdding] = useState(false);
  useEffect(() => {
    api('GET', '/recoveries').then(setList, setError);
  }, []);
  const cols = [
    [t('rec.date'), recoveryLink, '', { sort: 'date' }],
    [t('rec.type'), (r) => label('status', r.type), '', { sort: (r) => label('status', r.type) }],
    [t('rec.place'), (r) => html`<span dir="auto">${r.place || '—'}</span>`, '', { sort: 'place' }],
    [t('rec.context'), (r) => label('context', r.context), '', { sort: (r) => label('context', r.context) }],
    [t('rec.officer'), (r) => html`<span dir="auto">${r.officer}</span>`],
    [t('nav.items'), (r) => fmtNumber(r.weapons), 'num', { sort: 'weapons' }],
    [t('ammo.rounds'), (r) => fmtNumber(r.ammunition_rounds || 0), 'num', { sort: 'ammunition_rounds' }],
  ];
  return html`<${PageTitle}>${t('rec.title')}<//>
    <${LoadError} error=${error} />
    ${!list && !error && html`<${Loading} />`}
    ${list && html`<${Table} name="recoveries" caption=${t('rec.title')} cols=${cols} rows=${list} empty=${t('rec.none')} />`}
    ${can(user, 'collect') && (adding ? html`<${AddRecovery} />`
      : html`<p><button type="button" onClick=${() => setAdding(true)}>${t('rec.add')}</button></p>`)}
    <${Tasks} user=${user} />`;
}

// A weapon of a new recovery: its serial, make, model and category at least.
const blankWeapon = () => ({ serial: '', make: '', model: '', category: '', calibre: '', country: '' });
const typedWeapon = (w) => Object.values(w).some((x) => String(x || '').trim() !== '');
const RECOVERY_FIELDS = ['type', 'date', 'place', 'lat', 'lon', 'admin_area', 'context', 'officer', 'person', 'person_sex', 'person_age_band', 'legal_justification', 'site_id', 'notes'];
// what is said of a recovery's person (never a name) and its case: a select
// each, from the vocabulary; left unchosen, the recovery says "not recorded"
const PEOPLE_FIELDS = () => [
  { name: 'person_sex', label: t('rec.person_sex'), type: 'select', options: optionsOf(PERSON_SEXES, 'sex', { empty: t('common.none_chosen') }) },
  { name: 'person_age_band', label: t('rec.person_age_band'), type: 'select', options: optionsOf(PERSON_AGE_BANDS, 'age_band', { empty: t('common.none_chosen') }) },
  { name: 'legal_justification', label: t('rec.legal_justification'), type: 'select', options: optionsOf(LEGAL_JUSTIFICATIONS, 'justification', { empty: t('common.none_chosen') }) },
];

function AddRecovery() {
  const sites = useSites();
  const today = new Date().toISOString().slice(0, 10);
  // a recovery holds weapons, ammunition lines or both: the API says when it holds neither
  const [ammo, setAmmo] = useState([]);
  const [next, setNext] = useState(0);
  const form = useForm({ type: 'seized', date: today, place: '', lat: '', lon: '', admin_area: '', context: '', officer: '', person: '', person_sex: '', person_age_band: '', legal_justification: '', site_id: '', notes: '' },
    { prefix: 'rec-', fields: [...RECOVERY_FIELDS, ...lineNames(ammo)] });
  const rows = rowsOf(ammo, setAmmo, next, setNext, form);
  const [weapons, setWeapons] = useState([blankWeapon()]);
  const setW = (i, k) => (e) => {
    const v = e.currentTarget.value;
    setWeapons((ws) => ws.map((w, j) => (j === i ? { ...w, [k]: v } : w)));
  };
  const submit = form.submit(async (v) => {
    const body = bodyOf(Object.fromEntries(RECOVERY_FIELDS.map((f) => [f, v[f]])), ['lat', 'lon']);
    body.weapons = weapons.filter(typedWeapon).map((w) => bodyOf(w, []));
    if (ammo.length) body.ammunition = linesOf(v, ammo);
    let r;
    try {
      r = await api('POST', '/recoveries', { body });
    } catch (e) {
      if (e.field) e.field = lineField(e.field, ammo);
      throw e;
    }
    navigate('#/recoveries/' + r.id);
  });
  return html`<section class="box" aria-labelledby="rec-h">
    <h2 id="rec-h">${t('rec.add')}</h2>
    <form class="form" onSubmit=${submit} novalidate>
      <div class="row">
        <${Field} form=${form} name="type" type="select" label=${t('rec.type')} options=${optionsOf(RECOVERY_TYPES, 'status')} />
        <${Field} form=${form} name="date" type="date" label=${t('rec.date')} required />
        <${Field} form=${form} name="context" type="select" label=${t('rec.context')} options=${optionsOf(RECOVERY_CONTEXTS, 'context', { empty: t('common.none_chosen') })} />
      </div>
      <div class="row">
        <${Field} form=${form} name="place" label=${t('rec.place')} dir="auto" />
        <${Field} form=${form} name="admin_area" label=${t('rec.admin_area')} dir="auto" />
        <${Field} form=${form} name="lat" label=${t('sites.lat')} inputmode="decimal" />
        <${Field} form=${form} name="lon" label=${t('sites.lon')} inputmode="decimal" />
      </div>
      <div class="row">
        <${Field} form=${form} name="officer" label=${t('rec.officer')} dir="auto" required />
        <${Field} form=${form} name="person" label=${t('rec.person')} dir="auto" autocomplete="off" hint=${t('rec.person_hint')} />
        <${Field} form=${form} name="site_id" type="select" label=${t('rec.site')} options=${siteOptions(sites, t('common.none_chosen'))} />
      </div>
      <div class="row" data-testid="rec-people">
        ${PEOPLE_FIELDS().map((f) => html`<${Field} key=${f.name} form=${form} name=${f.name} type="select" label=${f.label} options=${f.options} />`)}
      </div>
      <${Field} form=${form} name="notes" type="textarea" rows="2" dir="auto" label=${t('field.notes')} />
      <fieldset>
        <legend>${t('rec.weapons')}</legend>
        ${weapons.map((w, i) => html`<div class="marking-row" role="group" aria-label=${t('rec.weapon_n', { n: i + 1 })} key=${i}>
          ${['serial', 'make', 'model', 'calibre'].map((k) => html`<div class="field">
            <label for=${`rw${i}-${k}`}>${k === 'serial' ? t('field.serial') : t('field.' + k)}</label>
            <input id=${`rw${i}-${k}`} dir="auto" value=${w[k]} onInput=${setW(i, k)} />
          </div>`)}
          <${CountryInput} id=${`rw${i}-country`} label=${t('field.country')} code=${w.country}
            onCode=${(v) => setWeapons((ws) => ws.map((x, j) => (j === i ? { ...x, country: v } : x)))} />
          <div class="field"><label for=${`rw${i}-category`}>${t('field.category')}</label>
            <select id=${`rw${i}-category`} value=${w.category} onInput=${setW(i, 'category')}>
              <option value="">${t('common.choose')}</option>
              ${CATEGORIES.map((c) => html`<option value=${c}>${c} — ${label('category', c)}</option>`)}
            </select></div>
          ${(weapons.length > 1 || ammo.length > 0) && html`<button type="button" class="secondary small" onClick=${() => setWeapons((ws) => ws.filter((_, j) => j !== i))}>
            ${t('register.remove_marking')}<span class="sr-only"> ${t('rec.weapon_n', { n: i + 1 })}</span></button>`}
        </div>`)}
        <button type="button" class="secondary small" onClick=${() => setWeapons((ws) => [...ws, blankWeapon()])}>${t('rec.add_weapon')}</button>
      </fieldset>
      <${AmmunitionRows} form=${form} keys=${ammo} onAdd=${rows.add} onRemove=${rows.remove} />
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('rec.add_submit')}<//></div>
    </form>
  </section>`;
}

function Tasks({ user }) {
  const [state, setState] = useState('open');
  const [tasks, setTasks] = useState(null);
  const [marked, setMarked] = useState(false); // keeps the form, and what it said, after the last task
  const [error, setError] = useState(null);
  const fetchTasks = (keep) => api('GET', '/tasks', { query: { state } }).then(keep(setTasks), keep(setError));
  const latest = useRequest((keep) => {
    setTasks(null);
    fetchTasks(keep);
  }, [state]);
  const load = () => fetchTasks(latest);
  const open = (tasks || []).filter((k) => k.state === 'open' || k.state === 'overdue');
  const cols = [
    [t('field.serial'), (k) => html`<${ItemLink} id=${k.item_id} serial=${k.serial} />`],
    [t('task.kind'), (k) => label('task_kind', k.kind)],
    [t('field.marking_status'), (k) => html`<${MarkingBadge} status=${k.marking_status} />`],
    [t('task.due'), (k) => html`<${Day} at=${k.due} />`],
    [t('field.status'), (k) => html`<span class=${'badge tone-' + (k.state === 'overdue' ? 'missing' : k.state === 'open' ? 'warn' : 'held')}>${label('task_state', k.state)}</span>`],
    [t('task.recovery'), (k) => html`<a href=${'#/recoveries/' + k.recovery_id}>${t('task.see_recovery')}</a>`],
    // the reason the server wrote, in the user's language from its
    // reason_msg (the recorded English when the rules no longer say it)
    [t('task.reason'), (k) => html`<span dir="auto" data-said="server">${messageText({ message: k.reason || '', ...k.reason_msg })}${k.marking ? ' — ' + (k.marking.text || '') : ''}</span>`],
  ];
  return html`<section aria-labelledby="tasks-h">
    <h2 id="tasks-h">${t('task.title')}</h2>
    <div class="field filters"><label for="task-state">${t('task.which')}</label>
      <select id="task-state" value=${state} onInput=${(e) => setState(e.currentTarget.value)}>
        ${['open', 'overdue', 'all'].map((s) => html`<option value=${s}>${label('task_filter', s)}</option>`)}
      </select></div>
    <${LoadError} error=${error} />
    ${!tasks && !error && html`<${Loading} />`}
    ${tasks && html`<${Table} caption=${t('task.title')} cols=${cols} rows=${tasks} empty=${t('task.none')} />`}
    ${can(user, 'collect') && (open.length > 0 || marked) && html`<${ActionForm} prefix="mk-" title=${t('task.mark')} submit=${t('task.mark_submit')} note=${t('task.mark_note')}
      initial=${{ task: '', text: '', component: 'frame_receiver', kind: 'serial', location: '' }}
      fields=${[
        { name: 'task', label: t('task.which_task'), type: 'select', required: true,
          options: [{ value: '', label: t('common.choose') }, ...open.map((k) => ({ value: k.id, label: `${k.serial || k.item_id} (${label('task_state', k.state)})` }))] },
        { name: 'text', label: t('task.text'), dir: 'auto', required: true, autocomplete: 'off' },
        { name: 'component', label: t('marking.component'), type: 'select', options: optionsOf(COMPONENTS, 'component') },
        { name: 'kind', label: t('marking.kind'), type: 'select', options: optionsOf(MARKING_KINDS, 'kind') },
        { name: 'location', label: t('marking.location'), dir: 'auto' },
      ]}
      action=${async ({ task, ...v }) => {
        if (!task) throw Object.assign(new Error(t('task.which_needed')), { field: 'task', code: 'invalid' });
        const item = await api('POST', `/tasks/${encodeURIComponent(task)}/mark`, { body: bodyOf(v) });
        setMarked(true);
        load();
        return t('task.marked', { serial: item.serial || item.id, status: label('marking_status', item.marking_status) });
      }} />`}
  </section>`;
}

export function Recovery({ user, route }) {
  const id = route.params[0];
  const sites = useSites();
  const [rec, setRec] = useState(null);
  const [error, setError] = useState(null);
  const path = `/recoveries/${encodeURIComponent(id)}`;
  const load = () => api('GET', path).then(setRec, setError);
  useEffect(() => {
    setRec(null);
    setError(null);
    load();
  }, [id]);
  if (error) return html`<${PageTitle}>${t('rec.one')}<//><${LoadError} error=${error} />`;
  if (!rec) return html`<${PageTitle}>${t('rec.one')}<//><${Loading} />`;
  const collect = can(user, 'collect');
  return html`
    <${PageTitle}>${t('rec.one')} · ${label('status', rec.type)} · <${Day} at=${rec.date} /><//>
    <${Facts} rows=${[
      [t('rec.place'), rec.place && html`<span dir="auto">${rec.place}</span>`],
      [t('rec.admin_area'), rec.admin_area && html`<span dir="auto">${rec.admin_area}</span>`],
      [t('rec.coordinates'), rec.lat !== null && rec.lat !== undefined && html`<span dir="ltr">${rec.lat}, ${rec.lon}</span>`],
      [t('rec.context'), label('context', rec.context)],
      [t('rec.officer'), html`<span dir="auto">${rec.officer}</span>`],
      [t('rec.person_ref'), rec.person_ref && html`<code>${rec.person_ref}</code><br /><span class="muted">${t('rec.pseudonym')}</span>`],
      [t('rec.person_sex'), html`<span data-testid="rec-person-sex">${label('sex', rec.person_sex || 'not_recorded')}</span>`],
      [t('rec.person_age_band'), html`<span data-testid="rec-person-age">${label('age_band', rec.person_age_band || 'not_recorded')}</span>`],
      [t('rec.legal_justification'), html`<span data-testid="rec-justification">${label('justification', rec.legal_justification || 'not_recorded')}</span>`],
      [t('rec.site'), html`<${SiteName} sites=${sites} id=${rec.site_id} />`],
      [t('field.notes'), rec.notes && html`<span class="pre" dir="auto">${rec.notes}</span>`],
      [t('item.id'), html`<code>${rec.id}</code>`],
    ]} />
    <h2>${t('rec.weapons')}</h2>
    <${Table} caption=${t('rec.weapons')} rows=${rec.items || []} empty=${t('rec.no_weapons')} cols=${[
      [t('field.serial'), (w) => html`<${ItemLink} id=${w.id} serial=${w.serial} />`],
      [t('field.make'), (w) => html`<span dir="auto">${w.make || '—'}</span>`],
      [t('field.model'), (w) => html`<span dir="auto">${w.model || '—'}</span>`],
      [t('field.category'), (w) => w.category],
      [t('field.status'), (w) => html`<${StatusBadge} status=${w.status} />`],
      [t('field.marking_status'), (w) => html`<${MarkingBadge} status=${w.marking_status} />`],
    ]} />
    ${Array.isArray(rec.ammunition) && rec.ammunition.length > 0 && html`<${RecoveredAmmunition} rec=${rec} path=${path} sites=${sites} stock=${can(user, 'stock')} onStocked=${load} />`}
    ${Array.isArray(rec.hits) && html`<section aria-labelledby="rec-hits-h" data-testid="recovery-hits">
      <h2 id="rec-hits-h">${t('rec.hits')}</h2>
      <${Table} caption=${t('rec.hits')} rows=${rec.hits} empty=${t('rec.no_hits')} cols=${[
        [t('hit.serials'), hitLink],
        [t('hit.score'), (h) => fmtNumber(h.score), 'num'],
        [t('hit.reason'), (h) => label('reason', h.reason)],
        [t('hit.registered_status'), (h) => html`<${StatusBadge} status=${h.registered?.status} />`],
        [t('field.state'), (h) => html`<${HitState} state=${h.state} />`],
      ]} />
    </section>`}
    ${rec.tasks.length > 0 && html`<p><a href="#/recoveries">${t('rec.tasks_n', { n: fmtNumber(rec.tasks.length) })}</a></p>`}
    <h2>${t('rec.handovers')}</h2>
    <${Table} caption=${t('rec.handovers')} rows=${rec.handovers} rowKey=${(h) => h.seq} empty=${t('rec.no_handovers')} cols=${[
      [t('rec.n'), (h) => fmtNumber(h.n), 'num'],
      [t('rec.time'), (h) => html`<${When} at=${h.time} />`],
      [t('rec.from'), (h) => html`<span dir="auto">${h.from}</span>`],
      [t('rec.to'), (h) => html`<span dir="auto">${h.to}</span>`],
      [t('rec.place'), (h) => html`<span dir="auto">${h.place || '—'}</span>`],
      [t('status_form.reason'), (h) => html`<span dir="auto">${h.reason}</span>`],
    ]} />
    <h2>${t('rec.photos')}</h2>
    ${rec.photos.length === 0 ? html`<p class="muted">${t('rec.no_photos')}</p>` : html`<ul class="photos">
      ${rec.photos.map((p) => html`<li key=${p.hash}><figure>
        <a href=${`/api/v1${path}/photos/${p.hash}`} target="_blank" rel="noopener"><img src=${`/api/v1${path}/photos/${p.hash}`} alt=${p.caption || t('rec.photo')} loading="lazy" /></a>
        <figcaption dir="auto">${p.caption || ''} <span class="muted">${fmtNumber(Math.ceil(p.size / 1024))} KB</span></figcaption>
      </figure></li>`)}</ul>`}
    ${collect && html`<div class="panels">
      <${ActionForm} prefix="ho-" title=${t('rec.add_handover')} submit=${t('rec.handover_submit')}
        initial=${{ from: '', to: '', time: '', place: '', reason: '' }}
        fields=${[
          { name: 'from', label: t('rec.from'), dir: 'auto', required: true },
          { name: 'to', label: t('rec.to'), dir: 'auto', required: true },
          { name: 'time', label: t('rec.time'), type: 'datetime-local', hint: t('rec.time_hint') },
          { name: 'place', label: t('rec.place'), dir: 'auto' },
          { name: 'reason', label: t('status_form.reason'), dir: 'auto', required: true },
        ]}
        action=${async (v) => {
          const body = bodyOf(v);
          if (body.time) body.time = new Date(body.time).toISOString();
          await api('POST', path + '/handovers', { body });
          load();
          return t('rec.handover_done');
        }} />
      <${PhotoForm} path=${path} onAdded=${load} />
      <${ActionForm} prefix="ds-" title=${t('rec.describe')} submit=${t('rec.describe_submit')} note=${t('rec.describe_note')}
        initial=${{ person_sex: '', person_age_band: '', legal_justification: '' }}
        fields=${PEOPLE_FIELDS()}
        action=${async (v) => {
          await api('POST', path + '/description', { body: bodyOf(v) });
          load();
          return t('rec.described');
        }} />
    </div>`}`;
}

// The recovery's ammunition lines with what became of their rounds (taken
// into stock, listed for destruction, still remaining: never below zero),
// each lot made from a line a link; "take into stock" for roles with
// stock, on a line with rounds remaining.
function RecoveredAmmunition({ rec, path, sites, stock, onStocked }) {
  const lines = rec.ammunition;
  const left = lines.filter((a) => (a.remaining ?? 0) > 0);
  return html`<section aria-labelledby="rec-ammo-h" data-testid="recovery-ammunition">
    <h2 id="rec-ammo-h">${t('ammo.lines')}</h2>
    <${AmmunitionTable} lines=${lines} caption=${t('ammo.lines')} more=${[
      [t('ammo.stocked'), (a) => fmtNumber(a.stocked || 0), 'num'],
      [t('ammo.destroyed'), (a) => fmtNumber(a.destroyed || 0), 'num'],
      [t('ammo.remaining'), (a) => html`<strong data-testid="remaining">${fmtNumber(a.remaining ?? 0)}</strong>`, 'num'],
      [t('ammo.lots'), (a) => (a.lots?.length ? a.lots.map((l, i) => html`${i ? ', ' : ''}<a href=${'#/lots/' + encodeURIComponent(l)} data-testid="line-lot">${t('ammo.lot_n', { n: fmtNumber(i + 1) })}</a>`) : '—')],
    ]} />
    ${stock && left.length > 0 && html`<${ActionForm} prefix="st-" title=${t('ammo.stock')} submit=${t('ammo.stock_submit')}
      note=${t('ammo.stock_note')}
      initial=${{ line: String(left[0].line), rounds: '', site_id: '', lot_number: '' }}
      fields=${[
        { name: 'line', label: t('ammo.line'), type: 'select', required: true,
          options: left.map((a) => ({ value: String(a.line), label: t('ammo.line_left', { n: fmtNumber(a.line + 1), what: [a.calibre, a.headstamp?.text, a.lot].filter(Boolean).join(' · '), left: fmtNumber(a.remaining) }) })) },
        { name: 'rounds', label: t('ammo.rounds'), type: 'number', min: '1', required: true, inputmode: 'numeric' },
        { name: 'site_id', label: t('ammo.stock_site'), type: 'select', required: true, options: siteOptions(sites, t('common.choose')) },
        { name: 'lot_number', label: t('ammo.lot_number'), dir: 'auto', autocomplete: 'off', hint: t('ammo.lot_number_hint') },
      ]}
      action=${async ({ line, ...v }) => {
        const lot = await api('POST', `${path}/ammunition/${encodeURIComponent(line)}/stock`, { body: bodyOf(v, ['rounds']) });
        onStocked();
        return t('ammo.stocked_done', { n: fmtNumber(Number(v.rounds)), lot: lot?.lot?.lot_number || lot?.lot?.id || '' });
      }} />`}
  </section>`;
}

function PhotoForm({ path, onAdded }) {
  const form = useForm({ caption: '' }, { prefix: 'ph-', fields: ['file', 'caption'] });
  const [file, setFile] = useState(null);
  const [done, setDone] = useState('');
  const submit = form.submit(async (v) => {
    setDone('');
    if (!file) throw Object.assign(new Error(t('rec.photo_needed')), { field: 'file', code: 'invalid' });
    await api('POST', path + '/photos', { body: file, type: file.type || 'application/octet-stream', query: { caption: v.caption } });
    form.reset();
    setFile(null);
    document.getElementById('ph-file').value = '';
    setDone(t('rec.photo_done'));
    onAdded();
  });
  const err = form.error?.field === 'file' ? form.error : null;
  return html`<section class="box" aria-labelledby="ph-h">
    <h2 id="ph-h">${t('rec.add_photo')}</h2>
    <p class="success" role="status">${done}</p>
    <form class="form" onSubmit=${submit} novalidate>
      <div class="field">
        <label for="ph-file">${t('rec.photo_file')}</label>
        <input id="ph-file" type="file" accept="image/jpeg,image/png,image/gif,image/webp" aria-invalid=${err ? 'true' : undefined}
          aria-describedby=${'ph-file-hint' + (err ? ' ph-file-error' : '')} onChange=${(e) => setFile(e.currentTarget.files[0] || null)} />
        <p id="ph-file-hint" class="hint">${t('rec.photo_hint')}</p>
        ${err && html`<p id="ph-file-error" class="field-error" role="alert">${errorText(err)}</p>`}
      </div>
      <${Field} form=${form} name="caption" label=${t('rec.caption')} dir="auto" />
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('rec.photo_submit')}<//></div>
    </form>
  </section>`;
}
