// The registry at a glance: totals, then weapons by status, category,
// marking adequacy, site and country of manufacture as bar charts with their
// numbers, and the latest events. by_site, by_country and recent may be
// missing from an older server: their panels are then left out.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { countryName, currentLanguage, fmtDate, fmtNumber, label, t } from '../i18n.js';
import { BarChart } from '../components/chart.js';
import { HistoryList } from '../components/history.js';
import { LoadError, Loading } from '../components/form.js';
import { MARKING_STATUSES, MARKING_TONE, STATUSES, STATUS_TONE } from '../vocab.js';
import { PageTitle } from './misc.js';

const MOST = 15; // bars per chart at most; beyond, the smallest are summed in one bar

// Counts {code: n} as chart rows, in the vocabulary's order when one is given
// (statuses read best in their life-cycle order), else largest first.
function rowsOf(counts, { order, describe }) {
  const codes = Object.keys(counts || {}).filter((c) => counts[c] > 0);
  if (order) codes.sort((a, b) => (order.indexOf(a) + 1 || 999) - (order.indexOf(b) + 1 || 999));
  else codes.sort((a, b) => counts[b] - counts[a] || a.localeCompare(b));
  return codes.map((code) => ({ key: code, code, value: counts[code], ...describe(code) }));
}

function capped(rows) {
  if (rows.length <= MOST) return rows;
  const rest = rows.slice(MOST - 1);
  const other = t('dashboard.other', { n: fmtNumber(rest.length) });
  return [...rows.slice(0, MOST - 1), { key: '_other', label: other, value: rest.reduce((s, r) => s + r.value, 0), tone: 'gone' }];
}

export function Dashboard() {
  const [summary, setSummary] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('GET', '/summary').then(setSummary, setError);
  }, []);

  const lang = currentLanguage();
  const charts = useMemo(() => summary && {
    status: rowsOf(summary.by_status, { order: STATUSES, describe: (c) => ({ label: label('status', c), tone: STATUS_TONE[c] }) }),
    category: capped(rowsOf(summary.by_category, {
      describe: (c) => ({ label: label('category', c), short: `${c} ${label('category', c)}` }),
    })),
    marking: rowsOf(summary.by_marking_status, { order: MARKING_STATUSES, describe: (c) => ({ label: label('marking_status', c), tone: MARKING_TONE[c] }) }),
    site: summary.by_site && capped(summary.by_site.map((s) => ({ key: s.id, label: s.name || s.id, value: s.items }))),
    country: summary.by_country && capped(rowsOf(summary.by_country, { describe: (c) => ({ label: countryName(c), short: `${c} ${countryName(c)}` }) })),
  }, [summary, lang]);

  if (error?.status === 403) {
    return html`<${PageTitle}>${t('dashboard.title')}<//>
      <p class="note">${t('dashboard.confined')} <a href="#/items">${t('nav.items')}</a></p>`;
  }
  return html`<${PageTitle}>${t('dashboard.title')}<//>
    <${LoadError} error=${error} />
    ${!summary && !error && html`<${Loading} />`}
    ${summary && html`
      <ul class="totals">
        ${['items', 'sites', 'holders', 'events'].map((k) => html`<li key=${k}>
          <span class="total-n">${fmtNumber(summary.totals?.[k] ?? 0)}</span>
          <span class="total-l">${t('dashboard.total_' + k)}</span>
        </li>`)}
      </ul>
      <div class="panels">
        <${Panel} title=${t('dashboard.by_status')} rows=${charts.status} head=${t('field.status')} />
        <${Panel} title=${t('dashboard.by_marking')} rows=${charts.marking} head=${t('field.marking_status')} />
        <${Panel} title=${t('dashboard.by_category')} rows=${charts.category} head=${t('field.category')} />
        ${charts.site && html`<${Panel} title=${t('dashboard.by_site')} rows=${charts.site} head=${t('field.site')} />`}
        ${charts.country && html`<${Panel} title=${t('dashboard.by_country')} rows=${charts.country} head=${t('field.country')} />`}
        ${summary.recent && html`<${Recent} events=${summary.recent} />`}
      </div>`}`;
}

function Panel({ title, rows, head }) {
  return html`<section class="panel">
    <h2>${title}</h2>
    <${BarChart} rows=${rows} caption=${title} head=${head} />
  </section>`;
}

function Recent({ events }) {
  return html`<section class="panel wide">
    <h2>${t('dashboard.recent')}</h2>
    ${events.length === 0 ? html`<p class="muted">${t('common.none')}</p>` : html`
      <${HistoryList} events=${events} compact changes=${false} link=${(e) => e.type.startsWith('item.') && e.subject && '#/items/' + encodeURIComponent(e.subject)} />`}
  </section>`;
}
