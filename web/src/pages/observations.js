// Observations in the field (docs/monitoring.md): the list, filtered by
// actor, country, kind, regime and period, with a map of where they were
// made drawn offline (components/map.js); one observation with its sources
// (a source's identity only when the API opens it for the reader), its
// items with their markings and photos, the registry's candidates, the
// same weapon or lot seen elsewhere, its findings and trace requests, and
// an item turned into a trace request in one step; and the form a mission
// team records one with: when and where, who saw it and who held it, its
// graded sources, its items row by row with their markings, documents and
// photos (sent first to POST /api/v1/photos, named by their hash).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { actorText, countryName, fmtNumber, label, t } from '../i18n.js';
import { href, navigate } from '../router.js';
import { can } from '../roles.js';
import { Field, FormError, LoadError, Loading, Submit, errorText, optionsOf, useForm } from '../components/form.js';
import { PhotoField } from '../components/pickers.js';
import { PointMap } from '../components/map.js';
import { Facts, ItemLink, Table, When, linesOf } from '../components/stock.js';
import { RegimeLink, dayText, regimeName, today, useRegimes } from '../components/embargo.js';
import { TraceState } from '../components/trace.js';
import {
  ActorName, FindingLink, FindingState, Grade, ObsDay, ObservationLink, Place, Typed, YesNo, obsHref, useFilteredList,
} from '../components/monitoring.js';
import {
  ACTOR_KINDS, CATEGORIES, COMPONENTS, CREDIBILITY, DOCUMENT_KINDS, MARKING_KINDS, OBSERVATION_KINDS, OBS_ITEM_KINDS,
  RELIABILITY, SOURCE_TYPES,
} from '../vocab.js';
import { Screening } from './licences.js';
import { PageTitle } from './misc.js';

const enc = encodeURIComponent;
const FILTERS = ['actor', 'country', 'kind', 'regime', 'since', 'until'];

// The regimes of the embargo room to choose from (none when it is absent).
export const regimeOptions = (regimes, empty) => [{ value: '', label: empty }, ...regimes.map((r) => ({ value: r.id, label: regimeName(r) }))];

// An observation's point on the map: coloured by what came of it.
const toneOf = (o) => (o.findings > 0 ? 'obs-finding' : o.links > 0 ? 'obs-linked' : 'obs-plain');
const hasPlace = (p) => p && typeof p.lat === 'number' && typeof p.lon === 'number';

export function Observations({ user, route }) {
  const q = route.query;
  const asked = Object.fromEntries(FILTERS.map((k) => [k, q.get(k) || '']));
  // the observations behind a profile's figure (profiles.js), by id
  const ids = (q.get('ids') || '').split(',').filter(Boolean);
  const { form, list, error } = useFilteredList('/observations', 'observations', asked, q.toString(), {
    prefix: 'of-', narrow: (rows) => (ids.length ? rows.filter((o) => ids.includes(o.id)) : rows),
  });
  const regimes = useRegimes();
  const go = (e) => {
    e.preventDefault();
    navigate(href('observations', form.values)); // a new filter leaves a figure's observations
  };
  const F = (name, lbl, extra = {}) => html`<${Field} form=${form} name=${name} label=${lbl} ...${extra} />`;
  // a point's name: the kind, the area (a proper name) or the country, the day
  const title = (o) => [label('obs_kind', o.kind), o.place?.admin_area || countryName(o.place?.country), dayText(String(o.observed_at || '').slice(0, 10))]
    .filter(Boolean).join(' · ');
  const points = (list || []).map((o) => ({
    id: o.id, area: hasPlace(o.place) ? [o.place.lat, o.place.lon] : null, tone: toneOf(o), title: title(o), href: obsHref(o.id),
    big: o.findings > 0, z: o.findings > 0 ? 2 : o.links > 0 ? 1 : 0,
  }));
  const cols = [
    [t('mon.observation'), (o) => html`<${ObservationLink} id=${o.id} kind=${o.kind} at=${o.observed_at} />`, '', { sort: 'observed_at' }],
    [t('mon.place'), (o) => html`<${Place} p=${o.place} />`, '', { sort: (o) => o.place?.admin_area || o.place?.name || '' }],
    [t('mon.actor'), (o) => html`<${ActorName} a=${o.actor} />`, '', { sort: (o) => o.actor?.name || '' }],
    [t('mon.regime'), (o) => (o.regime ? html`<${RegimeLink} id=${o.regime} />` : '—')],
    [t('mon.weapons'), (o) => fmtNumber(o.weapons), 'num', { sort: 'weapons' }],
    [t('mon.rounds'), (o) => fmtNumber(o.rounds), 'num', { sort: 'rounds' }],
    [t('mon.sources'), (o) => fmtNumber(o.sources), 'num', { sort: 'sources' }],
    [t('mon.links'), (o) => fmtNumber(o.links), 'num', { sort: 'links' }],
    [t('mon.findings'), (o) => fmtNumber(o.findings), 'num', { sort: 'findings' }],
  ];
  const filtered = FILTERS.some((k) => asked[k]);
  return html`<${PageTitle}>${t('mon.observations')}<//>
    <p class="hint">${t('mon.observations_note')}</p>
    ${can(user, 'monitor') && html`<p><a class="button" href="#/observations/new">${t('mon.new_observation')}</a></p>`}
    <form class="form filters" onSubmit=${go} novalidate data-testid="observation-filters">
      <div class="row">
        ${F('actor', t('mon.actor'), { dir: 'auto', autocomplete: 'off' })}
        ${F('country', t('mon.country'), { type: 'country' })}
        ${F('kind', t('mon.kind'), { type: 'select', options: optionsOf(OBSERVATION_KINDS, 'obs_kind', { empty: t('common.any') }) })}
        ${F('regime', t('mon.regime'), { type: 'select', options: regimeOptions(regimes, t('common.any')) })}
        ${F('since', t('mon.since'), { type: 'date' })}
        ${F('until', t('mon.until'), { type: 'date' })}
      </div>
      <div class="actions"><button type="submit">${t('mon.filter')}</button>
        ${filtered && html`<a class="button secondary" href="#/observations">${t('mon.all_observations')}</a>`}</div>
    </form>
    ${ids.length > 0 && html`<p class="note" data-testid="figure-note">${t('mon.figure_observations', { n: fmtNumber(ids.length) })}
      <a href=${href('observations', asked)}>${t('mon.all_matching')}</a></p>`}
    <${LoadError} error=${error} />
    ${!list && !error && html`<${Loading} />`}
    ${list && html`<section aria-labelledby="obs-map-h" class="mon-map">
        <h2 id="obs-map-h">${t('mon.map')}</h2>
        <${PointMap} points=${points} caption=${t('mon.map')} testid="observation-map" pointid="map-observation"
          legend=${[
            { tone: 'obs-plain', text: t('mon.legend_plain') },
            { tone: 'obs-linked', text: t('mon.legend_linked') },
            { tone: 'obs-finding', text: t('mon.legend_finding') },
          ]}
          list=${t('mon.map_list', { n: fmtNumber(list.length) })} note=${t('mon.map_note')} />
      </section>
      <${Table} name="observations" caption=${t('mon.observations')} cols=${cols} rows=${list} empty=${t('mon.no_observations')} />`}`;
}

export function ObservationRoute({ user, route }) {
  if (route.params[0] === 'new') {
    return can(user, 'monitor')
      ? html`<${NewObservation} />`
      : html`<${PageTitle}>${t('mon.new_observation')}<//><p class="note">${t('misc.not_allowed')}</p>`;
  }
  return html`<${Observation} user=${user} id=${route.params[0]} />`;
}

// ---- one observation ----

// An item in words: its kind, then make and model, or calibre and lot.
export function itemText(it) {
  if (!it) return '';
  const what = it.kind === 'ammunition'
    ? [it.calibre, it.headstamp?.text, it.lot].filter(Boolean).join(' · ')
    : [it.make, it.model, it.serial].filter(Boolean).join(' · ');
  return what;
}
const ItemName = ({ it, n }) =>
  html`<span>${t('mon.item_n', { n: fmtNumber(n + 1) })} · ${label('item_kind', it?.kind)}${itemText(it) ? html` · <${Typed} v=${itemText(it)} />` : ''}</span>`;

const Photos = ({ hashes, alt }) =>
  hashes?.length
    ? html`<ul class="photos mon-photos">${hashes.map((p, i) => {
        const h = typeof p === 'string' ? p : p.hash;
        const src = `/api/v1/photos/${h}`;
        return html`<li key=${h}><figure>
          <a href=${src} target="_blank" rel="noopener"><img src=${src} alt=${(typeof p === 'object' && p.caption) || alt(i)} loading="lazy" width="120" height="90" /></a>
          ${typeof p === 'object' && p.caption && html`<figcaption><${Typed} v=${p.caption} /></figcaption>`}
        </figure></li>`;
      })}</ul>`
    : null;

function Item({ it, n, obs }) {
  const ammo = it.kind === 'ammunition';
  const matches = (obs.matches || []).filter((m) => m.item === n);
  const links = (obs.links || []).filter((l) => l.item === n);
  const traces = (obs.traces || []).filter((x) => x.item === n);
  const hid = `obs-item-${n}`;
  return html`<section class="box mon-item" aria-labelledby=${hid} data-testid="observed-item">
    <h3 id=${hid}><${ItemName} it=${it} n=${n} /></h3>
    <${Facts} rows=${ammo ? [
      [t('field.calibre'), html`<${Typed} v=${it.calibre} />`],
      it.type && [t('mon.ammo_type'), html`<${Typed} v=${it.type} />`],
      it.headstamp && [t('mon.headstamp'), html`<${Typed} v=${it.headstamp.text} />${it.headstamp.factory ? html` · ${t('mon.factory')} <${Typed} v=${it.headstamp.factory} />` : ''}${it.headstamp.year ? ' · ' + it.headstamp.year : ''}`],
      it.lot && [t('mon.lot'), html`<${Typed} v=${it.lot} />`],
      it.packaging_marks && [t('mon.packaging_marks'), html`<${Typed} v=${it.packaging_marks} />`],
      it.crate_marks && [t('mon.crate_marks'), html`<${Typed} v=${it.crate_marks} />`],
      [t('mon.rounds'), fmtNumber(it.quantity)],
      it.packages && [t('mon.packages'), fmtNumber(it.packages)],
      it.notes && [t('field.notes'), html`<${Typed} v=${it.notes} cls="pre" />`],
    ] : [
      [t('field.serial'), html`<${Typed} v=${it.serial} />`],
      [t('field.make'), html`<${Typed} v=${it.make} />`],
      [t('field.model'), html`<${Typed} v=${it.model} />`],
      it.category && [t('field.category'), label('category', it.category)],
      it.calibre && [t('field.calibre'), html`<${Typed} v=${it.calibre} />`],
      it.country && [t('mon.made_in'), countryName(it.country)],
      it.year && [t('mon.year'), String(it.year)],
      it.quantity > 1 && [t('mon.quantity'), fmtNumber(it.quantity)],
      it.notes && [t('field.notes'), html`<${Typed} v=${it.notes} cls="pre" />`],
    ]} />
    ${!ammo && html`<h4>${t('mon.markings')}</h4>
      <${Table} caption=${t('mon.markings')} rows=${it.markings || []} rowKey=${(m) => m.component + m.text} empty=${t('mon.no_markings')} cols=${[
        [t('marking.component'), (m) => label('component', m.component)],
        [t('marking.kind'), (m) => label('kind', m.kind)],
        [t('mon.as_read'), (m) => html`<${Typed} v=${m.text} cls="mon-marking" />`],
      ]} />`}
    <${Photos} hashes=${it.photos} alt=${(i) => t('mon.item_photo', { n: i + 1, item: n + 1 })} />
    ${matches.length > 0 && html`<h4>${t('mon.matches')}</h4>
      <${Table} caption=${t('mon.matches')} rows=${matches} rowKey=${(m) => m.item_id} cols=${[
        [t('field.serial'), (m) => html`<${ItemLink} id=${m.item_id} serial=${m.serial} />`],
        [t('field.make'), (m) => html`<${Typed} v=${m.make} />`],
        [t('hit.score'), (m) => fmtNumber(m.score), 'num'],
      ]} />`}
    ${links.length > 0 && html`<h4>${t('mon.seen_elsewhere')}</h4>
      <ul class="plain mon-links" data-testid="cross-links">${links.map((l, i) => html`<li key=${i}>
        <${ObservationLink} id=${l.observation_id} kind=${l.kind} at=${l.observed_at} /> · <${Place} p=${l.place} />
        ${l.actor?.name ? html` · <${ActorName} a=${l.actor} />` : ''} · <span class="badge tone-warn">${label('link_why', l.why)}</span>
      </li>`)}</ul>`}
    ${traces.length > 0 && html`<h4>${t('mon.traces')}</h4>
      <ul class="plain">${traces.map((x) => html`<li key=${x.request_id}><a href=${'#/traces/' + enc(x.request_id)}>${t('mon.trace_request')}</a> <${TraceState} state=${x.state} /></li>`)}</ul>`}
  </section>`;
}

function Observation({ user, id }) {
  const [o, setO] = useState(null);
  const [error, setError] = useState(null);
  const path = `/observations/${enc(id)}`;
  const load = () => api('GET', path).then(setO, setError);
  useEffect(() => {
    setO(null);
    setError(null);
    load();
  }, [id]);
  if (error) return html`<${PageTitle}>${t('mon.observation')}<//><${LoadError} error=${error} />`;
  if (!o) return html`<${PageTitle}>${t('mon.observation')}<//><${Loading} />`;
  const p = o.place || {};
  // a weapon or part, or ammunition (a request about its lot)
  const traceable = (o.items || []).map((it, n) => [it, n]);
  return html`<${PageTitle}>${label('obs_kind', o.kind)} · <${ObsDay} at=${o.observed_at} /><//>
    <p class="subtitle"><${Place} p=${p} /></p>
    <${Facts} rows=${[
      [t('mon.observed_at'), String(o.observed_at || '').length > 10 ? html`<${When} at=${o.observed_at} />` : html`<${ObsDay} at=${o.observed_at} />`],
      [t('mon.place'), html`<${Place} p=${p} />`],
      hasPlace(p) && [t('mon.coordinates'), html`<span dir="ltr">${p.lat}, ${p.lon}</span>`],
      [t('mon.unit'), html`<${Typed} v=${o.unit} />`],
      [t('mon.officer'), html`<${Typed} v=${o.officer} />`],
      o.reference && [t('mon.reference'), html`<${Typed} v=${o.reference} />`],
      [t('mon.actor'), html`<${ActorName} a=${o.actor} />${o.actor?.country ? ' · ' + countryName(o.actor.country) : ''}`],
      o.actor?.aliases?.length > 0 && [t('mon.aliases'), html`<${Typed} v=${o.actor.aliases.join('; ')} />`],
      o.actor && [t('mon.screening'), html`<${Screening} s=${o.screening} />`],
      [t('mon.regime'), o.regime ? html`<${RegimeLink} id=${o.regime} />` : '—'],
      o.notes && [t('field.notes'), html`<${Typed} v=${o.notes} cls="pre" />`],
      [t('mon.recorded_at'), html`<${When} at=${o.recorded_at} />`],
      o.recorded_by && [t('mon.recorded_by'), html`<bdi dir="auto" translate=${false}>${actorText(typeof o.recorded_by === 'string' ? o.recorded_by : o.recorded_by.name)}</bdi>`],
    ]} />
    <h2>${t('mon.sources')}</h2>
    <${Table} caption=${t('mon.sources')} rows=${o.sources || []} rowKey=${(s) => s.ref || JSON.stringify(s)} cols=${[
      [t('mon.source_type'), (s) => label('source_type', s.type)],
      [t('mon.independent'), (s) => html`<${YesNo} yes=${s.independent} />`],
      [t('mon.grade'), (s) => html`<${Grade} s=${s} />`],
      [t('mon.source_ref'), (s) => html`<${Typed} v=${s.ref} />`],
      [t('mon.description'), (s) => html`<${Typed} v=${s.description} />`],
      [t('mon.identity'), (s) => ('identity' in s && s.identity
        ? html`<span data-testid="source-identity"><${Typed} v=${s.identity} /></span>`
        : html`<span class="muted" data-testid="identity-sealed">${s.identity_held ? t('mon.identity_sealed') : t('mon.identity_none')}</span>`)],
    ]} />
    <h2>${t('mon.items')}</h2>
    ${(o.items || []).length === 0 ? html`<p class="muted">${t('mon.no_items')}</p>`
      : (o.items || []).map((it, n) => html`<${Item} key=${n} it=${it} n=${n} obs=${o} />`)}
    ${traceable.length > 0 && can(user, 'trace') && html`<${TraceForm} path=${path} items=${traceable} />`}
    <h2>${t('mon.documents')}</h2>
    <${Table} caption=${t('mon.documents')} rows=${o.documents || []} rowKey=${(d) => d.kind + (d.number || '')} empty=${t('mon.no_documents')} cols=${[
      [t('mon.document_kind'), (d) => label('document_kind', d.kind)],
      [t('mon.number'), (d) => html`<${Typed} v=${d.number} />`],
      [t('mon.issuer'), (d) => html`<${Typed} v=${d.issuer} />`],
      [t('mon.date'), (d) => html`<${ObsDay} at=${d.date} />`],
      [t('mon.description'), (d) => html`<${Typed} v=${d.description} />`],
      [t('mon.photos'), (d) => fmtNumber((d.photos || []).length), 'num'],
    ]} />
    <h2>${t('mon.photos')}</h2>
    ${(o.photos || []).length ? html`<${Photos} hashes=${o.photos} alt=${(i) => t('mon.photo_n', { n: i + 1 })} />` : html`<p class="muted">${t('mon.no_photos')}</p>`}
    <h2>${t('mon.findings')}</h2>
    <${Table} caption=${t('mon.findings')} rows=${o.findings || []} empty=${t('mon.no_findings_here')} cols=${[
      [t('mon.statement'), (f) => html`<${FindingLink} id=${f.id} statement=${f.statement} />`],
      [t('mon.state'), (f) => html`<${FindingState} state=${f.state} />`],
    ]} />
    ${can(user, 'monitor') && html`<p><a href=${href('findings/new', { link: o.id })}>${t('mon.new_finding_from')}</a></p>`}
    <p><a href="#/observations">${t('mon.back_observations')}</a></p>`;
}

// An item of the observation as a trace request: who asks, who is asked
// (a state, or a Panel, a mission or a manufacturer by name), then the
// request drafted by the server from the item, opened on its page.
function TraceForm({ path, items }) {
  const form = useForm({
    item: String(items[0][1]), 'requested.kind': 'state', 'requested.state': '', 'requested.name': '', 'requested.agency': '',
    'requesting.state': '', 'requesting.agency': '', 'requesting.contact.name': '',
  }, { prefix: 'ot-' });
  const v = form.values;
  const go = form.submit(async () => {
    const party = (p) => {
      const out = {};
      for (const [k, x] of Object.entries(v)) if (k.startsWith(p + '.') && String(x).trim()) put(out, k.slice(p.length + 1).split('.'), x);
      return out;
    };
    const requested = party('requested');
    if (requested.kind === 'state') delete requested.kind;
    const r = await api('POST', `${path}/items/${enc(v.item)}/trace`, { body: { requesting: party('requesting'), requested } });
    navigate('#/traces/' + enc(r.id));
  });
  const F = (name, lbl, extra = {}) => html`<${Field} form=${form} name=${name} label=${lbl} ...${extra} />`;
  const kinds = ['state', 'panel', 'mission', 'manufacturer'];
  return html`<section class="box" aria-labelledby="ot-h" data-testid="trace-item">
    <h2 id="ot-h">${t('mon.trace_item')}</h2>
    <p class="hint">${t('mon.trace_item_note')}</p>
    <form class="form" onSubmit=${go} novalidate>
      <div class="row">
        ${F('item', t('mon.which_item'), { type: 'select', options: items.map(([it, n]) => ({ value: String(n), label: `${t('mon.item_n', { n: n + 1 })} · ${itemText(it) || label('item_kind', it.kind)}` })) })}
      </div>
      <fieldset><legend>${t('mon.requested')}</legend>
        <div class="row">
          ${F('requested.kind', t('mon.party_kind'), { type: 'select', options: optionsOf(kinds, 'party_kind') })}
          ${v['requested.kind'] === 'state' ? F('requested.state', t('mon.state_asked'), { type: 'country' }) : F('requested.name', t('mon.party_name'), { dir: 'auto' })}
          ${F('requested.agency', t('mon.agency'), { dir: 'auto' })}
        </div>
      </fieldset>
      <fieldset><legend>${t('mon.requesting')}</legend>
        <div class="row">
          ${F('requesting.state', t('mon.state_asking'), { type: 'country' })}
          ${F('requesting.agency', t('mon.agency'), { dir: 'auto' })}
          ${F('requesting.contact.name', t('mon.contact'), { dir: 'auto' })}
        </div>
      </fieldset>
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('mon.trace_submit')}<//></div>
    </form>
  </section>`;
}

function put(obj, parts, value) {
  let o = obj;
  parts.forEach((p, i) => {
    if (i === parts.length - 1) o[p] = value;
    else o = o[p] ??= /^\d+$/.test(parts[i + 1]) ? [] : {};
  });
}

// ---- the form ----

const WEAPON_FIELDS = ['make', 'model', 'category', 'calibre', 'serial', 'country', 'year', 'quantity', 'notes', 'photos'];
const AMMO_FIELDS = ['calibre', 'type', 'headstamp.text', 'headstamp.factory', 'headstamp.year', 'lot', 'packaging_marks', 'crate_marks',
  'quantity', 'packages', 'notes', 'photos'];
const SOURCE_FIELDS = ['type', 'independent', 'reliability', 'credibility', 'ref', 'identity', 'description'];
const DOC_FIELDS = ['kind', 'number', 'issuer', 'date', 'description', 'photos'];
const MARK_FIELDS = ['component', 'kind', 'text'];
const NUMBERS = ['lat', 'lon', 'year', 'quantity', 'packages'];

const blankSource = (k) => ({ [`sources.${k}.type`]: '', [`sources.${k}.independent`]: false, [`sources.${k}.reliability`]: '',
  [`sources.${k}.credibility`]: '', [`sources.${k}.ref`]: '', [`sources.${k}.identity`]: '', [`sources.${k}.description`]: '' });
const blankItem = (k) => Object.fromEntries([`items.${k}.kind`, ...[...WEAPON_FIELDS, ...AMMO_FIELDS].map((f) => `items.${k}.${f}`)]
  .map((f) => [f, f.endsWith('.kind') ? 'weapon' : '']));
const blankMark = (k, m) => ({ [`items.${k}.markings.${m}.component`]: 'frame_receiver', [`items.${k}.markings.${m}.kind`]: 'serial',
  [`items.${k}.markings.${m}.text`]: '' });
const blankDoc = (k) => Object.fromEntries(DOC_FIELDS.map((f) => [`documents.${k}.${f}`, f === 'kind' ? '' : '']));

// The API names a field by its place in the body ("items[2].markings[0].text");
// the form names it by the row's key, which stays when a row above is removed.
export function fieldOf(path, rows) {
  const parts = String(path || '').replace(/\[(\d+)\]/g, '.$1').split('.');
  for (let i = 1; i < parts.length; i++) {
    if (!/^\d+$/.test(parts[i])) continue;
    const list = parts[i - 1];
    const keys = list === 'markings' ? rows.markings[parts[i - 2]] : rows[list];
    if (list === 'photos') return parts.slice(0, i).join('.'); // a photo of a list: its field
    if (keys && keys[Number(parts[i])] !== undefined) parts[i] = String(keys[Number(parts[i])]);
  }
  return parts.join('.');
}

const hashesOf = (text) => String(text || '').split(/\s+/).filter((h) => /^[0-9a-f]{64}$/.test(h));

function NewObservation() {
  const regimes = useRegimes();
  const [rows, setRows] = useState({ sources: [0], items: [0], documents: [], markings: { 0: [0] } });
  const [next, setNext] = useState(1);
  const initial = {
    kind: '', observed_on: today(), observed_time: '', 'place.name': '', 'place.admin_area': '', 'place.country': '', 'place.lat': '',
    'place.lon': '', unit: '', officer: '', reference: '', 'actor.kind': '', 'actor.name': '', 'actor.country': '', 'actor.aliases': '',
    regime: '', notes: '', photos: '', ...blankSource(0), ...blankItem(0), ...blankMark(0, 0),
  };
  const names = () => [
    ...Object.keys(initial).filter((k) => !/^(sources|items|documents)\./.test(k)), 'observed_at', 'sources', 'items', 'documents',
    ...rows.sources.flatMap((k) => SOURCE_FIELDS.map((f) => `sources.${k}.${f}`)),
    ...rows.items.flatMap((k) => [`items.${k}.kind`, ...WEAPON_FIELDS, ...AMMO_FIELDS].map((f) => (f.startsWith('items.') ? f : `items.${k}.${f}`))),
    ...rows.items.flatMap((k) => (rows.markings[k] || []).flatMap((m) => MARK_FIELDS.map((f) => `items.${k}.markings.${m}.${f}`))),
    ...rows.items.map((k) => `items.${k}.markings`),
    ...rows.documents.flatMap((k) => DOC_FIELDS.map((f) => `documents.${k}.${f}`)),
  ];
  const form = useForm(initial, { prefix: 'ob-', fields: names() });
  const v = form.values;
  const val = (k) => (typeof v[k] === 'string' ? v[k].trim() : v[k]);
  const num = (x) => (/^-?\d+(\.\d+)?$/.test(String(x).trim()) ? Number(x) : x);
  const pick = (prefix, fields) => {
    const out = {};
    for (const f of fields) {
      const x = val(`${prefix}.${f}`);
      if (x === undefined || x === '' || f === 'photos') continue;
      put(out, f.split('.'), NUMBERS.includes(f.split('.').pop()) ? num(x) : x);
    }
    return out;
  };
  const go = form.submit(async () => {
    const body = { kind: v.kind, unit: val('unit'), officer: val('officer') };
    body.observed_at = v.observed_time ? new Date(`${v.observed_on}T${v.observed_time}`).toISOString() : v.observed_on;
    const place = pick('place', ['name', 'admin_area', 'country', 'lat', 'lon']);
    body.place = place;
    if (val('reference')) body.reference = val('reference');
    if (val('actor.name') || val('actor.kind')) {
      body.actor = pick('actor', ['kind', 'name', 'country']);
      const aliases = linesOf(String(v['actor.aliases'] || '').replace(/;/g, '\n'));
      if (aliases.length) body.actor.aliases = aliases;
    }
    if (v.regime) body.regime = v.regime;
    if (val('notes')) body.notes = val('notes');
    body.sources = rows.sources.map((k) => ({ ...pick(`sources.${k}`, SOURCE_FIELDS), independent: !!v[`sources.${k}.independent`] }))
      .map((s) => (s.credibility ? { ...s, credibility: num(s.credibility) } : s));
    body.items = rows.items.map((k) => {
      const kind = v[`items.${k}.kind`];
      const it = { kind, ...pick(`items.${k}`, kind === 'ammunition' ? AMMO_FIELDS : WEAPON_FIELDS), photos: hashesOf(v[`items.${k}.photos`]) };
      if (kind !== 'ammunition') {
        it.markings = (rows.markings[k] || []).map((m) => pick(`items.${k}.markings.${m}`, MARK_FIELDS)).filter((m) => m.text);
      }
      return it;
    });
    body.documents = rows.documents.map((k) => ({ ...pick(`documents.${k}`, DOC_FIELDS), photos: hashesOf(v[`documents.${k}.photos`]) }));
    body.photos = hashesOf(v.photos).map((hash) => ({ hash }));
    try {
      const o = await api('POST', '/observations', { body });
      navigate(obsHref(o.id));
    } catch (e) {
      if (e.field) {
        e.field = fieldOf(e.field, rows);
        if (e.field === 'observed_at') e.field = 'observed_on';
      }
      throw e;
    }
  });
  const F = (name, lbl, extra = {}) => html`<${Field} key=${name} form=${form} name=${name} label=${lbl} ...${extra} />`;
  const add = (list, blank, focus) => {
    const k = next;
    form.setValues((x) => ({ ...x, ...blank(k) }));
    setRows((r) => ({ ...r, [list]: [...r[list], k], ...(list === 'items' ? { markings: { ...r.markings, [k]: [k] } } : {}) }));
    if (list === 'items') form.setValues((x) => ({ ...x, ...blankMark(k, k) }));
    setNext(k + 1);
    setTimeout(() => document.getElementById(`ob-${list}.${k}.${focus}`)?.focus(), 0);
  };
  const remove = (list, k) => setRows((r) => ({ ...r, [list]: r[list].filter((x) => x !== k) }));
  const addMark = (k) => {
    const m = next;
    form.setValues((x) => ({ ...x, ...blankMark(k, m) }));
    setRows((r) => ({ ...r, markings: { ...r.markings, [k]: [...(r.markings[k] || []), m] } }));
    setNext(m + 1);
    setTimeout(() => document.getElementById(`ob-items.${k}.markings.${m}.text`)?.focus(), 0);
  };
  const listError = (name) => (form.error?.field === name ? html`<p class="field-error" role="alert" id=${'ob-' + name} tabindex="-1">${errorText(form.error)}</p>` : null);
  const grades = (list, kind) => optionsOf(list.map(String), kind, { empty: t('common.choose') })
    .map((o) => (o.value ? { ...o, label: `${o.value} — ${o.label}` } : o));
  return html`<${PageTitle}>${t('mon.new_observation')}<//>
    <p class="hint">${t('mon.form_note')}</p>
    <form class="form xfer-form mon-form" onSubmit=${go} novalidate data-testid="new-observation">
      <fieldset><legend>${t('mon.what_when')}</legend>
        <div class="row">
          ${F('kind', t('mon.kind'), { type: 'select', required: true, options: optionsOf(OBSERVATION_KINDS, 'obs_kind', { empty: t('common.choose') }) })}
          ${F('observed_on', t('mon.observed_on'), { type: 'date', required: true })}
          ${F('observed_time', t('mon.observed_time'), { type: 'time', hint: t('mon.time_hint') })}
          ${F('reference', t('mon.reference'), { dir: 'auto' })}
        </div>
      </fieldset>
      <fieldset><legend>${t('mon.where')}</legend>
        <div class="row">
          ${F('place.name', t('mon.place_name'), { dir: 'auto' })}
          ${F('place.admin_area', t('mon.admin_area'), { dir: 'auto' })}
          ${F('place.country', t('mon.country'), { type: 'country' })}
          ${F('place.lat', t('sites.lat'), { inputmode: 'decimal', dir: 'ltr' })}
          ${F('place.lon', t('sites.lon'), { inputmode: 'decimal', dir: 'ltr' })}
        </div>
      </fieldset>
      <fieldset><legend>${t('mon.who')}</legend>
        <div class="row">
          ${F('unit', t('mon.unit'), { dir: 'auto', required: true })}
          ${F('officer', t('mon.officer'), { dir: 'auto', required: true })}
          ${F('regime', t('mon.regime'), { type: 'select', options: regimeOptions(regimes, t('common.none_chosen')) })}
        </div>
        <div class="row">
          ${F('actor.kind', t('mon.actor_kind'), { type: 'select', options: optionsOf(ACTOR_KINDS, 'actor_kind', { empty: t('common.none_chosen') }) })}
          ${F('actor.name', t('mon.actor_name'), { dir: 'auto', autocomplete: 'off', hint: t('mon.actor_hint') })}
          ${F('actor.country', t('mon.actor_country'), { type: 'country' })}
          ${F('actor.aliases', t('mon.aliases'), { dir: 'auto', hint: t('mon.aliases_hint') })}
        </div>
      </fieldset>
      <fieldset data-testid="sources"><legend>${t('mon.sources')}</legend>
        <p class="hint">${t('mon.sources_note')}</p>
        ${listError('sources')}
        ${rows.sources.map((k, i) => html`<div class="marking-row mon-row" role="group" aria-label=${t('mon.source_n', { n: i + 1 })} key=${k}>
          <div class="row">
            ${F(`sources.${k}.type`, t('mon.source_type'), { type: 'select', required: true, options: optionsOf(SOURCE_TYPES, 'source_type', { empty: t('common.choose') }) })}
            ${F(`sources.${k}.reliability`, t('mon.reliability'), { type: 'select', required: true, options: grades(RELIABILITY, 'reliability') })}
            ${F(`sources.${k}.credibility`, t('mon.credibility'), { type: 'select', required: true, options: grades(CREDIBILITY, 'credibility') })}
            ${F(`sources.${k}.independent`, t('mon.independent_of_others'), { type: 'checkbox' })}
          </div>
          <div class="row">
            ${F(`sources.${k}.ref`, t('mon.source_ref'), { dir: 'auto', hint: t('mon.ref_hint') })}
            ${F(`sources.${k}.description`, t('mon.description'), { dir: 'auto' })}
            ${F(`sources.${k}.identity`, t('mon.identity'), { dir: 'auto', autocomplete: 'off', hint: t('mon.identity_hint') })}
          </div>
          ${rows.sources.length > 1 && html`<button type="button" class="secondary small" onClick=${() => remove('sources', k)}>${t('mon.remove_source', { n: i + 1 })}</button>`}
        </div>`)}
        <button type="button" class="secondary small" onClick=${() => add('sources', blankSource, 'type')}>${t('mon.add_source')}</button>
      </fieldset>
      <fieldset data-testid="items"><legend>${t('mon.items')}</legend>
        ${listError('items')}
        ${rows.items.map((k, i) => {
          const kind = v[`items.${k}.kind`];
          const ammo = kind === 'ammunition';
          const p = `items.${k}.`;
          return html`<div class="marking-row mon-row mon-item-row" role="group" aria-label=${t('mon.item_n', { n: i + 1 })} key=${k} data-testid="item-row">
            <div class="row">
              ${F(p + 'kind', t('mon.item_kind'), { type: 'select', options: optionsOf(OBS_ITEM_KINDS, 'item_kind') })}
              ${ammo ? html`
                ${F(p + 'calibre', t('field.calibre'), { dir: 'auto', required: true })}
                ${F(p + 'type', t('mon.ammo_type'), { dir: 'auto' })}
                ${F(p + 'quantity', t('mon.rounds'), { type: 'number', min: '1', required: true })}
                ${F(p + 'packages', t('mon.packages'), { type: 'number', min: '0' })}` : html`
                ${F(p + 'serial', t('field.serial'), { dir: 'auto', autocomplete: 'off' })}
                ${F(p + 'make', t('field.make'), { dir: 'auto' })}
                ${F(p + 'model', t('field.model'), { dir: 'auto' })}
                ${F(p + 'category', t('field.category'), { type: 'select', options: [{ value: '', label: t('common.choose') }, ...CATEGORIES.map((c) => ({ value: c, label: `${c} — ${label('category', c)}` }))] })}
                ${F(p + 'calibre', t('field.calibre'), { dir: 'auto' })}
                ${F(p + 'country', t('mon.made_in'), { type: 'country' })}
                ${F(p + 'year', t('mon.year'), { type: 'number', min: '1800' })}
                ${F(p + 'quantity', t('mon.quantity'), { type: 'number', min: '1' })}`}
            </div>
            ${ammo && html`<div class="row">
              ${F(p + 'headstamp.text', t('mon.headstamp'), { dir: 'auto', hint: t('mon.headstamp_hint') })}
              ${F(p + 'headstamp.factory', t('mon.factory'), { dir: 'auto' })}
              ${F(p + 'headstamp.year', t('mon.year'), { type: 'number', min: '1800' })}
              ${F(p + 'lot', t('mon.lot'), { dir: 'auto' })}
              ${F(p + 'packaging_marks', t('mon.packaging_marks'), { dir: 'auto' })}
              ${F(p + 'crate_marks', t('mon.crate_marks'), { dir: 'auto' })}
            </div>`}
            ${!ammo && html`<fieldset class="mon-markings"><legend>${t('mon.markings_of', { n: i + 1 })}</legend>
              ${listError(p + 'markings')}
              ${(rows.markings[k] || []).map((m, j) => html`<div class="row" role="group" aria-label=${t('mon.marking_n', { n: j + 1, item: i + 1 })} key=${m}>
                ${F(`${p}markings.${m}.component`, t('marking.component'), { type: 'select', options: optionsOf(COMPONENTS, 'component') })}
                ${F(`${p}markings.${m}.kind`, t('marking.kind'), { type: 'select', options: optionsOf(MARKING_KINDS, 'kind') })}
                ${F(`${p}markings.${m}.text`, t('mon.as_read'), { dir: 'auto', autocomplete: 'off', hint: t('mon.as_read_hint') })}
                <button type="button" class="secondary small" onClick=${() => setRows((r) => ({ ...r, markings: { ...r.markings, [k]: r.markings[k].filter((x) => x !== m) } }))}>
                  ${t('mon.remove_marking', { n: j + 1, item: i + 1 })}</button>
              </div>`)}
              <button type="button" class="secondary small" onClick=${() => addMark(k)}>${t('mon.add_marking', { n: i + 1 })}</button>
            </fieldset>`}
            ${F(p + 'notes', t('field.notes'), { dir: 'auto' })}
            <${PhotoField} form=${form} name=${p + 'photos'} label=${t('mon.item_photos', { n: i + 1 })} hint=${t('mon.photos_hint')} />
            ${rows.items.length > 1 && html`<button type="button" class="secondary small" onClick=${() => remove('items', k)}>${t('mon.remove_item', { n: i + 1 })}</button>`}
          </div>`;
        })}
        <button type="button" class="secondary small" onClick=${() => add('items', blankItem, 'kind')}>${t('mon.add_item')}</button>
      </fieldset>
      <fieldset data-testid="documents"><legend>${t('mon.documents')}</legend>
        ${listError('documents')}
        ${rows.documents.map((k, i) => html`<div class="marking-row mon-row" role="group" aria-label=${t('mon.document_n', { n: i + 1 })} key=${k}>
          <div class="row">
            ${F(`documents.${k}.kind`, t('mon.document_kind'), { type: 'select', required: true, options: optionsOf(DOCUMENT_KINDS, 'document_kind', { empty: t('common.choose') }) })}
            ${F(`documents.${k}.number`, t('mon.number'), { dir: 'auto' })}
            ${F(`documents.${k}.issuer`, t('mon.issuer'), { dir: 'auto' })}
            ${F(`documents.${k}.date`, t('mon.date'), { type: 'date' })}
            ${F(`documents.${k}.description`, t('mon.description'), { dir: 'auto' })}
          </div>
          <${PhotoField} form=${form} name=${`documents.${k}.photos`} label=${t('mon.document_photos', { n: i + 1 })} hint=${t('mon.photos_hint')} />
          <button type="button" class="secondary small" onClick=${() => remove('documents', k)}>${t('mon.remove_document', { n: i + 1 })}</button>
        </div>`)}
        <button type="button" class="secondary small" onClick=${() => add('documents', blankDoc, 'kind')}>${t('mon.add_document')}</button>
      </fieldset>
      <${PhotoField} form=${form} name="photos" label=${t('mon.observation_photos')} hint=${t('mon.photos_hint')} />
      ${F('notes', t('field.notes'), { type: 'textarea', rows: 3, dir: 'auto' })}
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('mon.record_submit')}<//></div>
    </form>
    <p><a href="#/observations">${t('mon.back_observations')}</a></p>`;
}
