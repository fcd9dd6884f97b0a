// Forms that show the API's own validation: the error's `field` puts its
// message under that control (id "<field>-error", tied to the control by
// aria-describedby) and moves the focus there; an error about no field of
// the form is shown above the button, in an alert that takes the focus.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { label, messageText, t } from '../i18n.js';
import { CountryField, SuggestField } from './pickers.js';

// initial: the form's values by field name. fields: the names the form shows
// (an error naming another goes to the form's alert). prefix: for ids, when
// two forms on one page share field names.
export function useForm(initial, { fields = Object.keys(initial), prefix = '' } = {}) {
  const [values, setValues] = useState(initial);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const alertRef = useRef(null);
  const owns = (field) => !!field && fields.includes(field);

  useEffect(() => {
    if (!error) return;
    const target = owns(error.field) ? document.getElementById(prefix + error.field) : alertRef.current;
    target?.focus();
  }, [error]);

  return {
    values,
    setValues,
    error,
    setError,
    busy,
    prefix,
    alertRef,
    owns,
    set: (name) => (e) => {
      const el = e.currentTarget;
      setValues((v) => ({ ...v, [name]: el.type === 'checkbox' ? el.checked : el.value }));
    },
    reset: () => setValues(initial),
    // Runs action(values) for a submit event, keeping any error it throws.
    submit: (action) => async (e) => {
      e.preventDefault();
      if (busy) return;
      setBusy(true);
      setError(null);
      try {
        await action(values);
      } catch (err) {
        setError(err);
      } finally {
        setBusy(false);
      }
    },
  };
}

export function errorText(err) {
  return err.message && err.code !== 'network' ? messageText(err) : label('err', err.code);
}

// A labelled control: text (default), number, password, textarea, select
// (options: [{value, label}]), checkbox, or a picker (components/pickers.js):
// country (shows names, sends the ISO code) or suggest (load(text) gives
// the suggestions).
export function Field({ form, name, label: text, type = 'text', options, hint, onInput, ...rest }) {
  if (type === 'country') return html`<${CountryField} form=${form} name=${name} label=${text} hint=${hint} />`;
  if (type === 'suggest') return html`<${SuggestField} form=${form} name=${name} label=${text} hint=${hint} load=${rest.load} dir=${rest.dir} />`;
  const id = form.prefix + name;
  const err = form.error?.field === name ? form.error : null;
  const describedBy = [hint && `${id}-hint`, err && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name,
    'aria-invalid': err ? 'true' : undefined,
    'aria-describedby': describedBy,
    ...rest,
  };
  const change = onInput || form.set(name);
  let control;
  if (type === 'checkbox') {
    control = html`<input type="checkbox" ...${common} checked=${!!form.values[name]} onChange=${change} />`;
  } else if (type === 'select') {
    control = html`<select ...${common} value=${form.values[name] ?? ''} onInput=${change}>
      ${options.map((o) => html`<option value=${o.value}>${o.label}</option>`)}
    </select>`;
  } else if (type === 'textarea') {
    control = html`<textarea ...${common} value=${form.values[name] ?? ''} onInput=${change} />`;
  } else {
    control = html`<input type=${type} ...${common} value=${form.values[name] ?? ''} onInput=${change} />`;
  }
  return html`<div class=${'field' + (type === 'checkbox' ? ' check' : '')}>
    <label for=${id}>${text}</label>
    ${control}
    ${hint && html`<p id=${`${id}-hint`} class="hint">${hint}</p>`}
    ${err && html`<p id=${`${id}-error`} class="field-error" role="alert">${errorText(err)}</p>`}
  </div>`;
}

// The form's error that belongs to none of its fields.
export function FormError({ form }) {
  const err = form.error;
  if (!err || form.owns(err.field)) return null;
  return html`<div class="alert" role="alert" tabindex="-1" ref=${form.alertRef}>
    <${Because} error=${err} />
  </div>`;
}

// A failure to load something, where no form is involved.
export function LoadError({ error }) {
  return error ? html`<div class="alert" role="alert"><${Because} error=${error} /></div>` : null;
}

// What went wrong in the chosen language, then the API's own sentence, in
// the chosen language too when the catalogue knows its message id.
function Because({ error }) {
  const detail = error.code !== 'network' && error.message && messageText(error);
  return html`<strong>${label('err', error.code)}</strong>${detail ? html`: <span>${detail}</span>` : ''}`;
}

export function Submit({ form, children }) {
  return html`<button type="submit" disabled=${form.busy} aria-busy=${form.busy ? 'true' : undefined}>${children}</button>`;
}

export const optionsOf = (codes, kind, { empty } = {}) => [
  ...(empty !== undefined ? [{ value: '', label: empty }] : []),
  ...codes.map((c) => ({ value: c, label: kind ? label(kind, c) : c })),
];

export function Loading() {
  return html`<p class="loading" role="status">${t('common.loading')}</p>`;
}
