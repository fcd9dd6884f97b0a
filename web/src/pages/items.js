// Weapons in registration order, one page at a time: the API's cursor
// (`after` = the previous page's `next`) keeps every page as quick at a
// million weapons as at a hundred. Filters and cursor live in the hash, so
// Back returns to the previous page.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { useRequest } from '../request.js';
import { countryName, label, t } from '../i18n.js';
import { href, navigate } from '../router.js';
import { Field, LoadError, Loading, optionsOf, useForm } from '../components/form.js';
import { suggestFrom } from '../components/pickers.js';
import { ItemLink, SiteName, siteOptions, useSites } from '../components/stock.js';
import { CATEGORIES, STATUSES } from '../vocab.js';
import { MarkingBadge, PageTitle, StatusBadge } from './misc.js';

const FILTERS = ['status', 'category', 'site', 'make'];
const PAGE = 50;

export function Items({ route }) {
  const q = route.query;
  const filters = Object.fromEntries(FILTERS.map((f) => [f, q.get(f) || '']));
  const after = q.get('after') || '';
  const form = useForm(filters);
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);
  const sites = useSites();
  const key = q.toString();

  useRequest((keep) => {
    setError(null);
    form.setValues(filters);
    api('GET', '/items', { query: { ...filters, after, limit: PAGE } }).then(keep(setPage), keep((e) => {
      setPage(null);
      setError(e);
    }));
  }, [key]);

  const apply = (v) => navigate(href('items', v));
  // a choice in a list applies at once; the button is there for the make
  const choose = (name) => (e) => {
    const v = { ...form.values, [name]: e.currentTarget.value };
    form.setValues(v);
    apply(v);
  };
  const number = Number(q.get('page') || 1);

  return html`<${PageTitle}>${t('items.title')}<//>
    <form class="form filters" onSubmit=${(e) => { e.preventDefault(); apply(form.values); }}>
      <div class="row">
        <${Field} form=${form} name="status" type="select" label=${t('field.status')} onInput=${choose('status')}
          options=${optionsOf(STATUSES, 'status', { empty: t('common.any') })} />
        <${Field} form=${form} name="category" type="select" label=${t('field.category')} onInput=${choose('category')}
          options=${[{ value: '', label: t('common.any') }, ...CATEGORIES.map((c) => ({ value: c, label: `${c} — ${label('category', c)}` }))]} />
        <${Field} form=${form} name="site" type="select" label=${t('field.site')} onInput=${choose('site')}
          options=${siteOptions(sites, t('common.any'))} />
        <${Field} form=${form} name="make" type="suggest" load=${suggestFrom('make')} label=${t('field.make')} />
      </div>
      <div class="actions"><button type="submit">${t('items.apply')}</button>
        ${FILTERS.some((f) => filters[f]) && html`<a class="button secondary" href="#/items">${t('items.clear')}</a>`}</div>
    </form>
    <${LoadError} error=${error} />
    ${!page && !error && html`<${Loading} />`}
    ${page && html`
      <p class="muted" aria-live="polite">${t('items.page', { n: number })}</p>
      ${page.items.length === 0 ? html`<p class="note">${t('items.none')}</p>` : html`
        <div class="table-wrap"><table class="list">
          <caption class="sr-only">${t('items.title')}</caption>
          <thead><tr>
            <th scope="col">${t('field.serial')}</th><th scope="col">${t('field.make')}</th><th scope="col">${t('field.model')}</th>
            <th scope="col">${t('field.category')}</th><th scope="col">${t('field.country')}</th><th scope="col">${t('field.status')}</th>
            <th scope="col">${t('field.marking_status')}</th><th scope="col">${t('field.site')}</th>
          </tr></thead>
          <tbody>${page.items.map((it) => html`<tr key=${it.id}>
            <td><${ItemLink} id=${it.id} serial=${it.serial} /></td>
            <td dir="auto">${it.make || '—'}</td>
            <td dir="auto">${it.model || '—'}</td>
            <td><abbr title=${label('category', it.category)}>${it.category}</abbr></td>
            <td><abbr title=${countryName(it.country)}>${it.country || '—'}</abbr></td>
            <td><${StatusBadge} status=${it.status} /></td>
            <td><${MarkingBadge} status=${it.marking_status} /></td>
            <td><${SiteName} sites=${sites} id=${it.site_id} /></td>
          </tr>`)}</tbody>
        </table></div>`}
      <div class="pager">
        ${after && html`<a class="button secondary" href=${href('items', filters)}>${t('items.first')}</a>`}
        ${page.next && html`<button type="button" onClick=${() => navigate(href('items', { ...filters, after: page.next, page: number + 1 }))}>${t('items.next')}</button>`}
      </div>`}`;
}
