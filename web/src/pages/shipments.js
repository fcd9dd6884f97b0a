// Shipments (docs/transfers.md): the list, a new export shipment — the
// licence chosen among those issued, its certificate with it, weapons found
// by serial and chosen (never an id typed), ammunition by lot — and one
// shipment with its weapons (each a link to its page), lots and rounds,
// delivery state and delivery verification certificate (DVC), and the form
// that records the delivery (ship).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { actorText, fmtDate, fmtNumber, label, t } from '../i18n.js';
import { navigate } from '../router.js';
import { can } from '../roles.js';
import { Field, FormError, LoadError, Loading, Submit, errorText, useForm } from '../components/form.js';
import { ActionForm, Day, Facts, ItemLink, Table, bodyOf } from '../components/stock.js';
import { Badge, Country, EucLink, Goods, LicenceLink, Route, ShipmentLink } from '../components/transfers.js';
import { PageTitle } from './misc.js';
import { regimeName } from '../components/embargo.js';
import { formField } from './licences.js';
import { useSerialSearch, what } from '../components/loss.js';

const today = () => new Date().toISOString().slice(0, 10);

export function Shipments({ user }) {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('GET', '/shipments').then(setList, setError);
  }, []);
  const cols = [
    [t('xfer.date'), (s) => html`<${ShipmentLink} id=${s.id}><${Day} at=${s.date} /><//>`, '', { sort: 'date' }],
    [t('xfer.direction'), (s) => label('ship_direction', s.direction), '', { sort: 'direction' }],
    [t('xfer.licence'), (s) => html`<${LicenceLink} id=${s.licence_id} number=${s.licence_number} />`, '', { sort: 'licence_number' }],
    [t('xfer.euc'), (s) => (s.euc_number ? html`<span dir="auto">${s.euc_number}</span>` : '—'), '', { sort: 'euc_number' }],
    [t('xfer.destination'), (s) => html`<${Country} code=${s.destination} />`, '', { sort: 'destination' }],
    [t('xfer.weapons'), (s) => fmtNumber(s.weapons), 'num', { sort: 'weapons' }],
    [t('xfer.rounds'), (s) => fmtNumber(s.rounds), 'num', { sort: 'rounds' }],
    [t('xfer.state'), (s) => html`<${Badge} kind="shipment_state" code=${s.state} />`, '', { sort: 'state' }],
  ];
  return html`<${PageTitle}>${t('xfer.shipments')}<//>
    ${can(user, 'ship') && html`<p><a class="button" href="#/shipments/new">${t('xfer.new_shipment')}</a></p>`}
    <${LoadError} error=${error} />
    ${!list && !error && html`<${Loading} />`}
    ${list && html`<${Table} name="shipments" caption=${t('xfer.shipments')} cols=${cols} rows=${list} empty=${t('xfer.no_shipments')} />`}`;
}

export function ShipmentRoute({ user, route }) {
  return route.params[0] === 'new'
    ? html`<${NewShipment} user=${user} licence=${route.query.get('licence') || ''} />`
    : html`<${Shipment} user=${user} id=${route.params[0]} />`;
}

function Shipment({ user, id }) {
  const [s, setS] = useState(null);
  const [error, setError] = useState(null);
  const path = `/shipments/${encodeURIComponent(id)}`;
  useEffect(() => {
    setS(null);
    setError(null);
    api('GET', path).then(setS, setError);
  }, [id]);
  if (error) return html`<${PageTitle}>${t('xfer.shipment')}<//><${LoadError} error=${error} />`;
  if (!s) return html`<${PageTitle}>${t('xfer.shipment')}<//><${Loading} />`;
  return html`<${PageTitle}>${t('xfer.shipment')} · <${Day} at=${s.date} /><//>
    <p class="subtitle">${label('ship_direction', s.direction)} <${Badge} kind="shipment_state" code=${s.state} /></p>
    <${Facts} rows=${[
      [t('xfer.licence'), html`<${LicenceLink} id=${s.licence_id} number=${s.licence_number} />`],
      s.euc_id && [t('xfer.euc'), html`<${EucLink} id=${s.euc_id} number=${s.euc_number} />`],
      [t('xfer.goods'), html`<${Goods} weapons=${s.weapons} rounds=${s.rounds} />`],
      [t('xfer.carrier'), s.carrier && html`<span dir="auto">${s.carrier}</span>`],
      [t('xfer.route'), html`<${Route} codes=${s.route} />`],
      s.exemption && [t('emb.exemption'), html`<a href=${'#/exemptions/' + encodeURIComponent(s.exemption)}>${t('emb.see_exemption')}</a>`],
      [t('xfer.dvc'), s.dvc && html`<span dir="auto" data-testid="dvc">${s.dvc}</span>`],
      [t('xfer.delivered_on'), s.delivered_on && html`<${Day} at=${s.delivered_on} />`],
      [t('xfer.recorded'), html`${fmtDate(s.recorded_at)} · <span dir="auto" translate=${false}>${actorText(s.recorded_by)}</span>`],
      s.notes && [t('field.notes'), html`<span class="pre" dir="auto">${s.notes}</span>`],
    ]} />
    <h2>${t('xfer.weapons')}</h2>
    <${Table} caption=${t('xfer.weapons')} rows=${s.items || []} rowKey=${(i) => i.item_id} empty=${t('xfer.no_weapons')} cols=${[
      [t('field.serial'), (i) => html`<${ItemLink} id=${i.item_id} serial=${i.serial} />`],
      [t('field.make'), (i) => html`<span dir="auto">${i.make || '—'}</span>`],
      [t('field.model'), (i) => html`<span dir="auto">${i.model || '—'}</span>`],
      [t('field.category'), (i) => html`<span title=${label('category', i.category)}>${i.category || '—'}</span>`],
      [t('field.calibre'), (i) => i.calibre || '—'],
      [t('xfer.line'), (i) => fmtNumber(i.line), 'num'],
    ]} />
    <h2>${t('xfer.lots')}</h2>
    <${Table} caption=${t('xfer.lots')} rows=${s.lots || []} rowKey=${(l) => l.lot_id} empty=${t('xfer.no_lots')} cols=${[
      [t('lot.number'), (l) => html`<a href=${'#/lots/' + encodeURIComponent(l.lot_id)} dir="auto">${l.lot_number}</a>`],
      [t('field.calibre'), (l) => l.calibre || '—'],
      [t('xfer.rounds'), (l) => fmtNumber(l.rounds), 'num'],
      [t('xfer.line'), (l) => fmtNumber(l.line), 'num'],
    ]} />
    ${s.state === 'shipped' && can(user, 'ship') && html`<${ActionForm} prefix="sd-" title=${t('xfer.deliver')} submit=${t('xfer.deliver_submit')}
      note=${t('xfer.deliver_note')} initial=${{ dvc: '', date: today(), notes: '' }}
      fields=${[
        { name: 'dvc', label: t('xfer.dvc_number'), required: true, dir: 'auto', autocomplete: 'off' },
        { name: 'date', label: t('xfer.date'), type: 'date' },
        { name: 'notes', label: t('field.notes'), dir: 'auto' },
      ]}
      action=${async (v) => { setS(await api('POST', path + '/delivery', { body: bodyOf(v) })); return t('xfer.delivered_done'); }} />`}`;
}

// Weapons chosen by serial: two characters typed search the registry, each
// weapon found is a button that adds it; each chosen one can be taken off.
function SerialsPicker({ id, chosen, onChange, error }) {
  const [query, setQuery] = useState('');
  const found = useSerialSearch(query);
  const add = (w) => {
    if (!chosen.some((c) => c.id === w.id)) onChange([...chosen, w]);
    setQuery('');
    setTimeout(() => document.getElementById(id)?.focus(), 0);
  };
  const shown = (found || []).filter((w) => !chosen.some((c) => c.id === w.id));
  return html`<div class="field weapon-picker xfer-serials">
    <label for=${id}>${t('xfer.add_weapon')}</label>
    <input id=${id} type="search" autocomplete="off" dir="auto" value=${query} aria-describedby=${`${id}-hint ${id}-found`}
      aria-invalid=${error ? 'true' : undefined} onInput=${(e) => setQuery(e.currentTarget.value)} />
    <p id=${`${id}-hint`} class="hint">${t('xfer.add_weapon_hint')}</p>
    <p id=${`${id}-found`} class="hint" role="status">${found && (shown.length ? t('loss.pick_found', { n: fmtNumber(shown.length) }) : t('loss.pick_none'))}</p>
    ${shown.length > 0 && html`<ul class="picker-list" data-testid="weapon-choices">
      ${shown.map((w) => html`<li key=${w.id}><button type="button" class="secondary" onClick=${() => add(w)}>
        <span class="key" dir="auto">${w.serial || t('item.no_serial')}</span> <span dir="auto">${what(w)}</span></button></li>`)}
    </ul>`}
    ${error && html`<p class="field-error" role="alert" data-said="server">${error}</p>`}
    <p class="xfer-chosen-n" aria-live="polite">${t('xfer.n_chosen', { n: fmtNumber(chosen.length) })}</p>
    ${chosen.length > 0 && html`<ul class="plain xfer-chosen" data-testid="weapons-chosen">
      ${chosen.map((w) => html`<li key=${w.id}><span class="key" dir="auto">${w.serial}</span> <span dir="auto">${what(w)}</span>
        <button type="button" class="secondary small" onClick=${() => onChange(chosen.filter((c) => c.id !== w.id))}>${t('xfer.take_off')}<span class="sr-only"> ${w.serial}</span></button></li>`)}
    </ul>`}
  </div>`;
}

function NewShipment({ licence: given }) {
  const [licences, setLicences] = useState(null);
  const [lic, setLic] = useState(null); // the chosen licence, as GET /licences/{id} gives it
  const [lots, setLots] = useState([]);
  const [weapons, setWeapons] = useState([]);
  const [lotRows, setLotRows] = useState([]);
  const [routeRows, setRouteRows] = useState([]);
  const [next, setNext] = useState(0);
  const [error, setError] = useState(null);
  const [exemptions, setExemptions] = useState([]);
  useEffect(() => {
    api('GET', '/licences', { query: { kind: 'export', state: 'issued' } }).then(setLicences, setError);
    // a supply under an arms embargo goes with its exemption (docs/embargo.md);
    // a server without the embargo room has none to offer
    Promise.all([api('GET', '/exemptions'), api('GET', '/regimes').catch(() => [])]).then(([xs, rs]) => {
      const names = Object.fromEntries(rs.map((r) => [r.id, regimeName(r)]));
      setExemptions(xs.filter((x) => !['refused', 'objected', 'expired'].includes(x.state)).map((x) => ({ ...x, regime_name: names[x.regime] })));
    }, () => {});
    api('GET', '/lots').then((ls) => setLots(ls.filter((l) => l.rounds > 0)), () => {});
  }, []);
  const initial = { licence_id: given, date: today(), carrier: '', exemption: '', notes: '' };
  const names = [...Object.keys(initial), 'items', ...lotRows.flatMap((k) => [`lots.${k}.lot_id`, `lots.${k}.rounds`]), ...routeRows.map((k) => `route.${k}`)];
  const form = useForm(initial, { prefix: 'ns-', fields: names });
  const v = form.values;
  useEffect(() => {
    setLic(null);
    if (v.licence_id) api('GET', `/licences/${encodeURIComponent(v.licence_id)}`).then(setLic, () => {});
  }, [v.licence_id]);
  const go = form.submit(async () => {
    const body = { licence_id: v.licence_id, euc_id: lic?.euc?.id, items: weapons.map((w) => w.id) };
    const lotsBody = lotRows.map((k) => ({ lot_id: v[`lots.${k}.lot_id`], rounds: Number(v[`lots.${k}.rounds`]) || v[`lots.${k}.rounds`] })).filter((l) => l.lot_id);
    if (lotsBody.length) body.lots = lotsBody;
    const route = routeRows.map((k) => v[`route.${k}`]).filter(Boolean);
    if (route.length) body.route = route;
    Object.assign(body, bodyOf({ date: v.date, carrier: v.carrier, exemption: v.exemption, notes: v.notes }));
    try {
      const s = await api('POST', '/shipments', { body });
      navigate('#/shipments/' + encodeURIComponent(s.id));
    } catch (e) {
      if (e.field) e.field = /^items/.test(e.field) ? 'items' : formField(e.field, { lots: lotRows, route: routeRows });
      throw e;
    }
  });
  const F = (name, lbl, extra = {}) => html`<${Field} form=${form} name=${name} label=${lbl} ...${extra} />`;
  const addRow = (rows, set) => {
    set([...rows, next]);
    setNext(next + 1);
  };
  const itemsError = form.error?.field === 'items' ? form.error : null;
  return html`<${PageTitle}>${t('xfer.new_shipment')}<//>
    <p><a href="#/shipments">${t('xfer.back_shipments')}</a></p>
    <${LoadError} error=${error} />
    <form class="form xfer-form" onSubmit=${go} novalidate data-testid="new-shipment">
      <div class="row">
        ${F('licence_id', t('xfer.licence'), { type: 'select', required: true, options: [{ value: '', label: t('common.choose') },
          ...(licences || []).map((l) => ({ value: l.id, label: `${l.number} — ${label('licence_kind', l.kind)}` }))] })}
        ${F('date', t('xfer.date'), { type: 'date' })}
        ${F('carrier', t('xfer.carrier'), { dir: 'auto' })}
      </div>
      ${lic && html`<div class="xfer-chosen-licence" data-testid="chosen-licence">
        <p>${t('xfer.euc')}: ${lic.euc ? html`<${EucLink} id=${lic.euc.id} number=${lic.euc.number} /> <${Badge} kind="euc_state" code=${lic.euc.state} />` : html`<strong>${t('xfer.no_euc')}</strong>`}</p>
        <${Table} caption=${t('xfer.lines')} rows=${lic.lines || []} rowKey=${(l) => l.n} cols=${[
          [t('xfer.n'), (l) => fmtNumber(l.n), 'num'],
          [t('xfer.goods'), (l) => label('goods', l.goods)],
          [t('xfer.description'), (l) => html`<span dir="auto">${[l.category, l.make, l.model, l.calibre, l.ammunition_type].filter(Boolean).join(' · ')}</span>`],
          [t('xfer.remaining'), (l) => fmtNumber(l.remaining), 'num'],
        ]} />
      </div>`}
      <fieldset><legend>${t('xfer.weapons')}</legend>
        <${SerialsPicker} id="ns-items" chosen=${weapons} onChange=${setWeapons} error=${itemsError && errorText(itemsError)} />
      </fieldset>
      <fieldset><legend>${t('xfer.lots')}</legend>
        ${lotRows.map((k, i) => html`<div class="marking-row" role="group" aria-label=${t('xfer.lot_n', { n: i + 1 })} key=${k}>
          ${F(`lots.${k}.lot_id`, t('check.lot'), { type: 'select', options: [{ value: '', label: t('common.choose') },
            ...lots.map((l) => ({ value: l.id, label: `${l.lot_number} — ${l.nomenclature || l.calibre || ''} (${fmtNumber(l.rounds)})` }))] })}
          ${F(`lots.${k}.rounds`, t('xfer.rounds'), { type: 'number', min: '1' })}
          <button type="button" class="secondary small" onClick=${() => setLotRows(lotRows.filter((x) => x !== k))}>${t('xfer.remove_lot', { n: i + 1 })}</button>
        </div>`)}
        <button type="button" class="secondary small" onClick=${() => addRow(lotRows, setLotRows)}>${t('xfer.add_lot')}</button>
      </fieldset>
      <fieldset><legend>${t('xfer.route')}</legend>
        ${routeRows.map((k, i) => html`<div class="marking-row" role="group" aria-label=${t('xfer.route_n', { n: i + 1 })} key=${k}>
          ${F(`route.${k}`, t('field.country'), { type: 'country' })}
          <button type="button" class="secondary small" onClick=${() => setRouteRows(routeRows.filter((x) => x !== k))}>${t('xfer.remove_country', { n: i + 1 })}</button>
        </div>`)}
        <button type="button" class="secondary small" onClick=${() => addRow(routeRows, setRouteRows)}>${t('xfer.add_country')}</button>
      </fieldset>
      ${exemptions.length > 0 && F('exemption', t('emb.exemption_optional'), { type: 'select', hint: t('emb.exemption_hint'),
        options: [{ value: '', label: t('emb.no_exemption') }, ...exemptions.map((x) => ({ value: x.id,
          label: [label('exemption_procedure', x.procedure), x.regime_name, x.end_user?.name, x.committee_reference, label('exemption_state', x.state)].filter(Boolean).join(' — ') }))] })}
      ${F('notes', t('field.notes'), { type: 'textarea', rows: 2, dir: 'auto' })}
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('xfer.ship_submit')}<//></div>
    </form>`;
}
