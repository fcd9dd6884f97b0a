// The registry's closed vocabularies (docs/registry.md, data/categories.json).
// Labels come from the catalogues (status.<code>, category.<code>…).

export const STATUSES = ['in_service', 'in_store', 'issued', 'lost', 'stolen', 'seized', 'found', 'surrendered',
  'deactivated', 'destroyed', 'exported'];

// The status state machine; the server enforces it, the console only says it.
export const NEXT_STATUS = {
  in_service: ['in_store', 'issued', 'lost', 'stolen', 'deactivated', 'exported'],
  in_store: ['in_service', 'issued', 'lost', 'stolen', 'deactivated', 'destroyed', 'exported'],
  issued: ['in_store', 'in_service', 'lost', 'stolen'],
  lost: ['found', 'seized', 'surrendered'],
  stolen: ['seized', 'found', 'surrendered'],
  seized: ['in_store', 'in_service', 'deactivated', 'destroyed', 'exported', 'stolen', 'lost'],
  found: ['in_store', 'in_service', 'deactivated', 'destroyed', 'stolen', 'lost'],
  surrendered: ['in_store', 'in_service', 'deactivated', 'destroyed', 'stolen', 'lost'],
  deactivated: ['in_store', 'destroyed', 'exported', 'lost', 'stolen'],
  destroyed: [],
  exported: [],
};

export const CATEGORIES = ['SA1', 'SA2', 'SA3', 'SA4', 'SA5', 'SA6', 'LW1', 'LW2', 'LW3', 'LW4', 'LW5', 'LW6', 'LW7',
  'I', 'II', 'III', 'IV', 'V', 'VI', 'VII(a)', 'VII(b)', 'SHOTGUN', 'PART'];

export const MARKING_STATUSES = ['adequate', 'inadequate', 'partial', 'obliterated', 'altered', 'unmarked'];

export const COMPONENTS = ['frame_receiver', 'barrel', 'slide', 'bolt', 'bolt_carrier', 'cylinder', 'breech_block',
  'top_cover', 'magazine', 'stock', 'other'];

export const MARKING_KINDS = ['manufacturer', 'serial', 'country', 'year', 'model', 'calibre', 'import',
  'state_ownership', 'proof', 'factory_code', 'arsenal_symbol', 'assembly_no', 'refurb', 'unit', 'other'];

export const LEGIBILITY = ['clear', 'worn', 'partial', 'obliterated', 'restored'];

export const SITE_KINDS = ['armoury', 'depot', 'building', 'room', 'rack', 'police_station', 'unit',
  'collection_point', 'border_post', 'court', 'laboratory', 'other'];

// A tone per status for badges and bars: held, missing, recovered, gone.
export const STATUS_TONE = {
  in_service: 'held', in_store: 'held', issued: 'held',
  lost: 'missing', stolen: 'missing',
  seized: 'recovered', found: 'recovered', surrendered: 'recovered',
  deactivated: 'gone', destroyed: 'gone', exported: 'gone',
};

export const MARKING_TONE = {
  adequate: 'held', inadequate: 'warn', partial: 'warn', obliterated: 'missing', altered: 'missing', unmarked: 'missing',
};
