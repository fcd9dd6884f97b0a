// One table for every list of the console: a total ("1–50 of 12,345"),
// sorting on the columns that say how (a button in the header, aria-sort on
// the header cell), 25/50/100/200 rows a page, first/previous/next, and
// "Download CSV" of what is shown: the rows of the page and the columns on
// screen, as the cells read.
//
// A list the server sends whole is sorted and cut into pages here. A list
// the server pages (GET /items: total, sort, offset, limit) passes `server`:
// {total, capped, offset, size, sort, onChange({offset, size, sort})}, and
// its rows are the page; `sort` is a column's key, with "-" before it for
// descending, as the API spells it.
//
// cols: [heading, row => cell, class?, {sort?, key?}] or
// {label, cell, cls, sort, key}. `sort` is, for a list sorted here, a
// function of the row giving the value to compare (or the name of the row's
// field); for a list the server sorts, true. `key` names the column in the
// sort order (defaults to its position).
import { useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { currentLanguage, fmtNumber, t } from '../i18n.js';

export const PAGE_SIZES = [25, 50, 100, 200];
const SIZE_KEY = 'wam.page_size';
let tables = 0; // ids for the page-size fields of several tables on a page

// The page size the user chose last, on any list.
export function pageSize() {
  try {
    const n = Number(localStorage.getItem(SIZE_KEY));
    return PAGE_SIZES.includes(n) ? n : 50;
  } catch {
    return 50;
  }
}
function rememberSize(n) {
  try {
    localStorage.setItem(SIZE_KEY, String(n));
  } catch {
    /* private mode: the choice lasts the page */
  }
}

const column = (c, i) =>
  Array.isArray(c) ? { label: c[0], cell: c[1], cls: c[2], key: c[3]?.key ?? String(i), sort: c[3]?.sort } : { key: String(i), ...c };

// "-serial" → {key: 'serial', desc: true}
const parseSort = (s) => (s ? { key: s.replace(/^-/, ''), desc: s.startsWith('-') } : null);

function compare(a, b, collator) {
  const none = (v) => v === null || v === undefined || v === '';
  if (none(a) || none(b)) return none(a) - none(b); // the empty last either way
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

export function Table({ caption, cols, rows, empty, rowKey = (r) => r.id, name, server }) {
  const columns = cols.map(column);
  const [localSort, setLocalSort] = useState(null);
  const [localOffset, setLocalOffset] = useState(0);
  const [localSize, setLocalSize] = useState(pageSize);
  const table = useRef(null);
  const [id] = useState(() => 'list-' + ++tables);
  if (!rows.length && !server?.offset) return html`<p class="muted">${empty || t('common.none')}</p>`;
  const tools = !!name || !!server; // a short table on a record's page is only a table

  let sort, offset, size, total, shown;
  if (server) {
    ({ offset, size } = server);
    sort = parseSort(server.sort);
    total = server.total;
    shown = rows;
  } else {
    sort = parseSort(localSort);
    size = tools ? localSize : rows.length;
    total = rows.length;
    offset = Math.min(localOffset, Math.max(0, Math.floor((total - 1) / size) * size));
    let sorted = rows;
    const col = sort && columns.find((c) => c.key === sort.key && c.sort);
    if (col) {
      const value = typeof col.sort === 'function' ? col.sort : (r) => r[col.sort];
      const collator = new Intl.Collator(currentLanguage(), { numeric: true, sensitivity: 'base' });
      sorted = rows.map((r, i) => [value(r), i, r]);
      sorted.sort((x, y) => compare(x[0], y[0], collator) * (sort.desc ? -1 : 1) || x[1] - y[1]);
      sorted = sorted.map((x) => x[2]);
    }
    shown = sorted.slice(offset, offset + size);
  }
  const change = (next) => {
    const v = { offset, size, sort: sort ? (sort.desc ? '-' : '') + sort.key : null, ...next };
    if (server) server.onChange(v);
    else {
      setLocalSort(v.sort);
      setLocalOffset(v.offset);
      setLocalSize(v.size);
    }
  };
  // a first click sorts up, a second down
  const sortBy = (c) => change({ offset: 0, sort: sort?.key === c.key && !sort.desc ? '-' + c.key : c.key });
  const setSize = (n) => {
    rememberSize(n);
    change({ size: n, offset: Math.floor(offset / n) * n });
  };

  const from = shown.length ? offset + 1 : 0;
  const to = offset + shown.length;
  const more = server ? !!server.more : to < total;
  const range =
    server?.capped
      ? t('table.range_more', { from: fmtNumber(from), to: fmtNumber(to), total: fmtNumber(total) })
      : t('table.range', { from: fmtNumber(from), to: fmtNumber(to), total: fmtNumber(total) });
  const head = (c) => {
    if (!tools || !c.sort) return html`<th scope="col" class=${c.cls}>${c.label}</th>`;
    const here = sort?.key === c.key;
    return html`<th scope="col" class=${'sortable ' + (c.cls || '')} aria-sort=${here ? (sort.desc ? 'descending' : 'ascending') : undefined}>
      <button type="button" onClick=${() => sortBy(c)}>${c.label}<span class="sort-mark" aria-hidden="true">${here ? (sort.desc ? '▼' : '▲') : '↕'}</span></button>
    </th>`;
  };
  const download = () => downloadCsv(table.current, `${name || 'list'}.csv`);

  return html`<div class="list-block">
    ${tools && html`<div class="list-bar">
      <p class="list-total" aria-live="polite" data-testid="list-total">${range}</p>
      <div class="list-tools">
        <span class="list-size"><label for=${id + '-size'}>${t('table.per_page')}</label>
          <select id=${id + '-size'} value=${size} onChange=${(e) => setSize(Number(e.currentTarget.value))}>
            ${PAGE_SIZES.map((n) => html`<option value=${n}>${fmtNumber(n)}</option>`)}
          </select></span>
        <button type="button" class="secondary small" onClick=${download}>${t('table.csv')}</button>
      </div>
    </div>`}
    <div class="table-wrap"><table class="list" ref=${table}>
      <caption class="sr-only">${caption}</caption>
      <thead><tr>${columns.map(head)}</tr></thead>
      <tbody>${shown.map((r, i) => html`<tr key=${rowKey(r) ?? i}>
        ${columns.map((c, j) => (j === 0 ? html`<th scope="row" class=${c.cls}>${c.cell(r)}</th>` : html`<td class=${c.cls}>${c.cell(r)}</td>`))}
      </tr>`)}</tbody>
    </table></div>
    ${tools && (offset > 0 || more) && html`<div class="list-pager" role="group" aria-label=${t('table.pages')}>
      <button type="button" class="secondary small" disabled=${offset === 0} onClick=${() => change({ offset: 0 })}>${t('table.first')}</button>
      <button type="button" class="secondary small" disabled=${offset === 0} onClick=${() => change({ offset: Math.max(0, offset - size) })}>${t('table.previous')}</button>
      <button type="button" class="secondary small" disabled=${!more} onClick=${() => change({ offset: offset + size })}>${t('table.next')}</button>
    </div>`}
  </div>`;
}

// A serial or a reference: one line, monospace, cut with an ellipsis when
// long; the whole of it on hover (title) and on focus.
export function Ref({ text, href }) {
  if (!text) return '—';
  if (href) return html`<a class="ref" href=${href} title=${text} dir="auto">${text}</a>`;
  return html`<span class="ref" title=${text} tabindex="0" dir="auto">${text}</span>`;
}

// ---- CSV of what a table shows ----

// A cell for a spreadsheet: text that starts with = + - @ a tab or a
// carriage return would be read as a formula, so it gets a ' before it;
// quoted when it holds a comma, a quote or a line break.
export function csvCell(text) {
  let s = String(text ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s;
}

// The lines of a CSV file (CRLF), a byte order mark first so Excel reads
// UTF-8 (Arabic, Chinese, Cyrillic) as UTF-8.
export function csvText(lines) {
  return '\uFEFF' + lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

// The text of a header or data cell as the user reads it (a sort button's
// arrow left out).
const cellText = (el) => {
  const c = el.cloneNode(true);
  c.querySelectorAll('[aria-hidden="true"], .sr-only').forEach((x) => x.remove());
  return c.textContent.replace(/\s+/g, ' ').trim();
};

export function downloadCsv(table, filename) {
  if (!table) return;
  const lines = [...table.querySelectorAll('tr')].map((tr) => [...tr.children].map(cellText));
  const blob = new Blob([csvText(lines)], { type: 'text/csv;charset=utf-8' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
