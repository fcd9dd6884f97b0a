// The registry at a glance, and the caller's work: first what waits for the
// user (GET /todo, each kind of work a link to the list that holds it), the
// totals, a map of the sites coloured by their alerts, then weapons by
// status, category, marking adequacy, site and country of manufacture as bar
// charts (their numbers folded under each), and the latest events. A user
// confined to sites gets the same page over their sites, and it says so.
// by_site, by_country, sites and recent may be missing from an older
// server, and /todo too: their panels are then left out.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { countryName, currentLanguage, fmtDate, fmtNumber, label, t } from '../i18n.js';
import { BarChart } from '../components/chart.js';
import { HistoryList } from '../components/history.js';
import { LoadError, Loading } from '../components/form.js';
import { SiteMap } from '../components/map.js';
import { MANUFACTURES, MARKING_STATUSES, MARKING_TONE, STATUSES, STATUS_TONE } from '../vocab.js';
import { PageTitle } from './misc.js';

const MOST = 15; // bars per chart at most; beyond, the smallest are summed in one bar
const MOST_NARROW = 8; // on a phone

// Where each kind of work is done: the list that holds it, filtered to it.
// A room that adds a kind of work (src/rooms.c, wam_todo_parts) adds its
// page here and its words as todo.<kind> in the catalogues.
const TODO_PAGES = {
  hits_open: { list: '#/inbox', one: (r) => '#/inbox/' + r.id },
  traces_overdue: { list: '#/traces?overdue=1', one: (r) => '#/traces/' + r.id },
  lots_expiring: { list: '#/lots', one: (r) => '#/lots/' + r.id },
  lots_suspended: { list: '#/lots?condition=SUSPENDED', one: (r) => '#/lots/' + r.id },
  investigations_open: { list: '#/checks', one: (r) => r.title?.item_id && '#/items/' + r.title.item_id },
  custody_overdue: { list: '#/custody', one: (r) => r.title?.item_id && '#/items/' + r.title.item_id },
  tasks_open: { list: '#/recoveries', one: (r) => r.title?.item_id && '#/items/' + r.title.item_id },
  diversion_alerts: { list: '#/diversions?state=open', one: (r) => '#/diversions/' + encodeURIComponent(r.id) },
  screening_alerts: { list: '#/screening-alerts?state=open', one: (r) => '#/screening-alerts/' + encodeURIComponent(r.id) },
  notices_overdue: { list: '#/notices?state=due', one: (r) => '#/notices/' + encodeURIComponent(r.id) },
  notices_due: { list: '#/notices?state=due', one: (r) => '#/notices/' + encodeURIComponent(r.id) },
};

// Counts {code: n} as chart rows, in the vocabulary's order when one is given
// (statuses read best in their life-cycle order), else largest first.
function rowsOf(counts, { order, describe }) {
  const codes = Object.keys(counts || {}).filter((c) => counts[c] > 0);
  if (order) codes.sort((a, b) => (order.indexOf(a) + 1 || 999) - (order.indexOf(b) + 1 || 999));
  else codes.sort((a, b) => counts[b] - counts[a] || a.localeCompare(b));
  return codes.map((code) => ({ key: code, code, value: counts[code], ...describe(code) }));
}

function capped(rows, most) {
  if (rows.length <= most) return rows;
  const rest = rows.slice(most - 1);
  const other = t('dashboard.other', { n: fmtNumber(rest.length) });
  return [...rows.slice(0, most - 1), { key: '_other', label: other, value: rest.reduce((s, r) => s + r.value, 0), tone: 'gone' }];
}

const narrowScreen = () => typeof matchMedia === 'function' && matchMedia('(max-width: 600px)').matches;

// The sites on the map, each with its alerts: weapons lost or stolen there,
// and the open hits and stock-check discrepancies the to-do list counts
// there (as far as the user's role is given them).
function mapSites(summary, todo) {
  const at = (kind, id) => todo?.items?.find((i) => i.kind === kind)?.sites?.[id] || 0;
  const rows = (summary.sites || []).map((s) => {
    const hits = at('hits_open', s.id);
    const discrepancies = at('investigations_open', s.id);
    const alerts = s.missing + hits + discrepancies;
    return { ...s, alerts, title: t('map.site', { name: s.name, n: fmtNumber(alerts), missing: fmtNumber(s.missing), hits: fmtNumber(hits), discrepancies: fmtNumber(discrepancies) }) };
  });
  const top = Math.max(0, ...rows.map((s) => s.alerts));
  return rows.map((s) => ({ ...s, level: s.alerts === 0 ? 'none' : s.alerts * 3 > top * 2 ? 'high' : 'low' }));
}

export function Dashboard() {
  const [summary, setSummary] = useState(null);
  const [todo, setTodo] = useState(null);
  const [error, setError] = useState(null);
  const [todoError, setTodoError] = useState(null);
  useEffect(() => {
    api('GET', '/summary').then(setSummary, setError);
    api('GET', '/todo').then(setTodo, (e) => (e?.status === 404 ? setTodo({ items: [], missing: true }) : setTodoError(e)));
  }, []);

  const lang = currentLanguage();
  const most = narrowScreen() ? MOST_NARROW : MOST;
  const charts = useMemo(() => summary && {
    status: rowsOf(summary.by_status, { order: STATUSES, describe: (c) => ({ label: label('status', c), tone: STATUS_TONE[c] }) }),
    category: capped(rowsOf(summary.by_category, {
      describe: (c) => ({ label: label('category', c), short: `${c} ${label('category', c)}` }),
    }), most),
    marking: rowsOf(summary.by_marking_status, { order: MARKING_STATUSES, describe: (c) => ({ label: label('marking_status', c), tone: MARKING_TONE[c] }) }),
    site: summary.by_site && capped(summary.by_site.map((s) => ({ key: s.id, label: s.name || s.id, value: s.items })), most),
    manufacture: summary.by_manufacture && rowsOf(Object.fromEntries(Object.entries(summary.by_manufacture).filter(([c]) => c !== 'unknown')), {
      order: MANUFACTURES, describe: (c) => ({ label: label('manufacture', c), tone: c === 'factory' ? 'held' : 'warn' }),
    }),
    country: summary.by_country && capped(rowsOf(summary.by_country, { describe: (c) => ({ label: countryName(c), short: `${c} ${countryName(c)}` }) }), most),
  }, [summary, lang, most]);
  const sites = useMemo(() => summary?.sites && mapSites(summary, todo), [summary, todo, lang]);

  return html`<${PageTitle}>${t('dashboard.title')}<//>
    <${LoadError} error=${error} />
    ${!summary && !error && html`<${Loading} />`}
    ${summary?.scope && html`<p class="dash-scope" data-testid="scope">${summary.scope.confined
      ? t('dashboard.scope_sites', { sites: new Intl.ListFormat(lang, { type: 'conjunction' }).format(summary.scope.sites.map((s) => s.name)) })
      : t('dashboard.scope_all')}</p>`}
    <${Todo} todo=${todo} error=${todoError} />
    ${summary && html`
      <ul class="totals">
        ${['items', 'sites', 'holders', 'events'].filter((k) => k in (summary.totals || {})).map((k) => html`<li key=${k}>
          <span class="total-n">${fmtNumber(summary.totals[k])}</span>
          <span class="total-l">${t('dashboard.total_' + k)}</span>
        </li>`)}
      </ul>
      <div class="panels">
        ${sites && sites.length > 0 && html`<section class="panel wide" aria-labelledby="map-h">
          <h2 id="map-h">${t('dashboard.map')}</h2>
          <${SiteMap} sites=${sites} caption=${t('dashboard.map')} href=${(s) => '#/items?site=' + encodeURIComponent(s.id)} />
        </section>`}
        <${Panel} title=${t('dashboard.by_status')} rows=${charts.status} head=${t('field.status')} />
        <${Panel} title=${t('dashboard.by_marking')} rows=${charts.marking} head=${t('field.marking_status')} />
        <${Panel} title=${t('dashboard.by_category')} rows=${charts.category} head=${t('field.category')} />
        ${charts.site && html`<${Panel} title=${t('dashboard.by_site')} rows=${charts.site} head=${t('field.site')} />`}
        ${charts.country && html`<${Panel} title=${t('dashboard.by_country')} rows=${charts.country} head=${t('field.country')} />`}
        ${charts.manufacture && html`<${Makeup} summary=${summary} rows=${charts.manufacture} narrow=${most === MOST_NARROW} />`}
        ${summary.recent && html`<${Recent} events=${summary.recent} />`}
      </div>`}`;
}

// One record of a kind of work, in the words its page names it by.
function recordTitle(r) {
  const x = r.title || {};
  if (x.party) return [x.party, x.entry].filter(Boolean).join(' · ');
  if (x.kind && x.about) return [label('notice_kind', x.kind), label('subject_kind', x.about.kind)].filter(Boolean).join(' · ');
  if (x.reference) return [x.reference, x.serial].filter(Boolean).join(' · ');
  if (x.lot_number) return [x.lot_number, x.nomenclature].filter(Boolean).join(' · ');
  if (x.euc_number) return [x.serial, x.euc_number, label('check_result', x.result)].filter(Boolean).join(' · ');
  return [x.serial, x.make, x.model, x.holder].filter(Boolean).join(' · ') || r.id;
}

// What waits for the user: each kind of work a link to its list (filtered
// to it), the soonest due date, and the first few records.
function Todo({ todo, error }) {
  if (todo?.missing) return null;
  return html`<section class="todo" aria-labelledby="todo-h" data-testid="todo">
    <h2 id="todo-h">${t('dashboard.todo')}</h2>
    <${LoadError} error=${error} />
    ${!todo && !error && html`<${Loading} />`}
    ${todo && todo.items.length === 0 && html`<p class="muted">${t('dashboard.todo_none')}</p>`}
    ${todo && todo.items.length > 0 && html`<ul class="todo-list">
      ${todo.items.map((item) => {
        const page = TODO_PAGES[item.kind];
        const words = page ? t('todo.' + item.kind) : t('todo.other');
        const due = item.list.map((r) => r.due).filter(Boolean).sort()[0];
        const what = html`<span class="todo-n">${fmtNumber(item.count)}</span> <span class="todo-l">${words}</span>`;
        return html`<li key=${item.kind} data-kind=${item.kind}>
          ${page ? html`<a class="todo-link" href=${page.list}>${what}</a>` : what}
          ${due && html`<span class="todo-due">${t('dashboard.todo_due', { date: fmtDay(due) })}</span>`}
          ${page && html`<ul class="todo-records">
            ${item.list.slice(0, 3).map((r) => {
              const to = page.one(r);
              return html`<li key=${r.id} dir="auto">${to ? html`<a href=${to}>${recordTitle(r)}</a>` : recordTitle(r)}</li>`;
            })}
          </ul>`}
        </li>`;
      })}
    </ul>`}
  </section>`;
}

// A calendar day (YYYY-MM-DD) in the user's language.
function fmtDay(day) {
  const d = new Date(day + 'T00:00:00Z');
  return isNaN(d) ? day : new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

// How the weapons were made: the manufacture types recorded (printed,
// converted, craft…; each number of the table a link to the list of them),
// what is not recorded, the parts beside the weapons and the frames'
// materials. On a phone the numbers are a short list of links, no chart.
function Makeup({ summary, rows, narrow }) {
  const unknown = summary.by_manufacture?.unknown || 0;
  const kinds = summary.by_kind || {};
  const frames = Object.entries(summary.by_frame_material || {}).filter(([c, n]) => c !== 'unknown' && n > 0);
  const links = [
    ...(narrow ? rows.map((r) => ['#/items?manufacture=' + encodeURIComponent(r.key), t('dashboard.list_of', { what: r.label, n: fmtNumber(r.value) })]) : []),
    ...('part' in kinds ? [['#/items?kind=part', t('dashboard.parts_n', { n: fmtNumber(kinds.part || 0), weapons: fmtNumber(kinds.weapon || 0) })]] : []),
    ...frames.map(([c, n]) => ['#/items?frame_material=' + encodeURIComponent(c), t('dashboard.frames_n', { what: label('frame_material', c), n: fmtNumber(n) })]),
  ];
  return html`<section class="panel" data-testid="dash-makeup">
    <h2>${t('dashboard.by_manufacture')}</h2>
    ${rows.length === 0 ? html`<p class="muted">${t('dashboard.no_manufacture')}</p>`
      : !narrow && html`<${BarChart} rows=${rows} caption=${t('dashboard.by_manufacture')} head=${t('makeup.manufacture')} fold
        cell=${(r) => html`<a href=${'#/items?manufacture=' + encodeURIComponent(r.key)} aria-label=${t('dashboard.list_of', { what: r.label, n: fmtNumber(r.value) })}>${fmtNumber(r.value)}</a>`} />`}
    <p class="dash-makeup">${links.map(([to, text], i) => html`${i ? ' · ' : ''}<a href=${to}>${text}</a>`)}
      ${unknown > 0 && html`<br /><span class="muted">${t('dashboard.manufacture_unknown', { n: fmtNumber(unknown) })}</span>`}</p>
  </section>`;
}

function Panel({ title, rows, head }) {
  return html`<section class="panel">
    <h2>${title}</h2>
    <${BarChart} rows=${rows} caption=${title} head=${head} fold />
  </section>`;
}

function Recent({ events }) {
  return html`<section class="panel wide">
    <h2>${t('dashboard.recent')}</h2>
    ${events.length === 0 ? html`<p class="muted">${t('common.none')}</p>` : html`
      <${HistoryList} events=${events} compact changes=${false} link=${(e) => e.type.startsWith('item.') && e.subject && '#/items/' + encodeURIComponent(e.subject)} />`}
  </section>`;
}
