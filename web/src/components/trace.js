// The tracing vocabularies (include/wam/trace.h, docs/trace.md) and the
// badges the tracing pages share. Labels come from the catalogues.
import { html } from '../html.js';
import { label } from '../i18n.js';

export const DIVERSION = ['illicit_manufacture', 'civilian_holder', 'state_stocks', 'transfer_export', 'other'];
export const TRACE_STATES = ['draft', 'sent', 'acknowledged', 'answered', 'closed'];
export const RESULTS = ['record_found', 'no_record', 'partial', 'delayed', 'restricted', 'refused'];
// results the requested state must give a reason for (ITI: tell the requester why)
export const NEEDS_REASON = ['delayed', 'restricted', 'refused'];
export const ILLICIT = ['illicit_national_law', 'embargo_violation', 'inadequately_marked', 'illicit_manufacture', 'unauthorised_transfer'];
export const CONFIDENTIALITY = ['unclassified', 'restricted', 'confidential'];
export const URGENCY = ['routine', 'urgent', 'immediate'];
export const VIA = ['national_contact_point', 'interpol'];
export const SDG_COUNTS = ['recovered', 'seized', 'found', 'surrendered', 'identified', 'trace_initiated', 'traced_successfully', 'established_otherwise'];
export const SDG_TYPES = ['pistol_revolver', 'rifle', 'shotgun', 'smg', 'machine_gun', 'other'];
export const SDG_RESULTS = [...DIVERSION, 'not_established'];

const HIT_TONE = { open: 'warn', confirmed: 'missing', rejected: 'gone' };
const TRACE_TONE = { draft: 'gone', sent: 'warn', acknowledged: 'warn', answered: 'held', closed: 'gone' };

// A trace request by its reference, or its id when it has none.
export const TraceLink = ({ req }) => html`<a href=${'#/traces/' + encodeURIComponent(req.id)} dir="auto">${req.reference || req.id}</a>`;

export const HitState = ({ state }) => html`<span class=${'badge tone-' + (HIT_TONE[state] || 'plain')}>${label('hit_state', state)}</span>`;

export const TraceState = ({ state }) =>
  html`<span class=${'badge tone-' + (TRACE_TONE[state] || 'plain')} data-testid="trace-state">${label('trace_state', state)}</span>`;

// null when on time; else which answer is late (acknowledgement or reply)
export const OverdueBadge = ({ overdue }) =>
  overdue ? html`<span class="badge tone-missing">${label('overdue', overdue)}</span>` : '—';
