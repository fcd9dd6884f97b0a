// Ammunition lines outside a depot — a recovery's, a loss report's, a trace
// request's — as the API keeps them ({calibre, type?, headstamp?: {text,
// factory?, year?}, lot?, packaging_marks?, crate_marks?, quantity (rounds),
// packages?, notes?}): shown as a table, and typed in a repeatable group of
// a form whose fields are named "ammunition.<row key>.<field>", the row key
// staying when a row above is removed. The API names a field by its place
// ("ammunition[1].headstamp.text"); lineField() turns that into the form's.
import { html } from '../html.js';
import { fmtNumber, label, t } from '../i18n.js';
import { Field, errorText } from './form.js';
import { Table } from './table.js';

export const LINE_FIELDS = ['calibre', 'type', 'headstamp.text', 'headstamp.factory', 'headstamp.year', 'lot', 'packaging_marks', 'crate_marks',
  'quantity', 'packages', 'notes'];
const NUMBERS = ['headstamp.year', 'quantity', 'packages'];

export const blankLine = (k, list = 'ammunition') => Object.fromEntries(LINE_FIELDS.map((f) => [`${list}.${k}.${f}`, '']));
export const lineNames = (keys, list = 'ammunition') => [list, ...keys.flatMap((k) => LINE_FIELDS.map((f) => `${list}.${k}.${f}`))];

// The lines of the form's values as the API takes them: what was typed,
// numbers as numbers, the headstamp as its own object.
export function linesOf(values, keys, list = 'ammunition') {
  return keys.map((k) => {
    const line = {};
    for (const f of LINE_FIELDS) {
      const raw = values[`${list}.${k}.${f}`];
      const v = typeof raw === 'string' ? raw.trim() : raw;
      if (v === undefined || v === '') continue;
      const n = NUMBERS.includes(f) && /^-?\d+$/.test(v) ? Number(v) : v;
      if (f.startsWith('headstamp.')) (line.headstamp ??= {})[f.slice(10)] = n;
      else line[f] = n;
    }
    return line;
  });
}

// "ammunition[1].headstamp.text" → "ammunition.<key of row 1>.headstamp.text";
// any other field as it is.
export function lineField(field, keys, list = 'ammunition') {
  const m = new RegExp(`^${list}\\[(\\d+)\\](?:\\.(.*))?$`).exec(String(field || ''));
  if (!m || keys[Number(m[1])] === undefined) return field;
  return m[2] ? `${list}.${keys[Number(m[1])]}.${m[2]}` : list;
}

// The headstamp in a line of text: as read, then the factory and year.
export function headstampText(h) {
  if (!h) return '';
  return [h.text, h.factory && t('ammo.factory_code', { code: h.factory }), h.year].filter((x) => x !== undefined && x !== null && x !== '').join(' · ');
}

// A line in a few words: calibre, headstamp, lot and rounds.
export function lineText(a) {
  if (!a) return '';
  return [a.calibre, a.headstamp?.text, a.lot, a.quantity != null && t('ammo.rounds_n', { n: fmtNumber(a.quantity) })].filter(Boolean).join(' · ');
}

const Typed = ({ v }) => (v === undefined || v === null || v === '' ? '—' : html`<span dir="auto">${v}</span>`);

// The columns every table of lines has; `more` adds the holder's own.
export function lineCols(more = []) {
  return [
    [t('ammo.line'), (a) => fmtNumber((a.line ?? 0) + 1), 'num'],
    [t('field.calibre'), (a) => html`<${Typed} v=${a.calibre} />`, 'nowrap'],
    [t('ammo.type'), (a) => html`<${Typed} v=${a.type} />`],
    [t('ammo.headstamp'), (a) => (a.headstamp ? html`<span dir="auto" class="key">${a.headstamp.text || '—'}</span>
      ${a.headstamp.factory && html`<br /><span class="muted">${t('ammo.factory')}</span> <span dir="auto">${a.headstamp.factory}</span>`}
      ${a.headstamp.year && html`<br /><span class="muted">${t('ammo.year')}</span> ${a.headstamp.year}`}` : '—')],
    [t('ammo.lot'), (a) => html`<${Typed} v=${a.lot} />`],
    [t('ammo.packaging_marks'), (a) => html`<${Typed} v=${a.packaging_marks} />`],
    [t('ammo.crate_marks'), (a) => html`<${Typed} v=${a.crate_marks} />`],
    [t('ammo.rounds'), (a) => fmtNumber(a.quantity), 'num'],
    [t('ammo.packages'), (a) => (a.packages != null ? fmtNumber(a.packages) : '—'), 'num'],
    ...more,
  ];
}

export function AmmunitionTable({ lines, caption, more, empty }) {
  return html`<div data-testid="ammunition-lines"><${Table} caption=${caption || t('ammo.lines')} rows=${lines || []}
    rowKey=${(a) => a.line ?? lineText(a)} empty=${empty || t('ammo.none')} cols=${lineCols(more)} /></div>`;
}

// The rows of a form's ammunition lines: each a group named by its number,
// its fields under their labels (errors at the field, from form.error), a
// remove button, and the button that adds a row.
export function AmmunitionRows({ form, keys, onAdd, onRemove, list = 'ammunition', min = 0 }) {
  const F = (name, lbl, extra = {}) => html`<${Field} key=${name} form=${form} name=${name} label=${lbl} ...${extra} />`;
  const listError = form.error?.field === list
    ? html`<p class="field-error" role="alert" id=${form.prefix + list} tabindex="-1">${errorText(form.error)}</p>` : null;
  return html`<fieldset data-testid="ammunition-rows"><legend>${t('ammo.lines')}</legend>
    <p class="hint">${t('ammo.lines_hint')}</p>
    ${listError}
    ${keys.map((k, i) => {
      const p = `${list}.${k}.`;
      return html`<div class="marking-row mon-row" role="group" aria-label=${t('ammo.line_n', { n: fmtNumber(i + 1) })} key=${k} data-testid="ammunition-row">
        <div class="row">
          ${F(p + 'calibre', t('field.calibre'), { dir: 'auto', required: true, autocomplete: 'off' })}
          ${F(p + 'type', t('ammo.type'), { dir: 'auto', hint: t('ammo.type_hint') })}
          ${F(p + 'quantity', t('ammo.rounds'), { type: 'number', min: '1', required: true, inputmode: 'numeric' })}
          ${F(p + 'packages', t('ammo.packages'), { type: 'number', min: '0', inputmode: 'numeric' })}
        </div>
        <div class="row">
          ${F(p + 'headstamp.text', t('ammo.headstamp'), { dir: 'auto', spellcheck: 'false', autocomplete: 'off', hint: t('ammo.headstamp_hint') })}
          ${F(p + 'headstamp.factory', t('ammo.factory'), { dir: 'auto', autocomplete: 'off' })}
          ${F(p + 'headstamp.year', t('ammo.year'), { type: 'number', min: '1800', max: '2100', inputmode: 'numeric' })}
          ${F(p + 'lot', t('ammo.lot'), { dir: 'auto', spellcheck: 'false', autocomplete: 'off' })}
        </div>
        <div class="row">
          ${F(p + 'packaging_marks', t('ammo.packaging_marks'), { dir: 'auto' })}
          ${F(p + 'crate_marks', t('ammo.crate_marks'), { dir: 'auto' })}
          ${F(p + 'notes', t('field.notes'), { dir: 'auto' })}
        </div>
        ${keys.length > min && html`<button type="button" class="secondary small" onClick=${() => onRemove(k)}>${t('ammo.remove_line', { n: fmtNumber(i + 1) })}</button>`}
      </div>`;
    })}
    <button type="button" class="secondary small" onClick=${onAdd} data-testid="add-ammunition">${t('ammo.add_line')}</button>
  </fieldset>`;
}

// Rows of a form, keyed so that a key stays with its row: keys, and add()
// and remove(k) that keep the form's values in step.
export function rowsOf(keys, setKeys, next, setNext, form, list = 'ammunition') {
  return {
    add: () => {
      const k = next;
      form.setValues((x) => ({ ...x, ...blankLine(k, list) }));
      setKeys((ks) => [...ks, k]);
      setNext(k + 1);
      setTimeout(() => document.getElementById(`${form.prefix}${list}.${k}.calibre`)?.focus(), 0);
    },
    remove: (k) => setKeys((ks) => ks.filter((x) => x !== k)),
  };
}

// The label of a word of the registry's makeup vocabularies, or nothing.
export const word = (kind, code) => (code ? label(kind, code) : '');
