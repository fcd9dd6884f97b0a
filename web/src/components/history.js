// Events in the user's language: the one line of each event from the
// catalogue's template event.<type> (the mini-language of src/events.json's
// summaries, filled by i18n.js's fillTemplate), its values shown through the
// vocabularies src/events.json's "labels" names; who did it; and the fields
// it changed, before and after. The server's English summary is the command
// line's, never shown here.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { actorText, countryName, currentLanguage, fillTemplate, fmtDate, fmtNumber, label, messageText, t } from '../i18n.js';
import catalogue from '../../../src/events.json';
import { useSites } from './stock.js';

const LABELS = Object.fromEntries(catalogue.events.map((e) => [e.type, e.labels || {}]));

// How a field of a weapon's record is shown when the event names no
// vocabulary for it (the before and after of a registration).
const FIELD_KINDS = {
  status: 'status', category: 'category', marking_status: 'marking_status', country: 'country', site_id: 'site',
  holder_id: 'holder_ref', year: 'year',
};

// Holders named by the events shown: id -> the answer of GET /holders/{id}, asked once.
const holderCache = new Map();
function useHolders(events) {
  const ids = [...new Set(events.flatMap((e) => [e.before?.holder_id, e.after?.holder_id]).filter((id) => typeof id === 'string'))];
  const [names, setNames] = useState({});
  useEffect(() => {
    let live = true;
    for (const id of ids) {
      if (!holderCache.has(id)) holderCache.set(id, api('GET', `/holders/${encodeURIComponent(id)}`).catch(() => null));
      holderCache.get(id).then((h) => live && h?.name && setNames((n) => ({ ...n, [id]: h.name })));
    }
    return () => { live = false; };
  }, [ids.join(' ')]);
  return names;
}

function day(s) {
  const d = new Date(s + 'T00:00:00Z');
  return isNaN(d) ? s : d.toLocaleDateString(currentLanguage(), { dateStyle: 'medium', timeZone: 'UTC' });
}

// One value as words: through its vocabulary (kind), else by its type;
// a list as its elements, an object as its values, never as JSON. refs
// names what ids refer to: sites (a list), holders ({id: name}).
export function valueText(v, kind, refs = {}) {
  if (v === null || v === undefined || v === '') return '';
  if (Array.isArray(v)) return v.map((x) => valueText(x, kind, refs)).filter(Boolean).join(', ');
  if (typeof v === 'boolean') return t(v ? 'common.yes' : 'common.no');
  if (typeof v === 'number') return kind === 'year' ? String(v) : fmtNumber(v);
  if (typeof v === 'object') {
    if ('text' in v) return [v.text, label('kind', v.kind), label('component', v.component)].filter(Boolean).join(' · ');
    if ('country' in v && 'year' in v) return `${countryName(v.country)} ${v.year ?? ''}`.trim();
    if ('name' in v) return String(v.name);
    return Object.values(v).map((x) => valueText(x, undefined, refs)).filter(Boolean).join(', ');
  }
  const s = String(v);
  switch (kind) {
    case undefined:
      return s;
    case 'country':
      return countryName(s);
    case 'site':
      return refs.sites?.find((x) => x.id === s)?.name || s;
    case 'holder_ref':
      return refs.holders?.[s] || s;
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(s) ? day(s) : fmtDate(s);
    default:
      return label(kind, s);
  }
}

// The event's line in the chosen language: text in the page's direction,
// each value isolated in <bdi> (a reason typed in Arabic in a French
// sentence, a Latin serial in an Arabic one, each keeps its own order).
export function eventText(e, refs = {}) {
  const key = `event.${e.type}`;
  const template = t(key);
  if (template === key) return [t('history.other_event')];
  const labels = LABELS[e.type] || {};
  const payload = e.payload || {};
  // a text the server wrote (a reason) comes with its message (reason_msg), worded here
  const words = (v, path) => {
    if (path === null) return fmtNumber(v);
    const msg = payload[`${path}_msg`];
    if (!msg?.message_id) return valueText(v, labels[path], refs);
    // an argument that is a site's id is named
    const args = (msg.args || []).map((a) => refs.sites?.find((s) => s.id === a)?.name || a);
    return messageText({ ...msg, args, message: v });
  };
  // what a person typed (a reason, a serial) is kept as typed: not for translation
  const typed = (path) => path !== null && !payload[`${path}_msg`]?.message_id && !labels[path];
  const parts = fillTemplate(template, payload, (v, path) => html`<bdi translate=${typed(path) ? false : undefined}>${words(v, path)}</bdi>`);
  // a sentence begins with a capital, unless it begins with a value (a serial, a user name)
  if (typeof parts[0] === 'string') parts[0] = parts[0].charAt(0).toLocaleUpperCase(currentLanguage()) + parts[0].slice(1);
  return parts;
}

function fieldLabel(k) {
  const key = `field.${k}`;
  const text = t(key);
  if (text !== key) return text;
  const base = `field.${k.replace(/_id$/, '')}`;
  const other = t(base);
  return other !== base ? other : k.replace(/_/g, ' ');
}

// The fields an event changed, before → after.
function Changes({ e, refs }) {
  const { before, after } = e;
  const labels = LABELS[e.type] || {};
  const show = (v, k) => valueText(v, labels[k] ?? FIELD_KINDS[k], refs) || '—';
  const keys = [...new Set([...Object.keys(before || {}), ...Object.keys(after || {})])]
    .filter((k) => JSON.stringify(before?.[k] ?? null) !== JSON.stringify(after?.[k] ?? null));
  if (!keys.length) return null;
  return html`<details class="history-changes">
    <summary>${t('history.changes', { n: fmtNumber(keys.length) })}</summary>
    <table class="list changes">
      <thead><tr><th scope="col">${t('history.field')}</th><th scope="col">${t('history.before')}</th><th scope="col">${t('history.after')}</th></tr></thead>
      <tbody>${keys.map((k) => html`<tr key=${k}><th scope="row">${fieldLabel(k)}</th>
        <td dir="auto">${show(before?.[k], k)}</td><td dir="auto">${show(after?.[k], k)}</td></tr>`)}</tbody>
    </table>
  </details>`;
}

// A list of events, newest last as the server gives them: when, who, what,
// and (changes) the fields each changed. link(e) may give the event's line a
// link (the dashboard links a weapon's events to its page).
export function HistoryList({ events, changes = true, link, compact = false }) {
  const refs = { sites: useSites(), holders: useHolders(changes ? events : []) };
  return html`<ol class=${compact ? 'history-list events compact' : 'history-list timeline'}>
    ${events.map((e) => {
      const text = eventText(e, refs);
      const href = link && link(e);
      return html`<li data-testid="event" key=${e.seq}>
        <div class="event-head">
          <time datetime=${e.time}>${fmtDate(e.time)}</time>
          <span class="muted">${t('history.by')} <span dir="auto">${actorText(e.actor)}</span></span>
        </div>
        <p class="event-what">${href ? html`<a href=${href}>${text}</a>` : text}</p>
        ${changes && html`<${Changes} e=${e} refs=${refs} />`}
      </li>`;
    })}
  </ol>`;
}
