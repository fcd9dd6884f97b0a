// End-user certificates (docs/transfers.md): the list, and one certificate
// with every element grouped as on the paper — issuing authority, exporter,
// end user, goods with what was shipped and remains, contract, destination
// and intermediate consignees, assurances — then how its authenticity was
// checked (a timeline), the shipments made under it, the post-shipment
// checks and the diversion alerts they raised. Recording a verification
// needs license, a post-shipment check ship.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { actorText, fmtDate, fmtNumber, label, t } from '../i18n.js';
import { can } from '../roles.js';
import { Field, FormError, LoadError, Loading, Submit, optionsOf, useForm } from '../components/form.js';
import { ActionForm, Day, Facts, ItemLink, Table, bodyOf, linesOf } from '../components/stock.js';
import { Badge, Country, EucLink, Goods, LicenceLink, ShipmentLink, YesNo } from '../components/transfers.js';
import { PageTitle } from './misc.js';
import { AlertTable } from './diversions.js';
import { Screening } from './licences.js';
import { CHECK_RESULTS, VERIFICATION_RESULTS } from '../vocab.js';

const today = () => new Date().toISOString().slice(0, 10);

export function Eucs() {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('GET', '/eucs').then(setList, setError);
  }, []);
  const cols = [
    [t('xfer.number'), (e) => html`<${EucLink} id=${e.id} number=${e.number} />`, '', { sort: 'number' }],
    [t('xfer.licence'), (e) => html`<${LicenceLink} id=${e.licence_id} number=${e.licence_number} />`, '', { sort: 'licence_number' }],
    [t('xfer.end_user'), (e) => html`<span dir="auto" translate=${false}>${e.end_user || '—'}</span>`, '', { sort: 'end_user' }],
    [t('xfer.destination'), (e) => html`<${Country} code=${e.destination} />`, '', { sort: 'destination' }],
    [t('xfer.issued_on'), (e) => html`<${Day} at=${e.issued} />`, '', { sort: 'issued' }],
    [t('xfer.expires'), (e) => html`<${Day} at=${e.expires} />`, '', { sort: 'expires' }],
    [t('xfer.state'), (e) => html`<${Badge} kind="euc_state" code=${e.state} />`, '', { sort: 'state' }],
  ];
  return html`<${PageTitle}>${t('xfer.eucs')}<//>
    <p class="hint">${t('xfer.eucs_note')}</p>
    <${LoadError} error=${error} />
    ${!list && !error && html`<${Loading} />`}
    ${list && html`<${Table} name="end-user-certificates" caption=${t('xfer.eucs')} cols=${cols} rows=${list} empty=${t('xfer.no_eucs')} />`}`;
}

// A group of a certificate's elements, as a titled list of facts.
const Group = ({ id, title, rows }) => html`<section class="xfer-group" aria-labelledby=${id}>
  <h2 id=${id}>${title}</h2>
  <${Facts} rows=${rows} />
</section>`;

const text = (v) => (v ? html`<span dir="auto">${v}</span>` : null);

export function Euc({ user, route }) {
  const id = route.params[0];
  const [euc, setEuc] = useState(null);
  const [error, setError] = useState(null);
  const path = `/eucs/${encodeURIComponent(id)}`;
  const load = () => api('GET', path).then(setEuc, setError);
  useEffect(() => {
    setEuc(null);
    setError(null);
    load();
  }, [id]);
  if (error) return html`<${PageTitle}>${t('xfer.euc')}<//><${LoadError} error=${error} />`;
  if (!euc) return html`<${PageTitle}>${t('xfer.euc')}<//><${Loading} />`;

  const a = euc.authority || {};
  const x = euc.exporter || {};
  const u = euc.end_user || {};
  const verifications = [...(euc.verifications || [])].sort((p, q) => String(p.date).localeCompare(String(q.date)) || p.n - q.n);
  const shipped = (euc.shipments || []).length > 0;
  return html`
    <${PageTitle}>${t('xfer.euc')} <span dir="auto" translate=${false}>${euc.number}</span><//>
    <p class="subtitle"><${Badge} kind="euc_state" code=${euc.state} /> · ${t('xfer.licence')} <${LicenceLink} id=${euc.licence_id} number=${euc.licence_number} /></p>
    <${Facts} rows=${[
      [t('xfer.issued_on'), html`<${Day} at=${euc.issued} />`],
      [t('xfer.expires'), html`<${Day} at=${euc.expires} />`],
      [t('xfer.recorded'), html`${fmtDate(euc.recorded_at)} · <span dir="auto" translate=${false}>${actorText(euc.recorded_by)}</span>`],
      euc.dvc && [t('xfer.dvc'), text(euc.dvc)],
      euc.closed_on && [t('xfer.closed_on'), html`<${Day} at=${euc.closed_on} />`],
    ]} />
    <div class="xfer-groups">
      <${Group} id="eu-a" title=${t('xfer.g_authority')} rows=${[
        [t('xfer.name'), text(a.name)],
        [t('xfer.signatory'), text(a.signatory)],
        [t('xfer.position'), text(a.position)],
        [t('xfer.stamp'), html`<${YesNo} value=${a.stamp} />`],
        [t('xfer.authentication'), text(a.authentication)],
      ]} />
      <${Group} id="eu-x" title=${t('xfer.g_exporter')} rows=${[
        [t('xfer.name'), text(x.name)],
        x.business_name && [t('xfer.business_name'), text(x.business_name)],
        [t('xfer.address'), text(x.address)],
        [t('field.country'), html`<${Country} code=${x.country} />`],
      ]} />
      <${Group} id="eu-u" title=${t('xfer.g_end_user')} rows=${[
        [t('xfer.name'), text(u.name)],
        [t('xfer.position'), text(u.position)],
        [t('xfer.address'), text(u.address)],
        [t('field.country'), html`<${Country} code=${u.country} />`],
        [t('xfer.signed'), html`<${YesNo} value=${u.signed} />`],
      ]} />
      <${Group} id="eu-c" title=${t('xfer.g_contract')} rows=${[
        [t('xfer.reference'), text(euc.contract?.reference)],
        [t('xfer.date'), html`<${Day} at=${euc.contract?.date} />`],
      ]} />
      <${Group} id="eu-d" title=${t('xfer.g_destination')} rows=${[
        [t('xfer.destination'), html`<${Country} code=${euc.destination} />`],
        [t('xfer.place_of_use'), text(euc.place_of_use)],
        [t('xfer.intermediate'), (euc.intermediate_consignees || []).length
          ? html`<ul class="plain">${euc.intermediate_consignees.map((p, i) => html`<li key=${i}><span dir="auto">${p.name}</span> (<${Country} code=${p.country} />)</li>`)}</ul>`
          : t('xfer.none')],
      ]} />
      <${Group} id="eu-s" title=${t('xfer.g_assurances')} rows=${[
        [t('xfer.end_use'), text(euc.end_use)],
        [t('xfer.sole_use'), html`<${YesNo} value=${euc.sole_use_assurance} />`],
        [t('xfer.no_reexport_undertaking'), html`<${YesNo} value=${euc.no_reexport_undertaking} />`],
        [t('xfer.dvc_required'), html`<${YesNo} value=${euc.dvc_required} />`],
        [t('xfer.post_shipment_consent'), html`<${YesNo} value=${euc.post_shipment_consent} />`],
      ]} />
    </div>

    ${(euc.screening || []).length > 0 && html`<h2>${t('xfer.screening')}</h2>
    <${Table} caption=${t('xfer.screening')} rows=${euc.screening} rowKey=${(x) => x.role + x.name} cols=${[
      [t('xfer.role'), (x) => label('party_role', x.role)],
      [t('xfer.name'), (x) => html`<span dir="auto">${x.name}</span>`],
      [t('xfer.screening'), (x) => html`<${Screening} s=${x.screening} />`],
    ]} />`}

    <h2>${t('xfer.goods')}</h2>
    <${Table} caption=${t('xfer.goods')} rows=${euc.goods || []} rowKey=${(g) => g.n} empty=${t('xfer.no_lines')} cols=${[
      [t('xfer.n'), (g) => fmtNumber(g.n), 'num'],
      [t('field.category'), (g) => html`<span title=${label('category', g.category)}>${g.category}</span>`],
      [t('xfer.description'), (g) => html`<span dir="auto">${[g.description, g.model, g.calibre].filter(Boolean).join(' · ')}</span>`],
      [t('xfer.quantity'), (g) => fmtNumber(g.quantity), 'num'],
      [t('xfer.shipped'), (g) => fmtNumber(g.shipped), 'num'],
      [t('xfer.remaining'), (g) => html`<span data-testid="remaining">${fmtNumber(g.remaining)}</span>`, 'num'],
      [t('xfer.value'), (g) => (g.value !== undefined && g.value !== null ? `${fmtNumber(g.value)} ${g.currency || ''}` : '—'), 'num'],
    ]} />

    <h2>${t('xfer.verifications')}</h2>
    ${verifications.length === 0 ? html`<p class="muted">${t('xfer.no_verifications')}</p>` : html`<ol class="xfer-timeline" data-testid="verifications">
      ${verifications.map((v) => html`<li key=${v.n}>
        <p><${Day} at=${v.date} /> · <${Badge} kind="verification" code=${v.result} /></p>
        <p>${t('xfer.channel')}: <span dir="auto">${v.channel}</span>${v.counterpart && html` · ${t('xfer.counterpart')}: <span dir="auto">${v.counterpart}</span>`}</p>
        ${v.notes && html`<p class="pre" dir="auto">${v.notes}</p>`}
        <p class="muted">${t('xfer.recorded')}: ${fmtDate(v.recorded_at)} · <span dir="auto" translate=${false}>${actorText(v.recorded_by)}</span></p>
      </li>`)}
    </ol>`}
    ${can(user, 'license') && euc.state !== 'closed' && html`<${ActionForm} prefix="ev-" title=${t('xfer.verify')} submit=${t('xfer.verify_submit')}
      initial=${{ channel: '', counterpart: '', date: today(), result: '', notes: '' }}
      fields=${[
        { name: 'channel', label: t('xfer.channel'), required: true, dir: 'auto', hint: t('xfer.channel_hint') },
        { name: 'counterpart', label: t('xfer.counterpart'), dir: 'auto' },
        { name: 'date', label: t('xfer.date'), type: 'date' },
        { name: 'result', label: t('xfer.result'), type: 'select', required: true, options: optionsOf(VERIFICATION_RESULTS, 'verification', { empty: t('common.choose') }) },
        { name: 'notes', label: t('field.notes'), type: 'textarea', rows: 2, dir: 'auto' },
      ]}
      action=${async (v) => { setEuc(await api('POST', path + '/verifications', { body: bodyOf(v) })); return t('xfer.verified_done'); }} />`}

    <h2>${t('xfer.shipments')}</h2>
    <${Table} caption=${t('xfer.shipments')} rows=${euc.shipments || []} empty=${t('xfer.no_shipments')} cols=${[
      [t('xfer.date'), (s) => html`<${ShipmentLink} id=${s.id}><${Day} at=${s.date} /><//>`],
      [t('xfer.state'), (s) => html`<${Badge} kind="shipment_state" code=${s.state} />`],
      [t('xfer.goods'), (s) => html`<${Goods} weapons=${s.weapons} rounds=${s.rounds} />`],
    ]} />

    <h2>${t('xfer.checks')}</h2>
    ${(euc.checks || []).length === 0 ? html`<p class="muted">${t('xfer.no_checks')}</p>` : (euc.checks || []).map((c) => html`<section class="xfer-check" key=${c.id} aria-labelledby=${'ck-' + c.id}>
      <h3 id=${'ck-' + c.id}><${Day} at=${c.date} />${c.place && html` · <span dir="auto">${c.place}</span>`}</h3>
      <p>${t('xfer.inspectors')}: <span dir="auto">${(c.inspectors || []).join(', ') || '—'}</span></p>
      <p>${t('xfer.check_counts', { seen: fmtNumber(c.seen), not_seen: fmtNumber(c.not_seen), elsewhere: fmtNumber(c.seen_elsewhere) })}</p>
      <${Table} caption=${t('xfer.checks')} rows=${c.items || []} rowKey=${(i) => i.item_id} cols=${[
        [t('field.serial'), (i) => html`<${ItemLink} id=${i.item_id} serial=${i.serial} />`],
        [t('xfer.result'), (i) => html`<${Badge} kind="check_result" code=${i.result} />`],
        [t('xfer.location'), (i) => html`<span dir="auto">${i.location || '—'}</span>`],
        [t('field.notes'), (i) => html`<span dir="auto">${i.notes || '—'}</span>`],
      ]} />
      ${c.notes && html`<p class="pre" dir="auto">${c.notes}</p>`}
    </section>`)}
    ${can(user, 'ship') && shipped && html`<${CheckForm} euc=${euc} path=${path} onDone=${setEuc} />`}

    <h2>${t('xfer.alerts')}</h2>
    <${AlertTable} alerts=${euc.alerts || []} />`;
}

// A post-shipment check: the date, place and inspectors, and for each
// weapon shipped under the certificate whether it was seen, not seen or
// seen elsewhere (where).
function CheckForm({ euc, path, onDone }) {
  const [items, setItems] = useState(null);
  useEffect(() => {
    Promise.all((euc.shipments || []).map((s) => api('GET', `/shipments/${encodeURIComponent(s.id)}`)))
      .then((ss) => setItems(ss.flatMap((s) => s.items || [])), () => setItems([]));
  }, [euc.id, (euc.shipments || []).length]);
  const initial = { date: today(), place: '', inspectors: '', notes: '' };
  const names = [...Object.keys(initial), ...(items || []).flatMap((i) => ['result', 'location', 'notes'].map((n) => `items.${i.item_id}.${n}`))];
  const form = useForm(initial, { prefix: 'pc-', fields: names });
  const [done, setDone] = useState('');
  const v = form.values;
  const go = form.submit(async () => {
    setDone('');
    const body = { ...bodyOf({ date: v.date, place: v.place, notes: v.notes }), inspectors: linesOf(v.inspectors), items: [] };
    const shown = [];
    for (const i of items || []) {
      const result = v[`items.${i.item_id}.result`];
      if (!result) continue;
      shown.push(i.item_id);
      body.items.push({ item_id: i.item_id, result, ...bodyOf({ location: v[`items.${i.item_id}.location`] || '', notes: v[`items.${i.item_id}.notes`] || '' }) });
    }
    try {
      const e = await api('POST', path + '/checks', { body });
      form.reset();
      setDone(t('xfer.checked_done'));
      onDone(e);
    } catch (err) {
      const m = /^items(?:\[|\.)(\d+)\]?\.(\w+)$/.exec(err.field || '');
      if (m && shown[Number(m[1])]) err.field = `items.${shown[Number(m[1])]}.${m[2] === 'item_id' ? 'result' : m[2]}`;
      throw err;
    }
  });
  const F = (name, lbl, extra = {}) => html`<${Field} form=${form} name=${name} label=${lbl} ...${extra} />`;
  return html`<section class="box wide" aria-labelledby="pc-h" data-testid="check-form">
    <h2 id="pc-h">${t('xfer.check')}</h2>
    <p class="hint">${t('xfer.check_note')}</p>
    <p class="success" role="status">${done}</p>
    <form class="form" onSubmit=${go} novalidate>
      <div class="row">
        ${F('date', t('xfer.date'), { type: 'date', required: true })}
        ${F('place', t('xfer.place'), { dir: 'auto' })}
        ${F('inspectors', t('xfer.inspectors'), { type: 'textarea', rows: 2, dir: 'auto', required: true, hint: t('xfer.one_a_line') })}
      </div>
      <fieldset><legend>${t('xfer.check_weapons')}</legend>
        ${items === null && html`<${Loading} />`}
        ${items && items.length === 0 && html`<p class="muted">${t('xfer.no_weapons_shipped')}</p>`}
        ${(items || []).map((i) => html`<div class="marking-row" role="group" aria-labelledby=${'pc-i-' + i.item_id} key=${i.item_id}>
          <p class="xfer-serial" id=${'pc-i-' + i.item_id}><strong class="key" dir="auto">${i.serial}</strong> <span dir="auto">${[i.make, i.model].filter(Boolean).join(' ')}</span></p>
          ${F(`items.${i.item_id}.result`, t('xfer.result'), { type: 'select', options: optionsOf(CHECK_RESULTS, 'check_result', { empty: t('xfer.not_checked') }) })}
          ${v[`items.${i.item_id}.result`] === 'seen_elsewhere' && F(`items.${i.item_id}.location`, t('xfer.location'), { dir: 'auto', required: true })}
          ${F(`items.${i.item_id}.notes`, t('field.notes'), { dir: 'auto' })}
        </div>`)}
      </fieldset>
      ${F('notes', t('field.notes'), { type: 'textarea', rows: 2, dir: 'auto' })}
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('xfer.check_submit')}<//></div>
    </form>
  </section>`;
}
