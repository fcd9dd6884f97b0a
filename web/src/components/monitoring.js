// What the monitoring pages share (docs/monitoring.md): links to an
// observation, a finding and an actor's or a country's profile, a finding's
// state as a badge, a source's grade (reliability A–F, credibility 1–6) in
// words, a place, the evidence rule's verdict exactly as the API gives it,
// and what people typed (names, markings, statements) in its own script and
// direction, never translated.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { countryName, fmtNumber, label, messageText, t } from '../i18n.js';
import { href } from '../router.js';
import { useRequest } from '../request.js';
import { useForm } from './form.js';
import { Day } from './stock.js';

const enc = encodeURIComponent;

export const obsHref = (id) => '#/observations/' + enc(id);
export const findingHref = (id) => '#/findings/' + enc(id);
export const actorHref = (name) => href('profiles/actor', { name });
export const countryHref = (cc) => '#/profiles/country/' + enc(cc);

// What a person typed: in its own direction, left as written.
export const Typed = ({ v, cls }) =>
  v === null || v === undefined || v === '' ? '—' : html`<bdi class=${cls} dir="auto" translate=${false}>${String(v)}</bdi>`;

// The day of a date or a date-time (observed_at may be either).
export const ObsDay = ({ at }) => html`<${Day} at=${at ? String(at).slice(0, 10) : at} />`;

// A place: its name, its admin area and its country by name.
export function Place({ p }) {
  if (!p) return '—';
  const parts = [p.name, p.admin_area].filter(Boolean);
  return html`<span>${parts.length ? html`<${Typed} v=${parts.join(', ')} />` : ''}${parts.length && p.country ? ' · ' : ''}${p.country ? countryName(p.country) : ''}</span>`;
}

// An observation as words: its kind and its day, a link to its page.
export const ObservationLink = ({ id, kind, at }) =>
  html`<a href=${obsHref(id)}>${label('obs_kind', kind) || t('mon.observation')} · <${ObsDay} at=${at} /></a>`;

// A finding by its statement (cut when long), a link to its page.
export function FindingLink({ id, statement }) {
  const s = String(statement || '');
  const short = s.length > 90 ? s.slice(0, 88) + '…' : s;
  return html`<a href=${findingHref(id)}>${short ? html`<bdi dir="auto" translate=${false}>${short}</bdi>` : t('mon.finding')}</a>`;
}

// An actor by name (a link to its profile) and kind.
export function ActorName({ a, link = true }) {
  if (!a?.name) return '—';
  const name = html`<bdi dir="auto" translate=${false}>${a.name}</bdi>`;
  return html`${link ? html`<a href=${actorHref(a.name)}>${name}</a>` : name}${a.kind ? html` <span class="muted">(${label('actor_kind', a.kind)})</span>` : ''}`;
}

const STATE_TONE = { draft: 'warn', corroborated: 'held', reported: 'recovered' };
export const FindingState = ({ state }) =>
  state ? html`<span class=${'badge tone-' + (STATE_TONE[state] || 'plain')} data-state=${state}>${label('finding_state', state)}</span>` : '—';

// A source's grade as the analysts write it (B2), its words beside it.
export function Grade({ s }) {
  if (!s?.reliability && !s?.credibility) return '—';
  const words = t('mon.grade_words', { reliability: label('reliability', s.reliability), credibility: label('credibility', s.credibility) });
  return html`<span class="mon-grade"><abbr title=${words} translate=${false}>${s.reliability}${s.credibility}</abbr> <span class="muted">${words}</span></span>`;
}

export const YesNo = ({ yes }) => (yes ? t('common.yes') : t('common.no'));

// The evidence rule R13's verdict for a finding, as the API computed it:
// whether it holds, on which ground, the counts it found and its sentence.
// The console never judges the evidence itself.
// name(id): an observation in words, for the sources the rule set aside.
export function Verdict({ rule, name = () => '…' }) {
  if (!rule) return html`<p class="muted">${t('common.none')}</p>`;
  const said = messageText({ message: rule.message, message_id: rule.message_id, args: rule.args });
  return html`<div class=${'mon-verdict ' + (rule.holds ? 'holds' : 'fails')} data-testid="verdict" data-holds=${rule.holds ? 'true' : 'false'}>
    <p><span class=${'badge tone-' + (rule.holds ? 'held' : 'warn')}>${rule.holds ? t('mon.rule_holds') : t('mon.rule_fails')}</span>
      ${rule.rule && html` <strong>${label('evidence_rule', rule.rule)}</strong>`}</p>
    ${said && html`<p data-testid="verdict-message">${said}</p>`}
    <ul class="plain mon-counts">
      <li>${t('mon.independent_sources', { n: fmtNumber(rule.independent_sources ?? 0) })}</li>
      <li>${rule.physical ? t('mon.physical_yes') : t('mon.physical_no')}</li>
      <li>${rule.documentary ? t('mon.documentary_yes') : t('mon.documentary_no')}</li>
    </ul>
    ${Array.isArray(rule.set_aside) && html`<${SetAside} rows=${rule.set_aside} name=${name} />`}
  </div>`;
}

// The sources the rule did not count as independent, and why, as the
// verdict names them (never judged again here): each a link to its
// observation, the reason in the reader's words, a source counted already
// named when it is the same one.
const WHY = ['same_source', 'dependent', 'poorly_graded', 'no_ref_or_identity'];
const sourceLink = (s, name) => html`<a href=${obsHref(s.observation)}>${t('mon.set_aside_source', { n: fmtNumber((s.source ?? 0) + 1), observation: '\u2068' + name(s.observation) + '\u2069' })}</a>`;

function SetAside({ rows, name }) {
  return html`<div class="mon-set-aside">
    <h3>${t('mon.set_aside_title')}</h3>
    ${rows.length === 0 ? html`<p class="muted">${t('mon.set_aside_none')}</p>` : html`<ul data-testid="set-aside">
      ${rows.map((s) => html`<li key=${s.observation + '/' + s.source} data-why=${s.why} data-observation=${s.observation}>
        ${sourceLink(s, name)}${s.ref ? html` (${t('mon.set_aside_ref', { ref: '' })}<bdi dir="auto" translate=${false}>${s.ref}</bdi>)` : ''}:
        ${' '}${WHY.includes(s.why) ? t('mon.why_' + s.why) : s.why}${s.why === 'same_source' && s.with ? html` ${sourceLink(s.with, name)}` : ''}
      </li>`)}
    </ul>`}
  </div>`;
}

// A list the API sends whole, or wrapped in an object.
export const rowsOf = (r, key) => (Array.isArray(r) ? r : r?.[key] || r?.items || []);

// A list the address filters: the filters' form (set again from the
// address each time it changes, `hash` its query string) and the rows the
// API answers for them (GET `path`, the list or its `key`), `narrow` keeping
// some of them.
export function useFilteredList(path, key, asked, hash, { prefix, narrow = (rows) => rows } = {}) {
  const form = useForm(asked, { prefix });
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  useRequest((keep) => {
    form.setValues(asked);
    setList(null);
    setError(null);
    api('GET', path, { query: asked }).then(keep((r) => setList(narrow(rowsOf(r, key)))), keep(setError));
  }, [hash]);
  return { form, list, error };
}
