// The international reports (docs/reports.md): the UN Register of
// Conventional Arms return, the Arms Trade Treaty annual report, the PoA/ITI
// national report's figures and UNODC's Illicit Arms Flows Questionnaire,
// one page per kind (#/reports/<kind>?year=…&direction=…&basis=…&withhold=…),
// each drawn by components/report.js from GET /api/v1/reports/{kind}. A
// number opens the records behind it (&row=TABLE/KEY/COLUMN); the report
// downloads as CSV, JSON or printable HTML; its submissions are listed, a
// role with submit_report submits it, and "What changed since" (&changes=
// a submission's id, or "latest") compares a submission with the report
// computed now, with the events that changed it.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { useRequest } from '../request.js';
import { actorText, fmtDate, fmtNumber, label, t } from '../i18n.js';
import { href, navigate } from '../router.js';
import { can } from '../roles.js';
import { FormError, LoadError, Loading, Submit, Field, useForm } from '../components/form.js';
import { Table } from '../components/stock.js';
import { Ref } from '../components/table.js';
import { RECORD_FIELDS, ReportHead, ReportTable, fieldText, recordName, recordPage, rowName, said } from '../components/report.js';
import { eventText } from '../components/history.js';
import { PageTitle } from './misc.js';

// The kinds, in menu order, and the options each takes.
export const REPORT_KINDS = ['unroca', 'att', 'poa', 'iafq'];
const DIRECTED = new Set(['unroca', 'att']);
const BASIS = new Set(['att']);
const WITHHOLD = new Set(['att']);

// The report's options as the URL holds them.
function optionsOf(kind, q) {
  const lastYear = new Date().getUTCFullYear() - 1;
  return {
    year: Number(q.get('year')) || lastYear,
    direction: DIRECTED.has(kind) ? q.get('direction') || '' : '',
    basis: BASIS.has(kind) ? q.get('basis') || '' : '',
    withhold: WITHHOLD.has(kind) ? (q.get('withhold') || '').split(',').filter(Boolean) : [],
  };
}
// The query of the API's routes for options (empty ones left out).
const queryOf = (o) => ({ year: o.year, direction: o.direction, basis: o.basis, withhold: o.withhold.join(',') });
const download = (kind, o, format) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...queryOf(o), format })) if (v) q.set(k, v);
  return `/api/v1/reports/${kind}?${q}`;
};

export function Report({ user, route, kind }) {
  const q = route.query;
  const o = optionsOf(kind, q);
  const row = q.get('row') || '';
  const changes = q.get('changes') || '';
  const key = JSON.stringify(queryOf(o));
  const [report, setReport] = useState(null);
  const [full, setFull] = useState(null); // without the rows withheld, to name them
  const [error, setError] = useState(null);
  const [submitted, setSubmitted] = useState(0); // a submission made: the list again
  useRequest((keep) => {
    setReport(null);
    setError(null);
    setFull(null);
    api('GET', `/reports/${kind}`, { query: queryOf(o) }).then(keep(setReport), keep(setError));
    if (o.withhold.length) api('GET', `/reports/${kind}`, { query: queryOf({ ...o, withhold: [] }) }).then(keep(setFull), () => {});
  }, [kind, key]);

  const at = (changes) => href(`reports/${kind}`, { ...queryOf(o), ...changes });
  const go = (changes) => navigate(at({ row: '', changes: '', ...changes }));
  const cellHref = (table, r, c) => at({ row: `${table.id}/${r.key}/${c.id}`, changes: '' });
  const years = Array.from({ length: 12 }, (_, i) => new Date().getUTCFullYear() - i);
  if (!years.includes(o.year)) years.push(o.year); // a year further back, asked in the address
  const name = t(`report.kind.${kind}`);

  return html`<${PageTitle}>${name} · ${o.year}<//>
    <p class="hint">${t(`report.intro.${kind}`)}</p>
    <div class="actions filters" data-testid="report-options">
      <div class="field"><label for="rp-year">${t('report.year')}</label>
        <select id="rp-year" value=${String(o.year)} onInput=${(e) => go({ year: e.currentTarget.value, withhold: '' })}>
          ${years.map((y) => html`<option value=${String(y)}>${y}</option>`)}
        </select></div>
      ${DIRECTED.has(kind) && html`<div class="field"><label for="rp-direction">${t('report.direction')}</label>
        <select id="rp-direction" value=${o.direction} onInput=${(e) => go({ direction: e.currentTarget.value, withhold: '' })}>
          <option value="">${t('report.direction.both')}</option>
          <option value="exports">${t('report.direction.exports')}</option>
          <option value="imports">${t('report.direction.imports')}</option>
        </select></div>`}
      ${BASIS.has(kind) && html`<div class="field"><label for="rp-basis">${t('report.basis')}</label>
        <select id="rp-basis" value=${o.basis || 'actual'} onInput=${(e) => go({ basis: e.currentTarget.value === 'actual' ? '' : e.currentTarget.value, withhold: '' })}>
          <option value="actual">${t('report.basis.actual')}</option>
          <option value="authorised">${t('report.basis.authorised')}</option>
        </select></div>`}
    </div>
    <div class="actions report-downloads" role="group" aria-label=${t('report.downloads')} data-testid="report-downloads">
      <span>${t('report.download')}</span>
      <a class="button secondary" href=${download(kind, o, 'csv')} download=${`${kind}-${o.year}.csv`} data-format="csv">${t('report.csv')}</a>
      <a class="button secondary" href=${download(kind, o, 'json')} download=${`${kind}-${o.year}.json`} data-format="json">${t('report.json')}</a>
      <a class="button secondary" href=${download(kind, o, 'html')} target="_blank" rel="noopener" data-format="html">${t('report.html')}</a>
    </div>
    <${LoadError} error=${error} />
    ${!report && !error && html`<${Loading} />`}
    ${changes && html`<${Changes} kind=${kind} year=${o.year} id=${changes} report=${full || report} ready=${!!report || !!error} back=${at({ changes: '' })} />`}
    ${report && html`<div class="report" data-testid="report" data-kind=${kind}>
      <p class="report-title" data-testid="report-title">${said(report.title)}</p>
      <${ReportHead} report=${report} />
      ${row && html`<${Records} kind=${kind} o=${o} row=${row} report=${report} back=${at({ row: '' })} />`}
      ${WITHHOLD.has(kind) ? html`<${Withholding} report=${report} full=${full} o=${o} apply=${(list) => go({ withhold: list.join(',') })} cellHref=${cellHref} />`
        : (report.tables || []).map((tb) => html`<${ReportTable} key=${tb.id} table=${tb} href=${cellHref} />`)}
    </div>`}
    <${Submissions} kind=${kind} year=${o.year} at=${at} refresh=${submitted} />
    ${can(user, 'submit_report') && report && html`<${SubmitForm} kind=${kind} o=${o} done=${() => setSubmitted((n) => n + 1)} />`}`;
}

// The ATT report's tables with a checkbox on each row, and the rows withheld
// now (named from the report computed without them), each to put back.
function Withholding({ report, full, o, apply, cellHref }) {
  const [chosen, setChosen] = useState(() => new Set(o.withhold));
  useEffect(() => setChosen(new Set(o.withhold)), [o.withhold.join(',')]);
  const toggle = (k) => setChosen((s) => {
    const next = new Set(s);
    if (next.has(k)) next.delete(k);
    else next.add(k);
    return next;
  });
  const named = (k) => {
    const [tid, rkey] = k.split('/');
    const tb = (full || report).tables?.find((x) => x.id === tid);
    const r = tb?.rows?.find((x) => x.key === rkey);
    return tb && r ? `${said(tb.caption)}: ${rowName(tb, r)}` : t('report.row_unknown');
  };
  const changed = [...chosen].sort().join(',') !== [...o.withhold].sort().join(',');
  return html`<form class="box" data-testid="withhold" onSubmit=${(e) => { e.preventDefault(); apply([...chosen]); }}>
    <h2>${t('report.withhold_title')}</h2>
    <p class="hint">${t('report.withhold_hint')}</p>
    ${o.withhold.length > 0 && html`<fieldset><legend>${t('report.withheld_rows')}</legend>
      <ul class="plain">${o.withhold.map((k) => html`<li key=${k}><input type="checkbox" id=${'whn-' + k} checked=${chosen.has(k)}
        onChange=${() => toggle(k)} /> <label for=${'whn-' + k}>${named(k)}</label></li>`)}</ul>
    </fieldset>`}
    <div class="actions"><button type="submit" disabled=${!changed}>${t('report.withhold_apply')}</button>
      <span class="muted" aria-live="polite">${t('report.withhold_count', { n: fmtNumber(chosen.size) })}</span></div>
  </form>
  ${(report.tables || []).map((tb) => html`<${ReportTable} key=${tb.id} table=${tb} href=${cellHref} withhold=${{ chosen, toggle }} />`)}`;
}

// The records behind a row or a cell: each with its kind, a link to its page
// where it has one, and what shows it.
function Records({ kind, o, row, report, back }) {
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);
  useRequest((keep) => {
    setRows(null);
    setError(null);
    api('GET', `/reports/${kind}/records`, { query: { ...queryOf(o), row } })
      .then((list) => withWeapons(Array.isArray(list) ? list : list?.records || []))
      .then(keep(setRows), keep(setError));
  }, [kind, JSON.stringify(queryOf(o)), row]);
  useEffect(() => {
    if (rows || error) document.getElementById('rp-rec-h')?.focus();
  }, [rows, error]);
  const [tid, rkey, cid] = row.split('/');
  const tb = report.tables?.find((x) => x.id === tid);
  const r = tb?.rows?.find((x) => x.key === rkey);
  const col = tb?.columns?.find((c) => c.id === cid);
  const what = [tb && said(tb.caption), tb && r && rowName(tb, r), col && said(col.label)].filter(Boolean).join(' · ');
  // the fields some record has, one column per label
  const present = RECORD_FIELDS.filter(([f, , how]) => (rows || []).some((x) => fieldText(x[f], how) !== null));
  const fields = present.filter(([, k], i) => present.findIndex(([, k2]) => k2 === k) === i);
  return html`<section class="box" aria-labelledby="rp-rec-h" data-testid="report-records">
    <h2 id="rp-rec-h" tabindex="-1">${t('report.records_title', { what: what || t('report.row_unknown') })}</h2>
    <p><a href=${back}>${t('report.hide_records')}</a></p>
    <${LoadError} error=${error} />
    ${!rows && !error && html`<${Loading} />`}
    ${rows && html`<${Table} caption=${t('report.records_title', { what })} rows=${rows.filter((x) => x.kind !== 'truncated')} name=${`${kind}-records`}
      rowKey=${(x) => `${x.kind}:${x.id}`} empty=${t('report.no_records')} cols=${[
      [t('report.record_kind'), (x) => label('report.record', x.kind)],
      [t('report.record_one'), (x) => {
        const page = recordPage(x);
        return html`<${Ref} href=${page || undefined} text=${recordName(x)} />`;
      }],
      ...fields.map(([f, k, how]) => [t(k), (x) => fieldText(x[f], how) ?? '—']),
    ]} />`}
    ${(rows || []).filter((x) => x.kind === 'truncated').map((x, i) => html`<p class="note" key=${i} data-testid="records-truncated">${x.note ? said(x.note) : t('report.records_more', { shown: fmtNumber(x.shown), total: fmtNumber(x.total) })}</p>`)}
  </section>`;
}

// Weapons a report names by their id alone, given the serial, make, model
// and category that show them (GET /items/{id}, the first WEAPONS_NAMED).
const WEAPONS_NAMED = 100;
async function withWeapons(list) {
  const bare = list.filter((x) => (x.kind === 'weapon' || x.kind === 'part') && x.id && !x.serial).slice(0, WEAPONS_NAMED);
  const found = await Promise.all(bare.map((x) => api('GET', `/items/${encodeURIComponent(x.id)}`).catch(() => null)));
  const by = new Map(bare.map((x, i) => [x, found[i]]));
  return list.map((x) => {
    const w = by.get(x);
    return w ? { ...x, serial: w.serial, make: w.make, model: w.model, category: x.category || w.category, calibre: w.calibre } : x;
  });
}

// The submissions of this kind and year, newest first.
function Submissions({ kind, year, at, refresh }) {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  useRequest((keep) => {
    setList(null);
    setError(null);
    api('GET', '/reports/submissions', { query: { report: kind, year } }).then(keep(setList), keep(setError));
  }, [kind, year, refresh]);
  const items = Array.isArray(list) ? list : list?.submissions || [];
  return html`<section class="box" aria-labelledby="rp-sub-h" data-testid="report-submissions">
    <h2 id="rp-sub-h">${t('report.submissions', { year })}</h2>
    <${LoadError} error=${error} />
    ${!list && !error && html`<${Loading} />`}
    ${items.length > 0 && html`<p><a class="button secondary" href=${at({ changes: 'latest', row: '' })}>${t('report.changes_latest')}</a></p>`}
    ${list && html`<${Table} caption=${t('report.submissions', { year })} rows=${items} empty=${t('report.no_submissions')} cols=${[
      [t('report.submitted_at'), (s) => html`<time datetime=${s.submitted_at}>${fmtDate(s.submitted_at)}</time>`],
      [t('report.submitted_by'), (s) => html`<span dir="auto">${actorText(s.submitted_by)}</span>`],
      [t('report.reference'), (s) => (s.reference ? html`<span dir="auto" translate="no">${s.reference}</span>` : '—')],
      [t('report.options'), (s) => optionWords(kind, s.options)],
      [t('report.ledger'), (s) => t('report.ledger_at', { seq: fmtNumber(s.ledger?.seq ?? s.ledger_seq ?? 0) })],
      [t('report.actions'), (s) => html`<span class="actions">
        <a href=${at({ changes: s.id, row: '' })}>${t('report.changes_since')}</a>
        <a href=${`/api/v1/reports/submissions/${encodeURIComponent(s.id)}`} download=${`${kind}-${year}-submission.json`}>${t('report.document')}</a></span>`],
    ]} />`}
  </section>`;
}

// A submission's options in words.
function optionWords(kind, o) {
  if (!o || !DIRECTED.has(kind)) return '—';
  const parts = [];
  if (o.direction) parts.push(t(`report.direction.${o.direction}`));
  if (o.basis) parts.push(t(`report.basis.${o.basis}`));
  if (o.withhold?.length) parts.push(t('report.withhold_count', { n: fmtNumber(o.withhold.length) }));
  return parts.join(' · ') || t('report.direction.both');
}

// Submitting the report as it stands, with the options shown.
function SubmitForm({ kind, o, done }) {
  const [open, setOpen] = useState(false);
  const [announce, setAnnounce] = useState('');
  const form = useForm({ reference: '', notes: '' }, { prefix: 'rp-sub-' });
  const go = form.submit(async (v) => {
    setAnnounce('');
    const body = { year: o.year };
    if (o.direction) body.direction = o.direction;
    if (o.basis) body.basis = o.basis;
    if (o.withhold.length) body.withhold = o.withhold;
    if (v.reference.trim()) body.reference = v.reference.trim();
    if (v.notes.trim()) body.notes = v.notes.trim();
    const s = await api('POST', `/reports/${kind}/submissions`, { body });
    form.reset();
    setOpen(false);
    setAnnounce(t('report.submitted', { when: fmtDate(s?.submitted_at) }));
    done();
  });
  return html`<section class="box" aria-labelledby="rp-submit-h" data-testid="report-submit">
    <h2 id="rp-submit-h">${t('report.submit_title')}</h2>
    <p class="success" role="status">${announce}</p>
    ${!open ? html`<button type="button" onClick=${() => setOpen(true)}>${t('report.submit_open')}</button>` : html`
      <p class="hint">${t('report.submit_hint')}</p>
      <form class="form" onSubmit=${go} novalidate>
        <div class="row">
          <${Field} form=${form} name="reference" label=${t('report.reference')} hint=${t('report.reference_hint')} />
          <${Field} form=${form} name="notes" type="textarea" label=${t('report.submit_notes')} />
        </div>
        <${FormError} form=${form} />
        <div class="actions"><${Submit} form=${form}>${t('report.submit')}<//>
          <button type="button" class="secondary" onClick=${() => setOpen(false)}>${t('report.cancel')}</button></div>
      </form>`}
  </section>`;
}

// The record each event of the comparison concerns, by the room its type
// names: [catalogue key, page].
const ROOMS = {
  item: 'items', shipment: 'shipments', licence: 'licences', recovery: 'recoveries', trace: 'traces', check: 'checks',
  destruction: 'destructions', lot: 'lots', holder: null, loss: null, euc: 'eucs',
};

// What changed in a submission (id, or "latest") since it was sent.
function Changes({ kind, year, id, report, ready, back }) {
  const [diff, setDiff] = useState(null);
  const [error, setError] = useState(null);
  useRequest((keep) => {
    setDiff(null);
    setError(null);
    api('GET', `/reports/${kind}/diff`, { query: { year, submission: id === 'latest' ? '' : id } }).then(keep(setDiff), keep(setError));
  }, [kind, year, id]);
  // the rows are named from the report: shown once both have come
  useEffect(() => {
    if ((diff && ready) || error) document.getElementById('rp-diff-h')?.focus();
  }, [diff, ready, error]);
  const tableOf = (tid) => report?.tables?.find((x) => x.id === tid);
  const rowOf = (c) => {
    const tb = tableOf(c.table);
    const r = tb?.rows?.find((x) => x.key === c.key);
    return tb && r ? rowName(tb, r) : t('report.row_gone');
  };
  const value = (v) => (v === null || v === undefined ? '—' : typeof v === 'number' ? fmtNumber(v) : typeof v === 'object' ? said(v) : html`<span dir="auto">${v}</span>`);
  const eventWhat = (e) => {
    if (e.payload) return eventText(e);
    const room = String(e.type || '').split('.')[0];
    const text = label('report.event_room', room);
    const page = ROOMS[room] && e.subject ? `#/${ROOMS[room]}/${encodeURIComponent(e.subject)}` : null;
    const words = text === room ? t('report.event_other') : text;
    return page ? html`<a href=${page}>${words}</a>` : words;
  };
  return html`<section class="box" aria-labelledby="rp-diff-h" data-testid="report-changes">
    <h2 id="rp-diff-h" tabindex="-1">${t('report.changes_title')}</h2>
    <p><a href=${back}>${t('report.hide_changes')}</a></p>
    <${LoadError} error=${error} />
    ${(!diff || !ready) && !error && html`<${Loading} />`}
    ${diff && ready && html`
      <p>${t('report.changes_of', { when: fmtDate(diff.submission?.submitted_at), then: fmtNumber(diff.submission?.ledger?.seq ?? 0), now: fmtNumber(diff.ledger?.seq ?? 0) })}</p>
      ${!diff.changed ? html`<p class="note" data-testid="report-unchanged">${t('report.unchanged')}</p>` : html`
        <${Table} caption=${t('report.changes_title')} rows=${diff.changes || []} rowKey=${(c) => `${c.table}/${c.key}/${c.column || ''}`} cols=${[
          [t('report.table'), (c) => (tableOf(c.table) ? said(tableOf(c.table).caption) : html`<span translate="no">${c.table}</span>`)],
          [t('report.row'), (c) => rowOf(c)],
          [t('report.column'), (c) => {
            const col = tableOf(c.table)?.columns?.find((x) => x.id === c.column);
            return c.column ? (col ? said(col.label) : html`<span translate="no">${c.column}</span>`) : '—';
          }],
          [t('report.change'), (c) => label('report.change', c.change)],
          [t('report.was'), (c) => value(c.submitted)],
          [t('report.now'), (c) => value(c.now)],
        ]} />`}
      <h3>${t('report.events')}</h3>
      ${(diff.events || []).length === 0 ? html`<p class="muted">${t('report.no_events')}</p>` : html`
        <ol class="history-list events compact" data-testid="report-events">${diff.events.map((e) => html`<li key=${e.seq}>
          <div class="event-head"><time datetime=${e.time}>${fmtDate(e.time)}</time>
            <span class="muted">${t('history.by')} <span dir="auto">${actorText(e.actor)}</span></span></div>
          <p class="event-what">${eventWhat(e)}</p></li>`)}</ol>`}`}
  </section>`;
}
