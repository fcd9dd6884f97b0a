// Licences (docs/transfers.md): the list, a new licence with its parties and
// goods lines, and one licence — its parties with what screening found, its
// lines with the quantity shipped and remaining, the assessment criterion by
// criterion, the end-user certificate attached and the shipments made — with
// the actions its state allows the user: record the assessment (license),
// issue it, suspend, revoke or reinstate it (license_decide).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { actorText, countryName, fmtDate, fmtNumber, label, messageText, t } from '../i18n.js';
import { href, navigate } from '../router.js';
import { useRequest } from '../request.js';
import { can } from '../roles.js';
import { Field, FormError, LoadError, Loading, Submit, optionsOf, useForm } from '../components/form.js';
import { ActionForm, Day, Facts, Table } from '../components/stock.js';
import { Badge, BrokerLink, Country, EucLink, Goods, LicenceLink, ShipmentLink, ShippedOf, StateChange, YesNo } from '../components/transfers.js';
import { PageTitle } from './misc.js';
import {
  CATEGORIES, DECISIONS, GOODS, LICENCE_KINDS, LICENCE_STATES, PARTY_ROLES, PROHIBITIONS, PROHIBITION_FINDINGS, RISKS,
  RISK_FINDINGS,
} from '../vocab.js';

const today = () => new Date().toISOString().slice(0, 10);

// An API field ("parties[1].country", "lines.0.quantity") as the form's
// field name, the row's index replaced by the key of the row shown there.
export function formField(path, rows = {}) {
  const flat = String(path || '').replace(/\[(\d+)\]/g, '.$1');
  const m = /^(\w+)\.(\d+)\.(.+)$/.exec(flat);
  if (m && rows[m[1]] && rows[m[1]][Number(m[2])] !== undefined) return `${m[1]}.${rows[m[1]][Number(m[2])]}.${m[3]}`;
  return flat;
}

// Values of the fields named prefix.<key>.<name>, for each row key in order;
// empty text left out.
function rowsOf(values, prefix, keys, names, numbers = []) {
  return keys.map((k) => {
    const row = {};
    for (const n of names) {
      const v = values[`${prefix}.${k}.${n}`];
      if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) continue;
      row[n] = numbers.includes(n) && /^\d+(\.\d+)?$/.test(String(v).trim()) ? Number(v) : v;
    }
    return row;
  });
}

// The period a licence is valid.
export const Validity = ({ from, until }) => html`<span class="xfer-period"><${Day} at=${from} /> – <${Day} at=${until} /></span>`;

// ---- the list ----

export function Licences({ user, route }) {
  const q = route.query;
  const filters = { kind: q.get('kind') || '', state: q.get('state') || '' };
  const form = useForm(filters, { prefix: 'lf-' });
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  useRequest((keep) => {
    setError(null);
    form.setValues(filters);
    api('GET', '/licences', { query: filters }).then(keep(setList), keep((e) => {
      setList(null);
      setError(e);
    }));
  }, [q.toString()]);
  const choose = (name) => (e) => navigate(href('licences', { ...filters, [name]: e.currentTarget.value }));
  const cols = [
    [t('xfer.number'), (l) => html`<${LicenceLink} id=${l.id} number=${l.number} />`, '', { sort: 'number' }],
    [t('xfer.kind'), (l) => label('licence_kind', l.kind), '', { sort: 'kind' }],
    [t('xfer.state'), (l) => html`<${Badge} kind="licence_state" code=${l.state} />`, '', { sort: 'state' }],
    [t('xfer.destination'), (l) => html`<${Country} code=${l.destination} />`, '', { sort: 'destination' }],
    [t('xfer.validity'), (l) => html`<${Validity} from=${l.valid_from} until=${l.valid_until} />`, '', { sort: 'valid_until' }],
    [t('xfer.shipped_quantity'), (l) => html`<${ShippedOf} shipped=${l.shipped} quantity=${l.quantity} />`, 'num', { sort: (l) => (l.quantity ? l.shipped / l.quantity : 0) }],
  ];
  return html`<${PageTitle}>${t('xfer.licences')}<//>
    ${can(user, 'license') && html`<p><a class="button" href="#/licences/new">${t('xfer.new_licence')}</a></p>`}
    <form class="form filters" onSubmit=${(e) => e.preventDefault()}>
      <div class="row">
        <${Field} form=${form} name="kind" type="select" label=${t('xfer.kind')} onInput=${choose('kind')} options=${optionsOf(LICENCE_KINDS, 'licence_kind', { empty: t('common.any') })} />
        <${Field} form=${form} name="state" type="select" label=${t('xfer.state')} onInput=${choose('state')} options=${optionsOf(LICENCE_STATES, 'licence_state', { empty: t('common.any') })} />
      </div>
    </form>
    <${LoadError} error=${error} />
    ${!list && !error && html`<${Loading} />`}
    ${list && html`<${Table} name="licences" caption=${t('xfer.licences')} cols=${cols} rows=${list} empty=${t('xfer.no_licences')} />`}`;
}

// #/licences/new or #/licences/<id>
export function LicenceRoute({ user, route }) {
  return route.params[0] === 'new' ? html`<${NewLicence} user=${user} />` : html`<${Licence} user=${user} id=${route.params[0]} />`;
}

// ---- one licence ----

export function Licence({ user, id }) {
  const [lic, setLic] = useState(null);
  const [error, setError] = useState(null);
  const path = `/licences/${encodeURIComponent(id)}`;
  const load = () => api('GET', path).then(setLic, setError);
  useEffect(() => {
    setLic(null);
    setError(null);
    load();
  }, [id]);
  if (error) return html`<${PageTitle}>${t('xfer.licence')}<//><${LoadError} error=${error} />`;
  if (!lic) return html`<${PageTitle}>${t('xfer.licence')}<//><${Loading} />`;

  const recorded = lic.recorded_state || lic.state;
  const c = lic.conditions || {};
  const changes = [];
  if (can(user, 'license_decide')) {
    if (recorded === 'issued') changes.push('suspended', 'revoked');
    if (recorded === 'suspended') changes.push('issued', 'revoked');
  }
  return html`
    <${PageTitle}>${t('xfer.licence')} <span dir="auto" translate=${false}>${lic.number}</span><//>
    <p class="subtitle">${label('licence_kind', lic.kind)} <${Badge} kind="licence_state" code=${lic.state} />
      ${!lic.screening_clear && html`<span class="badge tone-missing">${t('xfer.screening_failed')}</span>`}</p>
    ${lic.state_reason && html`<p class="note" dir="auto">${t('xfer.state_reason')}: ${lic.state_reason}</p>`}
    <${Facts} rows=${[
      [t('xfer.authority'), html`<span dir="auto">${lic.authority}</span>`],
      [t('xfer.officer'), html`<span dir="auto">${lic.officer}</span>`],
      [t('xfer.validity'), html`<${Validity} from=${lic.valid_from} until=${lic.valid_until} />`],
      [t('xfer.destination'), html`<${Country} code=${lic.destination} />`],
      lic.exporter_country && [t('xfer.exporter_country'), html`<${Country} code=${lic.exporter_country} />`],
      [t('xfer.no_reexport'), html`<${YesNo} value=${c.no_reexport_without_consent} />`],
      [t('xfer.post_checks'), html`<${YesNo} value=${c.post_shipment_checks} />`],
      c.other && [t('xfer.other_conditions'), html`<span dir="auto">${c.other}</span>`],
      [t('xfer.drafted'), html`${fmtDate(lic.drafted_at)} · <span dir="auto" translate=${false}>${actorText(lic.drafted_by)}</span>`],
      lic.issued_at && [t('xfer.issued'), html`${fmtDate(lic.issued_at)} · <span dir="auto" translate=${false}>${actorText(lic.issued_by)}</span>`],
      lic.notes && [t('field.notes'), html`<span class="pre" dir="auto">${lic.notes}</span>`],
    ]} />

    <h2>${t('xfer.parties')}</h2>
    <${Parties} parties=${lic.parties} />

    <h2>${t('xfer.lines')}</h2>
    <${Table} caption=${t('xfer.lines')} rows=${lic.lines} rowKey=${(l) => l.n} empty=${t('xfer.no_lines')} cols=${[
      [t('xfer.n'), (l) => fmtNumber(l.n), 'num'],
      [t('xfer.goods'), (l) => label('goods', l.goods)],
      [t('field.category'), (l) => html`<span title=${label('category', l.category)}>${l.category}</span>`],
      [t('xfer.description'), (l) => html`<span dir="auto">${[l.make, l.model, l.calibre, l.ammunition_type, l.description].filter(Boolean).join(' · ') || '—'}</span>`],
      [t('xfer.quantity'), (l) => fmtNumber(l.quantity), 'num'],
      [t('xfer.shipped'), (l) => fmtNumber(l.shipped), 'num'],
      [t('xfer.remaining'), (l) => html`<span data-testid="remaining">${fmtNumber(l.remaining)}</span>`, 'num'],
      [t('xfer.value'), (l) => (l.value !== undefined && l.value !== null ? `${fmtNumber(l.value)} ${l.currency || ''}` : '—'), 'num'],
    ]} />

    <h2>${t('xfer.assessment')}</h2>
    ${lic.assessment ? html`<${Assessment} a=${lic.assessment} />` : html`<p class="muted">${t('xfer.no_assessment')}</p>`}

    <h2>${t('xfer.euc')}</h2>
    ${lic.euc ? html`<p><${EucLink} id=${lic.euc.id} number=${lic.euc.number} /> <${Badge} kind="euc_state" code=${lic.euc.state} /></p>` : html`<p class="muted">${t('xfer.no_euc')}</p>`}
    ${!lic.euc && lic.kind !== 'import' && !['denied', 'revoked'].includes(recorded) && can(user, 'license') && html`<${EucForm} lic=${lic} />`}

    <h2>${t('xfer.shipments')}</h2>
    <${Table} caption=${t('xfer.shipments')} rows=${lic.shipments || []} empty=${t('xfer.no_shipments')} cols=${[
      [t('xfer.date'), (s) => html`<${ShipmentLink} id=${s.id}><${Day} at=${s.date} /><//>`],
      [t('xfer.direction'), (s) => label('ship_direction', s.direction)],
      [t('xfer.state'), (s) => html`<${Badge} kind="shipment_state" code=${s.state} />`],
      [t('xfer.goods'), (s) => html`<${Goods} weapons=${s.weapons} rounds=${s.rounds} />`],
    ]} />
    ${can(user, 'ship') && recorded === 'issued' && lic.kind !== 'import' && html`<p><a class="button secondary" href=${'#/shipments/new?licence=' + encodeURIComponent(lic.id)}>${t('xfer.new_shipment')}</a></p>`}
    ${can(user, 'ship') && lic.state === 'issued' && lic.kind === 'import' && html`<${ArrivalForm} lic=${lic} />`}

    ${recorded === 'draft' && can(user, 'license') && html`<${AssessForm} user=${user} path=${path} onDone=${setLic} />`}
    ${recorded === 'assessed' && can(user, 'license_decide') && html`<${ActionForm} prefix="li-" title=${t('xfer.issue')}
      submit=${t('xfer.issue_submit')} note=${t('xfer.issue_note')} initial=${{}} fields=${[]}
      action=${async () => { setLic(await api('POST', path + '/issue')); return t('xfer.issued_done'); }} />`}
    ${changes.length > 0 && html`<${StateChange} prefix="ls-" path=${() => path + '/state'} onDone=${setLic}
      changes=${changes.map((s) => ({ state: s, button: t('xfer.licence_to.' + s), title: t('xfer.licence_to.' + s), submit: t('xfer.licence_to.' + s), done: t('xfer.state_done', { state: label('licence_state', s) }) }))} />`}`;
}

// ---- an arrival under an import licence ----

const ARRIVING = ['category', 'make', 'model', 'calibre', 'serial', 'country', 'year'];

// "Record an arrival": the weapons arriving under an issued import licence,
// each registered with the importing state's mark (POST /shipments with
// weapons), row by row; a licence of one goods line fills in what it says
// of the weapon. Then the shipment's page.
function ArrivalForm({ lic }) {
  const weaponLines = (lic.lines || []).filter((l) => l.goods === 'weapons');
  const one = (lic.lines || []).length === 1 && weaponLines.length === 1 ? weaponLines[0] : null;
  const preset = one ? Object.fromEntries(['category', 'make', 'model', 'calibre'].filter((n) => one[n]).map((n) => [n, one[n]])) : {};
  const blank = (k) => Object.fromEntries(ARRIVING.map((n) => [`weapons.${k}.${n}`, preset[n] || '']));
  const [rows, setRows] = useState([0]);
  const [next, setNext] = useState(1);
  const initial = { date: today(), carrier: '', notes: '', ...blank(0) };
  const names = ['date', 'carrier', 'notes', ...rows.flatMap((k) => ARRIVING.map((n) => `weapons.${k}.${n}`))];
  const form = useForm(initial, { prefix: 'ar-', fields: names });
  const v = form.values;
  const go = form.submit(async () => {
    const body = { licence_id: lic.id, weapons: rowsOf(v, 'weapons', rows, ARRIVING, ['year']) };
    for (const n of ['date', 'carrier', 'notes']) if (v[n].trim()) body[n] = v[n];
    try {
      const s = await api('POST', '/shipments', { body });
      navigate('#/shipments/' + encodeURIComponent(s.id));
    } catch (e) {
      // "weapons[1] fits no goods line…": that weapon's category
      const m = e.field === 'weapons' && /^weapons\[(\d+)\]/.exec(e.message || '');
      if (m && rows[Number(m[1])] !== undefined) e.field = `weapons.${rows[Number(m[1])]}.category`;
      else if (e.field) e.field = formField(e.field, { weapons: rows });
      throw e;
    }
  });
  const F = (name, lbl, extra = {}) => html`<${Field} form=${form} name=${name} label=${lbl} ...${extra} />`;
  const add = () => {
    form.setValues((x) => ({ ...x, ...blank(next) }));
    setRows([...rows, next]);
    setNext(next + 1);
    setTimeout(() => document.getElementById(`ar-weapons.${next}.serial`)?.focus(), 0);
  };
  const remove = (k) => {
    setRows(rows.filter((x) => x !== k));
    setTimeout(() => document.getElementById('ar-add')?.focus(), 0);
  };
  const categories = [{ value: '', label: t('common.choose') }, ...CATEGORIES.map((c) => ({ value: c, label: `${c} — ${label('category', c)}` }))];
  return html`<section class="box wide" aria-labelledby="ar-h" data-testid="arrival-form">
    <h2 id="ar-h">${t('xfer.arrival')}</h2>
    <p class="hint">${t('xfer.arrival_note')}</p>
    <form class="form xfer-form" onSubmit=${go} novalidate>
      <div class="row">
        ${F('date', t('xfer.arrival_date'), { type: 'date', required: true, max: today() })}
        ${F('carrier', t('xfer.carrier'), { dir: 'auto' })}
      </div>
      <fieldset><legend>${t('xfer.arriving_weapons')}</legend>
        ${rows.map((k, i) => html`<div class="marking-row" role="group" aria-label=${t('xfer.weapon_n', { n: i + 1 })} key=${k} data-testid="arrival-row">
          ${F(`weapons.${k}.category`, t('field.category'), { type: 'select', required: true, options: categories })}
          ${F(`weapons.${k}.make`, t('field.make'), { dir: 'auto' })}
          ${F(`weapons.${k}.model`, t('field.model'), { dir: 'auto' })}
          ${F(`weapons.${k}.calibre`, t('field.calibre'), { dir: 'auto' })}
          ${F(`weapons.${k}.serial`, t('field.serial'), { dir: 'auto', spellcheck: 'false', autocomplete: 'off' })}
          ${F(`weapons.${k}.country`, t('xfer.made_in'), { type: 'country' })}
          ${F(`weapons.${k}.year`, t('field.year'), { type: 'number', min: '1800', max: String(new Date().getFullYear() + 1), inputmode: 'numeric' })}
          ${rows.length > 1 && html`<button type="button" class="secondary small" onClick=${() => remove(k)}>${t('xfer.remove_weapon', { n: i + 1 })}</button>`}
        </div>`)}
        <button type="button" id="ar-add" class="secondary small" onClick=${add}>${t('xfer.add_weapon_row')}</button>
      </fieldset>
      ${F('notes', t('field.notes'), { type: 'textarea', rows: 2, dir: 'auto' })}
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('xfer.arrival_submit')}<//></div>
    </form>
  </section>`;
}

// The parties of a licence with what screening found about each.
export function Parties({ parties }) {
  return html`<${Table} caption=${t('xfer.parties')} rows=${parties || []} rowKey=${(p) => p.n} empty=${t('xfer.no_parties')} cols=${[
    [t('xfer.role'), (p) => label('party_role', p.role)],
    [t('xfer.name'), (p) => (p.broker_id ? html`<${BrokerLink} id=${p.broker_id} name=${p.name} />` : html`<span dir="auto">${p.name}</span>`)],
    [t('field.country'), (p) => html`<${Country} code=${p.country} />`],
    [t('xfer.address'), (p) => html`<span dir="auto">${p.address || '—'}</span>`],
    [t('xfer.registration'), (p) => html`<span dir="auto">${p.registration || '—'}</span>`],
    [t('xfer.screening'), (p) => html`<${Screening} s=${p.screening} />`],
  ]} />`;
}

// A finding of screening in the language: an embargo's from the catalogue,
// its country (and a transit state) named and its date written in the
// language; any other as the server's sentence.
const EMBARGO_FINDINGS = {
  'transfers.importer_under_arms_embargo_since': false,
  'transfers.consignee_under_arms_embargo_since': false,
  'transfers.end_user_under_arms_embargo': false,
  'transfers.destination_under_arms_embargo_since': false,
  'transfers.exporter_under_embargo_arms_from': false,
  'transfers.goods_pass_through_under_arms': true, // its first argument is a country too
};
function findingText(f) {
  const a = [...(f.args || [])];
  if (f.message_id in EMBARGO_FINDINGS && a.length >= 4) {
    const day = (d) => { const x = new Date(d + 'T00:00:00Z'); return isNaN(x) ? d : x.toLocaleDateString(document.documentElement.lang, { dateStyle: 'medium', timeZone: 'UTC' }); };
    if (EMBARGO_FINDINGS[f.message_id]) a[0] = countryName(a[0]);
    a[1] = countryName(a[1]);
    a[2] = day(a[2]);
    return messageText({ ...f, args: a });
  }
  return messageText(f);
}

// A screening answer: clear, or each finding in the language.
export function Screening({ s }) {
  if (!s) return '—';
  if (s.clear && !s.findings?.length) return html`<span class="badge tone-held">${t('xfer.clear')}</span>`;
  return html`<span class=${'badge tone-' + (s.clear ? 'warn' : 'missing')}>${t(s.clear ? 'xfer.clear' : 'xfer.not_clear')}</span>
    <ul class="plain xfer-findings">${(s.findings || []).map((f, i) => html`<li key=${i}>
      <span data-said="server">${findingText(f)}</span>
      ${f.rule && html` <code translate=${false}>${f.rule}</code>`}
      ${f.reference && !(f.message_id in EMBARGO_FINDINGS) && html` <span dir="auto" translate=${false}>(${f.reference})</span>`}
    </li>`)}</ul>`;
}

// The assessment as recorded: each criterion with its finding.
function Assessment({ a }) {
  const row = (kind, code, x) => ({ kind, code, ...x });
  const rows = [
    ...PROHIBITIONS.filter((p) => a.prohibitions?.[p]).map((p) => row('prohibition', p, a.prohibitions[p])),
    ...RISKS.filter((r) => a.risks?.[r]).map((r) => row('risk', r, a.risks[r])),
  ];
  return html`<div class="xfer-assessment" data-testid="assessment">
    <${Table} caption=${t('xfer.assessment')} rows=${rows} rowKey=${(r) => r.kind + r.code} cols=${[
      [t('xfer.criterion'), (r) => html`${label(r.kind, r.code)}<br /><small class="muted">${t(r.kind === 'risk' ? 'xfer.a_risk' : 'xfer.a_prohibition')}</small>`],
      [t('xfer.finding'), (r) => html`<${Badge} kind=${r.kind === 'risk' ? 'risk_finding' : 'prohibition_finding'} code=${r.finding} />`],
      [t('xfer.evidence'), (r) => html`<span dir="auto" class="pre">${r.evidence || '—'}</span>`],
      [t('xfer.mitigation'), (r) => html`<span dir="auto" class="pre">${r.mitigation || '—'}</span>`],
    ]} />
    <${Facts} rows=${[
      [t('xfer.decision'), html`<span class=${'badge tone-' + (a.decision === 'approve' ? 'held' : 'missing')}>${label('xfer_decision', a.decision)}</span>`],
      [t('xfer.reasons'), html`<span dir="auto" class="pre">${a.reasons}</span>`],
      [t('xfer.officer'), html`<span dir="auto">${a.officer}</span>`],
      [t('xfer.date'), html`<${Day} at=${a.date} />`],
      a.assessed_at && [t('xfer.recorded'), html`${fmtDate(a.assessed_at)} · <span dir="auto" translate=${false}>${actorText(a.assessed_by)}</span>`],
    ]} />
  </div>`;
}

// The assessment form: every prohibition and risk with its finding, nothing
// chosen beforehand; evidence, and mitigation for a risk; the decision and
// its reasons.
function AssessForm({ user, path, onDone }) {
  const initial = { decision: '', reasons: '', officer: user.name, date: today() };
  for (const p of PROHIBITIONS) Object.assign(initial, { [`prohibitions.${p}.finding`]: '', [`prohibitions.${p}.evidence`]: '' });
  for (const r of RISKS) Object.assign(initial, { [`risks.${r}.finding`]: '', [`risks.${r}.evidence`]: '', [`risks.${r}.mitigation`]: '' });
  const form = useForm(initial, { prefix: 'as-' });
  const [done, setDone] = useState('');
  const go = form.submit(async (v) => {
    setDone('');
    const body = { prohibitions: {}, risks: {}, decision: v.decision, reasons: v.reasons, officer: v.officer };
    if (v.date) body.date = v.date;
    for (const p of PROHIBITIONS) {
      body.prohibitions[p] = { finding: v[`prohibitions.${p}.finding`] };
      if (v[`prohibitions.${p}.evidence`].trim()) body.prohibitions[p].evidence = v[`prohibitions.${p}.evidence`];
    }
    for (const r of RISKS) {
      body.risks[r] = { finding: v[`risks.${r}.finding`] };
      for (const k of ['evidence', 'mitigation']) if (v[`risks.${r}.${k}`].trim()) body.risks[r][k] = v[`risks.${r}.${k}`];
    }
    try {
      const lic = await api('POST', path + '/assessment', { body });
      setDone(t('xfer.assessed_done'));
      onDone(lic);
    } catch (e) {
      if (e.field) e.field = formField(e.field);
      throw e;
    }
  });
  const F = (name, lbl, extra = {}) => html`<${Field} form=${form} name=${name} label=${lbl} ...${extra} />`;
  return html`<section class="box wide" aria-labelledby="as-h" data-testid="assess-form">
    <h2 id="as-h">${t('xfer.assess')}</h2>
    <p class="hint">${t('xfer.assess_note')}</p>
    <p class="success" role="status">${done}</p>
    <form class="form" onSubmit=${go} novalidate>
      <fieldset><legend>${t('xfer.prohibitions')}</legend>
        ${PROHIBITIONS.map((p) => html`<div class="marking-row" role="group" aria-labelledby=${'as-p-' + p} key=${p}>
          <h3 class="xfer-criterion" id=${'as-p-' + p}>${label('prohibition', p)}</h3>
          ${F(`prohibitions.${p}.finding`, t('xfer.finding'), { type: 'select', required: true, options: optionsOf(PROHIBITION_FINDINGS, 'prohibition_finding', { empty: t('common.choose') }) })}
          ${F(`prohibitions.${p}.evidence`, t('xfer.evidence'), { type: 'textarea', rows: 2, dir: 'auto' })}
        </div>`)}
      </fieldset>
      <fieldset><legend>${t('xfer.risks')}</legend>
        ${RISKS.map((r) => html`<div class="marking-row" role="group" aria-labelledby=${'as-r-' + r} key=${r}>
          <h3 class="xfer-criterion" id=${'as-r-' + r}>${label('risk', r)}</h3>
          ${F(`risks.${r}.finding`, t('xfer.finding'), { type: 'select', required: true, options: optionsOf(RISK_FINDINGS, 'risk_finding', { empty: t('common.choose') }) })}
          ${F(`risks.${r}.evidence`, t('xfer.evidence'), { type: 'textarea', rows: 2, dir: 'auto' })}
          ${F(`risks.${r}.mitigation`, t('xfer.mitigation'), { type: 'textarea', rows: 2, dir: 'auto', hint: form.values[`risks.${r}.finding`] === 'substantial' ? t('xfer.mitigation_needed') : undefined })}
        </div>`)}
      </fieldset>
      <div class="row">
        ${F('decision', t('xfer.decision'), { type: 'select', required: true, options: optionsOf(DECISIONS, 'xfer_decision', { empty: t('common.choose') }) })}
        ${F('officer', t('xfer.officer'), { dir: 'auto', required: true })}
        ${F('date', t('xfer.date'), { type: 'date' })}
      </div>
      ${F('reasons', t('xfer.reasons'), { type: 'textarea', rows: 3, dir: 'auto', required: true })}
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('xfer.assess_submit')}<//></div>
    </form>
  </section>`;
}

// ---- a new licence ----

const PARTY = ['role', 'name', 'country', 'address', 'registration', 'broker_id'];
const LINE = ['goods', 'category', 'make', 'model', 'calibre', 'ammunition_type', 'quantity', 'value', 'currency', 'origin', 'description'];

function NewLicence({ user }) {
  const [parties, setParties] = useState([0, 1]);
  const [lines, setLines] = useState([0]);
  const [next, setNext] = useState(2);
  const [brokers, setBrokers] = useState([]);
  useEffect(() => {
    api('GET', '/brokers').then((bs) => setBrokers(bs.filter((b) => b.state === 'registered')), () => {});
  }, []);
  const initial = {
    kind: 'export', number: '', authority: '', officer: user.name, valid_from: today(), valid_until: '', notes: '',
    no_reexport_without_consent: true, post_shipment_checks: false, other: '',
    'parties.0.role': 'exporter', 'parties.1.role': 'end_user', 'lines.0.goods': 'weapons',
  };
  const names = [
    ...Object.keys(initial),
    ...parties.flatMap((k) => PARTY.map((n) => `parties.${k}.${n}`)),
    ...lines.flatMap((k) => LINE.map((n) => `lines.${k}.${n}`)),
  ];
  const form = useForm(initial, { prefix: 'nl-', fields: names });
  const v = form.values;
  const go = form.submit(async () => {
    const body = {
      kind: v.kind, number: v.number, authority: v.authority, officer: v.officer, valid_from: v.valid_from, valid_until: v.valid_until,
      conditions: { no_reexport_without_consent: !!v.no_reexport_without_consent, post_shipment_checks: !!v.post_shipment_checks },
      parties: rowsOf(v, 'parties', parties, PARTY),
      lines: rowsOf(v, 'lines', lines, LINE, ['quantity', 'value']),
    };
    if (v.other.trim()) body.conditions.other = v.other;
    if (v.notes.trim()) body.notes = v.notes;
    try {
      const lic = await api('POST', '/licences', { body });
      navigate('#/licences/' + encodeURIComponent(lic.id));
    } catch (e) {
      if (e.field) e.field = formField(e.field, { parties, lines });
      throw e;
    }
  });
  const F = (name, lbl, extra = {}) => html`<${Field} form=${form} name=${name} label=${lbl} ...${extra} />`;
  const add = (rows, set, prefix, defaults = {}) => {
    set([...rows, next]);
    form.setValues((x) => ({ ...x, ...Object.fromEntries(Object.entries(defaults).map(([n, d]) => [`${prefix}.${next}.${n}`, d])) }));
    setNext(next + 1);
  };
  const remove = (rows, set, k) => set(rows.filter((x) => x !== k));
  const categories = [{ value: '', label: t('common.choose') }, ...CATEGORIES.map((c) => ({ value: c, label: `${c} — ${label('category', c)}` }))];
  return html`<${PageTitle}>${t('xfer.new_licence')}<//>
    <p><a href="#/licences">${t('xfer.back_licences')}</a></p>
    <form class="form xfer-form" onSubmit=${go} novalidate data-testid="new-licence">
      <div class="row">
        ${F('kind', t('xfer.kind'), { type: 'select', options: optionsOf(LICENCE_KINDS, 'licence_kind') })}
        ${F('number', t('xfer.number'), { required: true, dir: 'auto', autocomplete: 'off' })}
        ${F('authority', t('xfer.authority'), { required: true, dir: 'auto' })}
        ${F('officer', t('xfer.officer'), { required: true, dir: 'auto' })}
        ${F('valid_from', t('xfer.valid_from'), { type: 'date', required: true })}
        ${F('valid_until', t('xfer.valid_until'), { type: 'date', required: true })}
      </div>
      <fieldset><legend>${t('xfer.conditions')}</legend><div class="row">
        ${F('no_reexport_without_consent', t('xfer.no_reexport'), { type: 'checkbox' })}
        ${F('post_shipment_checks', t('xfer.post_checks'), { type: 'checkbox' })}
        ${F('other', t('xfer.other_conditions'), { dir: 'auto' })}
      </div></fieldset>
      <fieldset><legend>${t('xfer.parties')}</legend>
        ${parties.map((k, i) => html`<div class="marking-row" role="group" aria-label=${t('xfer.party_n', { n: i + 1 })} key=${k}>
          ${F(`parties.${k}.role`, t('xfer.role'), { type: 'select', options: optionsOf(PARTY_ROLES, 'party_role', { empty: t('common.choose') }) })}
          ${v[`parties.${k}.role`] === 'broker' && brokers.length > 0
            ? F(`parties.${k}.broker_id`, t('xfer.broker'), {
                type: 'select',
                options: [{ value: '', label: t('common.choose') }, ...brokers.map((b) => ({ value: b.id, label: `${b.name} (${b.registration})` }))],
                onInput: (e) => {
                  const b = brokers.find((x) => x.id === e.currentTarget.value);
                  form.setValues((x) => ({ ...x, [`parties.${k}.broker_id`]: b?.id || '', ...(b ? { [`parties.${k}.name`]: b.name, [`parties.${k}.country`]: b.country, [`parties.${k}.registration`]: b.registration } : {}) }));
                },
              })
            : ''}
          ${F(`parties.${k}.name`, t('xfer.name'), { dir: 'auto', required: true })}
          ${F(`parties.${k}.country`, t('field.country'), { type: 'country' })}
          ${F(`parties.${k}.address`, t('xfer.address'), { dir: 'auto' })}
          ${F(`parties.${k}.registration`, t('xfer.registration'), { dir: 'auto' })}
          ${parties.length > 1 && html`<button type="button" class="secondary small" onClick=${() => remove(parties, setParties, k)}>${t('xfer.remove_party', { n: i + 1 })}</button>`}
        </div>`)}
        <button type="button" class="secondary small" onClick=${() => add(parties, setParties, 'parties')}>${t('xfer.add_party')}</button>
      </fieldset>
      <fieldset><legend>${t('xfer.lines')}</legend>
        ${lines.map((k, i) => html`<div class="marking-row" role="group" aria-label=${t('xfer.line_n', { n: i + 1 })} key=${k}>
          ${F(`lines.${k}.goods`, t('xfer.goods'), { type: 'select', options: optionsOf(GOODS, 'goods') })}
          ${F(`lines.${k}.category`, t('field.category'), { type: 'select', options: categories })}
          ${v[`lines.${k}.goods`] === 'ammunition'
            ? F(`lines.${k}.ammunition_type`, t('xfer.ammunition_type'), { dir: 'auto' })
            : html`${F(`lines.${k}.make`, t('field.make'), { dir: 'auto' })}${F(`lines.${k}.model`, t('field.model'), { dir: 'auto' })}`}
          ${F(`lines.${k}.calibre`, t('field.calibre'), { dir: 'auto' })}
          ${F(`lines.${k}.quantity`, t('xfer.quantity'), { type: 'number', min: '1', required: true, hint: v[`lines.${k}.goods`] === 'ammunition' ? t('xfer.quantity_rounds') : t('xfer.quantity_weapons') })}
          ${F(`lines.${k}.value`, t('xfer.value'), { type: 'number', min: '0', step: 'any' })}
          ${F(`lines.${k}.currency`, t('xfer.currency'), { dir: 'ltr', maxlength: '3', autocomplete: 'off' })}
          ${F(`lines.${k}.origin`, t('xfer.origin'), { type: 'country' })}
          ${F(`lines.${k}.description`, t('xfer.description'), { dir: 'auto' })}
          ${lines.length > 1 && html`<button type="button" class="secondary small" onClick=${() => remove(lines, setLines, k)}>${t('xfer.remove_line', { n: i + 1 })}</button>`}
        </div>`)}
        <button type="button" class="secondary small" onClick=${() => add(lines, setLines, 'lines', { goods: 'weapons' })}>${t('xfer.add_line')}</button>
      </fieldset>
      ${F('notes', t('field.notes'), { type: 'textarea', rows: 2, dir: 'auto' })}
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('xfer.new_licence_submit')}<//></div>
    </form>`;
}

// ---- the end-user certificate of a licence ----

const EUC_GOODS = ['goods', 'category', 'description', 'model', 'calibre', 'quantity', 'value', 'currency'];

// The importing state's certificate for this licence, every element of it
// (behind its button): what the licence already says — exporter, end user,
// destination, goods — fills it in, to be checked against the paper.
function EucForm({ lic }) {
  const [shown, setShown] = useState(false);
  const party = (role) => (lic.parties || []).find((p) => p.role === role) || {};
  const exporter = party('exporter');
  const endUser = (lic.parties || []).find((p) => p.role === 'end_user') || party('importer');
  const [rows, setRows] = useState(() => (lic.lines || []).map((_, i) => i));
  const [next, setNext] = useState((lic.lines || []).length);
  const initial = {
    number: '', issued: '', expires: '', destination: lic.destination || '', end_use: '', place_of_use: '',
    'authority.name': '', 'authority.signatory': '', 'authority.position': '', 'authority.stamp': false, 'authority.authentication': '',
    'exporter.name': exporter.name || '', 'exporter.business_name': '', 'exporter.address': exporter.address || '', 'exporter.country': exporter.country || '',
    'end_user.name': endUser.name || '', 'end_user.position': '', 'end_user.address': endUser.address || '', 'end_user.country': endUser.country || '', 'end_user.signed': false,
    'contract.reference': '', 'contract.date': '',
    sole_use_assurance: false, no_reexport_undertaking: false, dvc_required: true, post_shipment_consent: false,
  };
  (lic.lines || []).forEach((l, i) => Object.assign(initial, {
    [`goods.${i}.goods`]: l.goods, [`goods.${i}.category`]: l.goods === 'ammunition' ? '' : l.category || '',
    [`goods.${i}.description`]: l.description || [l.make, l.ammunition_type].filter(Boolean).join(' ') || '',
    [`goods.${i}.model`]: l.model || '', [`goods.${i}.calibre`]: l.calibre || '', [`goods.${i}.quantity`]: String(l.quantity ?? ''),
    [`goods.${i}.value`]: l.value !== undefined && l.value !== null ? String(l.value) : '', [`goods.${i}.currency`]: l.currency || '',
  }));
  const names = [...Object.keys(initial).filter((k) => !k.startsWith('goods.')), ...rows.flatMap((k) => EUC_GOODS.map((n) => `goods.${k}.${n}`))];
  const form = useForm(initial, { prefix: 'ne-', fields: names });
  const v = form.values;
  const go = form.submit(async () => {
    const body = { licence_id: lic.id, goods: rowsOf(v, 'goods', rows, EUC_GOODS, ['quantity', 'value']) };
    for (const k of Object.keys(initial)) {
      if (k.startsWith('goods.')) continue;
      const val = v[k];
      if (typeof val === 'string' && val.trim() === '') continue;
      const [a, b] = k.split('.');
      if (b) (body[a] ??= {})[b] = val;
      else body[a] = val;
    }
    try {
      const e = await api('POST', '/eucs', { body });
      navigate('#/eucs/' + encodeURIComponent(e.id));
    } catch (e) {
      if (e.field) e.field = formField(e.field, { goods: rows });
      throw e;
    }
  });
  const F = (name, lbl, extra = {}) => html`<${Field} form=${form} name=${name} label=${lbl} ...${extra} />`;
  const categories = [{ value: '', label: t('common.choose') }, ...CATEGORIES.map((c) => ({ value: c, label: `${c} — ${label('category', c)}` }))];
  if (!shown)
    return html`<p><button type="button" class="secondary" data-testid="euc-open"
      onClick=${() => { setShown(true); setTimeout(() => document.getElementById('ne-number')?.focus(), 0); }}>${t('xfer.add_euc')}</button></p>`;
  return html`<section class="box wide" aria-labelledby="ne-h" data-testid="euc-form">
    <h3 id="ne-h">${t('xfer.add_euc')}</h3>
    <p class="hint">${t('xfer.add_euc_note')}</p>
    <form class="form xfer-form" onSubmit=${go} novalidate>
      <div class="row">
        ${F('number', t('xfer.number'), { required: true, dir: 'auto', autocomplete: 'off' })}
        ${F('issued', t('xfer.issued_on'), { type: 'date', required: true })}
        ${F('expires', t('xfer.expires'), { type: 'date', required: true })}
      </div>
      <fieldset><legend>${t('xfer.g_authority')}</legend><div class="row">
        ${F('authority.name', t('xfer.name'), { required: true, dir: 'auto' })}
        ${F('authority.signatory', t('xfer.signatory'), { required: true, dir: 'auto' })}
        ${F('authority.position', t('xfer.position'), { required: true, dir: 'auto' })}
        ${F('authority.authentication', t('xfer.authentication'), { required: true, dir: 'auto' })}
        ${F('authority.stamp', t('xfer.stamp'), { type: 'checkbox' })}
      </div></fieldset>
      <fieldset><legend>${t('xfer.g_exporter')}</legend><div class="row">
        ${F('exporter.name', t('xfer.name'), { required: true, dir: 'auto' })}
        ${F('exporter.business_name', t('xfer.business_name'), { dir: 'auto' })}
        ${F('exporter.address', t('xfer.address'), { required: true, dir: 'auto' })}
        ${F('exporter.country', t('field.country'), { type: 'country' })}
      </div></fieldset>
      <fieldset><legend>${t('xfer.g_end_user')}</legend><div class="row">
        ${F('end_user.name', t('xfer.name'), { required: true, dir: 'auto' })}
        ${F('end_user.position', t('xfer.position'), { required: true, dir: 'auto' })}
        ${F('end_user.address', t('xfer.address'), { required: true, dir: 'auto' })}
        ${F('end_user.country', t('field.country'), { type: 'country' })}
        ${F('end_user.signed', t('xfer.signed'), { type: 'checkbox' })}
      </div></fieldset>
      <fieldset><legend>${t('xfer.goods')}</legend>
        ${rows.map((k, i) => html`<div class="marking-row" role="group" aria-label=${t('xfer.line_n', { n: i + 1 })} key=${k}>
          ${F(`goods.${k}.goods`, t('xfer.goods'), { type: 'select', options: optionsOf(GOODS, 'goods') })}
          ${v[`goods.${k}.goods`] !== 'ammunition' && F(`goods.${k}.category`, t('field.category'), { type: 'select', options: categories })}
          ${F(`goods.${k}.description`, t('xfer.description'), { dir: 'auto', required: true })}
          ${F(`goods.${k}.model`, t('field.model'), { dir: 'auto' })}
          ${F(`goods.${k}.calibre`, t('field.calibre'), { dir: 'auto' })}
          ${F(`goods.${k}.quantity`, t('xfer.quantity'), { type: 'number', min: '1', required: true })}
          ${F(`goods.${k}.value`, t('xfer.value'), { type: 'number', min: '0', step: 'any' })}
          ${F(`goods.${k}.currency`, t('xfer.currency'), { dir: 'ltr', maxlength: '3', autocomplete: 'off' })}
          ${rows.length > 1 && html`<button type="button" class="secondary small" onClick=${() => setRows(rows.filter((x) => x !== k))}>${t('xfer.remove_line', { n: i + 1 })}</button>`}
        </div>`)}
        <button type="button" class="secondary small" onClick=${() => { setRows([...rows, next]); form.setValues((x) => ({ ...x, [`goods.${next}.goods`]: 'weapons' })); setNext(next + 1); }}>${t('xfer.add_line')}</button>
      </fieldset>
      <fieldset><legend>${t('xfer.g_contract')}</legend><div class="row">
        ${F('contract.reference', t('xfer.reference'), { required: true, dir: 'auto' })}
        ${F('contract.date', t('xfer.date'), { type: 'date', required: true })}
      </div></fieldset>
      <fieldset><legend>${t('xfer.g_destination')}</legend><div class="row">
        ${F('destination', t('xfer.destination'), { type: 'country' })}
        ${F('place_of_use', t('xfer.place_of_use'), { dir: 'auto' })}
      </div></fieldset>
      <fieldset><legend>${t('xfer.g_assurances')}</legend>
        ${F('end_use', t('xfer.end_use'), { type: 'textarea', rows: 2, dir: 'auto', required: true })}
        <div class="row">
          ${F('sole_use_assurance', t('xfer.sole_use'), { type: 'checkbox' })}
          ${F('no_reexport_undertaking', t('xfer.no_reexport_undertaking'), { type: 'checkbox' })}
          ${F('dvc_required', t('xfer.dvc_required'), { type: 'checkbox' })}
          ${F('post_shipment_consent', t('xfer.post_shipment_consent'), { type: 'checkbox' })}
        </div>
      </fieldset>
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('xfer.add_euc_submit')}<//>
        <button type="button" class="secondary" onClick=${() => setShown(false)}>${t('xfer.cancel')}</button></div>
    </form>
  </section>`;
}
