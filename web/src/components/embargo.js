// What the embargo and sanctions pages share (docs/embargo.md,
// docs/sanctions.md): badges for the states of exemptions, notices and
// screening alerts, links to each record, a regime's territories by country
// name, a period as two days, a score as a meter, a name with the parts
// screening matched marked, the explanation of a match in words, and the
// records an alert is about.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { countryName, label, messageText, t } from '../i18n.js';
import { Day } from './stock.js';

const TONES = {
  exemption_state: {
    recorded: 'plain', notified: 'warn', approved: 'held', no_objection: 'held', objected: 'missing', refused: 'missing',
    expired: 'gone',
  },
  notice_state: { due: 'warn', sent: 'held' },
  alert_state: { open: 'missing', confirmed: 'missing', cleared: 'held' },
};

// A code of one of the rooms' vocabularies as a badge in words.
export const EmbBadge = ({ kind, code }) =>
  code ? html`<span class=${'badge tone-' + (TONES[kind]?.[code] || 'plain')} data-state=${code}>${label(kind, code)}</span>` : '—';

export const InForce = ({ yes }) =>
  html`<span class=${'badge tone-' + (yes ? 'missing' : 'gone')}>${yes ? t('emb.in_force') : t('emb.not_in_force')}</span>`;

// A regime's name in the language: a Security Council regime on one
// territory is named as the country is; a national embargo as "national
// embargo on" its country; any other by the reference file's own name
// (ISIL (Da'esh) and Al-Qaida, Sudan (Darfur)...), in English, marked so.
export function regimeName(r) {
  if (!r) return '';
  const one = r.territories?.length === 1 ? r.territories[0] : null;
  if (one && r.source === 'national') return t('emb.national_name', { country: countryName(one) });
  if (one && !/[/(]| and /.test(r.name || '')) return countryName(one);
  return r.name || '';
}
const regimeShown = (r) => r && (regimeName(r) !== r.name ? regimeName(r) : html`<span lang="en" translate=${false}>${r.name}</span>`);

// The regimes by id, asked once (a record names its regime by id).
let regimes = null;
const knownRegimes = () =>
  (regimes ??= api('GET', '/regimes').then((rs) => Object.fromEntries(rs.map((x) => [x.id, x])), (e) => {
    regimes = null;
    throw e;
  }));
export function useRegime(id) {
  const [r, setR] = useState(null);
  useEffect(() => {
    if (!id) return;
    let live = true;
    knownRegimes().then((all) => live && setR(all[id] || null), () => {});
    return () => {
      live = false;
    };
  }, [id]);
  return r;
}

// Every regime, for choosing one: an empty list until known, and when the
// embargo room is absent.
export function useRegimes() {
  const [list, setList] = useState([]);
  useEffect(() => {
    let live = true;
    knownRegimes().then((all) => live && setList(Object.values(all)), () => {});
    return () => {
      live = false;
    };
  }, []);
  return list;
}

// A regime by its name in the language, a link to its page (on a date).
export function RegimeLink({ id, regime, on }) {
  const known = useRegime(regime ? null : id);
  const r = regime || known;
  if (!id && !regime) return '—';
  const to = '#/regimes/' + encodeURIComponent(id || regime.id) + (on ? '?on=' + encodeURIComponent(on) : '');
  return html`<a href=${to} dir="auto">${r ? regimeShown(r) : t('emb.regime')}</a>`;
}

export const RegimeName = ({ r }) => regimeShown(r);

export const ExemptionLink = ({ id, children }) => html`<a href=${'#/exemptions/' + encodeURIComponent(id)}>${children}</a>`;
export const NoticeLink = ({ id, children }) => html`<a href=${'#/notices/' + encodeURIComponent(id)}>${children}</a>`;
export const AlertLink = ({ id, children }) => html`<a href=${'#/screening-alerts/' + encodeURIComponent(id)}>${children}</a>`;
export const EntryLink = ({ id, name }) =>
  id ? html`<a href=${'#/sanctions/' + encodeURIComponent(id)} dir="auto" translate=${false}>${name || id}</a>` : html`<span dir="auto">${name}</span>`;

// Countries by name, in the language's order.
export const Territories = ({ codes }) =>
  codes?.length ? html`<span>${codes.map(countryName).join(t('emb.list_sep'))}</span>` : '—';

// "from – until" (until open: "since from").
export function Period({ p }) {
  if (!p) return '—';
  if (!p.until) return html`<span class="emb-period">${t('emb.since')} <${Day} at=${p.from} /></span>`;
  return html`<span class="emb-period"><${Day} at=${p.from} /> – <${Day} at=${p.until} /></span>`;
}

// A finding of screening in the language: the catalogue's sentence, its
// arguments in words — a party's role by its label, a country by its name,
// a day written in the language.
export function findingText(f) {
  const args = (f.args || []).map((a) => {
    const v = String(a);
    if (/^[a-z]+(_[a-z]+)*$/.test(v) && messageKnown('party_role.' + v)) return label('party_role', v);
    if (/^[A-Z]{2}$/.test(v)) return countryName(v);
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return dayText(v);
    return v;
  });
  if (f.message_id && messageKnown('msg.' + f.message_id)) return messageText({ ...f, args });
  // a sentence the catalogue does not have yet: the server's, its
  // arguments worded all the same
  let text = f.message || '';
  (f.args || []).forEach((a, i) => {
    if (String(a) !== args[i]) text = text.split(String(a)).join(args[i]);
  });
  return text;
}
const messageKnown = (key) => t(key) !== key;

// A regime's scope in words: the Security Council's (regime_scope) or a
// national embargo's (embargo_scope).
export const scopeText = (code) => (messageKnown('regime_scope.' + code) ? label('regime_scope', code) : label('embargo_scope', code));

// A share of 1 as a meter with its percentage beside it.
export function Score({ value }) {
  if (value === null || value === undefined) return '—';
  const pct = new Intl.NumberFormat(document.documentElement.lang || 'en', { style: 'percent', maximumFractionDigits: 0 }).format(value);
  return html`<span class="emb-score"><meter min="0" max="1" low="0.6" high="0.8" optimum="0" value=${value}
    aria-label=${t('emb.score_is', { pct })}>${pct}</meter> <span aria-hidden="true">${pct}</span></span>`;
}

// The [start, end] of a name part screening reports are counted in Unicode
// code points of the name as asked; a JavaScript string counts UTF-16
// units, so the name is cut by code points.
export function markedName(name, explanation) {
  const chars = [...(name || '')];
  const ranges = (explanation || [])
    .filter((e) => Array.isArray(e.at) && e.at.length === 2 && e.at[1] > e.at[0] && !['missing', 'extra', 'different', 'particle_ignored'].includes(e.how))
    .map((e) => [Math.max(0, e.at[0]), Math.min(chars.length, e.at[1]), e])
    .sort((a, b) => a[0] - b[0]);
  const out = [];
  let at = 0;
  for (const [from, to, e] of ranges) {
    if (from < at) continue; // overlapping parts: the first one marks
    if (from > at) out.push(chars.slice(at, from).join(''));
    out.push(html`<mark title=${label('match_how', e.how)} data-how=${e.how}>${chars.slice(from, to).join('')}</mark>`);
    at = to;
  }
  if (at < chars.length) out.push(chars.slice(at).join(''));
  return html`<bdi class="emb-name" dir="auto" translate=${false}>${out}</bdi>`;
}

// Each part of the name asked and what it met in the entry, in words.
export function Explanation({ explanation }) {
  if (!explanation?.length) return null;
  return html`<table class="list emb-explain">
    <caption class="sr-only">${t('emb.explanation')}</caption>
    <thead><tr><th scope="col">${t('emb.query_part')}</th><th scope="col">${t('emb.entry_part')}</th>
      <th scope="col">${t('emb.how')}</th><th scope="col">${t('emb.part_score')}</th></tr></thead>
    <tbody>${explanation.map((e, i) => html`<tr key=${i}>
      <th scope="row"><bdi dir="auto" translate=${false}>${e.query_part || '—'}</bdi></th>
      <td><bdi dir="auto" translate=${false}>${e.entry_part || '—'}</bdi></td>
      <td>${label('match_how', e.how)}</td>
      <td class="num">${['missing', 'extra', 'particle_ignored'].includes(e.how) ? '—' : html`<${Score} value=${e.score} />`}</td>
    </tr>`)}</tbody>
  </table>`;
}

// The secondary fields that raised or lowered a score: the field, for or
// against, and the sentence when the catalogue has it.
export function Evidence({ evidence }) {
  if (!evidence?.length) return null;
  return html`<ul class="plain emb-evidence">${evidence.map((e, i) => html`<li key=${i} data-effect=${e.effect}>
    <span class=${'badge tone-' + (e.effect === 'against' ? 'held' : 'missing')}>${label('evidence_effect', e.effect)}</span>
    ${' '}<strong>${label('evidence_field', e.field)}</strong>${e.message_id ? html`: <span>${messageText(e)}</span>` : ''}
  </li>`)}</ul>`;
}

// The pages of the records an alert or a notice is about.
const SUBJECT_PAGES = {
  licence: (id) => '#/licences/' + encodeURIComponent(id),
  euc: (id) => '#/eucs/' + encodeURIComponent(id),
  shipment: (id) => '#/shipments/' + encodeURIComponent(id),
  broker: (id) => '#/brokers/' + encodeURIComponent(id),
  recovery: (id) => '#/recoveries/' + encodeURIComponent(id),
};

export function Subject({ s }) {
  if (!s) return '—';
  const to = SUBJECT_PAGES[s.kind]?.(s.id);
  const what = html`${label('subject_kind', s.kind)}${s.label ? html` <bdi dir="auto" translate=${false}>${s.label}</bdi>` : ''}`;
  return to ? html`<a href=${to}>${what}</a>` : html`<span>${what}</span>`;
}

export const Subjects = ({ list }) =>
  list?.length ? html`<ul class="plain emb-subjects">${list.map((s, i) => html`<li key=${i}><${Subject} s=${s} /></li>`)}</ul>` : '—';

// A free text of the reference file or a person, in its own direction.
export const Text = ({ v }) => (v === null || v === undefined || v === '' ? '—' : html`<span dir="auto">${Array.isArray(v) ? v.join('; ') : String(v)}</span>`);

// A source of the reference file: a title with its address, or a line.
export function Source({ s }) {
  if (typeof s === 'string') return /^https?:\/\//.test(s) ? html`<a href=${s} rel="noreferrer" dir="ltr" translate=${false}>${s}</a>` : html`<${Text} v=${s} />`;
  const title = s.title || s.name || s.url || s.id;
  return html`${s.url ? html`<a href=${s.url} rel="noreferrer" dir="auto">${title}</a>` : html`<${Text} v=${title} />`}${s.date ? html` · <${Day} at=${s.date} />` : ''}`;
}

// A day (YYYY-MM-DD) in the chosen language, as text.
export function dayText(day) {
  const d = new Date(day + 'T00:00:00Z');
  return !day || isNaN(d) ? day || '' : d.toLocaleDateString(document.documentElement.lang, { dateStyle: 'medium', timeZone: 'UTC' });
}

export const today = () => new Date().toISOString().slice(0, 10);
