// Weapons, a page at a time, as the server pages them (GET /items: total,
// sort, offset, limit), in the one table of the console (components/
// table.js). Filters, order and page live in the hash, so Back returns to
// the previous page and a link names exactly what it shows.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { useRequest } from '../request.js';
import { countryName, label, t } from '../i18n.js';
import { href, navigate } from '../router.js';
import { Field, LoadError, Loading, optionsOf, useForm } from '../components/form.js';
import { suggestFrom } from '../components/pickers.js';
import { ItemLink, SiteName, siteOptions, useSites } from '../components/stock.js';
import { PAGE_SIZES, Table, pageSize } from '../components/table.js';
import { CATEGORIES, FRAME_MATERIALS, MANUFACTURES, PART_TYPES, STATUSES } from '../vocab.js';
import { MarkingBadge, PageTitle, StatusBadge } from './misc.js';

// status, category, site and make; and how it was made: weapon or part
// (and which part), manufacture type and frame material
const FILTERS = ['status', 'category', 'site', 'make', 'kind', 'part_type', 'manufacture', 'frame_material'];
const KINDS = ['weapon', 'part'];

export function Items({ route }) {
  const q = route.query;
  const filters = Object.fromEntries(FILTERS.map((f) => [f, q.get(f) || '']));
  const sort = q.get('sort') || '';
  const offset = Math.max(0, Number(q.get('offset')) || 0);
  const size = PAGE_SIZES.includes(Number(q.get('limit'))) ? Number(q.get('limit')) : pageSize();
  const form = useForm(filters);
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);
  const sites = useSites();
  const key = q.toString();

  useRequest((keep) => {
    setError(null);
    form.setValues(filters);
    api('GET', '/items', { query: { ...filters, sort, offset, limit: size } }).then(keep(setPage), keep((e) => {
      setPage(null);
      setError(e);
    }));
  }, [key]);

  const apply = (v) => navigate(href('items', v));
  // a choice in a list applies at once; the button is there for the make
  const choose = (name) => (e) => {
    const v = { ...form.values, [name]: e.currentTarget.value };
    if (name === 'kind' && v.kind !== 'part') v.part_type = ''; // a part's type, only for parts
    form.setValues(v);
    apply(v);
  };
  const server = page && {
    total: page.total,
    capped: page.total_capped,
    more: page.next_offset != null,
    offset,
    size,
    sort,
    onChange: (v) => navigate(href('items', { ...filters, sort: v.sort, offset: v.offset || '', limit: v.size })),
  };
  const S = { sort: true };

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
      ${MANUFACTURES.length > 0 && html`<div class="row">
        <${Field} form=${form} name="kind" type="select" label=${t('makeup.kind')} onInput=${choose('kind')}
          options=${optionsOf(KINDS, 'item_kind', { empty: t('common.any') })} />
        ${form.values.kind === 'part' && html`<${Field} form=${form} name="part_type" type="select" label=${t('makeup.part_type')} onInput=${choose('part_type')}
          options=${optionsOf(PART_TYPES, 'part_type', { empty: t('common.any') })} />`}
        <${Field} form=${form} name="manufacture" type="select" label=${t('makeup.manufacture')} onInput=${choose('manufacture')}
          options=${optionsOf(MANUFACTURES, 'manufacture', { empty: t('common.any') })} />
        <${Field} form=${form} name="frame_material" type="select" label=${t('makeup.frame_material')} onInput=${choose('frame_material')}
          options=${optionsOf(FRAME_MATERIALS, 'frame_material', { empty: t('common.any') })} />
      </div>`}
      <div class="actions"><button type="submit">${t('items.apply')}</button>
        ${FILTERS.some((f) => filters[f]) && html`<a class="button secondary" href="#/items">${t('items.clear')}</a>`}</div>
    </form>
    <${LoadError} error=${error} />
    ${!page && !error && html`<${Loading} />`}
    ${page && html`<${Table} name="weapons" caption=${t('items.title')} rows=${page.items} server=${server} empty=${t('items.none')} cols=${[
      [t('field.serial'), (it) => html`<${ItemLink} id=${it.id} serial=${it.serial} />`, 'nowrap', { key: 'serial', ...S }],
      [t('field.make'), (it) => html`<span dir="auto">${it.make || '—'}</span>`, '', { key: 'make', ...S }],
      [t('field.model'), (it) => html`<span dir="auto">${it.model || '—'}</span>`, '', { key: 'model', ...S }],
      [t('field.category'), (it) => html`<abbr title=${label('category', it.category)}>${it.category}</abbr>`, '', { key: 'category', ...S }],
      [t('field.country'), (it) => html`<abbr title=${countryName(it.country)}>${it.country || '—'}</abbr>`, '', { key: 'country', ...S }],
      [t('field.status'), (it) => html`<${StatusBadge} status=${it.status} />`, '', { key: 'status', ...S }],
      [t('field.marking_status'), (it) => html`<${MarkingBadge} status=${it.marking_status} />`],
      [t('field.site'), (it) => html`<${SiteName} sites=${sites} id=${it.site_id} />`],
    ]} />`}`;
}
