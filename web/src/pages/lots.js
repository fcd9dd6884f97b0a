// Ammunition lots (docs/stock.md): the list with its filters, the lots whose
// shelf life ends soon, a site's storage compatibility, and one lot with the
// forms that change it (receipt, issue, split, condition) for roles with stock.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { useRequest } from '../request.js';
import { countryName, fmtNumber, label, t } from '../i18n.js';
import { href, navigate } from '../router.js';
import { can } from '../roles.js';
import { Field, LoadError, Loading, optionsOf, useForm } from '../components/form.js';
import { ActionForm, Day, Facts, SiteName, Table, bodyOf, siteOptions, useSites } from '../components/stock.js';
import { Ref } from '../components/table.js';
import { Code, PageTitle } from './misc.js';
import { LOT_CONDITIONS } from '../vocab.js';

const CONDITION_TONE = { SERVICEABLE: 'held', RESTRICTED: 'warn', SUSPENDED: 'missing', UNSERVICEABLE: 'missing', FOR_DESTRUCTION: 'gone' };

const Condition = ({ code }) => html`<span class=${'badge tone-' + (CONDITION_TONE[code] || 'plain')}>${label('condition', code)}</span>`;

const lotCols = (sites) => [
  [t('lot.number'), (l) => html`<${Ref} href=${'#/lots/' + l.id} text=${l.lot_number} />`, 'nowrap', { sort: 'lot_number' }],
  [t('lot.nomenclature'), (l) => html`<span dir="auto">${l.nomenclature}</span>`, '', { sort: 'nomenclature' }],
  [t('field.calibre'), (l) => l.calibre || '—', '', { sort: 'calibre' }],
  [t('lot.rounds'), (l) => fmtNumber(l.rounds), 'num', { sort: 'rounds' }],
  [t('lot.hazard'), (l) => `${l.hazard_division}${l.compat_group}`],
  [t('lot.condition'), (l) => html`<${Condition} code=${l.condition} />`, '', { sort: 'condition' }],
  [t('lot.expiry'), (l) => html`<${Day} at=${l.expiry} />`, '', { sort: 'expiry' }],
  [t('field.site'), (l) => html`<${SiteName} sites=${sites} id=${l.site_id} />`],
];

export function Lots({ route }) {
  const q = route.query;
  const filters = { site: q.get('site') || '', condition: q.get('condition') || '' };
  const form = useForm(filters);
  const sites = useSites();
  const [lots, setLots] = useState(null);
  const [error, setError] = useState(null);
  const key = q.toString();
  useRequest((keep) => {
    setError(null);
    form.setValues(filters);
    api('GET', '/lots', { query: filters }).then(keep(setLots), keep((e) => {
      setLots(null);
      setError(e);
    }));
  }, [key]);
  const choose = (name) => (e) => navigate(href('lots', { ...filters, [name]: e.currentTarget.value }));

  return html`<${PageTitle}>${t('lots.title')}<//>
    <form class="form filters" onSubmit=${(e) => e.preventDefault()}>
      <div class="row">
        <${Field} form=${form} name="site" type="select" label=${t('field.site')} onInput=${choose('site')} options=${siteOptions(sites, t('common.any'))} />
        <${Field} form=${form} name="condition" type="select" label=${t('lot.condition')} onInput=${choose('condition')}
          options=${optionsOf(LOT_CONDITIONS, 'condition', { empty: t('common.any') })} />
      </div>
    </form>
    <${LoadError} error=${error} />
    ${!lots && !error && html`<${Loading} />`}
    ${lots && html`<${Table} name="ammunition-lots" caption=${t('lots.title')} cols=${lotCols(sites)} rows=${lots} empty=${t('lots.none')} />`}
    <${Expiring} sites=${sites} />
    <${Compatibility} sites=${sites} initial=${filters.site} />`;
}

function Expiring({ sites }) {
  const form = useForm({ days: '90' }, { prefix: 'exp-' });
  const [lots, setLots] = useState(null);
  const [error, setError] = useState(null);
  const load = (days) => api('GET', '/lots/expiring', { query: { days } }).then((l) => { setError(null); setLots(l); }, setError);
  useEffect(() => {
    load(90);
  }, []);
  return html`<section aria-labelledby="exp-h">
    <h2 id="exp-h">${t('lots.expiring')}</h2>
    <form class="form filters" onSubmit=${form.submit((v) => load(v.days))} novalidate>
      <div class="row"><${Field} form=${form} name="days" type="number" min="0" label=${t('lots.days')} hint=${t('lots.days_hint')} /></div>
      <div class="actions"><button type="submit">${t('lots.show')}</button></div>
    </form>
    <${LoadError} error=${error} />
    ${lots && html`<${Table} caption=${t('lots.expiring')} cols=${lotCols(sites)} rows=${lots} empty=${t('lots.none_expiring')} />`}
  </section>`;
}

function Compatibility({ sites, initial }) {
  const [site, setSite] = useState(initial);
  const [res, setRes] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    setRes(null);
    setError(null);
    if (site) api('GET', `/sites/${encodeURIComponent(site)}/compatibility`).then(setRes, setError);
  }, [site]);
  const lotsOf = (v) => v.lots.map((l, i) => html`${i ? ', ' : ''}<a href=${'#/lots/' + l.id} dir="auto">${l.lot_number}</a> (${l.compat_group})`);
  const pairCols = [
    [t('compat.groups'), (v) => v.groups],
    [t('compat.rule'), (v) => label('compat_rule', v.rule)],
    [t('compat.note'), (v) => html`<span dir="auto">${v.note || '—'}</span>`],
    [t('compat.lots'), lotsOf],
  ];
  return html`<section class="box" aria-labelledby="compat-h">
    <h2 id="compat-h">${t('compat.title')}</h2>
    <div class="field">
      <label for="compat-site">${t('field.site')}</label>
      <select id="compat-site" value=${site} onInput=${(e) => setSite(e.currentTarget.value)}>
        ${siteOptions(sites, t('common.choose')).map((o) => html`<option value=${o.value}>${o.label}</option>`)}
      </select>
    </div>
    <${LoadError} error=${error} />
    ${res && html`<div aria-live="polite">
      <p class=${res.compatible ? 'verdict ok' : 'verdict bad'}>
        <span aria-hidden="true">${res.compatible ? '✓ ' : '✗ '}</span>${res.compatible ? t('compat.ok') : t('compat.bad', { n: res.violations.length })}
      </p>
      <p>${t('compat.groups_here')} ${res.groups.length ? res.groups.join(', ') : '—'}</p>
      ${res.violations.length > 0 && html`<h3>${t('compat.violations')}</h3>
        <${Table} caption=${t('compat.violations')} cols=${pairCols} rows=${res.violations} rowKey=${(v) => v.groups} />`}
      ${res.conditions.length > 0 && html`<h3>${t('compat.conditions')}</h3>
        <${Table} caption=${t('compat.conditions')} cols=${pairCols} rows=${res.conditions} rowKey=${(v) => v.groups} />`}
      <p class="muted">${t('compat.source')} <span dir="ltr">${res.source}</span></p>
    </div>`}
  </section>`;
}

export function Lot({ user, route }) {
  const id = route.params[0];
  const sites = useSites();
  const [lot, setLot] = useState(null);
  const [error, setError] = useState(null);
  const load = () => api('GET', `/lots/${encodeURIComponent(id)}`).then(setLot, setError);
  useEffect(() => {
    setLot(null);
    setError(null);
    load();
  }, [id]);
  if (error) return html`<${PageTitle}>${t('lot.title')}<//><${LoadError} error=${error} />`;
  if (!lot) return html`<${PageTitle}>${t('lot.title')}<//><${Loading} />`;

  const path = `/lots/${encodeURIComponent(id)}`;
  const post = (what, numbers) => async (v) => {
    const after = await api('POST', path + what, { body: bodyOf(v, numbers) });
    load();
    return after;
  };
  const qty = [
    { name: 'rounds', label: t('lot.rounds'), type: 'number', min: '1', required: true },
    { name: 'packages', label: t('lot.packages'), type: 'number', min: '0' },
  ];
  const doc = { name: 'document', label: t('status_form.document'), dir: 'auto' };
  const stock = can(user, 'stock');
  return html`
    <${PageTitle}>${t('lot.title')} <span class="key" dir="auto">${lot.lot_number}</span><//>
    <p class="subtitle"><span dir="auto">${lot.nomenclature}</span> <${Condition} code=${lot.condition} /> <${Code} code=${lot.condition} /></p>
    <${Facts} rows=${[
      [t('lot.rounds'), fmtNumber(lot.rounds)],
      [t('lot.packages'), fmtNumber(lot.packages)],
      [t('field.calibre'), lot.calibre],
      [t('lot.type'), lot.type],
      [t('lot.manufacturer'), lot.manufacturer && html`<span dir="auto">${lot.manufacturer}</span>`],
      [t('field.country'), lot.country && html`${countryName(lot.country)} <${Code} code=${lot.country} />`],
      [t('field.year'), lot.year],
      [t('lot.headstamp'), lot.headstamp],
      [t('lot.batch'), lot.batch_number],
      [t('lot.hazard'), `${lot.hazard_division}${lot.compat_group}`],
      [t('lot.neq'), lot.neq_g !== null && html`${t('lot.grams', { g: fmtNumber(lot.neq_g) })} · ${t('lot.neq_total', { kg: fmtNumber(Math.round(lot.neq_total_g) / 1000) })}`],
      [t('lot.expiry'), html`<${Day} at=${lot.expiry} />`],
      [t('lot.surveillance'), html`<${Day} at=${lot.surveillance} />`],
      [t('field.site'), html`<a href=${href('lots', { site: lot.site_id })}><${SiteName} sites=${sites} id=${lot.site_id} /></a>`],
      [t('lot.parent'), lot.parent_id && html`<a href=${'#/lots/' + lot.parent_id}>${t('lot.parent_link')}</a>`],
      [t('field.notes'), lot.notes && html`<span class="pre" dir="auto">${lot.notes}</span>`],
      [t('item.id'), html`<code>${lot.id}</code>`],
    ]} />
    ${stock && html`<div class="panels">
      <${ActionForm} prefix="rcv-" title=${t('lot.receive')} submit=${t('lot.receive_submit')}
        initial=${{ rounds: '', packages: '', document: '', source: '' }}
        fields=${[...qty, { ...doc, required: true }, { name: 'source', label: t('lot.source'), dir: 'auto' }]}
        action=${async (v) => { const l = await post('/receipts', ['rounds', 'packages'])(v); return t('lot.now_holds', { n: fmtNumber(l.rounds) }); }} />
      <${ActionForm} prefix="iss-" title=${t('lot.issue')} submit=${t('lot.issue_submit')}
        initial=${{ rounds: '', packages: '', recipient: '', document: '' }}
        fields=${[...qty, { name: 'recipient', label: t('lot.recipient'), dir: 'auto', required: true }, { ...doc, required: true }]}
        action=${async (v) => { const l = await post('/issues', ['rounds', 'packages'])(v); return t('lot.now_holds', { n: fmtNumber(l.rounds) }); }} />
      <${ActionForm} prefix="spl-" title=${t('lot.split')} submit=${t('lot.split_submit')} note=${t('lot.split_note')}
        initial=${{ rounds: '', packages: '', site_id: '', document: '' }}
        fields=${[...qty, { name: 'site_id', label: t('lot.to_site'), type: 'select', required: true,
          options: siteOptions(sites.filter((s) => s.id !== lot.site_id), t('common.choose')) }, doc]}
        action=${async (v) => { const l = await post('/split', ['rounds', 'packages'])(v); return html`${t('lot.split_done')} <a href=${'#/lots/' + l.id}>${l.lot_number}</a>`; }} />
      <${ActionForm} prefix="cnd-" title=${t('lot.change_condition')} submit=${t('lot.condition_submit')}
        initial=${{ condition: '', reason: '', document: '' }}
        fields=${[{ name: 'condition', label: t('lot.condition'), type: 'select', required: true,
          options: optionsOf(LOT_CONDITIONS.filter((c) => c !== lot.condition), 'condition', { empty: t('common.choose') }) },
          { name: 'reason', label: t('status_form.reason'), type: 'textarea', rows: '2', dir: 'auto', required: true }, doc]}
        action=${async (v) => { const l = await post('/condition')(v); return t('lot.condition_done', { condition: label('condition', l.condition) }); }} />
    </div>`}
    <p><a href=${href('lots', { site: lot.site_id })}>${t('lot.back')}</a></p>`;
}
