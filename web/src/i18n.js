// Message catalogues, one JSON file per language (web/i18n/<lang>.json, the
// same keys in each), and Intl formatters for the chosen language. The choice
// is remembered in localStorage; <html lang dir> follows it so the browser
// lays Arabic out right to left.

export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'fr', name: 'Français' },
  { code: 'es', name: 'Español' },
  { code: 'ru', name: 'Русский' },
  { code: 'zh', name: '中文' },
  { code: 'ar', name: 'العربية' },
];
const RTL = new Set(['ar']);
const STORE_KEY = 'wam.lang';

let lang = 'en';
let messages = {};
let numbers = new Intl.NumberFormat('en');
let dates = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
let regions = null;

export function currentLanguage() {
  return lang;
}

// The language to start in: the one chosen before, else the browser's first
// that has a catalogue, else English.
export function initialLanguage() {
  const codes = LANGUAGES.map((l) => l.code);
  let saved = null;
  try {
    saved = localStorage.getItem(STORE_KEY);
  } catch {
    // storage may be disabled; the browser's languages still apply
  }
  if (codes.includes(saved)) return saved;
  for (const l of navigator.languages || []) {
    const base = l.toLowerCase().split('-')[0];
    if (codes.includes(base)) return base;
  }
  return 'en';
}

// Loads a catalogue and switches every formatter to it. Rejects (leaving the
// current language in place) when the catalogue cannot be fetched.
export async function setLanguage(code) {
  const res = await fetch(`/i18n/${code}.json`, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`no catalogue for ${code}`);
  messages = await res.json();
  lang = code;
  numbers = new Intl.NumberFormat(code);
  dates = new Intl.DateTimeFormat(code, { dateStyle: 'medium', timeStyle: 'short' });
  try {
    regions = new Intl.DisplayNames([code], { type: 'region' });
  } catch {
    regions = null;
  }
  const root = document.documentElement;
  root.lang = code;
  root.dir = RTL.has(code) ? 'rtl' : 'ltr';
  document.title = t('app.title');
}

// Keeps a language the person chose for their next visit.
export function rememberLanguage(code) {
  try {
    localStorage.setItem(STORE_KEY, code);
  } catch {
    // not remembered, still switched
  }
}

// The message for key with {name} placeholders filled from vars; the key
// itself when a catalogue lacks it, so a gap shows instead of hiding.
export function t(key, vars) {
  const m = messages[key] ?? key;
  return vars ? m.replace(/\{(\w+)\}/g, (all, k) => (k in vars ? String(vars[k]) : all)) : m;
}

// A sentence the server wrote ({message_id, args, message}: an ApiError, a
// marking reason, a quality finding…) in the chosen language: the catalogue's
// msg.<message_id> with {1}, {2}… filled from args; the server's English
// message when the catalogue does not know the id.
export function messageText(m) {
  if (!m) return '';
  const key = m.message_id && `msg.${m.message_id}`;
  if (!key || !(key in messages)) return m.message ?? '';
  const vars = {};
  (m.args || []).forEach((a, i) => (vars[i + 1] = a));
  return t(key, vars);
}

// t() for a code of a vocabulary (status.stolen, category.SA4…): the code
// itself when no label is known, since codes are meaningful on their own.
export function label(kind, code) {
  if (code === null || code === undefined || code === '') return '';
  const key = `${kind}.${code}`;
  return key in messages ? messages[key] : code;
}

export function fmtNumber(n) {
  return n === null || n === undefined ? '' : numbers.format(n);
}

// A share of a total as a percentage in the chosen language. A share that
// is not nothing never reads 0%: under 1% it is "<1%" (common.share_below).
export function fmtShare(part, total) {
  if (!total) return '';
  const pct = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
  if (part > 0 && part / total < 0.01) return t('common.share_below', { pct: pct.format(0.01) });
  return pct.format(part / total);
}

export function fmtDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? iso : dates.format(d);
}

// A country's name in the chosen language from Intl; former states (SUHH,
// YUCS…), which Intl does not name, from the catalogue (country.SUHH).
export function countryName(code) {
  if (!code) return '';
  const key = `country.${code}`;
  if (key in messages) return messages[key];
  try {
    return (code.length === 2 && regions?.of(code)) || code;
  } catch {
    return code;
  }
}

function valueAt(payload, path) {
  let v = payload;
  for (const name of path.split('.')) v = v && typeof v === 'object' && !Array.isArray(v) ? v[name] : undefined;
  return v;
}

// Fills a template of src/events.json's mini-language ({field},
// {field|text}, {field?text}, {#list}, {a.b}; an event.<type> of the
// catalogues) from payload, as src/ledger/events.c does for the command line:
// a list of text and of values, each value show(value, path) (path null for
// a {#list}'s count).
export function fillTemplate(template, payload, show) {
  const out = [];
  for (let i = 0; i < template.length; ) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      out.push(template.slice(i));
      break;
    }
    if (open > i) out.push(template.slice(i, open));
    let depth = 1;
    let j = open + 1;
    for (; j < template.length && depth; j++) depth += template[j] === '{' ? 1 : template[j] === '}' ? -1 : 0;
    let inner = template.slice(open + 1, j - 1);
    i = j;
    const count = inner.startsWith('#');
    if (count) inner = inner.slice(1);
    const m = /^([a-z_][a-z_0-9.]*)(?:([|?])([\s\S]*))?$/.exec(inner);
    if (!m) continue;
    const [, path, op, rest] = m;
    const v = valueAt(payload, path);
    const present = v !== undefined && v !== null;
    if (count) out.push(show(Array.isArray(v) ? v.length : 0, null));
    else if (op === '?') present && out.push(...fillTemplate(rest, payload, show));
    else if (op === '|' && !present) out.push(...fillTemplate(rest, payload, show));
    else if (present) out.push(show(v, path));
  }
  return out;
}

// Who made an event (its actor: user:NAME, token:NAME, os:LOGIN, demo), in
// words: the user's name, the token's, the command line's, never the code.
export function actorText(actor) {
  const a = String(actor || '');
  const colon = a.indexOf(':');
  const kind = colon < 0 ? a : a.slice(0, colon);
  const name = colon < 0 ? '' : a.slice(colon + 1);
  if (kind === 'user') return name;
  if (kind === 'token') return t('history.actor_token', { name });
  if (kind === 'demo') return t('history.actor_demo');
  if (kind === 'os' && name && name !== 'unknown') return t('history.actor_os', { login: name });
  if (kind === 'os' || kind === 'cli' || !a) return t('history.actor_cli');
  return a; // a name a person typed (a loss's reported_by), as typed
}
