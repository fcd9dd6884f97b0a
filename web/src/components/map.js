// One map of the registry's sites, each a dot coloured by its alerts, over
// the country boundaries of world-atlas (countries-110m.json, copied into
// the console by build.mjs and served by wam serve like the catalogues: no
// tile server, no request leaving the server). d3-geo projects, topojson-
// client unpacks the boundaries; the map is plain SVG. Each site is a link
// (focusable, named by its title) to its weapons, and the same sites follow
// as a text list. A map keeps its geography in Arabic: west stays left, and
// only the legend and list around it are mirrored.
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

// The box the map shows: the sites placed, with a margin of a third of their
// spread (at least a degree and a half), so a country's sites fill the map.
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

// sites: [{id, name, area: [lat, lon] | null, level: none|low|high, title}];
// href(site) is where a site leads; caption names the map.
export function SiteMap({ sites, caption, href }) {
  const [shapes, setShapes] = useState(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    countries().then((f) => live && setShapes(f), () => live && setFailed(true));
    return () => {
      live = false;
    };
  }, []);
  const placed = sites.filter((s) => Array.isArray(s.area));
  let drawing = null;
  if (shapes && placed.length) {
    const projection = geoMercator().fitExtent([[PAD, PAD], [WIDTH - PAD, HEIGHT - PAD]], extentOf(placed));
    const path = geoPath(projection);
    // the quietest first, so the sites with most alerts are drawn on top
    const order = { none: 0, low: 1, high: 2 };
    const dots = [...placed].sort((a, b) => order[a.level] - order[b.level]);
    drawing = html`<svg class="site-map" viewBox=${`0 0 ${WIDTH} ${HEIGHT}`} role="group" aria-label=${caption}
      data-testid="site-map" direction="ltr">
      <rect class="sea" x="0" y="0" width=${WIDTH} height=${HEIGHT} />
      <g class="land" aria-hidden="true">
        ${shapes.features.map((f, i) => html`<path key=${f.id || i} d=${path(f)} />`)}
      </g>
      <g class="sites">
        ${dots.map((s) => {
          const [x, y] = projection([s.area[1], s.area[0]]);
          return html`<a key=${s.id} href=${href(s)} aria-label=${s.title} class=${'site level-' + s.level}
            data-testid="map-site">
            <title>${s.title}</title>
            <circle cx=${x.toFixed(1)} cy=${y.toFixed(1)} r=${s.level === 'high' ? 9 : 7} />
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
      ${['none', 'low', 'high'].map((l) => html`<li key=${l}><span class=${'swatch level-' + l} aria-hidden="true"></span>${t('map.legend_' + l)}</li>`)}
    </ul>
    <details class="map-list">
      <summary>${t('map.list', { n: fmtNumber(sites.length) })}</summary>
      <ul>
        ${sites.map((s) => html`<li key=${s.id}>
          <span class=${'swatch level-' + s.level} aria-hidden="true"></span>
          <a href=${href(s)}>${s.title}</a>${Array.isArray(s.area) ? '' : html` <span class="muted">${t('map.no_place')}</span>`}
        </li>`)}
      </ul>
    </details>
    <p class="hint">${t('map.note')}</p>
  </div>`;
}
