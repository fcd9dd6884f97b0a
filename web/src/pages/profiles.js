// Profiles (docs/monitoring.md): what an armed group, a unit or a person is
// seen to hold, and what is seen in a country — weapons by category, make,
// country and year of manufacture, ammunition by calibre, headstamp factory
// and year, first and last seen, a timeline by month — each figure a link
// to the observations behind it. A country's profile can be set beside the
// imports the transfers room recorded, so that what was seen and never
// lawfully entered stands out (the baseline of the report's §28).
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { countryName, fmtNumber, label, t } from '../i18n.js';
import { href, navigate } from '../router.js';
import { useRequest } from '../request.js';
import { Field, LoadError, Loading, useForm } from '../components/form.js';
import { BarChart, Timeline } from '../components/chart.js';
import { Day, Facts, Table } from '../components/stock.js';
import { actorHref, countryHref } from '../components/monitoring.js';
import { PageTitle } from './misc.js';

const enc = encodeURIComponent;

// The observation list narrowed to a figure's observations.
const drill = (ids, base) => href('observations', { ...base, ids: (ids || []).join(',') });

export function Profiles() {
  const form = useForm({ name: '', country: '' }, { prefix: 'pf-' });
  const actor = (e) => {
    e.preventDefault();
    if (form.values.name.trim()) navigate(actorHref(form.values.name.trim()));
  };
  const country = (e) => {
    e.preventDefault();
    if (form.values.country) navigate(countryHref(form.values.country));
  };
  return html`<${PageTitle}>${t('mon.profiles')}<//>
    <p class="hint">${t('mon.profiles_note')}</p>
    <div class="panels">
      <section class="box" aria-labelledby="pf-a-h">
        <h2 id="pf-a-h">${t('mon.actor_profile')}</h2>
        <form class="form" onSubmit=${actor} novalidate>
          <${Field} form=${form} name="name" label=${t('mon.actor_name')} dir="auto" autocomplete="off" />
          <div class="actions"><button type="submit">${t('mon.show_profile')}</button></div>
        </form>
      </section>
      <section class="box" aria-labelledby="pf-c-h">
        <h2 id="pf-c-h">${t('mon.country_profile')}</h2>
        <form class="form" onSubmit=${country} novalidate>
          <${Field} form=${form} name="country" type="country" label=${t('mon.country')} />
          <div class="actions"><button type="submit">${t('mon.show_profile')}</button></div>
        </form>
      </section>
    </div>`;
}

export function ProfileRoute({ route }) {
  if (route.params[0] === 'actor') return html`<${ActorProfile} name=${route.query.get('name') || ''} />`;
  if (route.params[0] === 'country') return html`<${CountryProfile} cc=${route.params[1] || ''} compare=${route.query.get('compare') === '1'} />`;
  return html`<${Profiles} />`;
}

function useProfile(path, query, deps) {
  const [p, setP] = useState(null);
  const [error, setError] = useState(null);
  useRequest((keep) => {
    setP(null);
    setError(null);
    api('GET', path, { query }).then(keep(setP), keep(setError));
  }, deps);
  return [p, error];
}

function ActorProfile({ name }) {
  const [p, error] = useProfile('/profiles/actors', { name }, [name]);
  const title = html`${t('mon.actor_profile')} · <bdi dir="auto" translate=${false}>${name}</bdi>`;
  if (error) return html`<${PageTitle}>${title}<//><${LoadError} error=${error} />`;
  if (!p) return html`<${PageTitle}>${title}<//><${Loading} />`;
  return html`<${PageTitle}>${title}<//>
    <${Profile} p=${p} base=${{ actor: name }} />
    <p><a href="#/profiles">${t('mon.back_profiles')}</a></p>`;
}

function CountryProfile({ cc, compare }) {
  const [p, error] = useProfile(`/profiles/countries/${enc(cc)}`, { compare_imports: compare ? 'true' : '' }, [cc, compare]);
  const title = `${t('mon.country_profile')} · ${countryName(cc)}`;
  const toggle = html`<p>${compare
    ? html`<a href=${countryHref(cc)}>${t('mon.hide_imports')}</a>`
    : html`<a href=${countryHref(cc) + '?compare=1'} data-testid="compare-imports">${t('mon.compare_imports')}</a>`}</p>`;
  if (error) return html`<${PageTitle}>${title}<//><${LoadError} error=${error} />`;
  if (!p) return html`<${PageTitle}>${title}<//><${Loading} />`;
  return html`<${PageTitle}>${title}<//>
    ${toggle}
    <${Profile} p=${p} base=${{ country: cc }} compare=${compare} />
    <p><a href="#/profiles">${t('mon.back_profiles')}</a></p>`;
}

// A group of figures (by_category...) as a bar chart whose numbers link to
// their observations; with imports compared, the figures never lawfully
// imported in their own tone, and a table of what was recorded imported.
function Figures({ id, title, rows, keyText, base, count, compare }) {
  const bars = (rows || []).map((r) => ({
    key: String(r.key), label: keyText(r.key), value: r.count, sightings: r.sightings, tone: compare && r.lawful_import === false ? 'missing' : 'plain', ids: r.observations,
  }));
  // the sightings beside the count, when the rows carry them (not by_actor)
  const sighted = (rows || []).some((r) => 'sightings' in r);
  const more = sighted ? [[t('mon.sightings'), (b) => html`<span data-sightings=${id}>${fmtNumber(b.sightings ?? 0)}</span>`]] : [];
  const cell = (r) => html`<a href=${drill(r.ids, base)} data-figure=${id}>${fmtNumber(r.value)}</a>`;
  const compared = compare && (rows || []).some((r) => 'lawful_import' in r);
  return html`<section class="mon-figures" aria-labelledby=${id}>
    <h3 id=${id}>${title}</h3>
    <${BarChart} rows=${bars} caption=${title} head=${title} cell=${cell} count=${count} fold=${true} more=${more} />
    ${compared && html`<${Table} caption=${t('mon.imports_of', { what: title })} rows=${rows} rowKey=${(r) => String(r.key)} cols=${[
      [title, (r) => html`<bdi dir="auto">${keyText(r.key)}</bdi>`],
      [count || t('mon.distinct'), (r) => html`<a href=${drill(r.observations, base)}>${fmtNumber(r.count)}</a>`, 'num'],
      ...(sighted ? [[t('mon.sightings'), (r) => fmtNumber(r.sightings ?? 0), 'num']] : []),
      [t('mon.first_seen'), (r) => html`<${Day} at=${r.first_seen} />`],
      [t('mon.last_seen'), (r) => html`<${Day} at=${r.last_seen} />`],
      [t('mon.imports'), (r) => fmtNumber(r.imports ?? 0), 'num'],
      [t('mon.lawful_import'), (r) => (r.lawful_import === false
        ? html`<span class="badge tone-missing" data-testid="no-lawful-import">${t('mon.no_lawful_import')}</span>`
        : html`<span class="badge tone-held">${t('mon.imported')}</span>`)],
    ]} />`}
  </section>`;
}

const asIs = (k) => String(k);
const yearText = (k) => String(k);

function Profile({ p, base, compare }) {
  const w = p.weapons || {};
  const a = p.ammunition || {};
  const series = [
    { key: 'observations', label: t('mon.observations'), color: '#2563a6' },
    { key: 'weapons', label: t('mon.weapons') + ' (' + t('mon.sightings') + ')', color: '#b42318' },
    { key: 'rounds', label: t('mon.rounds_seen'), color: '#6d44a8', scale: 'r' },
  ];
  const all = href('observations', base);
  return html`<${Facts} rows=${[
      [t('mon.observations'), html`<a href=${all} data-testid="profile-observations">${fmtNumber(p.observations)}</a>`],
      [t('mon.first_seen'), html`<${Day} at=${p.first_seen} />`],
      [t('mon.last_seen'), html`<${Day} at=${p.last_seen} />`],
      [t('mon.weapons_distinct'), html`<span data-testid="profile-weapons" data-total=${w.total ?? 0} data-sightings=${w.sightings ?? 0}>${t('mon.n_in_sightings', { n: fmtNumber(w.total ?? 0), s: fmtNumber(w.sightings ?? 0) })}</span>`],
      [t('mon.lots_distinct'), html`<span data-testid="profile-lots">${fmtNumber(a.lots ?? 0)}</span>`],
      [t('mon.rounds_seen'), html`<span data-testid="profile-rounds">${fmtNumber(a.rounds ?? 0)}</span>`],
      [t('mon.ammo_sightings'), fmtNumber(a.sightings ?? 0)],
    ]} />
    <h2>${t('mon.timeline')}</h2>
    <${Timeline} rows=${p.timeline || []} series=${series} caption=${t('mon.timeline')} />
    ${p.by_actor && html`<${Figures} id="pr-actor" title=${t('mon.by_actor')} rows=${p.by_actor} keyText=${asIs} base=${base} count=${t('mon.observations')} />`}
    <h2>${t('mon.weapons')}</h2>
    <${Figures} id="pr-cat" title=${t('mon.by_category')} rows=${w.by_category} keyText=${(k) => label('category', k)} base=${base} count=${t('mon.distinct')} compare=${compare} />
    <${Figures} id="pr-make" title=${t('mon.by_make')} rows=${w.by_make} keyText=${asIs} base=${base} count=${t('mon.distinct')} compare=${compare} />
    <${Figures} id="pr-country" title=${t('mon.by_country')} rows=${w.by_country} keyText=${(k) => countryName(k)} base=${base} count=${t('mon.distinct')} compare=${compare} />
    <${Figures} id="pr-year" title=${t('mon.by_year')} rows=${w.by_year} keyText=${yearText} base=${base} count=${t('mon.distinct')} />
    <h2>${t('mon.ammunition')}</h2>
    <${Figures} id="pr-calibre" title=${t('mon.by_calibre')} rows=${a.by_calibre} keyText=${asIs} base=${base} count=${t('mon.rounds_seen')} />
    <${Figures} id="pr-factory" title=${t('mon.by_factory')} rows=${a.by_factory} keyText=${asIs} base=${base} count=${t('mon.rounds_seen')} />
    <${Figures} id="pr-ayear" title=${t('mon.by_headstamp_year')} rows=${a.by_year} keyText=${yearText} base=${base} count=${t('mon.rounds_seen')} />`;
}
