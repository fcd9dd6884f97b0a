// Where weapons are kept. Anyone may read the list (without coordinates or
// notes); roles that register, when not confined to sites, may add one.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, forgetSites, listSites } from '../api.js';
import { countryName, label, t } from '../i18n.js';
import { can, national } from '../roles.js';
import { Field, FormError, LoadError, Loading, Submit, optionsOf, useForm } from '../components/form.js';
import { siteOptions } from '../components/stock.js';
import { Table } from '../components/table.js';
import { SITE_KINDS } from '../vocab.js';
import { Code, PageTitle } from './misc.js';

export function Sites({ user }) {
  const [sites, setSites] = useState(null);
  const [error, setError] = useState(null);
  const load = () => listSites().then(setSites, setError);
  useEffect(() => {
    load();
  }, []);

  const names = Object.fromEntries((sites || []).map((s) => [s.id, s.name]));
  return html`<${PageTitle}>${t('sites.title')}<//>
    <${LoadError} error=${error} />
    ${!sites && !error && html`<${Loading} />`}
    ${sites && (sites.length === 0 ? html`<p class="note">${t('sites.none')}</p>` : html`
      <${Table} name="sites" caption=${t('sites.title')} rows=${sites} cols=${[
        [t('sites.name'), (s) => html`<span dir="auto">${s.name}</span>`, '', { sort: 'name' }],
        [t('sites.kind'), (s) => label('site_kind', s.kind), '', { sort: (s) => label('site_kind', s.kind) }],
        [t('field.country'), (s) => (s.country ? html`${countryName(s.country)} <${Code} code=${s.country} />` : '—'), '', { sort: (s) => countryName(s.country) }],
        [t('sites.parent'), (s) => html`<span dir="auto">${s.parent_id ? names[s.parent_id] || s.parent_id : '—'}</span>`, '', { sort: (s) => names[s.parent_id] }],
        [t('sites.weapons'), (s) => html`<a href=${'#/items?site=' + s.id}>${t('sites.list_weapons')}<span class="sr-only"> — ${s.name}</span></a>`],
      ]} />`)}
    ${can(user, 'register') && national(user) && html`<${AddSite} sites=${sites || []} onAdded=${() => { forgetSites(); load(); }} />`}`;
}

function AddSite({ sites, onAdded }) {
  const form = useForm({ name: '', kind: '', country: '', lat: '', lon: '', parent_id: '', notes: '' });
  const [done, setDone] = useState(''); // the name of the site just added
  const submit = form.submit(async (v) => {
    setDone('');
    const body = Object.fromEntries(Object.entries(v).filter(([, x]) => x.trim() !== ''));
    const site = await api('POST', '/sites', { body });
    form.reset();
    setDone(site.name);
    onAdded();
  });
  return html`<section class="box" aria-labelledby="add-site-h">
    <h2 id="add-site-h">${t('sites.add')}</h2>
    <p class="success" role="status">${done && t('sites.added', { name: done })}</p>
    <form class="form" onSubmit=${submit} novalidate>
      <div class="row">
        <${Field} form=${form} name="name" label=${t('sites.name')} dir="auto" required />
        <${Field} form=${form} name="kind" type="select" label=${t('sites.kind')} required
          options=${optionsOf(SITE_KINDS, 'site_kind', { empty: t('common.choose') })} />
        <${Field} form=${form} name="country" type="country" label=${t('register.country')} />
      </div>
      <div class="row">
        <${Field} form=${form} name="lat" label=${t('sites.lat')} inputmode="decimal" />
        <${Field} form=${form} name="lon" label=${t('sites.lon')} inputmode="decimal" />
        <${Field} form=${form} name="parent_id" type="select" label=${t('sites.parent')}
          options=${siteOptions(sites, t('common.none_chosen'))} />
      </div>
      <${Field} form=${form} name="notes" type="textarea" rows="2" label=${t('sites.notes')} hint=${t('sites.notes_hint')} dir="auto" />
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('sites.submit')}<//></div>
    </form>
  </section>`;
}
