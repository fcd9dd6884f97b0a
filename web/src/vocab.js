// The registry's roles, status machine and closed vocabularies, as the
// server enforces them: GET /api/v1/vocabulary (docs/api.md), loaded once
// after sign-in by loadVocabulary(), before any page shows. The console keeps
// no copy of them; it only translates each code (status.<code>,
// category.<code>… in web/i18n/*.json). The bindings below are filled in
// place, so a page that imports them sees the loaded words.
import { api } from './api.js';

export let STATUSES = [];
// status -> the statuses that may follow it
export let NEXT_STATUS = {};
// the changes that need a reason
export let STATUS_NEEDS_REASON = [];
// destroyed and exported: only a destruction batch or a confirmed export gives them
export let BY_PROCEDURE = [];
export let CATEGORIES = [];
export let MARKING_STATUSES = [];
export let COMPONENTS = [];
export let MARKING_KINDS = [];
export let LEGIBILITY = [];
// how a weapon was made (docs/registry.md): a part's types, the manufacture
// types, what a converted weapon was before, frame materials and marking
// methods (a server without them offers none)
export let PART_TYPES = [];
export let MANUFACTURES = [];
export let CONVERSIONS = [];
export let FRAME_MATERIALS = [];
export let MARKING_METHODS = [];
export let SITE_KINDS = [];
// role -> the actions it may do (docs/auth.md)
export let ROLE_ACTIONS = {};
export let ROLES = [];
// tracing (docs/trace.md): a point of diversion's category, a trace
// request's channel, illicit reason, confidentiality, urgency, results (and
// those that need a reason) and states; the SDG 16.4.2 report's counts,
// weapon types and diversion results; a hit's decisions, a loss report's
// kinds and a trace request's directions
export let DIVERSION = [];
export let TRACE_VIAS = [];
export let TRACE_PARTY_KINDS = [];
export let ILLICIT_REASONS = [];
export let CONFIDENTIALITIES = [];
export let URGENCIES = [];
export let TRACE_RESULTS = [];
export let TRACE_RESULTS_NEED_REASON = [];
export let TRACE_STATES = [];
export let SDG_COUNTS = [];
export let SDG_TYPES = [];
export let SDG_RESULTS = [];
export let HIT_DECISIONS = [];
export let LOSS_KINDS = [];
export let TRACE_DIRECTIONS = [];
// the stock room (docs/stock.md): a lot's conditions, a custody record's
// states, a check's types, read methods and resolution outcomes, a
// destruction's methods and the roles of its people
export let LOT_CONDITIONS = [];
export let CUSTODY_STATES = [];
export let CHECK_TYPES = [];
export let CHECK_READ_METHODS = [];
export let CHECK_OUTCOMES = [];
export let DESTRUCTION_METHODS = [];
export let DESTRUCTION_ROLES = [];
// the collection room (docs/collection.md): a recovery's types and contexts
export let RECOVERY_TYPES = [];
export let RECOVERY_CONTEXTS = [];
// people counted by sex and age (a recovery's person, a holder) and a
// recovery's legal justification (docs/collection.md)
export let PERSON_SEXES = [];
export let PERSON_AGE_BANDS = [];
export let LEGAL_JUSTIFICATIONS = [];
// the transfers room (docs/transfers.md): licences' kinds and states, a
// party's roles, goods, the assessment's prohibitions, risks, their findings
// and decisions, certificates' states and verification results, shipments'
// states, post-shipment check results, brokers' activities and states, and
// diversion alerts' states
export let LICENCE_KINDS = [];
export let LICENCE_STATES = [];
export let PARTY_ROLES = [];
export let GOODS = [];
export let PROHIBITIONS = [];
export let PROHIBITION_FINDINGS = [];
export let RISKS = [];
export let RISK_FINDINGS = [];
export let DECISIONS = [];
export let EUC_STATES = [];
export let VERIFICATION_RESULTS = [];
export let SHIPMENT_STATES = [];
export let CHECK_RESULTS = [];
export let BROKER_ACTIVITIES = [];
export let BROKER_STATES = [];
export let DIVERSION_STATES = [];
// the embargo and sanctions rooms (docs/embargo.md, docs/sanctions.md):
// regimes' targets and scopes, national embargoes' scopes, exemptions'
// procedures, states and decisions, notices' kinds and states; list
// entries' kinds, aliases' qualities, dates' kinds, alerts' states and the
// lists' sources
export let REGIME_TARGETS = [];
export let REGIME_SCOPES = [];
export let EMBARGO_SCOPES = [];
export let EXEMPTION_PROCEDURES = [];
export let EXEMPTION_STATES = [];
export let EXEMPTION_DECISIONS = [];
export let NOTICE_KINDS = [];
export let NOTICE_STATES = [];
export let ENTRY_KINDS = [];
export let ALIAS_QUALITIES = [];
export let DATE_KINDS = [];
export let ALERT_STATES = [];
export let LIST_SOURCES = [];
// the monitoring room (docs/monitoring.md): observations' kinds, actors'
// kinds, sources' types and their grades (reliability A–F, credibility
// 1–6), items' and documents' kinds, findings' states and what a finding
// may link
export let OBSERVATION_KINDS = [];
export let ACTOR_KINDS = [];
export let SOURCE_TYPES = [];
export let RELIABILITY = [];
export let CREDIBILITY = [];
export let OBS_ITEM_KINDS = [];
export let DOCUMENT_KINDS = [];
export let FINDING_STATES = [];
export let LINK_KINDS = [];

let loaded = null;

// Asks the server once; later calls share the first answer. A failure is
// not kept, so the next call asks again.
export function loadVocabulary() {
  if (!loaded) {
    loaded = api('GET', '/vocabulary').then(
      (v) => {
        STATUSES = v.statuses;
        NEXT_STATUS = v.status_next;
        STATUS_NEEDS_REASON = v.status_needs_reason;
        BY_PROCEDURE = v.status_final_by_procedure;
        CATEGORIES = v.categories.map((c) => c.code);
        MARKING_STATUSES = v.marking_statuses;
        COMPONENTS = v.components;
        MARKING_KINDS = v.marking_kinds;
        LEGIBILITY = v.legibilities;
        PART_TYPES = v.part_types || [];
        MANUFACTURES = v.manufactures || [];
        CONVERSIONS = v.conversions || [];
        FRAME_MATERIALS = v.frame_materials || [];
        MARKING_METHODS = v.marking_methods || [];
        SITE_KINDS = v.site_kinds;
        ROLE_ACTIONS = Object.fromEntries(v.roles.map((r) => [r.role, r.actions]));
        ROLES = v.roles.map((r) => r.role);
        DIVERSION = v.diversion_categories;
        TRACE_VIAS = v.trace_vias;
        TRACE_PARTY_KINDS = v.trace_party_kinds;
        ILLICIT_REASONS = v.illicit_reasons;
        CONFIDENTIALITIES = v.confidentialities;
        URGENCIES = v.urgencies;
        TRACE_RESULTS = v.trace_results;
        TRACE_RESULTS_NEED_REASON = v.trace_results_need_reason;
        TRACE_STATES = v.trace_states;
        SDG_COUNTS = v.sdg_counts;
        SDG_TYPES = v.sdg_weapon_types;
        SDG_RESULTS = v.sdg_results;
        HIT_DECISIONS = v.hit_decisions;
        LOSS_KINDS = v.loss_kinds;
        TRACE_DIRECTIONS = v.trace_directions;
        LOT_CONDITIONS = v.lot_conditions;
        CUSTODY_STATES = v.custody_states;
        CHECK_TYPES = v.check_types;
        CHECK_READ_METHODS = v.check_read_methods;
        CHECK_OUTCOMES = v.check_outcomes;
        DESTRUCTION_METHODS = v.destruction_methods;
        DESTRUCTION_ROLES = v.destruction_roles;
        RECOVERY_TYPES = v.recovery_types;
        RECOVERY_CONTEXTS = v.recovery_contexts;
        PERSON_SEXES = v.person_sexes || [];
        PERSON_AGE_BANDS = v.person_age_bands || [];
        LEGAL_JUSTIFICATIONS = v.legal_justifications || [];
        // a server without the transfers room offers none of its words
        LICENCE_KINDS = v.licence_kinds || [];
        LICENCE_STATES = v.licence_states || [];
        PARTY_ROLES = v.party_roles || [];
        GOODS = v.goods || [];
        PROHIBITIONS = v.prohibitions || [];
        PROHIBITION_FINDINGS = v.prohibition_findings || [];
        RISKS = v.risks || [];
        RISK_FINDINGS = v.risk_findings || [];
        DECISIONS = v.decisions || [];
        EUC_STATES = v.euc_states || [];
        VERIFICATION_RESULTS = v.verification_results || [];
        SHIPMENT_STATES = v.shipment_states || [];
        CHECK_RESULTS = v.check_results || [];
        BROKER_ACTIVITIES = v.broker_activities || [];
        BROKER_STATES = v.broker_states || [];
        DIVERSION_STATES = v.diversion_states || [];
        // nor a server without the embargo and sanctions rooms theirs
        REGIME_TARGETS = v.regime_targets || [];
        REGIME_SCOPES = v.regime_scopes || [];
        EMBARGO_SCOPES = v.embargo_scopes || [];
        EXEMPTION_PROCEDURES = v.exemption_procedures || [];
        EXEMPTION_STATES = v.exemption_states || [];
        EXEMPTION_DECISIONS = v.exemption_decisions || [];
        NOTICE_KINDS = v.notice_kinds || [];
        NOTICE_STATES = v.notice_states || [];
        ENTRY_KINDS = v.entry_kinds || [];
        ALIAS_QUALITIES = v.alias_qualities || [];
        DATE_KINDS = v.date_kinds || [];
        ALERT_STATES = v.alert_states || [];
        LIST_SOURCES = v.list_sources || [];
        // nor a server without the monitoring room
        OBSERVATION_KINDS = v.observation_kinds || [];
        ACTOR_KINDS = v.actor_kinds || [];
        SOURCE_TYPES = v.source_types || [];
        RELIABILITY = v.reliability || [];
        CREDIBILITY = v.credibility || [];
        OBS_ITEM_KINDS = v.item_kinds || [];
        DOCUMENT_KINDS = v.document_kinds || [];
        FINDING_STATES = v.finding_states || [];
        LINK_KINDS = v.link_kinds || [];
      },
      (e) => {
        loaded = null;
        throw e;
      },
    );
  }
  return loaded;
}

// How the console draws each status and marking status (a tone per group
// for badges and bars: held, missing, recovered, gone); a word without a
// tone is drawn plain.
export const STATUS_TONE = {
  in_service: 'held', in_store: 'held', issued: 'held',
  lost: 'missing', stolen: 'missing',
  seized: 'recovered', found: 'recovered', surrendered: 'recovered',
  deactivated: 'gone', destroyed: 'gone', exported: 'gone',
};

export const MARKING_TONE = {
  adequate: 'held', inadequate: 'warn', partial: 'warn', obliterated: 'missing', altered: 'missing', unmarked: 'missing',
};
