// Choosing instead of typing codes: a combobox (the ARIA 1.2 pattern: a
// text box with a list of suggestions, arrows to move, Enter to choose,
// Escape to close) for countries by name in the user's language, makes,
// models and calibres suggested by the server as they are typed, and
// colleagues by name. What the form sends is what the API takes: the ISO
// 3166 code of a country, the text of a make.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { countryName, currentLanguage, label, t } from '../i18n.js';
import { errorText } from './form.js';

// Lower case, without accents or other marks, so "etats" finds "États"
// and "германия" finds "Германия".
export function fold(s) {
  return String(s ?? '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .trim();
}

// ---- the combobox ----

// id: of the text box; text: what it shows; onText(text): typed;
// choices: [{value, label, note?}] to offer for the text; onChoose(choice).
// Enter with the list closed submits the form as a text box would.
export function Combobox({ id, label: text, hint, error, value, onText, choices, onChoose, onBlur, inputProps = {} }) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const list = `${id}-list`;
  const shown = open && choices.length > 0;
  // a new list of suggestions starts with none active (a re-render with the
  // same suggestions, as a form's own updates bring, keeps the one moved to)
  const sig = choices.map((c) => c.value).join('\n');
  useEffect(() => setActive(-1), [sig]);
  const choose = (c) => {
    setOpen(false);
    setActive(-1);
    onChoose(c);
  };
  const key = (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) {
        setOpen(true);
        return;
      }
      const n = choices.length;
      if (!n) return;
      setActive((a) => (e.key === 'ArrowDown' ? (a + 1) % n : a <= 0 ? n - 1 : a - 1));
    } else if (e.key === 'Enter' && shown && active >= 0) {
      e.preventDefault();
      choose(choices[active]);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
    }
  };
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return html`<div class="field picker">
    <label for=${id}>${text}</label>
    <div class="picker-box">
      <input id=${id} type="text" role="combobox" autocomplete="off" spellcheck="false" dir="auto"
        aria-autocomplete="list" aria-expanded=${shown ? 'true' : 'false'} aria-controls=${list}
        aria-activedescendant=${shown && active >= 0 ? `${id}-opt-${active}` : undefined}
        aria-invalid=${error ? 'true' : undefined} aria-describedby=${describedBy} ...${inputProps}
        value=${value}
        onInput=${(e) => { onText(e.currentTarget.value); setOpen(true); }}
        onKeyDown=${key}
        onBlur=${() => { setOpen(false); onBlur?.(); }} />
      <ul id=${list} role="listbox" aria-label=${t('pickers.list', { label: text })} class="picker-list" hidden=${!shown}>
        ${shown && choices.map((c, i) => html`<li key=${c.value} id=${`${id}-opt-${i}`} role="option"
          aria-selected=${i === active ? 'true' : 'false'} class=${i === active ? 'active' : undefined}
          onMouseDown=${(e) => e.preventDefault()} onClick=${() => choose(c)}>
          <span dir="auto">${c.label}</span>${c.note && html` <span class="muted picker-note">${c.note}</span>`}
        </li>`)}
      </ul>
    </div>
    <p class="sr-only" role="status">${shown ? t('pickers.suggestions', { n: choices.length }) : ''}</p>
    ${hint && html`<p id=${`${id}-hint`} class="hint">${hint}</p>`}
    ${error && html`<p id=${`${id}-error`} class="field-error" role="alert">${errorText(error)}</p>`}
  </div>`;
}

// ---- countries ----

let countries = null;
// The countries the registry accepts ({code, name, former}), asked once.
export function listCountries() {
  countries ??= api('GET', '/countries').catch((e) => {
    countries = null;
    throw e;
  });
  return countries;
}

function useCountries() {
  const [list, setList] = useState([]);
  useEffect(() => {
    listCountries().then(setList, () => {});
  }, []);
  return list;
}

// Each country with its name in the chosen language (Intl for current
// countries, the catalogue for former states, else iso-codes' English) and
// what a search matches: that name, the English name, the code and, for
// former states, the catalogue's other names (country_aka.SUHH: "URSS").
let named = { lang: null, from: null, list: [] };
function namedCountries(list) {
  const lang = currentLanguage();
  if (named.lang === lang && named.from === list) return named.list;
  const out = list.map((c) => {
    const local = countryName(c.code);
    const name = local && local !== c.code ? local : c.name;
    const aka = t(`country_aka.${c.code}`);
    const also = aka === `country_aka.${c.code}` ? [] : aka.split(/[,،、，]\s*/);
    return { value: c.code, label: name, former: !!c.former, keys: [name, c.name, ...also].map(fold), code: c.code.toLowerCase() };
  });
  out.sort((a, b) => a.label.localeCompare(b.label, lang));
  named = { lang, from: list, list: out };
  return out;
}

// The countries that fit what was typed, best first: a code typed whole,
// then names that start with it, then names with a word that does, then
// names that hold it.
export function matchCountries(list, typed, max = 8) {
  const q = fold(typed);
  if (!q) return [];
  const scored = [];
  for (const c of list) {
    let s = c.code === q ? 0 : 9;
    for (const k of c.keys) {
      if (k.startsWith(q)) s = Math.min(s, 1);
      else if (k.split(/[\s()'’-]+/).some((w) => w.startsWith(q))) s = Math.min(s, 2);
      else if (k.includes(q)) s = Math.min(s, 3);
    }
    if (s < 9) scored.push([s, c]);
  }
  scored.sort((a, b) => a[0] - b[0]);
  return scored.slice(0, max).map(([, c]) => ({ ...c, note: c.value }));
}

// The country whose code or name is exactly what was typed, if one is.
function exactCountry(list, typed) {
  const q = fold(typed);
  return q ? list.find((c) => c.code === q || c.keys.includes(q)) : undefined;
}

// A country chooser: shows the country's name, holds its code (`code`,
// changed through onCode). What fits no country is kept as typed (upper
// case), for the API to refuse with its own message under the field.
export function CountryInput({ id, name, label: text, hint, error, code, onCode }) {
  const list = namedCountries(useCountries());
  // what is being typed, and the code it gave; once the code is another
  // (a choice, a reset, a draft loaded) the field shows that country's name
  const [typed, setTyped] = useState(null);
  const editing = typed !== null && typed.code === code;
  const chosen = list.find((c) => c.value === code);
  const shown = editing ? typed.text : chosen ? chosen.label : code;
  const onText = (v) => {
    const hit = exactCountry(list, v);
    const next = hit ? hit.value : v.trim().toUpperCase();
    setTyped({ text: v, code: next });
    onCode(next);
  };
  const fullHint = [hint, code && chosen ? t('pickers.country_code', { code }) : ''].filter(Boolean).join(' ');
  return html`<${Combobox} id=${id} label=${text} hint=${fullHint || undefined} error=${error} value=${shown}
    onText=${onText} choices=${editing ? matchCountries(list, typed.text) : []}
    onChoose=${(c) => { setTyped(null); onCode(c.value); }}
    onBlur=${() => { if (chosen) setTyped(null); }}
    inputProps=${{ name, 'data-code': code }} />`;
}

// CountryInput as a field of a useForm form.
export function CountryField({ form, name, label: text, hint }) {
  return html`<${CountryInput} id=${form.prefix + name} name=${name} label=${text} hint=${hint}
    error=${form.error?.field === name ? form.error : null} code=${form.values[name] ?? ''}
    onCode=${(v) => form.setValues((x) => ({ ...x, [name]: v }))} />`;
}

// ---- suggestions from the server ----

// A text field of a useForm form that suggests values as it is typed:
// load(text) answers [{value, label}] (a promise). The text typed is the
// value: a suggestion only saves typing.
export function SuggestField({ form, name, label: text, hint, load, dir }) {
  const id = form.prefix + name;
  const value = form.values[name] ?? '';
  const [choices, setChoices] = useState([]);
  const [asked, setAsked] = useState(null); // the text to suggest for, once typed
  useEffect(() => {
    if (asked === null) return;
    let live = true;
    const timer = setTimeout(() => {
      load(asked).then(
        (cs) => live && setChoices(cs.filter((c) => c.value !== asked)),
        () => live && setChoices([]),
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [asked]);
  const set = (v) => form.setValues((x) => ({ ...x, [name]: v }));
  const err = form.error?.field === name ? form.error : null;
  return html`<${Combobox} id=${id} label=${text} hint=${hint} error=${err} value=${value}
    onText=${(v) => { set(v); setAsked(v); }} choices=${choices}
    onChoose=${(c) => { set(c.value); setChoices([]); }}
    inputProps=${{ name, dir: dir || 'auto' }} />`;
}

// Makes, models (of `make` when one is given) and calibres recorded or in
// the reference data, starting with what was typed.
export const suggestFrom = (field, make) => (prefix) =>
  api('GET', '/suggest', { query: { field, prefix, make: make?.trim() || undefined, limit: 8 } }).then((vs) =>
    vs.map((v) => ({ value: v, label: v })),
  );

let userNames = null;
// The users a form may name (GET /user-names: any reader may ask, and a
// caller confined to sites hears only of those who share one), asked once.
export function listUserNames() {
  userNames ??= api('GET', '/user-names').catch((e) => {
    userNames = null;
    throw e;
  });
  return userNames;
}

// Colleagues whose name holds what was typed.
export const suggestUsers = (typed) =>
  listUserNames().then((us) => {
    const q = fold(typed);
    return us
      .filter((u) => fold(u.name).includes(q))
      .slice(0, 8)
      .map((u) => ({ value: u.name, label: u.name, note: label('role', u.role) }));
  });

// ---- photos ----

// The photos of a record named by SHA-256, one a line in form.values[name]:
// files chosen are sent to the photo store (POST /photos), which answers
// with each one's hash, and the hash joins the list. A hash known from
// elsewhere can still be pasted.
export function PhotoField({ form, name, label: text, hint }) {
  const id = form.prefix + name;
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState('');
  const [error, setError] = useState(null);
  const hashes = String(form.values[name] ?? '')
    .split(/\s+/)
    .filter((h) => /^[0-9a-f]{64}$/.test(h));
  const upload = async (e) => {
    const input = e.currentTarget;
    const files = [...input.files];
    if (!files.length) return;
    setBusy(true);
    setSaid('');
    setError(null);
    const added = [];
    try {
      for (const f of files) added.push((await api('POST', '/photos', { body: f, type: f.type || 'application/octet-stream' })).hash);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      input.value = '';
    }
    if (added.length) {
      form.setValues((x) => {
        const had = String(x[name] ?? '').split(/\s+/).filter(Boolean);
        return { ...x, [name]: [...had, ...added.filter((h) => !had.includes(h))].join('\n') };
      });
      setSaid(t('pickers.photos_added', { n: added.length }));
    }
  };
  const err = form.error?.field === name ? form.error : null;
  const describedBy = [hint && `${id}-hint`, err && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return html`<div class="photo-field">
    <div class="field">
      <label for=${`${id}-file`}>${t('pickers.photo_upload')}</label>
      <input id=${`${id}-file`} type="file" accept="image/jpeg,image/png,image/webp,image/gif" multiple disabled=${busy}
        aria-describedby=${error ? `${id}-file-error` : undefined} onChange=${upload} />
      <p class="success" role="status">${busy ? t('pickers.photos_sending') : said}</p>
      ${error && html`<p id=${`${id}-file-error`} class="field-error" role="alert">${errorText(error)}</p>`}
    </div>
    ${hashes.length > 0 && html`<ul class="photo-thumbs">${hashes.map((h, i) => html`<li key=${h}>
      <img src=${`/api/v1/photos/${h}`} alt=${t('pickers.photo_n', { n: i + 1 })} loading="lazy" width="96" height="72" />
    </li>`)}</ul>`}
    <div class="field">
      <label for=${id}>${text}</label>
      <textarea id=${id} name=${name} rows="2" dir="ltr" spellcheck="false" aria-describedby=${describedBy}
        aria-invalid=${err ? 'true' : undefined} value=${form.values[name] ?? ''} onInput=${form.set(name)} />
      ${hint && html`<p id=${`${id}-hint`} class="hint">${hint}</p>`}
      ${err && html`<p id=${`${id}-error`} class="field-error" role="alert">${errorText(err)}</p>`}
    </div>
  </div>`;
}
