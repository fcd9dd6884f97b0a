// Register a weapon: the record as read off the weapon, with any further
// markings per component in their own script. The API checks every rule;
// its message goes next to the field it names.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { label, messageText, t } from '../i18n.js';
import { navigate } from '../router.js';
import { Field, FormError, Submit, optionsOf, useForm } from '../components/form.js';
import { siteOptions, useSites } from '../components/stock.js';
import { suggestFrom } from '../components/pickers.js';
import { CATEGORIES, COMPONENTS, CONVERSIONS, FRAME_MATERIALS, LEGIBILITY, MANUFACTURES, MARKING_KINDS, MARKING_METHODS, PART_TYPES, STATUSES } from '../vocab.js';
import { WeaponPicker } from '../components/loss.js';
import { PageTitle } from './misc.js';

const FIELDS = ['category', 'make', 'model', 'calibre', 'serial', 'country', 'year', 'import_country', 'import_year',
  'status', 'site_id', 'holder_id', 'notes', 'allow_duplicate',
  'kind', 'part_type', 'belongs_to', 'manufacture', 'converted_from', 'frame_material', 'serial_component'];
const EMPTY = Object.fromEntries(FIELDS.map((f) => [f, f === 'allow_duplicate' ? false : f === 'kind' ? 'weapon' : '']));
const MARKING = ['component', 'kind', 'text', 'legibility', 'method'];
// the fields sent as typed (import marks and markings are shaped first)
const SENT = ['category', 'make', 'model', 'calibre', 'serial', 'country', 'year', 'status', 'site_id', 'holder_id', 'notes',
  'manufacture', 'frame_material', 'serial_component'];
// only for a part: its type and the weapon it belongs to
const PART_ONLY = ['part_type', 'belongs_to'];

export function Register() {
  const [markings, setMarkings] = useState([]);
  const names = [...FIELDS, ...markings.flatMap((_, i) => MARKING.map((k) => `markings[${i}].${k}`))];
  const form = useForm(EMPTY, { fields: names });
  const sites = useSites();
  const [holders, setHolders] = useState([]);
  useEffect(() => {
    api('GET', '/holders').then(setHolders, () => {});
  }, []);

  // The body holds only what was typed; the API fills in the rest.
  const submit = form.submit(async (v) => {
    const body = {};
    for (const f of SENT) if (v[f].trim() !== '') body[f] = v[f].trim();
    if (v.kind === 'part') {
      body.kind = 'part';
      for (const f of PART_ONLY) if (v[f].trim() !== '') body[f] = v[f].trim();
    }
    if (v.manufacture === 'converted' && v.converted_from) body.converted_from = v.converted_from;
    if (v.import_country.trim()) body.import_marks = [{ country: v.import_country.trim(), ...(v.import_year.trim() && { year: v.import_year.trim() }) }];
    if (markings.length) body.markings = markings.map(({ method, ...m }) => (method ? { ...m, method } : m));
    let item;
    try {
      item = await api('POST', '/items', { body, query: { allow_duplicate: v.allow_duplicate ? 'true' : '' } });
    } catch (e) {
      // the API names the import mark's fields import_marks[0].country and
      // .year: here they are import_country and import_year
      if (e.field?.startsWith('import_marks[0].')) e.field = 'import_' + e.field.slice('import_marks[0].'.length);
      throw e;
    }
    navigate('#/items/' + item.id);
  });

  const setMarking = (i, key) => (e) => {
    const value = e.currentTarget.value;
    setMarkings((ms) => ms.map((m, j) => (j === i ? { ...m, [key]: value } : m)));
  };
  const duplicate = form.error?.code === 'conflict' || form.values.allow_duplicate;

  return html`<${PageTitle}>${t('register.title')}<//>
    <form class="form" data-testid="register-form" onSubmit=${submit} novalidate>
      <fieldset>
        <legend>${t('register.weapon')}</legend>
        <div class="row">
          <${Field} form=${form} name="category" type="select" label=${t('field.category')} required
            options=${[{ value: '', label: t('common.choose') }, ...CATEGORIES.map((c) => ({ value: c, label: `${c} — ${label('category', c)}` }))]} />
          <${Field} form=${form} name="status" type="select" label=${t('register.status')}
            options=${optionsOf(STATUSES, 'status', { empty: t('register.status_default') })} />
        </div>
        <div class="row">
          <${Field} form=${form} name="make" type="suggest" load=${suggestFrom('make')} label=${t('field.make')} />
          <${Field} form=${form} name="model" type="suggest" load=${suggestFrom('model', form.values.make || '')} label=${t('field.model')} />
          <${Field} form=${form} name="calibre" type="suggest" load=${suggestFrom('calibre')} label=${t('field.calibre')} />
        </div>
        <div class="row">
          <${Field} form=${form} name="serial" label=${t('field.serial')} hint=${t('register.serial_hint')} dir="auto" spellcheck="false" autocomplete="off" />
          <${Field} form=${form} name="country" type="country" label=${t('register.country')} hint=${t('register.country_pick')} />
          <${Field} form=${form} name="year" type="number" label=${t('field.year')} min="1800" max="2100" inputmode="numeric" />
        </div>
        <div class="row">
          <${Field} form=${form} name="import_country" type="country" label=${t('register.import_country')} hint=${t('register.import_hint')} />
          <${Field} form=${form} name="import_year" type="number" label=${t('register.import_year')} min="1800" max="2100" />
        </div>
      </fieldset>
      ${MANUFACTURES.length > 0 && html`<fieldset data-testid="register-makeup">
        <legend>${t('makeup.title')}</legend>
        <p class="hint">${t('register.makeup_hint')}</p>
        <div class="row">
          <${Field} form=${form} name="kind" type="select" label=${t('makeup.kind')} options=${optionsOf(['weapon', 'part'], 'item_kind')} />
          ${form.values.kind === 'part' && html`<${Field} form=${form} name="part_type" type="select" label=${t('makeup.part_type')} required
            hint=${t('makeup.frame_counts')} options=${optionsOf(PART_TYPES, 'part_type', { empty: t('common.choose') })} />`}
        </div>
        ${form.values.kind === 'part' && html`<div class="row"><${WeaponPicker} form=${form} name="belongs_to" text=${t('makeup.belongs_to')} hint=${t('makeup.weapon_hint')} /></div>`}
        <div class="row">
          <${Field} form=${form} name="manufacture" type="select" label=${t('makeup.manufacture')}
            options=${optionsOf(MANUFACTURES, 'manufacture', { empty: t('makeup.not_recorded') })} />
          ${form.values.manufacture === 'converted' && html`<${Field} form=${form} name="converted_from" type="select" label=${t('makeup.converted_from')}
            options=${optionsOf(CONVERSIONS, 'conversion', { empty: t('makeup.not_recorded') })} />`}
          <${Field} form=${form} name="frame_material" type="select" label=${t('makeup.frame_material')}
            options=${optionsOf(FRAME_MATERIALS, 'frame_material', { empty: t('makeup.not_recorded') })} />
          <${Field} form=${form} name="serial_component" type="select" label=${t('makeup.serial_component')}
            options=${optionsOf(COMPONENTS, 'component', { empty: t('makeup.not_recorded') })} />
        </div>
      </fieldset>`}
      <fieldset>
        <legend>${t('register.where')}</legend>
        <div class="row">
          <${Field} form=${form} name="site_id" type="select" label=${t('field.site')}
            options=${siteOptions(sites, t('common.none_chosen'))} />
          <${Field} form=${form} name="holder_id" type="select" label=${t('field.holder')}
            options=${[{ value: '', label: t('common.none_chosen') }, ...holders.map((h) => ({ value: h.id, label: `${h.name} (${label('holder', h.type)})` }))]} />
        </div>
        <${Field} form=${form} name="notes" type="textarea" rows="2" label=${t('field.notes')} dir="auto" />
      </fieldset>
      <fieldset>
        <legend>${t('register.markings')}</legend>
        <p class="hint">${t('register.markings_hint')}</p>
        ${markings.map((m, i) => html`<${MarkingRow} key=${i} i=${i} m=${m} form=${form} set=${setMarking}
          remove=${() => setMarkings((ms) => ms.filter((_, j) => j !== i))} />`)}
        <button type="button" class="secondary" onClick=${() => setMarkings((ms) => [...ms, { component: 'frame_receiver', kind: 'manufacturer', text: '', legibility: 'clear', method: '' }])}>
          ${t('register.add_marking')}</button>
      </fieldset>
      ${duplicate && html`<${Field} form=${form} name="allow_duplicate" type="checkbox" label=${t('register.allow_duplicate')} />`}
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('register.submit')}<//></div>
    </form>`;
}

// One marking: where it is, what it says, verbatim in whatever script.
function MarkingRow({ i, m, form, set, remove }) {
  const control = (key, el) => {
    const name = `markings[${i}].${key}`;
    const bad = form.error?.field === name;
    return html`<div class="field">
      <label for=${name}>${t('marking.' + key)}</label>
      ${el({ id: name, name, value: m[key], onInput: set(i, key), 'aria-invalid': bad ? 'true' : undefined, 'aria-describedby': bad ? name + '-error' : undefined })}
      ${bad && html`<p id=${name + '-error'} class="field-error" role="alert">${messageText(form.error)}</p>`}
    </div>`;
  };
  const select = (codes, kind) => (p) => html`<select ...${p}>${codes.map((c) => html`<option value=${c}>${label(kind, c)}</option>`)}</select>`;
  return html`<div class="marking-row" role="group" aria-label=${t('register.marking_n', { n: i + 1 })}>
    ${control('component', select(COMPONENTS, 'component'))}
    ${control('kind', select(MARKING_KINDS, 'kind'))}
    ${control('text', (p) => html`<input ...${p} dir="auto" spellcheck="false" />`)}
    ${control('legibility', select(LEGIBILITY, 'legibility'))}
    ${MARKING_METHODS.length > 0 && control('method', (p) => html`<select ...${p}><option value="">${t('makeup.not_recorded')}</option>
      ${MARKING_METHODS.map((c) => html`<option value=${c}>${label('marking_method', c)}</option>`)}</select>`)}
    <button type="button" class="secondary small" onClick=${remove}>${t('register.remove_marking')}</button>
  </div>`;
}
