// Reporting a weapon lost or stolen: the form both the Lost & stolen page
// and a weapon's own page use (POST /losses), and the weapon picker the
// list's form chooses the weapon with — a serial typed, the registry
// searched (GET /search) and the weapon chosen from what it finds, never a
// record id typed.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { fmtNumber, label, t } from '../i18n.js';
import { Field, FormError, Submit, errorText, optionsOf, useForm } from './form.js';
import { bodyOf } from './stock.js';
import { LOSS_KINDS } from '../vocab.js';
import { AmmunitionRows, blankLine, lineField, lineNames, linesOf, rowsOf } from './ammunition.js';

// A found weapon beside its serial: make and model, and its status.
export const what = (w) => [[w.make, w.model].filter(Boolean).join(' '), w.status && label('status', w.status)].filter(Boolean).join(' · ');

// Weapons whose serial is like `query` (GET /search, at least two
// characters, 250 ms after the last key; an older answer is dropped): null
// while nothing was asked or `paused`, else the candidates found.
export function useSerialSearch(query, paused = false) {
  const [found, setFound] = useState(null);
  const asked = useRef(0);
  useEffect(() => {
    const q = query.trim();
    if (paused || q.length < 2) {
      setFound(null);
      return undefined;
    }
    const n = ++asked.current;
    const timer = setTimeout(() => {
      api('GET', '/search', { query: { serial: q, limit: 8 } }).then(
        (r) => n === asked.current && setFound(r.candidates || []),
        () => n === asked.current && setFound([]),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [query, paused]);
  return found;
}

// The weapon, by serial: what the search finds for at least two characters,
// each a button that chooses it; once chosen, the weapon and a way back.
export function WeaponPicker({ form, name = 'item_id', text, hint }) {
  const id = form.prefix + name;
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState(null);
  useEffect(() => {
    if (!form.values[name]) setChosen(null); // the form was reset
  }, [form.values[name]]);
  const found = useSerialSearch(query, !!chosen);
  const choose = (w) => {
    setChosen(w);
    form.setValues((v) => ({ ...v, [name]: w.id }));
  };
  const again = () => {
    setChosen(null);
    form.setValues((v) => ({ ...v, [name]: '' }));
    setTimeout(() => document.getElementById(id)?.focus(), 0);
  };
  const err = form.error?.field === name ? form.error : null;
  if (chosen) {
    return html`<div class="field weapon-picked" data-testid="weapon-picked">
      <span class="label-like" id=${id + '-label'}>${text}</span>
      <p><strong class="key" dir="auto">${chosen.serial || t('item.no_serial')}</strong> <span dir="auto">${what(chosen)}</span></p>
      <button type="button" class="secondary small" id=${id} onClick=${again}>${t('loss.pick_change')}</button>
      ${err && html`<p class="field-error" role="alert">${errorText(err)}</p>`}
    </div>`;
  }
  return html`<div class="field weapon-picker">
    <label for=${id}>${text}</label>
    <input id=${id} type="search" autocomplete="off" dir="auto" value=${query} aria-describedby=${`${id}-hint ${id}-found`}
      aria-invalid=${err ? 'true' : undefined} onInput=${(e) => setQuery(e.currentTarget.value)} />
    <p id=${`${id}-hint`} class="hint">${hint}</p>
    <p id=${`${id}-found`} class="hint" role="status">${found && (found.length ? t('loss.pick_found', { n: fmtNumber(found.length) }) : t('loss.pick_none'))}</p>
    ${found?.length > 0 && html`<ul class="picker-list" data-testid="weapon-choices">
      ${found.map((w) => html`<li key=${w.id}><button type="button" class="secondary" onClick=${() => choose(w)}>
        <span class="key" dir="auto">${w.serial || t('item.no_serial')}</span> <span dir="auto">${what(w)}</span></button></li>`)}
    </ul>`}
    ${err && html`<p class="field-error" role="alert">${errorText(err)}</p>`}
  </div>`;
}

// The loss report form: for `item` (a weapon's page) or, on the list, a
// weapon picked by serial or ammunition lost (rounds stolen from an
// armoury: lines of calibre, headstamp, lot…, no weapon). `onDone(report)`
// after it is recorded.
const REPORT_FIELDS = ['item_id', 'kind', 'date', 'reported_by', 'place', 'agency', 'police_ref', 'circumstances'];

export function LossForm({ prefix, item, onDone, onCancel, submit }) {
  const today = new Date().toISOString().slice(0, 10);
  const initial = { subject: 'weapon', item_id: item ? item.id : '', kind: 'stolen', date: today, reported_by: '', place: '', agency: '', police_ref: '', circumstances: '', ...blankLine(0) };
  const [ammo, setAmmo] = useState([0]);
  const [next, setNext] = useState(1);
  // with the weapon given there is no field for it: an error about it is the form's
  const form = useForm(initial, { prefix, fields: ['subject', ...REPORT_FIELDS.filter((k) => !item || k !== 'item_id'), ...lineNames(ammo)] });
  const rows = rowsOf(ammo, setAmmo, next, setNext, form);
  const ammunition = !item && form.values.subject === 'ammunition';
  const [done, setDone] = useState('');
  const go = form.submit(async (v) => {
    setDone('');
    const body = bodyOf(Object.fromEntries(REPORT_FIELDS.map((f) => [f, v[f]])));
    if (ammunition) {
      delete body.item_id;
      body.ammunition = linesOf(v, ammo);
    } else if (!v.item_id) throw Object.assign(new Error(t('loss.pick_needed')), { field: 'item_id', code: 'invalid' });
    let r;
    try {
      r = await api('POST', '/losses', { body });
    } catch (e) {
      if (e.field) e.field = lineField(e.field, ammo);
      throw e;
    }
    form.reset();
    setAmmo([0]);
    const n = Array.isArray(r.hits) ? r.hits.length : r.hits || 0;
    setDone(ammunition ? t('loss.ammo_added') : t('loss.added', { n: fmtNumber(n) }));
    onDone?.(r);
  });
  return html`<div>
    <p class="success" role="status">${done}</p>
    <form class="form" onSubmit=${go} novalidate data-testid="loss-form">
      ${!item && html`<div class="row">
        <${Field} form=${form} name="subject" type="select" label=${t('loss.subject')} options=${['weapon', 'ammunition'].map((x) => ({ value: x, label: t('loss.subject_' + x) }))} />
      </div>`}
      <div class="row">
        ${!item && !ammunition && html`<${WeaponPicker} form=${form} text=${t('loss.item_id')} hint=${t('loss.item_hint')} />`}
        <${Field} form=${form} name="kind" type="select" label=${t('loss.kind')} options=${optionsOf(LOSS_KINDS, 'status')} />
        <${Field} form=${form} name="date" type="date" label=${t('rec.date')} required max=${today} />
        <${Field} form=${form} name="reported_by" label=${t('loss.reported_by')} dir="auto" required />
        <${Field} form=${form} name="place" label=${t('rec.place')} dir="auto" />
        <${Field} form=${form} name="agency" label=${t('loss.agency_only')} dir="auto" />
        <${Field} form=${form} name="police_ref" label=${t('loss.police_ref')} dir="auto" />
        <${Field} form=${form} name="circumstances" type="textarea" rows="2" label=${t('loss.circumstances')} dir="auto" required />
      </div>
      ${ammunition && html`<${AmmunitionRows} form=${form} keys=${ammo} onAdd=${rows.add} onRemove=${rows.remove} min=${1} />`}
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${submit || t('loss.add_submit')}<//>
        ${onCancel && html`<button type="button" class="secondary" onClick=${onCancel}>${t('loss.cancel')}</button>`}</div>
    </form>
  </div>`;
}

// Closing a loss of ammunition only (POST /losses/{id}/close): no weapon's
// status closes it, so a person does, with the reason and, when the rounds
// came back, the recovery (one holding ammunition) that brought them.
export function LossClose({ loss, onDone, onCancel }) {
  const form = useForm({ reason: '', recovery_id: '' }, { prefix: 'lc-' });
  const [recoveries, setRecoveries] = useState([]);
  useEffect(() => {
    document.getElementById('lc-reason')?.focus();
    api('GET', '/recoveries').then((l) => setRecoveries((l || []).filter((r) => r.ammunition_rounds > 0)), () => setRecoveries([]));
  }, []);
  const go = form.submit(async (v) => {
    const r = await api('POST', `/losses/${encodeURIComponent(loss.id)}/close`, {
      body: { reason: v.reason, ...(v.recovery_id ? { recovery_id: v.recovery_id } : {}) },
    });
    onDone(r);
  });
  const options = [{ value: '', label: t('loss.close_no_recovery') },
    ...recoveries.map((r) => ({ value: r.id, label: t('loss.close_recovery_option', { date: r.date, type: label('status', r.type), n: fmtNumber(r.ammunition_rounds), place: r.place || '—' }) }))];
  return html`<section class="box" aria-labelledby="lc-h" data-testid="loss-close">
    <h2 id="lc-h">${t('loss.close_title')}</h2>
    <p class="hint">${t('loss.close_note')}</p>
    <form class="form" onSubmit=${go} novalidate>
      <${Field} form=${form} name="reason" type="textarea" rows="2" label=${t('loss.close_reason')} dir="auto" required />
      <${Field} form=${form} name="recovery_id" type="select" label=${t('loss.close_recovery')} options=${options} />
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('loss.close_submit')}<//>
        <button type="button" class="secondary" onClick=${onCancel}>${t('loss.cancel')}</button></div>
    </form>
  </section>`;
}
