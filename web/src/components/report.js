// One international report, whatever its kind (UN Register, ATT, PoA,
// UNODC questionnaire), drawn from the one shape every report has
// (include/wam/reports.h): its statements (nil report, rows withheld), its
// notes, and each table with its caption, column labels, rows under their
// group headings and totals. Every word of the report is a message of the
// library ({message, message_id, args}), shown from the catalogue in the
// user's language (messageText; the English until a catalogue has it);
// country codes are shown as the country's name; each number is a link to
// the records behind it (cellHref), each record to its page.
import { useMemo, useState } from 'preact/hooks';
import { html } from '../html.js';
import { countryName, fmtDate, fmtNumber, label, messageText, t } from '../i18n.js';
import { BarChart } from './chart.js';
import { Ref } from './table.js';

// A message of the report in the chosen language; a plain string as it is.
export const said = (m) => (m && typeof m === 'object' ? messageText(m) : m ?? '');

// Columns whose cells are states (ISO 3166 codes, a list joined by ", ").
const COUNTRY_COLUMNS = new Set(['partner', 'origin', 'intermediate', 'country', 'exporter', 'importer']);
// Columns whose cells are what people typed, kept as written.
const TYPED_COLUMNS = new Set(['description', 'comments', 'reference']);
const COUNTRY_CODE = /^[A-Z]{2}(?:[A-Z]{2})?$/;

function countries(v) {
  const codes = String(v).split(/,\s*/).filter(Boolean);
  if (!codes.every((c) => COUNTRY_CODE.test(c))) return null;
  return codes.map(countryName).join(', ');
}

// A cell that is not a number, in words.
function cellText(column, v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'number') return fmtNumber(v);
  if (COUNTRY_COLUMNS.has(column.id)) {
    const names = countries(v);
    if (names) return html`<span title=${v}>${names}</span>`;
  }
  if (column.id === 'category') {
    const name = label('category', v);
    return name !== v ? html`<abbr title=${name} translate="no">${v}</abbr>` : html`<span translate="no">${v}</span>`;
  }
  if (TYPED_COLUMNS.has(column.id)) return html`<span dir="auto" translate="no">${v}</span>`;
  return html`<span dir="auto">${v}</span>`;
}

// A row in words, for the links and checkboxes that name it: its label,
// else its category, partner and items (a transfer's row has no label).
export function rowName(table, row) {
  if (row.label) return said(row.label);
  const c = row.cells || {};
  const parts = [c.category, c.partner && (countries(c.partner) || c.partner), typeof c.items === 'number' ? fmtNumber(c.items) : c.items];
  return parts.filter((x) => x !== undefined && x !== null && x !== '').join(' · ') || said(table.caption);
}

// Rows in order, cut where the group changes: [{group, rows}].
function groupsOf(rows) {
  const out = [];
  for (const r of rows) {
    const id = r.group?.id ?? null;
    const last = out[out.length - 1];
    if (last && (last.group?.id ?? null) === id) last.rows.push(r);
    else out.push({ group: r.group || null, rows: [r] });
  }
  return out;
}

const isTotalColumn = (c) => c.numeric && (c.id === 'total' || c.id.endsWith('_total'));

// The picture a table's numbers make, when they make one: the rows of a
// table of counts (labelled rows, no groups, a total column) by their
// total; a table of people by sex or age band, one row's split at a time.
// A table of single figures is not drawn: its figures overlap ("of those")
// and mix counts with days.
export function chartOf(table) {
  const rows = table.rows || [];
  if (rows.length < 2 || rows.some((r) => !r.label || r.group)) return null;
  const numeric = table.columns.filter((c) => c.numeric);
  const total = numeric.find(isTotalColumn);
  if (!total) return null;
  if (table.id === 'people' || table.id === 'people_age') return numeric.length > 2 ? { split: true, total } : null;
  return { split: false, value: total };
}

// The chart of a table (chartOf) with its numbers' table folded under it;
// `cell(row, column, n)` gives a number's link.
export function ReportChart({ table, shape, cell }) {
  const parts = table.columns.filter((c) => c.numeric && c !== shape.total);
  const [pick, setPick] = useState(() => {
    const first = table.rows.find((r) => (r.cells?.[shape.total?.id] || 0) > 0) || table.rows[0];
    return first.key;
  });
  const row = table.rows.find((r) => r.key === pick) || table.rows[0];
  const rows = useMemo(
    () =>
      shape.split
        ? parts.map((c) => ({ key: c.id, label: said(c.label), value: Number(row.cells?.[c.id]) || 0, row, column: c }))
        : table.rows.map((r) => ({ key: r.key, label: said(r.label), value: Number(r.cells?.[shape.value.id]) || 0, row: r, column: shape.value })),
    [table, pick, shape],
  );
  const caption = shape.split ? `${said(table.caption)}: ${said(row.label)}` : said(table.caption);
  const id = `chart-${table.id}`;
  return html`<div class="report-chart" data-testid=${'report-chart-' + table.id}>
    ${shape.split && html`<div class="field"><label for=${id}>${t('report.chart_row')}</label>
      <select id=${id} value=${pick} onInput=${(e) => setPick(e.currentTarget.value)}>
        ${table.rows.map((r) => html`<option value=${r.key}>${said(r.label)}</option>`)}
      </select></div>`}
    <${BarChart} rows=${rows} caption=${caption} head=${shape.split ? said(table.columns[0]?.label) : t('report.figure')}
      count=${shape.split ? said(shape.total.label) : said(shape.value.label)} fold=${true} share=${shape.split}
      cell=${(r) => cell(r.row, r.column, r.value)} />
  </div>`;
}

// One table of the report. href(table, row, column) gives the hash of a
// cell's records; withhold, when given ({chosen: Set, toggle(name)}), adds a
// checkbox to each row for choosing it to be withheld (ATT).
export function ReportTable({ table, href, withhold }) {
  const columns = table.columns || [];
  const rows = table.rows || [];
  const labelled = rows.some((r) => r.label);
  const span = columns.length + (labelled ? 1 : 0) + (withhold ? 1 : 0);
  const caption = said(table.caption);
  const shape = useMemo(() => chartOf(table), [table]);
  const link = (row, column, n) => {
    if (n === null || n === undefined) return '—';
    const text = fmtNumber(n);
    // nothing behind a zero: no link to an empty list
    if (typeof n !== 'number' || n === 0) return text;
    return html`<a href=${href(table, row, column)} data-cell=${`${table.id}/${row.key}/${column.id}`}
      aria-label=${t('report.records_of', { n: text, what: `${rowName(table, row)} · ${said(column.label)}` })}>${text}</a>`;
  };
  const body = (row) => {
    const cells = columns.map((c, i) => {
      const v = row.cells?.[c.id];
      const inner = c.numeric ? link(row, c, v) : cellText(c, v);
      // a row without a label is headed by its first cell
      return !labelled && i === 0 ? html`<th scope="row" key=${c.id}>${inner}</th>` : html`<td key=${c.id} class=${c.numeric ? 'num' : undefined}>${inner}</td>`;
    });
    const key = `${table.id}/${row.key}`;
    return html`<tr key=${row.key} data-row=${key}>
      ${withhold && html`<td class="report-check"><input type="checkbox" id=${'wh-' + key} checked=${withhold.chosen.has(key)}
        onChange=${() => withhold.toggle(key)} aria-label=${t('report.withhold_row', { row: rowName(table, row) })} /></td>`}
      ${labelled && html`<th scope="row">${said(row.label)}</th>`}
      ${cells}
    </tr>`;
  };
  const totals = table.totals && Object.keys(table.totals).length > 0 && rows.length > 0;
  return html`<section class="report-table box" aria-labelledby=${'rt-' + table.id} data-table=${table.id}>
    <h2 id=${'rt-' + table.id}>${caption}</h2>
    ${table.nil && html`<p class="note" data-testid="table-nil">${t('report.table_nil')}</p>`}
    ${shape && rows.length > 0 && html`<${ReportChart} table=${table} shape=${shape} cell=${link} />`}
    ${rows.length === 0 ? !table.nil && html`<p class="muted">${t('report.no_rows')}</p>` : html`<div class="table-wrap"><table class="list report">
      <caption class="sr-only">${caption}</caption>
      <thead><tr>
        ${withhold && html`<th scope="col">${t('report.withhold')}</th>`}
        ${labelled && html`<th scope="col">${t('report.figure')}</th>`}
        ${columns.map((c) => html`<th scope="col" key=${c.id} class=${c.numeric ? 'num' : undefined}>${said(c.label)}</th>`)}
      </tr></thead>
      ${groupsOf(rows).map((g, i) => html`<tbody key=${g.group?.id ?? 'g' + i}>
        ${g.group && html`<tr class="report-group"><th scope="rowgroup" colspan=${span}>
          ${label('category', g.group.id) !== g.group.id && html`<span translate="no">${g.group.id}</span> `}${said(g.group.label)}</th></tr>`}
        ${g.rows.map(body)}
      </tbody>`)}
      ${totals && html`<tfoot><tr class="report-totals">
        ${withhold && html`<td></td>`}
        ${labelled ? html`<th scope="row">${t('report.total')}</th>` : ''}
        ${columns.map((c, i) => {
          const n = table.totals[c.id];
          if (!labelled && i === 0) return html`<th scope="row" key=${c.id}>${t('report.total')}</th>`;
          return html`<td key=${c.id} class=${c.numeric ? 'num' : undefined} data-total=${c.id}>${typeof n === 'number' ? fmtNumber(n) : ''}</td>`;
        })}
      </tr></tfoot>`}
    </table></div>`}
  </section>`;
}

// The report's title block: the reporting state, the year, where in the
// ledger it was computed, its statements and notes.
export function ReportHead({ report }) {
  return html`<section class="report-head" aria-label=${t('report.about')}>
    <dl class="facts wide">
      <div><dt>${t('report.country')}</dt><dd data-testid="report-country">${countryName(report.country) || '—'}</dd></div>
      <div><dt>${t('report.year')}</dt><dd>${report.year}</dd></div>
      <div><dt>${t('report.ledger')}</dt><dd>${t('report.ledger_at', { seq: fmtNumber(report.ledger?.seq ?? 0) })}
        ${report.ledger?.hash && html` <${Ref} text=${report.ledger.hash} />`}</dd></div>
      <div><dt>${t('report.generated')}</dt><dd><time datetime=${report.generated_at}>${fmtDate(report.generated_at)}</time></dd></div>
    </dl>
    ${report.nil && html`<p class="note" data-testid="report-nil">${t('report.nil')}</p>`}
    ${report.withheld && html`<p class="note" data-testid="report-withheld">${t('report.withheld')}</p>`}
    ${(report.notes || []).length > 0 && html`<ul class="report-notes" aria-label=${t('report.notes')}>
      ${report.notes.map((n, i) => html`<li key=${i}>${said(n)}</li>`)}</ul>`}
  </section>`;
}

// The page each kind of record behind a figure has, and the text its link
// shows: what a person knows it by (a serial, a licence's number…), else its
// date, else its kind.
const PAGES = {
  weapon: 'items', part: 'items', shipment: 'shipments', licence: 'licences', recovery: 'recoveries', trace_request: 'traces',
  stock_check: 'checks', destruction: 'destructions', lot: 'lots',
};
export const recordPage = (r) => (PAGES[r.kind] && r.id ? `#/${PAGES[r.kind]}/${encodeURIComponent(r.id)}` : null);
const NAMES = ['serial', 'licence_number', 'number', 'lot_number', 'reference', 'dvc', 'headstamp'];
export function recordName(r) {
  for (const k of NAMES) if (typeof r[k] === 'string' && r[k]) return r[k];
  const day = r.date || r.shipped_on || r.dispatched_on || r.received_on;
  if (day) return String(day).slice(0, 10);
  return label('report.record', r.kind);
}

// The fields of a record shown beside it: [field, catalogue key, how].
export const RECORD_FIELDS = [
  ['make', 'field.make'], ['model', 'field.model'], ['category', 'field.category', 'category'], ['calibre', 'field.calibre'],
  ['date', 'field.date', 'day'], ['partner', 'report.col.partner', 'country'], ['country', 'field.country', 'country'],
  ['quantity', 'report.col.quantity', 'number'], ['items', 'report.col.quantity', 'number'], ['rounds', 'report.col.rounds', 'number'],
  ['value', 'report.col.value', 'number'], ['currency', 'report.col.currency'],
  ['part_type', 'makeup.part_type', 'part_type'], ['recovery_type', 'rec.type', 'status'], ['context', 'rec.context', 'context'],
  ['legal_justification', 'report.col.justification', 'justification'],
  ['status', 'field.status', 'status'], ['sex', 'report.col.sex', 'sex'],
  ['age_band', 'report.col.age_band', 'age_band'], ['licence_number', 'report.col.licence'],
];
export function fieldText(v, how) {
  if (v === null || v === undefined || v === '') return null;
  switch (how) {
    case 'country':
      return countries(v) || String(v);
    case 'number':
      return typeof v === 'number' ? fmtNumber(v) : String(v);
    case 'day': {
      const d = new Date(String(v).slice(0, 10) + 'T00:00:00Z');
      return isNaN(d) ? String(v) : d.toLocaleDateString(document.documentElement.lang, { dateStyle: 'medium', timeZone: 'UTC' });
    }
    case 'status':
      return label('status', v);
    case 'category':
      return label('category', v);
    case 'sex':
      return label('report.sex', v);
    case 'context':
      return label('context', v);
    case 'part_type':
      return label('part_type', v);
    case 'justification':
      return label('report.justification', v);
    case 'age_band':
      return label('report.age_band', v);
    default:
      return typeof v === 'string' ? v : null;
  }
}
