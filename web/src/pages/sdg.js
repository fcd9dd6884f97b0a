// SDG indicator 16.4.2 for a year and a site scope: the indicator value, the
// counts as a bar chart with its table, the breakdowns by weapon type and by
// tracing result. Every number links to the records behind it
// (#/reports/sdg?year=…&site=…&figure=…), each record to its weapon.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { useRequest } from '../request.js';
import { currentLanguage, fmtNumber, label, t } from '../i18n.js';
import { href, navigate } from '../router.js';
import { national } from '../roles.js';
import { BarChart } from '../components/chart.js';
import { LoadError, Loading } from '../components/form.js';
import { Day, ItemLink, Table, siteOptions, useSites } from '../components/stock.js';
import { SDG_COUNTS, SDG_RESULTS, SDG_TYPES } from '../components/trace.js';
import { MarkingBadge, PageTitle } from './misc.js';
import { MANUFACTURES, PERSON_AGE_BANDS, PERSON_SEXES } from '../vocab.js';

const TONE = { recovered: 'plain', seized: 'recovered', found: 'recovered', surrendered: 'recovered', identified: 'held',
  trace_initiated: 'warn', traced_successfully: 'held', established_otherwise: 'held' };

export function Sdg({ user, route }) {
  const q = route.query;
  const lastYear = new Date().getUTCFullYear() - 1;
  const year = Number(q.get('year')) || lastYear;
  // a caller confined to sites reports on one of them, never the whole registry
  const confined = !national(user);
  const site = q.get('site') || (confined ? user.sites[0] : '');
  const figure = q.get('figure') || '';
  const sites = useSites();
  const [report, setReport] = useState(null);
  const [error, setError] = useState(null);
  useRequest((keep) => {
    setReport(null);
    setError(null);
    api('GET', '/reports/sdg-16-4-2', { query: { year, site } }).then(keep(setReport), keep(setError));
  }, [year, site]);

  const go = (changes) => navigate(href('reports/sdg', { year, site, ...changes }));
  const link = (fig, n) => html`<a href=${href('reports/sdg', { year, site, figure: fig })} data-figure=${fig}
    aria-label=${t('sdg.records_of', { figure: figureName(fig), n: fmtNumber(n) })}>${fmtNumber(n)}</a>`;
  const lang = currentLanguage();
  const bars = useMemo(() => report && SDG_COUNTS.map((k) => ({ key: k, label: label('sdg_count', k), value: report.counts?.[k] ?? 0, tone: TONE[k] })), [report, lang]);
  const years = Array.from({ length: 12 }, (_, i) => lastYear + 1 - i);
  const ind = report?.indicator;

  // the scope in words: the site's name (the report names only its id)
  const scope = site ? (report?.site_name || sites.find((x) => x.id === site)?.name || site) : t('sdg.whole_registry');
  return html`<${PageTitle}>${t('sdg.title')} · ${year} · <span dir="auto" data-testid="sdg-scope">${scope}</span><//>
    <p class="hint">${t('sdg.intro')}</p>
    <div class="actions filters">
      <div class="field"><label for="sdg-year">${t('sdg.year')}</label>
        <select id="sdg-year" value=${String(year)} onInput=${(e) => go({ year: e.currentTarget.value, figure: '' })}>
          ${years.map((y) => html`<option value=${String(y)}>${y}</option>`)}
        </select></div>
      <div class="field"><label for="sdg-site">${t('field.site')}</label>
        <select id="sdg-site" value=${site} onInput=${(e) => go({ site: e.currentTarget.value, figure: '' })}>
          ${(confined ? siteOptions(sites.filter((x) => user.sites.includes(x.id)), '').slice(1) : siteOptions(sites, t('sdg.whole_registry')))
            .map((o) => html`<option value=${o.value}>${o.label}</option>`)}
        </select></div>
      <a class="button secondary" href=${`/api/v1/reports/sdg-16-4-2?${new URLSearchParams({ year, ...(site ? { site } : {}), format: 'csv' })}`}
        download=${`sdg-16-4-2-${year}.csv`}>${t('sdg.csv')}</a>
    </div>
    <${LoadError} error=${error} />
    ${!report && !error && html`<${Loading} />`}
    ${report && html`
      <section class="indicator" aria-labelledby="sdg-ind-h" data-testid="sdg-indicator">
        <h2 id="sdg-ind-h">${t('sdg.indicator')}</h2>
        <p class="indicator-value">${ind?.value === null || ind?.value === undefined ? html`<span>${t('sdg.no_value')}</span>`
          : html`<span data-testid="sdg-value" data-value=${ind.value}>${new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 2 }).format(ind.value / 100)}</span>`}</p>
        <p>${t('sdg.fraction')} ${link('numerator', ind?.numerator ?? 0)} / ${link('recovered', ind?.denominator ?? 0)}</p>
        <p class="hint">${t('sdg.definition')}</p>
      </section>
      ${figure && html`<${Records} year=${year} site=${site} figure=${figure} recoveries=${!confined} />`}
      <div class="panels">
        <section class="panel" aria-labelledby="sdg-counts-h">
          <h2 id="sdg-counts-h">${t('sdg.counts')}</h2>
          <div data-testid="sdg-counts">
            <${BarChart} rows=${bars} caption=${t('sdg.counts_links')} head=${t('sdg.figure')} share=${false}
              cell=${(r) => link(r.key, r.value)} />
          </div>
        </section>
        <section class="panel" aria-labelledby="sdg-type-h">
          <h2 id="sdg-type-h">${t('sdg.by_type')}</h2>
          <table class="numbers">
            <caption class="sr-only">${t('sdg.by_type')}</caption>
            <thead><tr><th scope="col">${t('sdg.type')}</th><th scope="col" class="num">${label('sdg_count', 'recovered')}</th>
              <th scope="col" class="num">${t('sdg.numerator')}</th></tr></thead>
            <tbody>${typesOf(report).map((k) => html`<tr key=${k}><th scope="row">${label('sdg_type', k)}</th>
              <td class="num">${link('by_type.' + k, report.by_type?.[k]?.recovered ?? 0)}</td>
              <td class="num">${link(`by_type.${k}+numerator`, report.by_type?.[k]?.numerator ?? 0)}</td></tr>`)}</tbody>
          </table>
          <h2 id="sdg-result-h">${t('sdg.by_result')}</h2>
          <table class="numbers">
            <caption class="sr-only">${t('sdg.by_result')}</caption>
            <thead><tr><th scope="col">${t('trace.pod')}</th><th scope="col" class="num">${t('common.count')}</th></tr></thead>
            <tbody>${resultsOf(report).map((k) => html`<tr key=${k}><th scope="row">${label('sdg_result', k)}</th>
              <td class="num">${link('by_result.' + k, report.by_result?.[k] ?? 0)}</td></tr>`)}</tbody>
          </table>
          ${report.by_context && Object.keys(report.by_context).length > 0 && html`
            <h2>${t('sdg.by_context')}</h2>
            <table class="numbers">
              <caption class="sr-only">${t('sdg.by_context')}</caption>
              <thead><tr><th scope="col">${t('rec.context')}</th><th scope="col" class="num">${t('common.count')}</th></tr></thead>
              <tbody>${Object.entries(report.by_context).map(([k, n]) => html`<tr key=${k}><th scope="row">${label('context', k)}</th>
                <td class="num">${link('by_context.' + k, n)}</td></tr>`)}</tbody>
            </table>`}
        </section>
        ${report.by_manufacture && html`<section class="panel" aria-labelledby="sdg-made-h" data-testid="sdg-manufacture">
          <h2 id="sdg-made-h">${t('sdg.by_manufacture')}</h2>
          <table class="numbers">
            <caption class="sr-only">${t('sdg.by_manufacture')}</caption>
            <thead><tr><th scope="col">${t('makeup.manufacture')}</th><th scope="col" class="num">${label('sdg_count', 'recovered')}</th>
              <th scope="col" class="num">${t('sdg.numerator')}</th></tr></thead>
            <tbody>${manufacturesOf(report).map((k) => html`<tr key=${k}><th scope="row">${k === 'unknown' ? t('makeup.not_recorded') : label('manufacture', k)}</th>
              <td class="num">${link('by_manufacture.' + k, report.by_manufacture[k]?.recovered ?? 0)}</td>
              <td class="num">${link(`by_manufacture.${k}+numerator`, report.by_manufacture[k]?.numerator ?? 0)}</td></tr>`)}</tbody>
          </table>
        </section>`}
        ${(report.by_sex || report.by_age_band) && html`<section class="panel" aria-labelledby="sdg-people-h" data-testid="sdg-people">
          <h2 id="sdg-people-h">${t('sdg.people')}</h2>
          <p class="hint">${t('sdg.people_hint')}</p>
          ${[['by_sex', 'sex', PERSON_SEXES, t('sdg.by_sex')], ['by_age_band', 'age_band', PERSON_AGE_BANDS, t('sdg.by_age_band')]].map(([kind, vocab, words, caption]) => report[kind] && html`
            <table class="numbers" key=${kind} data-testid=${'sdg-' + kind}>
              <caption>${caption}</caption>
              <thead><tr><th scope="col">${caption}</th><th scope="col" class="num">${label('sdg_count', 'recovered')}</th>
                <th scope="col" class="num">${t('sdg.numerator')}</th></tr></thead>
              <tbody>${[...words.filter((k) => k in report[kind]), ...Object.keys(report[kind]).filter((k) => !words.includes(k))].map((k) => html`<tr key=${k}>
                <th scope="row">${label(vocab, k)}</th>
                <td class="num">${link(`${kind}.${k}`, report[kind][k]?.recovered ?? 0)}</td>
                <td class="num">${link(`${kind}.${k}+numerator`, report[kind][k]?.numerator ?? 0)}</td></tr>`)}</tbody>
            </table>`)}
        </section>`}
        ${(report.ammunition || report.parts) && html`<${Iafq} report=${report} />`}
      </div>`}`;
}

// The manufacture types in the vocabulary's order, then "not recorded".
const manufacturesOf = (r) => [...MANUFACTURES.filter((k) => k in r.by_manufacture),
  ...Object.keys(r.by_manufacture).filter((k) => !MANUFACTURES.includes(k) && k !== 'unknown'), ...('unknown' in r.by_manufacture ? ['unknown'] : [])];

// The counts UNODC's questionnaire (IAFQ) asks of the scope's recoveries:
// rounds of ammunition by recovery context and calibre, parts by context
// and type.
function Iafq({ report }) {
  const a = report.ammunition;
  const p = report.parts;
  const table = (caption, head, counts, name, unit) => html`<table class="numbers">
    <caption class="sr-only">${caption}</caption>
    <thead><tr><th scope="col">${head}</th><th scope="col" class="num">${unit}</th></tr></thead>
    <tbody>${Object.entries(counts || {}).map(([k, n]) => html`<tr key=${k}><th scope="row">${name(k)}</th><td class="num">${fmtNumber(n)}</td></tr>`)}</tbody>
  </table>`;
  return html`<section class="panel" aria-labelledby="sdg-iafq-h" data-testid="sdg-iafq">
    <h2 id="sdg-iafq-h">${t('sdg.iafq')}</h2>
    <p class="hint">${t('sdg.iafq_hint')}</p>
    ${a && html`<h3>${t('sdg.ammunition')}</h3>
      <p data-testid="sdg-rounds">${t('sdg.rounds_lines', { rounds: fmtNumber(a.rounds || 0), lines: fmtNumber(a.lines || 0) })}</p>
      ${a.by_context && Object.keys(a.by_context).length > 0 && table(t('sdg.rounds_by_context'), t('rec.context'), a.by_context, (k) => label('context', k), t('ammo.rounds'))}
      ${a.by_calibre && Object.keys(a.by_calibre).length > 0 && table(t('sdg.rounds_by_calibre'), t('field.calibre'), a.by_calibre, (k) => html`<span dir="auto">${k}</span>`, t('ammo.rounds'))}`}
    ${p && html`<h3>${t('sdg.parts')}</h3>
      <p data-testid="sdg-parts">${t('sdg.parts_recovered', { n: fmtNumber(p.recovered || 0) })}</p>
      ${p.by_context && Object.keys(p.by_context).length > 0 && table(t('sdg.parts_by_context'), t('rec.context'), p.by_context, (k) => label('context', k), t('common.count'))}
      ${p.by_type && Object.keys(p.by_type).length > 0 && table(t('sdg.parts_by_type'), t('makeup.part_type'), p.by_type, (k) => label('part_type', k), t('common.count'))}`}
  </section>`;
}

// The vocabulary's rows, then any the server adds.
const typesOf = (r) => [...SDG_TYPES, ...Object.keys(r.by_type || {}).filter((k) => !SDG_TYPES.includes(k))];
const resultsOf = (r) => [...SDG_RESULTS, ...Object.keys(r.by_result || {}).filter((k) => !SDG_RESULTS.includes(k))];

// A figure, or several joined by + (the records in all of them: a type's
// numerator is by_type.<type>+numerator).
function figureName(fig) {
  if (fig.includes('+')) return fig.split('+').map(figureName).join(' · ');
  if (fig === 'numerator') return t('sdg.numerator');
  const [kind, code] = fig.split('.');
  if (!code) return label('sdg_count', kind);
  if (kind === 'by_type') return label('sdg_type', code);
  if (kind === 'by_result') return label('sdg_result', code);
  if (kind === 'by_manufacture') return code === 'unknown' ? t('makeup.not_recorded') : label('manufacture', code);
  if (kind === 'by_sex') return label('sex', code);
  if (kind === 'by_age_band') return label('age_band', code);
  return label('context', code);
}

// recoveries: whether the recovery pages (national callers only) may be linked
function Records({ year, site, figure, recoveries }) {
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);
  useRequest((keep) => {
    setRows(null);
    setError(null);
    const key = (r) => `${r.item_id} ${r.recovery_id || ''}`;
    Promise.all(figure.split('+').map((f) => api('GET', '/reports/sdg-16-4-2/records', { query: { year, site, figure: f } })))
      .then(keep(([first, ...rest]) => {
        const inAll = rest.map((l) => new Set(l.map(key)));
        setRows(first.filter((r) => inAll.every((s) => s.has(key(r)))));
      }), keep(setError));
  }, [year, site, figure]);
  // the list appears where the person clicked from: move there
  useEffect(() => {
    if (rows) document.getElementById('sdg-rec-h')?.focus();
  }, [rows]);
  return html`<section class="box" aria-labelledby="sdg-rec-h" data-testid="sdg-records">
    <h2 id="sdg-rec-h" tabindex="-1">${t('sdg.records', { figure: figureName(figure), year })}</h2>
    <p><a href=${href('reports/sdg', { year, site })}>${t('sdg.hide_records')}</a></p>
    <${LoadError} error=${error} />
    ${!rows && !error && html`<${Loading} />`}
    ${rows && html`<${Table} caption=${t('sdg.records', { figure: figureName(figure), year })} rows=${rows}
      rowKey=${(r) => r.item_id + (r.recovery_id || '')} empty=${t('sdg.no_records')} cols=${[
      [t('field.serial'), (r) => html`<${ItemLink} id=${r.item_id} serial=${r.serial} />`],
      [t('rec.type'), (r) => label('status', r.recovery_type)],
      [t('rec.date'), (r) => html`<${Day} at=${r.date} />`],
      [t('field.make'), (r) => html`<span dir="auto">${[r.make, r.model].filter(Boolean).join(' ') || '—'}</span>`],
      [t('field.category'), (r) => r.category || '—'],
      [t('field.marking_status'), (r) => html`<${MarkingBadge} status=${r.marking_status} />`],
      [t('sdg.traced'), (r) => (r.traced ? t('common.yes') : t('common.no'))],
      // R11: a result from a restricted response, for a role without trace_confidential
      [t('trace.pod'), (r) => (r.withheld ? html`<span class="muted" data-testid="sdg-withheld">${t('sdg.withheld')}</span>` : label('sdg_result', r.result) || '—')],
      [t('sdg.established_by'), (r) => (r.origin ? label('origin_method', r.origin) : '—')],
      ...(recoveries ? [[t('rec.one'), (r) => (r.recovery_id ? html`<a href=${'#/recoveries/' + encodeURIComponent(r.recovery_id)}>${t('task.see_recovery')}</a>` : '—')]] : []),
    ]} />`}
  </section>`;
}
