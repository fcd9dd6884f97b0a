// Exemptions and notices (docs/embargo.md): the exemptions a supply under a
// regime needs, newest first; recording one (the procedure among those its
// regime provides, the fields of the committee's notification, items row by
// row); one exemption with whether a supply may go ahead today and why, the
// committee's decision form and the printable notification; the notices
// that fall due after a delivery or a seizure, due and overdue first, each
// marked sent with its date and reference, and its printable document.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { countryName, fmtNumber, label, messageText, t } from '../i18n.js';
import { href, navigate } from '../router.js';
import { can } from '../roles.js';
import { useRequest } from '../request.js';
import { Field, FormError, LoadError, Loading, Submit, optionsOf, useForm } from '../components/form.js';
import { ActionForm, Day, Facts, ItemLink, Table, bodyOf, linesOf } from '../components/stock.js';
import { EmbBadge, RegimeLink, Subject, Text, regimeName, today } from '../components/embargo.js';
import { EXEMPTION_DECISIONS, EXEMPTION_PROCEDURES, NOTICE_STATES } from '../vocab.js';
import { formField } from './licences.js';
import { ExemptionTable, NoticeTable } from './regimes.js';
import { PageTitle } from './misc.js';

export function Exemptions({ user, route }) {
  const regime = route.query.get('regime') || '';
  const [list, setList] = useState(null);
  const [regimes, setRegimes] = useState([]);
  const [error, setError] = useState(null);
  const form = useForm({ regime }, { prefix: 'xf-' });
  useRequest((keep) => {
    setError(null);
    form.setValues({ regime });
    api('GET', '/exemptions', { query: { regime } }).then(keep(setList), keep((e) => {
      setList(null);
      setError(e);
    }));
  }, [regime]);
  useEffect(() => {
    api('GET', '/regimes').then(setRegimes, () => {});
  }, []);
  return html`<${PageTitle}>${t('emb.exemptions')}<//>
    <p class="hint">${t('emb.exemptions_note')}</p>
    ${can(user, 'embargo') && html`<p><a class="button" href=${href('exemptions/new', { regime })}>${t('emb.new_exemption')}</a></p>`}
    <form class="form filters" onSubmit=${(e) => e.preventDefault()}>
      <div class="row">
        <${Field} form=${form} name="regime" type="select" label=${t('emb.regime')}
          onInput=${(e) => navigate(href('exemptions', { regime: e.currentTarget.value }))}
          options=${[{ value: '', label: t('common.any') }, ...regimes.map((r) => ({ value: r.id, label: regimeName(r) }))]} />
      </div>
    </form>
    <${LoadError} error=${error} />
    ${!list && !error && html`<${Loading} />`}
    ${list && html`<${ExemptionTable} name="exemptions" list=${list} />`}`;
}

export function ExemptionRoute({ user, route }) {
  if (route.params[0] === 'new') {
    return can(user, 'embargo')
      ? html`<${NewExemption} regime=${route.query.get('regime') || ''} />`
      : html`<${PageTitle}>${t('emb.new_exemption')}<//><p class="note">${t('misc.not_allowed')}</p>`;
  }
  return html`<${Exemption} user=${user} id=${route.params[0]} />`;
}

const ITEM_FIELDS = ['description', 'category', 'quantity', 'serials'];

function NewExemption({ regime: given }) {
  const [regimes, setRegimes] = useState([]);
  const [rows, setRows] = useState([0]);
  const [next, setNext] = useState(1);
  const blank = (k) => Object.fromEntries(ITEM_FIELDS.map((f) => [`items.${k}.${f}`, '']));
  const initial = {
    regime: given, procedure: '', notifying_state: '', supplier: '', manufacturer: '', 'end_user.name': '', 'end_user.country': '',
    'end_user.address': '', supporting_note: '', delivery_from: '', delivery_until: '', route: '', valid_until: '', notified_on: '',
    committee_reference: '', covers: '', notes: '', ...blank(0),
  };
  const names = [...Object.keys(initial), ...rows.flatMap((k) => ITEM_FIELDS.map((f) => `items.${k}.${f}`)), 'items'];
  const form = useForm(initial, { prefix: 'ne-', fields: names });
  const v = form.values;
  useEffect(() => {
    api('GET', '/regimes').then(setRegimes, () => {});
  }, []);
  const chosen = regimes.find((r) => r.id === v.regime);
  const procedures = chosen ? (chosen.procedures || []).map((p) => p.procedure) : EXEMPTION_PROCEDURES;
  const go = form.submit(async () => {
    const body = bodyOf({
      procedure: v.procedure, notifying_state: v.notifying_state, supplier: v.supplier, manufacturer: v.manufacturer,
      supporting_note: v.supporting_note, delivery_from: v.delivery_from, delivery_until: v.delivery_until,
      valid_until: v.valid_until, notified_on: v.notified_on, committee_reference: v.committee_reference, notes: v.notes,
    });
    body.regime = v.regime;
    body.end_user = bodyOf({ name: v['end_user.name'], country: v['end_user.country'], address: v['end_user.address'] });
    body.items = rows.map((k) => {
      const it = bodyOf({ description: v[`items.${k}.description`], category: v[`items.${k}.category`], quantity: v[`items.${k}.quantity`] }, ['quantity']);
      const serials = linesOf(String(v[`items.${k}.serials`] || '').replace(/[,;]/g, '\n'));
      if (serials.length) it.serials = serials;
      return it;
    }).filter((it) => Object.keys(it).length);
    const route = linesOf(String(v.route || '').replace(/[,;]/g, '\n'));
    if (route.length) body.route = route;
    const covers = linesOf(String(v.covers || '').replace(/[,;]/g, '\n'));
    if (covers.length) body.covers = covers;
    try {
      const x = await api('POST', '/exemptions', { body });
      navigate('#/exemptions/' + encodeURIComponent(x.id));
    } catch (e) {
      if (e.field) e.field = formField(e.field, { items: rows });
      if (e.field && /^items\.\d+$/.test(e.field)) e.field = 'items';
      throw e;
    }
  });
  const F = (name, lbl, extra = {}) => html`<${Field} form=${form} name=${name} label=${lbl} ...${extra} />`;
  const add = () => {
    form.setValues((x) => ({ ...x, ...blank(next) }));
    setRows([...rows, next]);
    setNext(next + 1);
    setTimeout(() => document.getElementById(`ne-items.${next}.description`)?.focus(), 0);
  };
  const itemsError = form.error?.field === 'items' ? form.error : null;
  return html`<${PageTitle}>${t('emb.new_exemption')}<//>
    <p><a href="#/exemptions">${t('emb.back_exemptions')}</a></p>
    <form class="form xfer-form" onSubmit=${go} novalidate data-testid="new-exemption">
      <div class="row">
        ${F('regime', t('emb.regime'), { type: 'select', required: true, options: [{ value: '', label: t('common.choose') }, ...regimes.map((r) => ({ value: r.id, label: regimeName(r) }))] })}
        ${F('procedure', t('emb.procedure'), { type: 'select', required: true, options: optionsOf(procedures, 'exemption_procedure', { empty: t('common.choose') }) })}
        ${F('notifying_state', t('emb.notifying_state'), { type: 'country' })}
      </div>
      <div class="row">
        ${F('supplier', t('emb.supplier'), { dir: 'auto', required: true })}
        ${F('manufacturer', t('emb.manufacturer'), { dir: 'auto' })}
      </div>
      <fieldset><legend>${t('emb.end_user')}</legend>
        <div class="row">
          ${F('end_user.name', t('emb.name'), { dir: 'auto', required: true })}
          ${F('end_user.country', t('emb.country'), { type: 'country' })}
          ${F('end_user.address', t('emb.address'), { dir: 'auto' })}
        </div>
      </fieldset>
      <fieldset><legend>${t('emb.items')}</legend>
        ${itemsError && html`<p class="field-error" role="alert">${messageText(itemsError)}</p>`}
        ${rows.map((k, i) => html`<div class="marking-row" role="group" aria-label=${t('emb.item_n', { n: i + 1 })} key=${k}>
          ${F(`items.${k}.description`, t('emb.description'), { dir: 'auto' })}
          ${F(`items.${k}.category`, t('emb.category'), { dir: 'auto' })}
          ${F(`items.${k}.quantity`, t('emb.quantity'), { type: 'number', min: '1' })}
          ${F(`items.${k}.serials`, t('emb.serials'), { type: 'textarea', rows: 2, dir: 'ltr', hint: t('emb.serials_hint') })}
          ${rows.length > 1 && html`<button type="button" class="secondary small" onClick=${() => setRows(rows.filter((x) => x !== k))}>${t('emb.remove_item', { n: i + 1 })}</button>`}
        </div>`)}
        <button type="button" class="secondary small" onClick=${add}>${t('emb.add_item')}</button>
      </fieldset>
      ${F('supporting_note', t('emb.supporting_note'), { type: 'textarea', rows: 2, dir: 'auto' })}
      <div class="row">
        ${F('delivery_from', t('emb.delivery_from'), { type: 'date' })}
        ${F('delivery_until', t('emb.delivery_until'), { type: 'date' })}
        ${F('valid_until', t('emb.valid_until'), { type: 'date' })}
        ${F('notified_on', t('emb.notified_on'), { type: 'date' })}
      </div>
      <div class="row">
        ${F('route', t('emb.route'), { dir: 'auto', hint: t('emb.route_hint') })}
        ${F('committee_reference', t('emb.committee_reference'), { dir: 'auto' })}
        ${F('covers', t('emb.covers_refs'), { dir: 'ltr', hint: t('emb.covers_hint') })}
      </div>
      ${F('notes', t('emb.notes'), { type: 'textarea', rows: 2, dir: 'auto' })}
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('emb.exemption_submit')}<//></div>
    </form>`;
}

function Exemption({ user, id }) {
  const [x, setX] = useState(null);
  const [error, setError] = useState(null);
  const path = `/exemptions/${encodeURIComponent(id)}`;
  const load = () => api('GET', path).then(setX, setError);
  useEffect(() => {
    setX(null);
    setError(null);
    load();
  }, [id]);
  if (error) return html`<${PageTitle}>${t('emb.exemption')}<//><${LoadError} error=${error} />`;
  if (!x) return html`<${PageTitle}>${t('emb.exemption')}<//><${Loading} />`;
  const eu = x.end_user || {};
  return html`<${PageTitle}>${t('emb.exemption')} · ${label('exemption_procedure', x.procedure)}<//>
    <p class="subtitle"><${EmbBadge} kind="exemption_state" code=${x.state} />
      ${typeof x.fits === 'boolean' && html` <span class=${'badge tone-' + (x.fits ? 'held' : 'warn')} data-testid="fits">${x.fits ? t('emb.fits') : t('emb.does_not_fit')}</span>`}</p>
    ${x.why && x.fits === false && html`<p class="note" data-testid="why">${x.why_id
      ? messageText({ message: x.why, message_id: x.why_id, args: x.why_args })
      : html`<span lang="en" dir="ltr" data-said="server">${x.why}</span>`}</p>`}
    <p><a href=${path.replace(/^/, '/api/v1') + '/notice'} target="_blank" rel="noopener" data-testid="notice-link">${t('emb.print_notification')}</a></p>
    <${Facts} rows=${[
      [t('emb.regime'), html`<${RegimeLink} id=${x.regime} />`],
      [t('emb.procedure'), label('exemption_procedure', x.procedure)],
      [t('emb.notifying_state'), x.notifying_state ? countryName(x.notifying_state) : '—'],
      [t('emb.supplier'), html`<${Text} v=${x.supplier} />`],
      x.manufacturer && [t('emb.manufacturer'), html`<${Text} v=${x.manufacturer} />`],
      [t('emb.end_user'), html`<${Text} v=${eu.name} />${eu.country ? ' · ' + countryName(eu.country) : ''}${eu.address ? html` · <${Text} v=${eu.address} />` : ''}`],
      x.supporting_note && [t('emb.supporting_note'), html`<span class="pre" dir="auto">${x.supporting_note}</span>`],
      (x.delivery_from || x.delivery_until) && [t('emb.delivery'), html`<${Day} at=${x.delivery_from} /> – <${Day} at=${x.delivery_until} />`],
      x.route?.length > 0 && [t('emb.route'), html`<${Text} v=${(Array.isArray(x.route) ? x.route : [x.route]).map((c) => (/^[A-Z]{2}$/.test(c) ? countryName(c) : c)).join(' → ')} />`],
      [t('emb.valid_until'), html`<${Day} at=${x.valid_until} />`],
      x.notified_on && [t('emb.notified_on'), html`<${Day} at=${x.notified_on} />`],
      x.committee_reference && [t('emb.committee_reference'), html`<${Text} v=${x.committee_reference} />`],
      x.covers?.length > 0 && [t('emb.covers_refs'), html`<span translate=${false}>${x.covers.join(', ')}</span>`],
      x.notes && [t('emb.notes'), html`<span class="pre" dir="auto">${x.notes}</span>`],
    ]} />
    <h2>${t('emb.items')}</h2>
    <${Table} caption=${t('emb.items')} rows=${x.items || []} rowKey=${(it) => it.description} cols=${[
      [t('emb.description'), (it) => html`<${Text} v=${it.description} />`],
      [t('emb.category'), (it) => html`<${Text} v=${it.category} />`],
      [t('emb.quantity'), (it) => fmtNumber(it.quantity), 'num'],
      [t('emb.serials'), (it) => (it.serials?.length ? html`<span dir="ltr" translate=${false}>${it.serials.join(', ')}</span>` : '—')],
    ]} />
    ${x.decisions?.length > 0 && html`<h2>${t('emb.decisions')}</h2>
      <${Table} caption=${t('emb.decisions')} rows=${x.decisions} rowKey=${(d) => d.date + d.decision} cols=${[
        [t('emb.date'), (d) => html`<${Day} at=${d.date} />`],
        [t('emb.decision'), (d) => label('exemption_decision', d.decision)],
        [t('emb.reference'), (d) => html`<${Text} v=${d.reference} />`],
      ]} />`}
    ${x.notices && html`<h2>${t('emb.notices')}</h2><${NoticeTable} list=${x.notices} />`}
    ${can(user, 'embargo') && html`<${ActionForm} prefix="xd-" title=${t('emb.decision_title')} submit=${t('emb.decision_submit')}
      note=${t('emb.decision_note')} initial=${{ decision: '', date: today(), reference: '' }}
      fields=${[
        { name: 'decision', label: t('emb.decision'), type: 'select', required: true, options: optionsOf(EXEMPTION_DECISIONS, 'exemption_decision', { empty: t('common.choose') }) },
        { name: 'date', label: t('emb.date'), type: 'date' },
        { name: 'reference', label: t('emb.reference'), dir: 'auto' },
      ]}
      action=${async (val) => { await api('POST', path + '/decision', { body: bodyOf(val) }); await load(); return t('emb.decided_done'); }} />`}
    <p><a href="#/exemptions">${t('emb.back_exemptions')}</a></p>`;
}

// ---- notices ----

function SentForm({ n, onDone }) {
  return html`<${ActionForm} prefix="ns-" title=${t('emb.sent_title', { what: label('notice_kind', n.kind) })} submit=${t('emb.sent_submit')}
    initial=${{ date: today(), reference: '', notes: '' }}
    fields=${[
      { name: 'date', label: t('emb.date'), type: 'date' },
      { name: 'reference', label: t('emb.reference'), dir: 'auto', required: true },
      { name: 'notes', label: t('emb.notes'), dir: 'auto' },
    ]}
    action=${async (val) => { const r = await api('POST', `/notices/${encodeURIComponent(n.id)}/sent`, { body: bodyOf(val) }); onDone?.(r); return t('emb.sent_done'); }} />`;
}

export function Notices({ user, route }) {
  const state = route.query.get('state') || '';
  const form = useForm({ state }, { prefix: 'nf-' });
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const [sending, setSending] = useState(null);
  const keep = useRequest((keep) => {
    setError(null);
    form.setValues({ state });
    api('GET', '/notices', { query: { state } }).then(keep(setList), keep((e) => {
      setList(null);
      setError(e);
    }));
  }, [state]);
  const reload = () => api('GET', '/notices', { query: { state } }).then(keep(setList), () => {});
  const may = can(user, 'embargo');
  return html`<${PageTitle}>${t('emb.notices')}<//>
    <p class="hint">${t('emb.notices_note')}</p>
    <form class="form filters" onSubmit=${(e) => e.preventDefault()}>
      <div class="row">
        <${Field} form=${form} name="state" type="select" label=${t('emb.state')}
          onInput=${(e) => navigate(href('notices', { state: e.currentTarget.value }))}
          options=${optionsOf(NOTICE_STATES, 'notice_state', { empty: t('common.any') })} />
      </div>
    </form>
    <${LoadError} error=${error} />
    ${!list && !error && html`<${Loading} />`}
    ${list && html`<${NoticeTable} name="notices" list=${list} actions=${may ? (n) => n.state === 'due' && html`<button type="button" class="secondary small"
      data-testid="mark-sent" onClick=${() => setSending(n)}>${t('emb.mark_sent')}<span class="sr-only"> ${label('notice_kind', n.kind)}</span></button>` : null} />`}
    ${sending && html`<${SentForm} key=${sending.id} n=${sending} onDone=${() => { setSending(null); reload(); }} />`}`;
}

export function Notice({ user, route }) {
  const id = route.params[0];
  const [n, setN] = useState(null);
  const [error, setError] = useState(null);
  const load = () => api('GET', `/notices/${encodeURIComponent(id)}`).then(setN, setError);
  useEffect(() => {
    setN(null);
    setError(null);
    load();
  }, [id]);
  if (error) return html`<${PageTitle}>${t('emb.notice')}<//><${LoadError} error=${error} />`;
  if (!n) return html`<${PageTitle}>${t('emb.notice')}<//><${Loading} />`;
  return html`<${PageTitle}>${t('emb.notice')} · ${label('notice_kind', n.kind)}<//>
    <p class="subtitle"><${EmbBadge} kind="notice_state" code=${n.state} />${n.overdue ? html` <span class="badge tone-missing">${t('emb.overdue')}</span>` : ''}</p>
    <p><a href=${`/api/v1/notices/${encodeURIComponent(n.id)}/document`} target="_blank" rel="noopener">${t('emb.print')}</a></p>
    <${Facts} rows=${[
      [t('emb.regime'), html`<${RegimeLink} id=${n.regime} />`],
      [t('emb.about'), html`<${Subject} s=${n.about} />`],
      [t('emb.due'), html`<${Day} at=${n.due} />`],
      n.sent_on && [t('emb.sent_on'), html`<${Day} at=${n.sent_on} />`],
      n.reference && [t('emb.reference'), html`<${Text} v=${n.reference} />`],
      n.notes && [t('emb.notes'), html`<span class="pre" dir="auto">${n.notes}</span>`],
    ]} />
    ${n.items?.length > 0 && html`<h2>${t('emb.items')}</h2>
      <${Table} caption=${t('emb.items')} rows=${n.items} rowKey=${(it) => it.item_id || it.description} cols=${[
        [t('field.serial'), (it) => (it.item_id ? html`<${ItemLink} id=${it.item_id} serial=${it.serial} />` : html`<${Text} v=${it.serial || it.description} />`)],
        [t('field.make'), (it) => html`<${Text} v=${it.make} />`],
        [t('field.model'), (it) => html`<${Text} v=${it.model} />`],
        [t('field.calibre'), (it) => html`<${Text} v=${it.calibre} />`],
        [t('field.status'), (it) => (it.status ? label('status', it.status) : it.quantity ? fmtNumber(it.quantity) : '—')],
      ]} />`}
    ${n.state === 'due' && can(user, 'embargo') && html`<${SentForm} n=${n} onDone=${load} />`}
    <p><a href="#/notices">${t('emb.back_notices')}</a></p>`;
}
