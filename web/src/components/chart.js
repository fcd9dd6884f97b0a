// Horizontal bar charts drawn by uPlot: one bar per row, its label beside it
// and its number at its end, so the picture reads without a legend. uPlot
// has no category axis, so rows sit at 0..n-1 on a rotated x scale (ori 1)
// and the axis prints their labels. The same numbers follow in a table,
// which is the chart's text alternative (the canvas is hidden from
// assistive technology); with `fold` the table is folded under a
// "numbers" disclosure, so a page of charts does not repeat each in full.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { html } from '../html.js';
import { currentLanguage, fmtNumber, fmtShare, t } from '../i18n.js';

const FONT = '13px system-ui, "Noto Sans", "DejaVu Sans", sans-serif';
const ROW = 26; // CSS pixels per bar
const ROW_COMPACT = 18; // on a phone
const INK = '#1f2933';
const TONES = {
  held: '#2563a6',
  missing: '#b42318',
  recovered: '#6d44a8',
  gone: '#5f6b7a',
  warn: '#9a5b00',
  plain: '#2563a6',
};

let measurer;
function textWidth(s) {
  measurer ??= document.createElement('canvas').getContext('2d');
  measurer.font = FONT;
  return measurer.measureText(s).width;
}

// Shortens a label to fit max CSS pixels, with an ellipsis.
function fit(s, max) {
  if (textWidth(s) <= max) return s;
  let n = s.length;
  while (n > 1 && textWidth(s.slice(0, n) + '…') > max) n--;
  return s.slice(0, n) + '…';
}

function options(rows, width, rtl) {
  const n = rows.length;
  const row = width < 480 ? ROW_COMPACT : ROW;
  const top = Math.max(1, ...rows.map((r) => r.value));
  const labelRoom = Math.min(width * 0.42, Math.max(...rows.map((r) => textWidth(r.short))) + 14);
  // each label isolated (FSI…PDI), so a Latin name in an Arabic page keeps
  // its ellipsis at its own end
  const labels = rows.map((r) => `\u2068${fit(r.short, labelRoom - 14)}\u2069`);
  const numberRoom = textWidth(fmtNumber(top)) + 12;
  return {
    width,
    height: n * row + 30,
    legend: { show: false },
    cursor: { show: false },
    select: { show: false },
    padding: [4, 12, 0, 12],
    scales: {
      x: { time: false, ori: 1, dir: -1, range: [-0.5, n - 0.5] }, // first row on top
      // room at the far end for the numbers printed after the bars
      y: { ori: 0, dir: rtl ? -1 : 1, range: (u) => [0, top * (1 + numberRoom / Math.max(80, u.bbox.width / devicePixelRatio - numberRoom))] },
    },
    axes: [
      {
        scale: 'x',
        side: rtl ? 1 : 3,
        size: labelRoom,
        gap: 6,
        font: FONT,
        stroke: INK,
        grid: { show: false },
        ticks: { show: false },
        splits: () => rows.map((_, i) => i),
        values: (u, splits) => splits.map((i) => labels[i] ?? ''),
      },
      {
        scale: 'y',
        side: 2,
        size: 26, // the 30 px under the bars (options' height), so each row keeps its ROW
        font: FONT,
        stroke: INK,
        space: numberRoom + 18,
        incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7],
        values: (u, splits) => splits.map((v) => (v <= top ? fmtNumber(v) : '')),
        grid: { stroke: '#e4e7eb', width: 1 },
        ticks: { show: false },
      },
    ],
    series: [
      {},
      {
        width: 0,
        fill: TONES.plain,
        points: { show: false },
        paths: uPlot.paths.bars({
          size: [0.72, row - 4],
          disp: { fill: { unit: 3, values: () => rows.map((r) => TONES[r.tone || 'plain']) } },
        }),
      },
    ],
    hooks: {
      draw: [
        (u) => {
          const ctx = u.ctx;
          const px = devicePixelRatio;
          ctx.save();
          ctx.font = FONT.replace(/\d+px/, (m) => Math.round(parseInt(m) * px) + 'px');
          ctx.fillStyle = INK;
          ctx.textBaseline = 'middle';
          ctx.textAlign = rtl ? 'right' : 'left';
          rows.forEach((r, i) => {
            const x = u.valToPos(r.value, 'y', true) + (rtl ? -5 : 5) * px;
            ctx.fillText(fmtNumber(r.value), x, u.valToPos(i, 'x', true));
          });
          ctx.restore();
        },
      ],
    },
  };
}

function Bars({ rows }) {
  const box = useRef(null);
  const lang = currentLanguage();
  useEffect(() => {
    const el = box.current;
    const rtl = document.documentElement.dir === 'rtl';
    const data = [rows.map((_, i) => i), rows.map((r) => r.value)];
    let plot = new uPlot(options(rows, el.clientWidth || 320, rtl), data, el);
    // redrawn at the new width, since labels are fitted to it
    const watch = new ResizeObserver(() => {
      const w = el.clientWidth;
      if (w && Math.abs(w - plot.width) > 2) {
        plot.destroy();
        plot = new uPlot(options(rows, w, rtl), data, el);
      }
    });
    watch.observe(el);
    return () => {
      watch.disconnect();
      plot.destroy();
    };
  }, [rows, lang]);
  return html`<div class="plot" ref=${box} aria-hidden="true"></div>`;
}

// rows: [{key, label, short?, code?, value, tone?}]; caption names the table.
// cell(row), when given, renders the number (a link to what it counts);
// share: false leaves out the share column (for figures that overlap);
// fold: the table sits under a closed "numbers" disclosure; count heads the
// numbers' column (weapons by default).
// more: further columns of the numbers table, [[head, (row) => cell]].
export function BarChart({ rows, caption, head, cell, share = true, fold = false, count, more = [] }) {
  // the same array from render to render, so the chart is drawn again only
  // when its rows change
  const bars = useMemo(() => rows.map((r) => ({ ...r, short: r.short || r.label })), [rows]);
  if (!rows.length) return html`<p class="muted">${t('common.none')}</p>`;
  const total = rows.reduce((s, r) => s + r.value, 0);
  const table = html`<table class="numbers">
      <caption class="sr-only">${caption}</caption>
      <thead><tr><th scope="col">${head}</th><th scope="col" class="num">${count || t('common.count')}</th>${share && html`<th scope="col" class="num">${t('common.share')}</th>`}${more.map(([h]) => html`<th scope="col" class="num">${h}</th>`)}</tr></thead>
      <tbody>
        ${rows.map((r) => html`<tr key=${r.key}>
          <th scope="row"><span class=${'dot tone-' + (r.tone || 'plain')}></span><span dir="auto">${r.label}</span>${r.code && r.code !== r.label ? html` <code>${r.code}</code>` : ''}</th>
          <td class="num">${cell ? cell(r) : fmtNumber(r.value)}</td>
          ${share && html`<td class="num">${fmtShare(r.value, total)}</td>`}
          ${more.map(([, c]) => html`<td class="num">${c(r)}</td>`)}
        </tr>`)}
      </tbody>
    </table>`;
  return html`<div class="chart">
    <${Bars} rows=${bars} />
    ${fold ? html`<details class="chart-numbers"><summary>${t('chart.numbers', { what: caption })}</summary>${table}</details>` : table}
  </div>`;
}

// A timeline by month drawn by uPlot: one line per series (each on its own
// scale when told, so rounds and weapons share a picture), the months
// written in the chosen language. The same figures follow in a table under
// a "numbers" disclosure, the chart's text alternative.
// rows: [{month: 'YYYY-MM', <key>: n, ...}]; series: [{key, label, color,
// scale?}]; cell(row, key), when given, renders a number (a link).
export function Timeline({ rows, series, caption, cell }) {
  const box = useRef(null);
  const lang = currentLanguage();
  const monthName = useMemo(() => {
    const f = new Intl.DateTimeFormat(lang, { month: 'short', year: 'numeric', timeZone: 'UTC' });
    return (m) => {
      const d = new Date(m + '-01T00:00:00Z');
      return isNaN(d) ? m : f.format(d);
    };
  }, [lang]);
  useEffect(() => {
    const el = box.current;
    if (!el || !rows.length) return undefined;
    const rtl = document.documentElement.dir === 'rtl';
    const scales = { x: { time: false, dir: rtl ? -1 : 1, range: [-0.5, rows.length - 0.5] } };
    for (const s of series) scales[s.scale || 'y'] = { range: (u, min, max) => [0, Math.max(1, max) * 1.1] };
    const make = (width) => new uPlot({
      width,
      height: 220,
      legend: { show: false },
      cursor: { show: false },
      select: { show: false },
      scales,
      axes: [
        { scale: 'x', font: FONT, stroke: INK, grid: { show: false }, splits: () => rows.map((_, i) => i).filter((i) => rows.length <= 12 || i % Math.ceil(rows.length / 12) === 0),
          values: (u, splits) => splits.map((i) => (rows[i] ? monthName(rows[i].month) : '')) },
        ...[...new Set(series.map((s) => s.scale || 'y'))].map((sc, i) => ({
          scale: sc, side: (i === 0) !== rtl ? 3 : 1, font: FONT, stroke: series.find((s) => (s.scale || 'y') === sc).color,
          grid: { show: i === 0, stroke: '#e4e7eb' }, values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? fmtNumber(v) : '')),
        })),
      ],
      series: [{}, ...series.map((s) => ({ scale: s.scale || 'y', stroke: s.color, width: 2, points: { show: true, size: 6, fill: s.color } }))],
    }, [rows.map((_, i) => i), ...series.map((s) => rows.map((r) => r[s.key] ?? 0))], el);
    let plot = make(el.clientWidth || 320);
    const watch = new ResizeObserver(() => {
      const w = el.clientWidth;
      if (w && Math.abs(w - plot.width) > 2) {
        plot.destroy();
        plot = make(w);
      }
    });
    watch.observe(el);
    return () => {
      watch.disconnect();
      plot.destroy();
    };
  }, [rows, series, lang]);
  if (!rows.length) return html`<p class="muted">${t('common.none')}</p>`;
  return html`<div class="month-chart">
    <ul class="month-legend">${series.map((s) => html`<li key=${s.key}><span class="swatch" style=${{ background: s.color }} aria-hidden="true"></span>${s.label}</li>`)}</ul>
    <div class="plot" ref=${box} aria-hidden="true"></div>
    <details class="chart-numbers"><summary>${t('chart.numbers', { what: caption })}</summary>
      <table class="numbers">
        <caption class="sr-only">${caption}</caption>
        <thead><tr><th scope="col">${t('chart.month')}</th>${series.map((s) => html`<th scope="col" class="num" key=${s.key}>${s.label}</th>`)}</tr></thead>
        <tbody>${rows.map((r) => html`<tr key=${r.month}><th scope="row">${monthName(r.month)}</th>
          ${series.map((s) => html`<td class="num" key=${s.key}>${cell ? cell(r, s.key) : fmtNumber(r[s.key] ?? 0)}</td>`)}</tr>`)}</tbody>
      </table>
    </details>
  </div>`;
}
