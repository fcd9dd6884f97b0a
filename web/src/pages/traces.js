// Trace requests (ITI section V, ISACS 05.31): the list with its filters and
// the import of another registry's document; a draft with its live
// data-quality panel (R10: Send stays disabled while anything required is
// missing); one request with its states, due dates, responses (withheld
// ones say so, R11) and the actions its state and the role allow.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { headstampText, lineText } from '../components/ammunition.js';
import { api } from '../api.js';
import { useRequest } from '../request.js';
import { countryName, fmtNumber, label, messageText, t } from '../i18n.js';
import { href, navigate } from '../router.js';
import { can } from '../roles.js';
import { Field, FormError, LoadError, Loading, Submit, errorText, optionsOf, useForm } from '../components/form.js';
import { PhotoField, suggestFrom } from '../components/pickers.js';
import { ActionForm, Day, Facts, ItemLink, Table, bodyOf } from '../components/stock.js';
import {
  CONFIDENTIALITY, DIVERSION, ILLICIT, NEEDS_REASON, OverdueBadge, PARTY_KINDS, RESULTS, TRACE_DIRECTIONS, TRACE_STATES, TraceLink, TraceState,
  URGENCY, VIA, partyOfRow, partyText,
} from '../components/trace.js';
import { CATEGORIES, COMPONENTS, LEGIBILITY, MARKING_KINDS } from '../vocab.js';
import { Code, PageTitle } from './misc.js';

// ---- flat form values ↔ the API's nested objects ----

// A server's field path (item.markings[0].text) as the form names it.
const flatName = (path) => String(path || '').replace(/\[(\d+)\]/g, '.$1');

// {"item.serial": "A1", "item.markings.0.text": "X"} → {item: {serial, markings: [{text}]}};
// empty values left out, and objects or rows left empty with them.
function nest(flat, lists = []) {
  const out = {};
  for (const [key, raw] of Object.entries(flat)) {
    if (lists.includes(key)) {
      const lines = String(raw || '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
      if (lines.length) put(out, key.split('.'), lines);
      continue;
    }
    if (typeof raw === 'string' && raw.trim() === '') continue;
    if (raw === undefined || raw === null) continue;
    put(out, key.split('.'), raw);
  }
  return compact(out);
}

function put(obj, parts, value) {
  let o = obj;
  parts.forEach((p, i) => {
    if (i === parts.length - 1) o[p] = value;
    else o = o[p] ??= /^\d+$/.test(parts[i + 1]) ? [] : {};
  });
}

function compact(v) {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(compact).filter((x) => !(x && typeof x === 'object' && !Array.isArray(x) && !Object.keys(x).length));
  if (v && typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v)) {
      const c = compact(x);
      if (c && typeof c === 'object' && !Object.keys(c).length) continue;
      o[k] = c;
    }
    return o;
  }
  return v;
}

// The reverse, for a stored draft: arrays of strings become lines.
function flatten(obj, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(obj || {})) {
    const key = prefix + k;
    if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) out[key] = v.join('\n');
    else if (v && typeof v === 'object') flatten(v, key + '.', out);
    else if (v !== null && v !== undefined) out[key] = String(v);
  }
  return out;
}

// Moves the focus to the control a field path names (or the first of a group,
// item.markings → its first row).
function focusField(prefix, field) {
  const name = flatName(field);
  const el = document.getElementById(prefix + name) || document.querySelector(`[id^="${CSS.escape(prefix + name)}."]`);
  el?.focus();
  el?.scrollIntoView?.({ block: 'center' });
}

// ---- the list ----

// The date the request waits for: the late one when it is overdue.
function dueOf(r) {
  if (r.overdue) return r.overdue === 'acknowledgement' ? r.ack_due : r.reply_due;
  return r.state === 'sent' ? r.ack_due : r.state === 'acknowledged' ? r.reply_due : null;
}

export function Traces({ user, route }) {
  const q = route.query;
  const filter = { direction: q.get('direction') || '', state: q.get('state') || '', overdue: q.get('overdue') || '' };
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const key = q.toString();
  const fetchList = (keep) => api('GET', '/traces', { query: filter }).then(keep(setList), keep(setError));
  useRequest((keep) => {
    setList(null);
    setError(null);
    fetchList(keep);
  }, [key]);
  const set = (k) => (e) => {
    const v = e.currentTarget.type === 'checkbox' ? (e.currentTarget.checked ? '1' : '') : e.currentTarget.value;
    navigate(href('traces', { ...filter, [k]: v }));
  };
  // the five that say which request and what is awaited; the rest is on
  // the request's page
  const cols = [
    [t('trace.reference'), (r) => html`<${TraceLink} req=${r} />`, 'nowrap', { sort: (r) => r.reference || r.id }],
    [t('field.serial'), (r) => (r.item_kind === 'ammunition' || r.item?.kind === 'ammunition'
      ? html`<span dir="auto">${label('item_kind', 'ammunition')}${r.item ? ' · ' + lineText(r.item) : ''}</span>`
      : html`<${ItemLink} id=${r.item_id} serial=${r.serial} />`), 'nowrap', { sort: 'serial' }],
    [t('trace_party.column'), (r) => html`<span dir="auto">${partyText(partyOfRow(r, 'requesting')) || '—'}</span> → <span dir="auto">${partyText(partyOfRow(r, 'requested')) || '—'}</span>`, '',
      { sort: (r) => partyText(partyOfRow(r, 'requested')) }],
    [t('field.state'), (r) => html`<${TraceState} state=${r.state} />`, '', { sort: (r) => label('trace_state', r.state) }],
    [t('trace.due'), (r) => html`<${Day} at=${dueOf(r)} />${r.overdue ? html` <${OverdueBadge} overdue=${r.overdue} />` : ''}`, '',
      { sort: dueOf }],
  ];
  return html`<${PageTitle}>${t('trace.title')}<//>
    ${can(user, 'trace') && html`<p><a class="button" href="#/traces/new">${t('trace.new')}</a></p>`}
    <div class="actions filters" role="group" aria-label=${t('trace.filters')}>
      <div class="field"><label for="tf-direction">${t('trace.direction')}</label>
        <select id="tf-direction" value=${filter.direction} onInput=${set('direction')}>
          ${['', ...TRACE_DIRECTIONS].map((d) => html`<option value=${d}>${d ? label('direction', d) : t('common.any')}</option>`)}
        </select></div>
      <div class="field"><label for="tf-state">${t('field.state')}</label>
        <select id="tf-state" value=${filter.state} onInput=${set('state')}>
          ${['', ...TRACE_STATES].map((s) => html`<option value=${s}>${s ? label('trace_state', s) : t('common.any')}</option>`)}
        </select></div>
      <div class="field check"><input id="tf-overdue" type="checkbox" checked=${!!filter.overdue} onChange=${set('overdue')} />
        <label for="tf-overdue">${t('trace.overdue_only')}</label></div>
    </div>
    <${LoadError} error=${error} />
    ${!list && !error && html`<${Loading} />`}
    ${list && html`<${Table} name="trace-requests" caption=${t('trace.title')} cols=${cols} rows=${list} empty=${t('trace.none')} />`}
    ${can(user, 'trace') && html`<${ImportForm} />`}`;
}

// Another registry's signed request or response, as a file.
function ImportForm() {
  const form = useForm({}, { prefix: 'ti-', fields: ['file'] });
  const [file, setFile] = useState(null);
  const submit = form.submit(async () => {
    if (!file) throw Object.assign(new Error(t('trace.import_needed')), { field: 'file', code: 'invalid' });
    let doc;
    try {
      doc = JSON.parse(await file.text());
    } catch {
      throw Object.assign(new Error(t('trace.import_not_json')), { field: 'file', code: 'invalid' });
    }
    const r = await api('POST', '/traces/import', { body: doc });
    navigate('#/traces/' + encodeURIComponent(r.id));
  });
  const err = form.error?.field === 'file' ? form.error : null;
  return html`<section class="box" aria-labelledby="ti-h">
    <h2 id="ti-h">${t('trace.import')}</h2>
    <p class="hint">${t('trace.import_note')}</p>
    <form class="form" onSubmit=${submit} novalidate>
      <div class="field">
        <label for="ti-file">${t('trace.import_file')}</label>
        <input id="ti-file" type="file" accept="application/json,.json" aria-invalid=${err ? 'true' : undefined}
          aria-describedby=${err ? 'ti-file-error' : undefined} onChange=${(e) => setFile(e.currentTarget.files[0] || null)} />
        ${err && html`<p id="ti-file-error" class="field-error" role="alert">${errorText(err)}</p>`}
      </div>
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('trace.import_submit')}<//></div>
    </form>
  </section>`;
}

// ---- a draft and its data quality ----

const BLANK = {
  direction: 'outgoing', reference: '',
  'requesting.kind': 'state', 'requesting.name': '', 'requesting.state': '', 'requesting.agency': '', 'requesting.contact.name': '', 'requesting.contact.email': '', 'requesting.contact.phone': '',
  'requested.kind': 'state', 'requested.name': '', 'requested.state': '', 'requested.agency': '', 'requested.via': '',
  'item.make': '', 'item.model': '', 'item.category': '', 'item.calibre': '', 'item.serial': '', 'item.serial_reason': '',
  'item.country': '', 'item.import_country': '', 'item.year': '', 'item.photos': '',
  illicit_reason: '', justification: '', 'recovery.date': '', 'recovery.place': '', 'recovery.circumstances': '',
  intended_use: '', confidentiality: 'restricted', urgency: 'routine', notes: '',
};
const MARK = ['component', 'kind', 'text', 'legibility'];

// The new-draft page (#/traces/new?item=ID): the weapon's record fills the
// item's fields; the server fills the rest from it when saving.
function NewTrace({ route }) {
  const itemId = route.query.get('item') || '';
  const [start, setStart] = useState(itemId ? null : { values: BLANK, marks: 1 });
  const [error, setError] = useState(null);
  useEffect(() => {
    if (!itemId) return;
    api('GET', `/items/${encodeURIComponent(itemId)}`).then((w) => {
      const v = { ...BLANK, item_id: w.id };
      for (const k of ['make', 'model', 'category', 'calibre', 'serial', 'country', 'year']) if (w[k]) v['item.' + k] = String(w[k]);
      const ms = (w.markings || []).filter((m) => m.text);
      ms.forEach((m, i) => MARK.forEach((k) => { v[`item.markings.${i}.${k}`] = m[k] || ''; }));
      setStart({ values: v, marks: Math.max(1, ms.length) });
    }, setError);
  }, [itemId]);
  return html`<${PageTitle}>${t('trace.new')}<//>
    <${LoadError} error=${error} />
    ${!start && !error && html`<${Loading} />`}
    ${start && html`<${TraceForm} initial=${start.values} rows=${start.marks} />`}`;
}

// ammo: a draft about an ammunition lot keeps its item as drafted (from an
// observation's line): the form shows it and changes the rest.
function TraceForm({ id: storedId = null, initial, rows: startRows, onChange, ammo = null }) {
  const [rows, setRows] = useState(startRows);
  const names = [...Object.keys(BLANK), ...Array.from({ length: rows }, (_, i) => MARK.map((k) => `item.markings.${i}.${k}`)).flat()];
  const form = useForm(initial, { prefix: 'tr-', fields: names });
  const [id, setId] = useState(storedId);
  const [quality, setQuality] = useState(null);
  const [qError, setQError] = useState(null);
  const [saved, setSaved] = useState('');
  const body = () => {
    const b = nest(form.values, ['item.photos']);
    // a state is known by its code: a name typed for another kind of party
    // does not stay once the party is a state again
    for (const side of ['requesting', 'requested']) {
      if (b[side]?.kind === 'state' && b[side].name) delete b[side].name;
      if (b[side]?.kind === 'state' && initial[side + '.name']) b[side].name = null;
    }
    if (b.item?.year && /^\d+$/.test(b.item.year)) b.item.year = Number(b.item.year);
    if (initial.item_id) b.item_id = initial.item_id;
    if (ammo) b.item = ammo;
    return b;
  };

  // the quality of what the form holds now, asked once typing pauses
  const seq = useRef(0);
  useEffect(() => {
    const n = ++seq.current;
    const timer = setTimeout(() => {
      api('POST', '/traces/quality', { body: body() }).then(
        (q) => { if (n === seq.current) { setQuality(q); setQError(null); } },
        (e) => { if (n === seq.current) setQError(e); },
      );
    }, 350);
    return () => clearTimeout(timer);
  }, [form.values, rows]);

  // Saves the draft (creating it the first time) and returns its id. A
  // change names what was emptied as null (the API removes it), and sends
  // the markings and photos whole, since lists replace.
  const save = async () => {
    const b = body();
    if (id) {
      for (const [k, was] of Object.entries(initial)) {
        if (!was || k.startsWith('item.markings.') || k === 'item.photos' || k === 'item_id' || (ammo && k.startsWith('item.'))) continue;
        const now = form.values[k];
        if (now === undefined || String(now).trim() === '') put(b, k.split('.'), null);
      }
      if (!ammo) {
        b.item ??= {};
        b.item.markings ??= [];
        b.item.photos ??= [];
      }
      await api('PATCH', `/traces/${encodeURIComponent(id)}`, { body: b });
      return id;
    }
    const r = await api('POST', '/traces', { body: b });
    setId(r.id);
    return r.id;
  };
  const rename = (e) => {
    if (e.field) e.field = flatName(e.field);
    return e;
  };
  const submit = form.submit(async () => {
    setSaved('');
    try {
      const was = id;
      const saving = await save();
      if (!was) navigate('#/traces/' + encodeURIComponent(saving));
      else setSaved(t('trace.saved'));
    } catch (e) {
      throw rename(e);
    }
  });
  const send = form.submit(async () => {
    setSaved('');
    try {
      const sid = await save();
      await api('POST', `/traces/${encodeURIComponent(sid)}/send`, { body: {} });
      // the detail page of this draft is already shown: it reloads instead
      if (onChange) onChange();
      else navigate('#/traces/' + encodeURIComponent(sid));
    } catch (e) {
      throw rename(e);
    }
  });
  const F = (name, lbl, extra = {}) => html`<${Field} form=${form} name=${name} label=${lbl} ...${extra} />`;
  const isState = (side) => (form.values[side + '.kind'] || 'state') === 'state';
  const blocked = !!quality && !quality.sendable;
  return html`<div class="trace-draft">
    <form class="form" onSubmit=${submit} novalidate data-testid="trace-form">
      <fieldset><legend>${t('trace_party.heading')}</legend>
        <div class="row">
          ${F('direction', t('trace.direction'), { type: 'select', options: optionsOf(TRACE_DIRECTIONS, 'direction') })}
          ${F('reference', t('trace.reference'), { dir: 'auto' })}
        </div>
        <div class="row">
          ${F('requesting.kind', t('trace_party.requesting_kind'), { type: 'select', options: optionsOf(PARTY_KINDS, 'party_kind') })}
          ${!isState('requesting') && F('requesting.name', t('trace_party.requesting_name'), { dir: 'auto', hint: t('trace_party.name_hint') })}
          ${F('requesting.state', isState('requesting') ? t('trace.requesting_state') : t('trace_party.requesting_country'), { type: 'country' })}
          ${F('requesting.agency', t('trace.requesting_agency'), { dir: 'auto' })}
          ${F('requesting.contact.name', t('trace.contact_name'), { dir: 'auto' })}
          ${F('requesting.contact.email', t('trace.contact_email'), { type: 'email', dir: 'ltr' })}
          ${F('requesting.contact.phone', t('trace.contact_phone'), { type: 'tel', dir: 'ltr' })}
        </div>
        <div class="row">
          ${F('requested.kind', t('trace_party.requested_kind'), { type: 'select', options: optionsOf(PARTY_KINDS, 'party_kind') })}
          ${!isState('requested') && F('requested.name', t('trace_party.requested_name'), { dir: 'auto', hint: t('trace_party.name_hint') })}
          ${F('requested.state', isState('requested') ? t('trace.requested_state') : t('trace_party.requested_country'), { type: 'country' })}
          ${F('requested.agency', t('trace.requested_agency'), { dir: 'auto' })}
          ${F('requested.via', t('trace.via'), { type: 'select', options: optionsOf(VIA, 'via', { empty: t('common.none_chosen') }) })}
        </div>
      </fieldset>
      ${ammo ? html`<fieldset data-testid="trace-ammunition"><legend>${t('trace.item_ammunition')}</legend>
        <${AmmunitionFacts} item=${ammo} />
      </fieldset>` : html`<fieldset><legend>${t('trace.item')}</legend>
        ${initial.item_id && html`<p class="hint">${t('trace.from_weapon')} <${ItemLink} id=${initial.item_id} serial=${initial['item.serial'] || initial.item_id} /></p>`}
        <div class="row">
          ${F('item.make', t('field.make'), { type: 'suggest', load: suggestFrom('make') })}
          ${F('item.model', t('field.model'), { type: 'suggest', load: suggestFrom('model', form.values['item.make'] || '') })}
          ${F('item.category', t('field.category'), { type: 'select', options: [{ value: '', label: t('common.choose') }, ...CATEGORIES.map((c) => ({ value: c, label: `${c} — ${label('category', c)}` }))] })}
          ${F('item.calibre', t('field.calibre'), { type: 'suggest', load: suggestFrom('calibre') })}
        </div>
        <div class="row">
          ${F('item.serial', t('field.serial'), { dir: 'auto', autocomplete: 'off', spellcheck: 'false' })}
          ${F('item.serial_reason', t('trace.serial_reason'), { dir: 'auto', hint: t('trace.serial_reason_hint') })}
        </div>
        <div class="row">
          ${F('item.country', t('trace.country_made'), { type: 'country' })}
          ${F('item.import_country', t('trace.import_country'), { type: 'country' })}
          ${F('item.year', t('field.year'), { inputmode: 'numeric', maxlength: 4 })}
        </div>
        <fieldset><legend>${t('item.markings')}</legend>
          ${Array.from({ length: rows }, (_, i) => html`<div class="marking-row" role="group" aria-label=${t('trace.marking_n', { n: i + 1 })} key=${i}>
            ${F(`item.markings.${i}.component`, t('marking.component'), { type: 'select', options: optionsOf(COMPONENTS, 'component', { empty: t('common.choose') }) })}
            ${F(`item.markings.${i}.kind`, t('marking.kind'), { type: 'select', options: optionsOf(MARKING_KINDS, 'kind', { empty: t('common.choose') }) })}
            ${F(`item.markings.${i}.text`, t('marking.text'), { dir: 'auto' })}
            ${F(`item.markings.${i}.legibility`, t('marking.legibility'), { type: 'select', options: optionsOf(LEGIBILITY, 'legibility', { empty: t('common.choose') }) })}
          </div>`)}
          <div class="actions">
            <button type="button" class="secondary small" onClick=${() => setRows(rows + 1)}>${t('register.add_marking')}</button>
            ${rows > 1 && html`<button type="button" class="secondary small" onClick=${() => {
              form.setValues((v) => { const c = { ...v }; MARK.forEach((k) => delete c[`item.markings.${rows - 1}.${k}`]); return c; });
              setRows(rows - 1);
            }}>${t('trace.remove_last_marking')}</button>`}
          </div>
        </fieldset>
        <${PhotoField} form=${form} name="item.photos" label=${t('trace.photos')} hint=${t('trace.photos_hint')} />
      </fieldset>`}
      <fieldset><legend>${t('trace.why')}</legend>
        <div class="row">
          ${F('illicit_reason', t('trace.illicit_reason'), { type: 'select', options: optionsOf(ILLICIT, 'illicit', { empty: t('common.choose') }) })}
        </div>
        ${F('justification', t('trace.justification'), { type: 'textarea', rows: 2, dir: 'auto' })}
        <div class="row">
          ${F('recovery.date', t('trace.recovery_date'), { type: 'date' })}
          ${F('recovery.place', t('trace.recovery_place'), { dir: 'auto' })}
        </div>
        ${F('recovery.circumstances', t('trace.circumstances'), { type: 'textarea', rows: 2, dir: 'auto' })}
        ${F('intended_use', t('trace.intended_use'), { type: 'textarea', rows: 2, dir: 'auto' })}
        <div class="row">
          ${F('confidentiality', t('trace.confidentiality'), { type: 'select', options: optionsOf(CONFIDENTIALITY, 'confidentiality') })}
          ${F('urgency', t('trace.urgency'), { type: 'select', options: optionsOf(URGENCY, 'urgency') })}
        </div>
        ${F('notes', t('field.notes'), { type: 'textarea', rows: 2, dir: 'auto' })}
      </fieldset>
      <${FormError} form=${form} />
      <p class="success" role="status">${saved}</p>
      <div class="actions">
        <${Submit} form=${form}>${t('trace.save')}<//>
        <button type="button" class="send" onClick=${send} disabled=${blocked || form.busy} aria-describedby="tq-summary" data-testid="trace-send">${t('trace.send')}</button>
      </div>
    </form>
    <${Quality} quality=${quality} error=${qError} />
  </div>`;
}

// What the server's quality check found, one kind a message of the
// catalogue with the field's name as {field}: the server's English message
// is shown only for a kind this console does not know. The check
// (src/trace/quality.c) gives missing fields a rule, doubts and
// recommendations only a field and an English message, so a doubt is told
// apart by its field and its wording.
const REQUIRED = {
  'item.make': () => t('quality.required_make'),
  'item.serial': () => t('quality.required_serial'),
  'item.category': () => t('quality.required'),
  'item.calibre': () => t('quality.required'),
  illicit_reason: () => t('quality.required'),
  justification: () => t('quality.required'),
  intended_use: () => t('quality.required'),
  'requesting.state': () => t('quality.required'),
  'requesting.name': () => t('quality.required'),
  'requesting.contact.name': () => t('quality.required'),
  'requested.state': () => t('quality.required'),
  'requested.name': () => t('quality.required'),
};
const RECOMMENDED = {
  'item.model': () => t('quality.recommend'),
  'item.year': () => t('quality.recommend'),
  'item.markings': () => t('quality.recommend_markings'),
  'item.photos': () => t('quality.recommend_photos'),
  'recovery.date': () => t('quality.recommend'),
  'recovery.place': () => t('quality.recommend'),
  'recovery.circumstances': () => t('quality.recommend'),
  'requesting.contact.email': () => t('quality.recommend_contact'),
  reference: () => t('quality.recommend_reference'),
};

// The catalogue's template for a finding (with {field} in it), or null.
function qualityTemplate(list, m) {
  const field = flatName(m.field);
  if (list === 'missing') return REQUIRED[field]?.() ?? null;
  if (list === 'recommended') return RECOMMENDED[field]?.() ?? null;
  if (list !== 'doubtful') return null;
  // by the finding's message id (src/messages.json)
  switch (m.message_id) {
    case 'trace.serial_has_unreadable_characters': return t('quality.serial_unreadable');
    case 'trace.serial_has_fewer_than_4': return t('quality.serial_short');
    case 'trace.no_photograph_weapon_markings': return t('quality.no_photo');
    case 'trace.marking_read_again_say_what':
      if (m.args?.[0] === 'obliterated') return t('quality.marking_obliterated');
      if (m.args?.[0] === 'partial') return t('quality.marking_partial');
  }
  return null;
}

function Quality({ quality, error }) {
  // on a phone the panel keeps to the bottom of the screen, its score and
  // verdict in view and the findings behind one button (css/lists.css)
  const [open, setOpen] = useState(false);
  const jump = (field) => () => {
    setOpen(false);
    focusField('tr-', field);
  };
  const finding = (m, cls) => {
    const name = html`<button type="button" class="link" onClick=${jump(m.field)} data-field=${m.field}>${fieldName(m.field)}</button>`;
    const template = qualityTemplate(cls, m);
    // the field's name stands where the language puts {field}
    const said = template
      ? template.split(/(\{field\})/).map((part) => (part === '{field}' ? name : part))
      : [name, html` <span class="muted" dir="auto" data-said="server">${messageText(m)}</span>`];
    return html`<span class="finding" data-kind=${template ? 'known' : 'server'}>${said}</span>${m.rule && html` <${Code} code=${m.rule} />`}`;
  };
  const list = (items, cls, testid) => html`<ul class=${'quality-list ' + cls} data-testid=${testid}>
    ${items.map((m, i) => html`<li key=${i + m.field}>${finding(m, cls)}</li>`)}
  </ul>`;
  return html`<aside class=${'quality box' + (open ? ' open' : '')} aria-labelledby="tq-h" data-testid="trace-quality">
    <div class="quality-head"><h2 id="tq-h">${t('trace.quality')}</h2>
      <button type="button" class="secondary small quality-more" aria-expanded=${open ? 'true' : 'false'} aria-controls="tq-findings"
        onClick=${() => setOpen(!open)}>${t(open ? 'trace.quality_less' : 'trace.quality_more')}</button></div>
    ${error && html`<${LoadError} error=${error} />`}
    ${!quality && !error && html`<${Loading} />`}
    ${quality && html`
      <p class="quality-score">
        <label for="tq-meter">${t('hit.score')}</label>
        <meter id="tq-meter" min="0" max="100" low="50" high="80" optimum="100" value=${quality.score}></meter>
        <strong data-testid="trace-score">${fmtNumber(quality.score)}</strong>
      </p>
      <p id="tq-summary" aria-live="polite" class=${quality.sendable || quality.complete ? 'verdict ok' : 'verdict bad'}>
        ${quality.sendable ? t('trace.sendable')
          // an incoming request is complete or not: it is not this registry's to send
          : quality.complete ? t('trace.complete') : t('trace.not_sendable', { n: fmtNumber(quality.missing.length) })}</p>
      <div class="quality-findings" id="tq-findings">
      ${quality.missing.length > 0 && html`<h3>${t('trace.missing')}</h3>${list(quality.missing, 'missing', 'trace-missing')}`}
      ${quality.doubtful?.length > 0 && html`<h3>${t('trace.doubtful')}</h3>${list(quality.doubtful, 'doubtful', 'trace-doubtful')}`}
      ${quality.recommended?.length > 0 && html`<h3>${t('trace.recommended')}</h3>${list(quality.recommended, 'recommended', 'trace-recommended')}`}
      </div>`}
  </aside>`;
}

// A field path in words: the label of its control when the form shows it.
function fieldName(field) {
  const name = flatName(field);
  if (name === 'item.markings') return t('item.markings');
  const m = /^item\.markings\.(\d+)$/.exec(name);
  if (m) return t('trace.marking_n', { n: Number(m[1]) + 1 });
  const el = document.getElementById('tr-' + name) || document.querySelector(`[id^="${CSS.escape('tr-' + name)}."]`);
  const lbl = el && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
  return lbl ? lbl.textContent : name;
}

// ---- one request ----

// #/traces/new is the new draft; any other id one request.
export const TraceRoute = (props) => (props.route.params[0] === 'new' ? html`<${NewTrace} ...${props} />` : html`<${Trace} ...${props} />`);

function Trace({ user, route }) {
  const id = route.params[0];
  const [req, setReq] = useState(null);
  const [error, setError] = useState(null);
  const path = `/traces/${encodeURIComponent(id)}`;
  const load = () => api('GET', path).then(setReq, setError);
  useEffect(() => {
    setReq(null);
    setError(null);
    load();
  }, [id]);
  if (error) return html`<${PageTitle}>${t('trace.one')}<//><${LoadError} error=${error} />`;
  if (!req) return html`<${PageTitle}>${t('trace.one')}<//><${Loading} />`;
  const trace = can(user, 'trace');
  const item = req.item || {};
  const unanswered = req.state === 'sent' || req.state === 'acknowledged';
  return html`
    <${PageTitle}>${t('trace.one')} <span dir="auto">${req.reference || ''}</span> · <${TraceState} state=${req.state} />
      ${req.overdue && html` <${OverdueBadge} overdue=${req.overdue} />`}<//>
    <p class="subtitle">${[
      label('direction', req.direction),
      `${partyText(req.requesting) || '—'} → ${partyText(req.requested) || '—'}`,
      label('urgency', req.urgency),
      label('confidentiality', req.confidentiality),
    ].join(' · ')}
      ${req.state !== 'draft' && html` · <a href=${`/api/v1${path}/export`} download=${`trace-${req.id}.json`}>${t('trace.export')}</a>`}</p>
    <${Timeline} req=${req} />
    ${req.state === 'draft' && trace
      ? html`<h2>${t('trace.edit_draft')}</h2><${TraceForm} key=${req.id} id=${req.id} initial=${draftValues(req)} rows=${Math.max(1, item.markings?.length || 0)} onChange=${load}
          ammo=${item.kind === 'ammunition' ? item : null} />`
      : html`<${Details} req=${req} />`}
    ${req.state !== 'draft' && html`<h2>${t('trace.responses')}</h2>
    ${req.responses?.length ? req.responses.map((r, i) => html`<${Response} key=${i} r=${r} />`) : html`<p class="muted">${t('trace.no_responses')}</p>`}`}
    ${trace && req.state !== 'draft' && req.state !== 'closed' && html`<div class="panels">
      ${req.state === 'sent' && html`<${ActionForm} prefix="ack-" title=${t('trace.acknowledge')} submit=${t('trace.acknowledge_submit')}
        initial=${{ date: '', note: '' }}
        fields=${[
          { name: 'date', label: t('rec.date'), type: 'date', hint: t('trace.today_hint') },
          { name: 'note', label: t('field.notes'), dir: 'auto' },
        ]}
        action=${async (v) => { await api('POST', path + '/acknowledge', { body: bodyOf(v) }); load(); return t('trace.acknowledged'); }} />`}
      ${unanswered && html`<${RespondForm} path=${path} confidentiality=${req.confidentiality} onDone=${load} />`}
      <${ActionForm} prefix="cl-" title=${t(unanswered ? 'trace.withdraw' : 'trace.close')} submit=${t(unanswered ? 'trace.withdraw_submit' : 'trace.close_submit')}
        initial=${{ reason: '' }}
        fields=${[{ name: 'reason', label: t('status_form.reason'), dir: 'auto', required: true }]}
        action=${async (v) => { await api('POST', path + '/close', { body: bodyOf(v) }); load(); return t('trace.closed'); }} />
    </div>`}`;
}

function draftValues(req) {
  const v = { ...BLANK };
  const flat = flatten({
    direction: req.direction, reference: req.reference, requesting: req.requesting, requested: req.requested, item: req.item,
    illicit_reason: req.illicit_reason, justification: req.justification, recovery: req.recovery,
    intended_use: req.intended_use, confidentiality: req.confidentiality, urgency: req.urgency, notes: req.notes,
  });
  for (const [k, x] of Object.entries(flat)) if (k in BLANK || k.startsWith('item.markings.')) v[k] = x;
  if (req.item_id) v.item_id = req.item_id;
  return v;
}

// What happened to the request, in the order it happened, then what is still
// to come with its due date. `created` is when this registry recorded the
// request: an imported one was sent by the other registry before, and a
// draft may be dated sent earlier than it was typed in; it is never a state
// of its own, so it says "recorded in this registry", sorted among the dates.
function Timeline({ req }) {
  const day = (at) => (at ? String(at).slice(0, 10) : '');
  const steps = [
    ['recorded', day(req.created)],
    ['sent', day(req.sent)],
    ['acknowledged', day(req.acknowledged), req.state === 'sent' ? req.ack_due : null, req.overdue === 'acknowledgement'],
    ['answered', day(req.answered), req.state === 'sent' || req.state === 'acknowledged' ? req.reply_due : null, req.overdue === 'reply'],
    ['closed', day(req.closed)],
  ];
  // a stable sort: on the same day the states keep their order
  const done = steps.filter((s) => s[1]).sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  // a closed request waits for nothing: a withdrawn one is never answered
  const todo = req.state === 'closed' ? [] : steps.filter((s) => !s[1] && s[0] !== 'recorded');
  const name = (state) => (state === 'recorded' ? t('trace.recorded_here') : label('trace_state', state));
  return html`<ol class="timeline states" aria-label=${t('trace.timeline')} data-testid="trace-timeline">
    ${[...done, ...todo].map(([state, at, due, late]) => html`<li key=${state} class=${at ? 'done' : 'todo'} data-step=${state}>
      <strong>${name(state)}</strong> ${at ? html`<${Day} at=${at} />` : html`<span class="muted">${t('trace.pending')}</span>`}
      ${due && html` · ${t('trace.due')} <${Day} at=${due} />`}
      ${late && html` <span class="badge tone-missing">${t('trace.overdue')}</span>`}
    </li>`)}
  </ol>`;
}

// Who asks or who is asked, as facts: a state by its country; another
// party by its kind and name, and its country when it has one.
function partyFacts(party, side) {
  const state = party?.state && html`${countryName(party.state)} <${Code} code=${party.state} />`;
  if (!party?.kind || party.kind === 'state') return [[t(`trace.${side}_state`), state]];
  return [
    [t(`trace_party.${side}_kind`), label('party_kind', party.kind)],
    [t(`trace_party.${side}_name`), party.name && html`<span dir="auto">${party.name}</span>`],
    [t(`trace_party.${side}_country`), state],
  ];
}

// An ammunition lot asked about: its line as drafted.
function AmmunitionFacts({ item }) {
  const text = (s) => s && html`<span dir="auto" class="pre">${s}</span>`;
  return html`<${Facts} rows=${[
    [t('makeup.kind'), label('item_kind', 'ammunition')],
    [t('field.calibre'), text(item.calibre)],
    [t('ammo.type'), text(item.type)],
    [t('ammo.headstamp'), item.headstamp && text(headstampText(item.headstamp))],
    [t('ammo.lot'), text(item.lot)],
    [t('ammo.packaging_marks'), text(item.packaging_marks)],
    [t('ammo.crate_marks'), text(item.crate_marks)],
    [t('ammo.rounds'), item.quantity != null && fmtNumber(item.quantity)],
    [t('ammo.packages'), item.packages != null && fmtNumber(item.packages)],
    [t('trace.photos'), item.photos?.length > 0 && html`<ul class="plain">${item.photos.map((p) => html`<li><code>${p.slice(0, 16)}…</code></li>`)}</ul>`],
  ]} />`;
}

function Details({ req }) {
  const item = req.item || {};
  const c = req.requesting?.contact || {};
  const text = (s) => s && html`<span dir="auto" class="pre">${s}</span>`;
  return html`
    <h2>${t('trace_party.heading')}</h2>
    <${Facts} rows=${[
      ...partyFacts(req.requesting, 'requesting'),
      [t('trace.requesting_agency'), text(req.requesting?.agency)],
      [t('trace.contact'), text([c.name, c.email, c.phone].filter(Boolean).join(' · '))],
      ...partyFacts(req.requested, 'requested'),
      [t('trace.requested_agency'), text(req.requested?.agency)],
      [t('trace.via'), label('via', req.requested?.via)],
      req.remote && [t('trace.remote'), html`<code>${req.remote.node_id}</code> / <code>${req.remote.request_id}</code>`],
    ]} />
    <h2>${item.kind === 'ammunition' ? t('trace.item_ammunition') : t('trace.item')}</h2>
    ${item.kind === 'ammunition' ? html`<div data-testid="trace-ammunition"><${AmmunitionFacts} item=${item} /></div>` : html`<${Facts} rows=${[
      [t('field.serial'), item.serial ? html`<${ItemLink} id=${req.item_id} serial=${item.serial} />` : text(item.serial_reason)],
      [t('field.make'), text(item.make)],
      [t('field.model'), text(item.model)],
      [t('field.category'), item.category && html`${label('category', item.category)} <${Code} code=${item.category} />`],
      [t('field.calibre'), text(item.calibre)],
      [t('trace.country_made'), item.country && countryName(item.country)],
      [t('trace.import_country'), item.import_country && countryName(item.import_country)],
      [t('field.year'), item.year],
      [t('item.markings'), item.markings?.length && html`<ul class="plain">${item.markings.map((m) => html`<li>${label('component', m.component)} · ${label('kind', m.kind)}: <span dir="auto">${m.text}</span></li>`)}</ul>`],
      [t('trace.photos'), item.photos?.length && html`<ul class="plain">${item.photos.map((p) => html`<li><code>${p.slice(0, 16)}…</code></li>`)}</ul>`],
    ]} />`}
    <h2>${t('trace.why')}</h2>
    <${Facts} rows=${[
      [t('trace.illicit_reason'), label('illicit', req.illicit_reason)],
      [t('trace.justification'), text(req.justification)],
      [t('trace.recovery_date'), req.recovery?.date && html`<${Day} at=${req.recovery.date} />`],
      [t('trace.recovery_place'), text(req.recovery?.place)],
      [t('trace.circumstances'), text(req.recovery?.circumstances)],
      [t('trace.intended_use'), text(req.intended_use)],
      [t('trace.score'), req.quality ? fmtNumber(req.quality.score) : null],
      [t('field.notes'), text(req.notes)],
    ]} />`;
}

function Response({ r }) {
  if (r.withheld) {
    return html`<section class="box response" data-testid="trace-response">
      <h3>${label('result', r.result)} · <${Day} at=${r.date} /></h3>
      <p class="note">${t('trace.withheld', { level: label('confidentiality', r.confidentiality) })}</p>
    </section>`;
  }
  const pod = r.point_of_diversion;
  const lh = r.last_holder;
  return html`<section class="box response" data-testid="trace-response">
    <h3>${label('result', r.result)} · <${Day} at=${r.date} /> <span class="muted">${label('confidentiality', r.confidentiality)}</span></h3>
    <${Facts} rows=${[
      [t('trace.last_holder'), lh && html`<span dir="auto">${[lh.name, label('holder_type', lh.type), countryName(lh.country)].filter(Boolean).join(' · ')}</span>${lh.date ? html` · <${Day} at=${lh.date} />` : ''}`],
      [t('trace.pod'), pod && html`${label('pod', pod.category)}${pod.country ? ' · ' + countryName(pod.country) : ''}${pod.date ? html` · <${Day} at=${pod.date} />` : ''}
        ${pod.description ? html`<br /><span dir="auto">${pod.description}</span>` : ''}`],
      [t('trace.restriction_reason'), r.restriction_reason && html`<span dir="auto">${r.restriction_reason}</span>`],
      [t('field.notes'), r.notes && html`<span dir="auto" class="pre">${r.notes}</span>`],
    ]} />
    ${r.chain?.length > 0 && html`<${Table} caption=${t('trace.chain')} rows=${r.chain} rowKey=${(x) => null} cols=${[
      [t('rec.date'), (x) => html`<${Day} at=${x.date} />`],
      [t('rec.from'), (x) => html`<span dir="auto">${x.from || '—'}</span>`],
      [t('trace.consignee'), (x) => html`<span dir="auto">${x.consignee}</span>`],
      [t('field.country'), (x) => countryName(x.country) || '—'],
      [t('trace.licence'), (x) => html`<span dir="auto">${x.licence || '—'}</span>`],
      [t('trace.euc'), (x) => html`<span dir="auto">${x.euc || '—'}</span>`],
    ]} />`}
  </section>`;
}

const CHAIN = ['date', 'from', 'consignee', 'country', 'licence', 'euc'];

function RespondForm({ path, confidentiality, onDone }) {
  const [rows, setRows] = useState(1);
  const initial = {
    result: 'record_found', date: '', confidentiality, restriction_reason: '', reply_days: '', notes: '',
    'last_holder.name': '', 'last_holder.type': '', 'last_holder.country': '', 'last_holder.date': '',
    'point_of_diversion.category': '', 'point_of_diversion.country': '', 'point_of_diversion.date': '', 'point_of_diversion.description': '',
  };
  const names = [...Object.keys(initial), ...Array.from({ length: rows }, (_, i) => CHAIN.map((k) => `chain.${i}.${k}`)).flat()];
  const form = useForm(initial, { prefix: 'rs-', fields: names });
  const [done, setDone] = useState('');
  const submit = form.submit(async (v) => {
    setDone('');
    const b = nest(v);
    if (b.reply_days && /^\d+$/.test(b.reply_days)) b.reply_days = Number(b.reply_days);
    try {
      await api('POST', path + '/responses', { body: b });
    } catch (e) {
      if (e.field) e.field = flatName(e.field);
      throw e;
    }
    form.reset();
    setRows(1);
    setDone(t('trace.response_done'));
    onDone();
  });
  const F = (name, lbl, extra = {}) => html`<${Field} form=${form} name=${name} label=${lbl} ...${extra} />`;
  const reason = NEEDS_REASON.includes(form.values.result);
  return html`<section class="box wide" aria-labelledby="rs-h">
    <h2 id="rs-h">${t('trace.respond')}</h2>
    <p class="success" role="status">${done}</p>
    <form class="form" onSubmit=${submit} novalidate>
      <div class="row">
        ${F('result', t('trace.result'), { type: 'select', options: optionsOf(RESULTS, 'result') })}
        ${F('date', t('rec.date'), { type: 'date', hint: t('trace.today_hint') })}
        ${F('confidentiality', t('trace.confidentiality'), { type: 'select', options: optionsOf(CONFIDENTIALITY, 'confidentiality') })}
        ${form.values.result === 'delayed' && F('reply_days', t('trace.reply_days'), { inputmode: 'numeric' })}
      </div>
      ${reason && F('restriction_reason', t('trace.restriction_reason'), { dir: 'auto', required: true, hint: t('trace.restriction_hint') })}
      <fieldset><legend>${t('trace.chain')}</legend>
        ${Array.from({ length: rows }, (_, i) => html`<div class="marking-row" role="group" aria-label=${t('trace.chain_n', { n: i + 1 })} key=${i}>
          ${F(`chain.${i}.date`, t('rec.date'), { type: 'date' })}
          ${F(`chain.${i}.from`, t('rec.from'), { dir: 'auto' })}
          ${F(`chain.${i}.consignee`, t('trace.consignee'), { dir: 'auto' })}
          ${F(`chain.${i}.country`, t('field.country'), { type: 'country' })}
          ${F(`chain.${i}.licence`, t('trace.licence'), { dir: 'auto' })}
          ${F(`chain.${i}.euc`, t('trace.euc'), { dir: 'auto' })}
        </div>`)}
        <button type="button" class="secondary small" onClick=${() => setRows(rows + 1)}>${t('trace.add_chain')}</button>
      </fieldset>
      <fieldset><legend>${t('trace.last_holder')}</legend><div class="row">
        ${F('last_holder.name', t('trace.holder_name'), { dir: 'auto' })}
        ${F('last_holder.type', t('trace.holder_type'), { dir: 'auto' })}
        ${F('last_holder.country', t('field.country'), { type: 'country' })}
        ${F('last_holder.date', t('rec.date'), { type: 'date' })}
      </div></fieldset>
      <fieldset><legend>${t('trace.pod')}</legend><div class="row">
        ${F('point_of_diversion.category', t('trace.pod_category'), { type: 'select', options: optionsOf(DIVERSION, 'pod', { empty: t('common.none_chosen') }) })}
        ${F('point_of_diversion.country', t('field.country'), { type: 'country' })}
        ${F('point_of_diversion.date', t('rec.date'), { type: 'date' })}
        ${F('point_of_diversion.description', t('trace.description'), { dir: 'auto' })}
      </div></fieldset>
      ${F('notes', t('field.notes'), { type: 'textarea', rows: 2, dir: 'auto' })}
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('trace.respond_submit')}<//></div>
    </form>
  </section>`;
}
