// Pieces the stock room's pages share: a table of records from column
// definitions, a boxed form that posts to the API and says what it did, and
// the names of sites and lists of ids.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { listSites } from '../api.js';
import { fmtDate, t } from '../i18n.js';
import { Field, FormError, Submit, useForm } from './form.js';
import { Ref } from './table.js';

// The table of records (components/table.js): totals, sorting, pages and
// CSV for a list given a `name`; a plain table otherwise.
export { Table } from './table.js';

// A form in a box: fields [{name, label, type?, options?, hint?, show?, ...}],
// action(values) posts and returns the sentence to announce. prefix keeps the
// ids of two forms on one page apart.
export function ActionForm({ prefix, title, initial, fields, action, submit, note }) {
  const form = useForm(initial, { prefix, fields: fields.map((f) => f.name) });
  const [done, setDone] = useState('');
  const go = form.submit(async (v) => {
    setDone('');
    const said = await action(v);
    form.reset();
    setDone(said || '');
  });
  const h = prefix + 'h';
  return html`<section class="box" aria-labelledby=${h}>
    <h2 id=${h}>${title}</h2>
    ${note && html`<p class="hint">${note}</p>`}
    <p class="success" role="status">${done}</p>
    <form class="form" onSubmit=${go} novalidate>
      <div class="row">
        ${fields.filter((f) => !f.show || f.show(form.values)).map(({ show, ...f }) => html`<${Field} key=${f.name} form=${form} ...${f} />`)}
      </div>
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${submit}<//></div>
    </form>
  </section>`;
}

// Leaves out empty strings; turns the named fields into numbers.
export function bodyOf(values, numbers = []) {
  const out = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'string' && v.trim() === '') continue;
    out[k] = numbers.includes(k) && /^-?\d+(\.\d+)?$/.test(String(v).trim()) ? Number(v) : v;
  }
  return out;
}

// Every site, for names and choices; an empty list until fetched.
export function useSites() {
  const [sites, setSites] = useState([]);
  useEffect(() => {
    listSites().then(setSites, () => {});
  }, []);
  return sites;
}

export const siteOptions = (sites, empty) => [{ value: '', label: empty }, ...sites.map((s) => ({ value: s.id, label: s.name }))];

export function SiteName({ sites, id }) {
  if (!id) return '—';
  const s = sites.find((x) => x.id === id);
  return html`<span dir="auto">${s ? s.name : id}</span>`;
}

// A weapon by its serial: one line, monospace, never wrapped (components/table.js Ref).
export const ItemLink = ({ id, serial }) =>
  id ? html`<${Ref} href=${'#/items/' + encodeURIComponent(id)} text=${serial || t('item.no_serial')} />` : html`<${Ref} text=${serial} />`;

export const When = ({ at }) => (at ? html`<time datetime=${at}>${fmtDate(at)}</time>` : '—');

// A day (YYYY-MM-DD) in the chosen language, without a time.
export function Day({ at }) {
  if (!at) return '—';
  const d = new Date(at + 'T00:00:00Z');
  return isNaN(d) ? at : html`<time datetime=${at}>${d.toLocaleDateString(document.documentElement.lang, { dateStyle: 'medium', timeZone: 'UTC' })}</time>`;
}

// Lines of a textarea, trimmed, the empty ones left out.
export const linesOf = (text) => text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

export function Facts({ rows }) {
  return html`<dl class="facts wide">${rows.filter(Boolean).map(([k, v]) => html`<div><dt>${k}</dt><dd>${v === null || v === undefined || v === '' ? '—' : v}</dd></div>`)}</dl>`;
}
