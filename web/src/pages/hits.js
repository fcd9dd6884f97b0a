// The tracing inbox: hits between recovered weapons and the registry's
// (the server keeps a caller confined to sites to its own), the trace
// requests past their acknowledgement or reply date, and one hit with both
// weapons side by side and its confirm/reject decision.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { useRequest } from '../request.js';
import { countryName, fmtNumber, label, t } from '../i18n.js';
import { can, national } from '../roles.js';
import { Field, FormError, LoadError, Loading, Submit, optionsOf, useForm } from '../components/form.js';
import { Day, ItemLink, SiteName, Table, bodyOf, useSites } from '../components/stock.js';
import { EditList, MarkedKey } from '../components/serial.js';
import { DIVERSION, HitState, OverdueBadge, TraceLink } from '../components/trace.js';
import { Code, PageTitle, StatusBadge } from './misc.js';
import { HIT_DECISIONS } from '../vocab.js';

export const hitLink = (h) => html`<a href=${'#/inbox/' + encodeURIComponent(h.id)} data-testid="hit-link">
  <span class="key" dir="auto">${h.recovered?.serial || t('item.no_serial')}</span> ↔ <span class="key" dir="auto">${h.registered?.serial || t('item.no_serial')}</span></a>`;

export function Inbox({ user }) {
  // trace requests are the national tracers' (routes: trace, not confined)
  const tracer = can(user, 'trace') && national(user);
  const [state, setState] = useState('open');
  const [hits, setHits] = useState(null);
  const [overdue, setOverdue] = useState(null);
  const [error, setError] = useState(null);
  useRequest((keep) => {
    setHits(null);
    api('GET', '/hits', { query: { state: state === 'all' ? '' : state } }).then(keep(setHits), keep(setError));
  }, [state]);
  useEffect(() => {
    if (tracer) api('GET', '/traces', { query: { overdue: 1 } }).then(setOverdue, () => setOverdue([]));
  }, []);
  const cols = [
    [t('hit.serials'), hitLink, 'nowrap'],
    [t('hit.score'), (h) => fmtNumber(h.score), 'num', { sort: 'score' }],
    [t('hit.reason'), (h) => label('reason', h.reason), '', { sort: (h) => label('reason', h.reason) }],
    [t('hit.registered_status'), (h) => html`<${StatusBadge} status=${h.registered?.status} />`],
    [t('field.make'), (h) => html`<span dir="auto">${h.registered?.make || h.recovered?.make || '—'}</span>`, '', { sort: (h) => h.registered?.make || h.recovered?.make }],
    [t('field.state'), (h) => html`<${HitState} state=${h.state} />`, '', { sort: 'state' }],
  ];
  return html`<${PageTitle}>${t('inbox.title')}<//>
    <section aria-labelledby="hits-h">
      <h2 id="hits-h">${t('hit.title')}</h2>
      <p class="hint">${t('hit.intro')}</p>
      <div class="actions filters"><div class="field"><label for="hit-state">${t('hit.which')}</label>
        <select id="hit-state" value=${state} onInput=${(e) => setState(e.currentTarget.value)}>
          ${['open', 'confirmed', 'rejected', 'all'].map((s) => html`<option value=${s}>${label('hit_filter', s)}</option>`)}
        </select></div></div>
      <${LoadError} error=${error} />
      ${!hits && !error && html`<${Loading} />`}
      ${hits && html`<${Table} name="hits" caption=${t('hit.title')} cols=${cols} rows=${hits} empty=${t('hit.none')} />`}
    </section>
    ${tracer && html`<section aria-labelledby="overdue-h">
      <h2 id="overdue-h">${t('inbox.overdue')}</h2>
      ${!overdue ? html`<${Loading} />` : html`<${Table} caption=${t('inbox.overdue')} rows=${overdue} empty=${t('inbox.no_overdue')} cols=${[
        [t('trace.reference'), (r) => html`<${TraceLink} req=${r} />`],
        [t('trace.direction'), (r) => label('direction', r.direction)],
        [t('trace.requested_state'), (r) => countryName(r.requested_state)],
        [t('field.serial'), (r) => html`<span class="key" dir="auto">${r.serial || '—'}</span>`],
        [t('trace.overdue'), (r) => html`<${OverdueBadge} overdue=${r.overdue} />`],
        [t('trace.due'), (r) => html`<${Day} at=${r.overdue === 'acknowledgement' ? r.ack_due : r.reply_due} />`],
      ]} />`}
    </section>`}`;
}

// The fields compared side by side, in the order an officer checks them.
const SIDES = ['recovered', 'registered'];

export function Hit({ user, route }) {
  const id = route.params[0];
  const sites = useSites();
  const [hit, setHit] = useState(null);
  const [error, setError] = useState(null);
  const load = () => api('GET', `/hits/${encodeURIComponent(id)}`).then(setHit, setError);
  useEffect(() => {
    setHit(null);
    setError(null);
    load();
  }, [id]);
  if (error) return html`<${PageTitle}>${t('hit.one')}<//><${LoadError} error=${error} />`;
  if (!hit) return html`<${PageTitle}>${t('hit.one')}<//><${Loading} />`;
  const edits = hit.edits || [];
  const same = (k) => {
    const a = hit.recovered?.[k], b = hit.registered?.[k];
    return a && b ? String(a).toUpperCase() === String(b).toUpperCase() : null;
  };
  const markingsOf = (w) => (w?.markings || []).map((m) => html`<li>${label('component', m.component)} · ${label('kind', m.kind)}: <span dir="auto">${m.text}</span></li>`);
  const rows = [
    [t('field.serial'), (w, side) => w?.serial ? html`<span data-testid=${'serial-' + side}>${side === 'registered'
      ? html`<${MarkedKey} text=${w.serial_key || w.serial} edits=${edits} />`
      : html`<${MarkedKey} text=${w.serial_key || w.serial} edits=${edits.map((e) => ({ ...e, serial_pos: e.query_pos, op: e.op === 'delete' ? 'insert' : e.op === 'insert' ? 'delete' : e.op }))} />`}
      <br /><span class="muted">${t('search.as_marked')} <span dir="auto">${w.serial}</span></span></span>` : t('item.no_serial')],
    [t('field.make'), (w) => w?.make && html`<span dir="auto">${w.make}</span>`, 'make'],
    [t('field.model'), (w) => w?.model && html`<span dir="auto">${w.model}</span>`, 'model'],
    [t('field.calibre'), (w) => w?.calibre && html`<span dir="auto">${w.calibre}</span>`, 'calibre'],
    [t('field.category'), (w) => w?.category && html`${label('category', w.category)} <${Code} code=${w.category} />`, 'category'],
    [t('field.country'), (w) => w?.country && html`${countryName(w.country)} <${Code} code=${w.country} />`, 'country'],
    [t('field.status'), (w) => w?.status && html`<${StatusBadge} status=${w.status} />`],
    [t('field.site'), (w) => html`<${SiteName} sites=${sites} id=${w?.site_id} />`],
    [t('field.holder'), (w) => w?.holder_id && html`<${HolderName} id=${w.holder_id} />`],
    [t('item.markings'), (w) => (w?.markings?.length ? html`<ul class="plain">${markingsOf(w)}</ul>` : '—')],
  ];
  return html`
    <${PageTitle}>${t('hit.one')} · <${HitState} state=${hit.state} /><//>
    <p class="subtitle">
      <span>${t('hit.score')}</span>
      <meter min="0" max="100" low="40" high="75" optimum="100" value=${hit.score} aria-label=${t('hit.score')}></meter>
      <strong>${fmtNumber(hit.score)}</strong>
      <span class=${'reason-tag reason-' + hit.reason}>${label('reason', hit.reason)}</span> ${label('reason_why', hit.reason)}
    </p>
    <${EditList} edits=${edits} />
    <div class="table-wrap"><table class="compare" data-testid="hit-compare">
      <caption class="sr-only">${t('hit.compare')}</caption>
      <thead><tr><td></td>${SIDES.map((s) => html`<th scope="col">${t('hit.' + s)}
        ${hit[s]?.id && html` <${ItemLink} id=${hit[s].id} serial=${t('hit.open_weapon')} />`}</th>`)}</tr></thead>
      <tbody>${rows.map(([name, cell, key]) => {
        const agree = key ? same(key) : null;
        return html`<tr class=${agree === false ? 'differs' : undefined}>
          <th scope="row">${name}${agree === false ? html` <span class="disagree">≠<span class="sr-only"> ${t('search.differs')}</span></span>` : ''}</th>
          ${SIDES.map((s) => html`<td data-testid=${'hit-' + s}>${cell(hit[s], s) || '—'}</td>`)}
        </tr>`;
      })}</tbody>
    </table></div>
    ${hit.recovery_id && html`<p>${hit.recovery && html`${label('status', hit.recovery.type)} · <${Day} at=${hit.recovery.date} />${hit.recovery.place ? html` · <span dir="auto">${hit.recovery.place}</span>` : ''}`}
      ${national(user) && html` · <a href=${'#/recoveries/' + encodeURIComponent(hit.recovery_id)}>${t('task.see_recovery')}</a>`}</p>`}
    ${hit.state !== 'open'
      ? html`<section class="box" aria-labelledby="decided-h" data-testid="hit-decision">
          <h2 id="decided-h">${t('hit.decision')}</h2>
          <p><${HitState} state=${hit.state} /> <span dir="auto">${hit.decision_reason || ''}</span></p>
          ${(hit.point || hit.point_category) && html`<p>${t('trace.pod')}: ${label('pod', hit.point?.category || hit.point_category)}
            ${hit.point?.country ? ' · ' + countryName(hit.point.country) : ''}${hit.point?.description ? html` · <span dir="auto">${hit.point.description}</span>` : ''}</p>`}
          ${hit.state === 'confirmed' && can(user, 'trace') && hit.recovered?.id && html`<p>
            <a class="button secondary" href=${'#/traces/new?item=' + encodeURIComponent(hit.recovered.id)}>${t('trace.new_for_item')}</a></p>`}
        </section>`
      : can(user, 'trace')
        ? html`<${Decide} id=${id} onDecided=${setHit} />`
        : html`<p class="note">${t('hit.read_only')}</p>`}`;
}

// A holder by name and type (GET /holders/{id} needs only read); the id
// while it loads or when it cannot be read.
function HolderName({ id }) {
  const [holder, setHolder] = useState(null);
  useEffect(() => {
    setHolder(null);
    api('GET', `/holders/${encodeURIComponent(id)}`).then(setHolder, () => {});
  }, [id]);
  if (!holder?.name) return html`<code>${id}</code>`;
  return html`<span dir="auto" data-testid="hit-holder">${holder.name}</span>${holder.type ? html` <span class="muted">${label('holder', holder.type)}</span>` : ''}`;
}

function Decide({ id, onDecided }) {
  // an irreversible decision has no default: the user chooses confirm or reject
  const form = useForm({ decision: '', reason: '', pod_category: '', pod_country: '', pod_date: '', pod_description: '' }, { prefix: 'hd-' });
  // and it asks before it is sent: the first submit shows what will be
  // recorded, a second (the "yes") sends it; any change asks again
  const [asking, setAsking] = useState(false);
  const askRef = useRef(null);
  useEffect(() => setAsking(false), [form.values]);
  useEffect(() => {
    if (asking) askRef.current?.focus();
  }, [asking]);
  const submit = form.submit(async (v) => {
    if (v.decision && !asking) {
      setAsking(true);
      return;
    }
    setAsking(false);
    const body = { decision: v.decision, reason: v.reason };
    if (v.decision === 'confirm' && v.pod_category) {
      body.point_of_diversion = bodyOf({ category: v.pod_category, country: v.pod_country, date: v.pod_date, description: v.pod_description });
    }
    try {
      onDecided(await api('POST', `/hits/${encodeURIComponent(id)}/decision`, { body }));
    } catch (e) {
      // the API names point_of_diversion.category; the form calls it pod_category
      if (e.field?.startsWith('point_of_diversion.')) e.field = 'pod_' + e.field.slice(19);
      throw e;
    }
  });
  return html`<section class="box" aria-labelledby="hd-h">
    <h2 id="hd-h">${t('hit.decide')}</h2>
    <p class="hint">${t('hit.decide_note')}</p>
    <form class="form" onSubmit=${submit} novalidate data-testid="hit-decide">
      <div class="row">
        <${Field} form=${form} name="decision" type="select" label=${t('hit.decision')} options=${optionsOf(HIT_DECISIONS, 'decision', { empty: t('common.choose') })} required />
        <${Field} form=${form} name="reason" label=${t('hit.decision_reason')} dir="auto" required />
      </div>
      ${form.values.decision === 'confirm' && html`<fieldset><legend>${t('trace.pod')}</legend>
        <p class="hint">${t('hit.pod_hint')}</p>
        <div class="row">
          <${Field} form=${form} name="pod_category" type="select" label=${t('trace.pod_category')} options=${optionsOf(DIVERSION, 'pod', { empty: t('common.none_chosen') })} />
          <${Field} form=${form} name="pod_country" type="country" label=${t('field.country')} />
          <${Field} form=${form} name="pod_date" type="date" label=${t('rec.date')} />
          <${Field} form=${form} name="pod_description" label=${t('trace.description')} dir="auto" />
        </div></fieldset>`}
      <${FormError} form=${form} />
      ${asking
        ? html`<div class="confirm-box" role="group" aria-labelledby="hd-ask" data-testid="hit-ask">
            <p id="hd-ask" tabindex="-1" ref=${askRef}><strong>${t('hit.decide_ask', { decision: label('decision', form.values.decision) })}</strong></p>
            <div class="actions"><${Submit} form=${form}>${t('hit.decide_yes')}<//>
              <button type="button" class="secondary" onClick=${() => setAsking(false)}>${t('hit.decide_back')}</button></div>
          </div>`
        : html`<div class="actions"><${Submit} form=${form}>${t('hit.decide_submit')}<//></div>`}
    </form>
  </section>`;
}
