// The tracing vocabularies (include/wam/trace.h, docs/trace.md) and the
// badges the tracing pages share. Labels come from the catalogues.
import { html } from '../html.js';
import { countryName, label } from '../i18n.js';
import { Ref } from './table.js';

// The words come from the server (GET /api/v1/vocabulary, loaded by
// vocab.js), re-exported under the names the tracing pages use.
export {
  CONFIDENTIALITIES as CONFIDENTIALITY,
  DIVERSION,
  ILLICIT_REASONS as ILLICIT,
  TRACE_RESULTS_NEED_REASON as NEEDS_REASON,
  TRACE_RESULTS as RESULTS,
  SDG_COUNTS,
  SDG_RESULTS,
  SDG_TYPES,
  TRACE_DIRECTIONS,
  TRACE_STATES,
  URGENCIES as URGENCY,
  TRACE_VIAS as VIA,
  TRACE_PARTY_KINDS as PARTY_KINDS,
} from '../vocab.js';

const HIT_TONE = { open: 'warn', confirmed: 'missing', rejected: 'gone' };
const TRACE_TONE = { draft: 'gone', sent: 'warn', acknowledged: 'warn', answered: 'held', closed: 'gone' };

// A trace request by its reference, or its id when it has none.
export const TraceLink = ({ req }) => html`<${Ref} href=${'#/traces/' + encodeURIComponent(req.id)} text=${req.reference || req.id} />`;

export const HitState = ({ state }) => html`<span class=${'badge tone-' + (HIT_TONE[state] || 'plain')}>${label('hit_state', state)}</span>`;

export const TraceState = ({ state }) =>
  html`<span class=${'badge tone-' + (TRACE_TONE[state] || 'plain')} data-testid="trace-state">${label('trace_state', state)}</span>`;

// null when on time; else which answer is late (acknowledgement or reply)
export const OverdueBadge = ({ overdue }) =>
  overdue ? html`<span class="badge tone-missing">${label('overdue', overdue)}</span>` : '—';

// A party of a trace request (requesting or requested) in words: a state by
// its country's name; a Panel of Experts, a peace operation or a
// manufacturer by its name, with its country when it has one. A party
// without a kind is a state (include/wam/trace.h).
export function partyText(party) {
  if (!party) return '';
  if (!party.kind || party.kind === 'state') return countryName(party.state) || '';
  if (!party.name) return label('party_kind', party.kind);
  return party.state ? `${party.name} (${countryName(party.state)})` : party.name;
}

// The same for a row of the list, whose parties come as columns.
export const partyOfRow = (r, side) => ({ kind: r[side + '_kind'], name: r[side + '_name'], state: r[side + '_state'] });
