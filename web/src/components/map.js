// Maps drawn offline: points (the registry's sites, the places of field
// observations) over the country boundaries of world-atlas
// (countries-110m.json, copied into the console by build.mjs and served by
// wam serve like the catalogues: no tile server, no request leaving the
// server). d3-geo projects, topojson-client unpacks the boundaries; the map
// is plain SVG. Each point is a link (focusable, named by its title) to what
// it stands for, and the same points follow as a text list. A map keeps its
// geography in Arabic: west stays left, and only the legend and list around
// it are mirrored.
import { geoMercator, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { fmtNumber, t } from '../i18n.js';

const WIDTH = 600;
const HEIGHT = 340;
const PAD = 18;

let world = null; // the country shapes, fetched once
function countries() {
  world ??= fetch('/geo/countries-110m.json', { credentials: 'same-origin' })
    .then((r) => {
      if (!r.ok) throw new Error(`countries: ${r.status}`);
      return r.json();
    })
    .then((topo) => feature(topo, topo.objects.countries))
    .catch((e) => {
      world = null; // asked again next time
      throw e;
    });
  return world;
}

// The box the map shows: the points placed, with a margin of a third of
// their spread (at least a degree and a half), so a country's points fill
// the map.
function extentOf(placed) {
  const lats = placed.map((s) => s.area[0]);
  const lons = placed.map((s) => s.area[1]);
  let [s, n, w, e] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  const dy = Math.max(1.5, (n - s) / 3);
  const dx = Math.max(1.5, (e - w) / 3);
  [s, n, w, e] = [Math.max(-80, s - dy), Math.min(80, n + dy), Math.max(-180, w - dx), Math.min(180, e + dx)];
  // its corners as points: a polygon would need d3's winding (clockwise)
  return { type: 'MultiPoint', coordinates: [[w, s], [e, s], [e, n], [w, n]] };
}

// The shapes of the countries, once fetched; `failed` when they could not be.
function useCountries() {
  const [shapes, setShapes] = useState(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    countries().then((f) => live && setShapes(f), () => live && setFailed(true));
    return () => {
      live = false;
    };
  }, []);
  return { shapes, failed };
}

// points: [{id, area: [lat, lon] | null, tone (a class: its colour), title,
// href, big?, z?}], listed in the order given and drawn by z (the highest
// on top); legend: [{tone, text}]; caption names the map; list: the summary
// of the list that follows it; note: a line under it; testid and pointid
// name the map and its points for tests.
export function PointMap({ points, caption, legend, list, note, testid = 'point-map', pointid = 'map-point' }) {
  const { shapes, failed } = useCountries();
  const placed = points.filter((p) => Array.isArray(p.area)).map((p, i) => [p.z || 0, i, p]);
  placed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let drawing = null;
  if (shapes && placed.length) {
    const projection = geoMercator().fitExtent([[PAD, PAD], [WIDTH - PAD, HEIGHT - PAD]], extentOf(placed.map((x) => x[2])));
    const path = geoPath(projection);
    drawing = html`<svg class="site-map" viewBox=${`0 0 ${WIDTH} ${HEIGHT}`} role="group" aria-label=${caption}
      data-testid=${testid} direction="ltr">
      <rect class="sea" x="0" y="0" width=${WIDTH} height=${HEIGHT} />
      <g class="land" aria-hidden="true">
        ${shapes.features.map((f, i) => html`<path key=${f.id || i} d=${path(f)} />`)}
      </g>
      <g class="sites">
        ${placed.map(([, , p]) => {
          const [x, y] = projection([p.area[1], p.area[0]]);
          return html`<a key=${p.id} href=${p.href} aria-label=${p.title} class=${'site ' + p.tone} data-testid=${pointid}>
            <title>${p.title}</title>
            <circle cx=${x.toFixed(1)} cy=${y.toFixed(1)} r=${p.big ? 9 : 7} />
          </a>`;
        })}
      </g>
    </svg>`;
  }
  return html`<div class="map-box">
    ${drawing}
    ${!drawing && !failed && placed.length > 0 && html`<div class="map-wait" aria-hidden="true"></div>`}
    ${failed && html`<p class="muted">${t('map.unavailable')}</p>`}
    <ul class="map-legend">
      ${legend.map((l) => html`<li key=${l.tone}><span class=${'swatch ' + l.tone} aria-hidden="true"></span>${l.text}</li>`)}
    </ul>
    <details class="map-list">
      <summary>${list}</summary>
      <ul>
        ${points.map((p) => html`<li key=${p.id}>
          <span class=${'swatch ' + p.tone} aria-hidden="true"></span>
          <a href=${p.href}>${p.title}</a>${Array.isArray(p.area) ? '' : html` <span class="muted">${t('map.no_place')}</span>`}
        </li>`)}
      </ul>
    </details>
    ${note && html`<p class="hint">${note}</p>`}
  </div>`;
}

// The registry's sites, each a dot coloured by its alerts (the quietest
// drawn first, so the sites with most alerts are on top).
// sites: [{id, name, area: [lat, lon] | null, level: none|low|high, title}];
// href(site) is where a site leads; caption names the map.
export function SiteMap({ sites, caption, href }) {
  const order = { none: 0, low: 1, high: 2 };
  const points = sites.map((s) => ({ id: s.id, area: s.area, tone: 'level-' + s.level, title: s.title, href: href(s), big: s.level === 'high', z: order[s.level] }));
  return html`<${PointMap} points=${points} caption=${caption} testid="site-map" pointid="map-site"
    legend=${['none', 'low', 'high'].map((l) => ({ tone: 'level-' + l, text: t('map.legend_' + l) }))}
    list=${t('map.list', { n: fmtNumber(sites.length) })} note=${t('map.note')} />`;
}
