// Find a weapon from a serial as read in the field. The query lives in the
// hash (#/search?serial=…), so going back from a weapon returns to the same
// candidates.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { useRequest } from '../request.js';
import { countryName, fmtNumber, label, t } from '../i18n.js';
import { href, navigate } from '../router.js';
import { Field, FormError, LoadError, Loading, Submit, useForm } from '../components/form.js';
import { EditList, MarkedKey } from '../components/serial.js';
import { suggestFrom } from '../components/pickers.js';
import { PageTitle, StatusBadge } from './misc.js';
import { headstampText } from '../components/ammunition.js';
import { Day } from '../components/stock.js';

const FIELDS = ['serial', 'make', 'model', 'calibre', 'country'];

// The two searches, each a link: weapons by serial, ammunition by
// headstamp and lot marks (#/search?what=ammunition).
function Kinds({ what }) {
  return html`<nav class="search-kinds" aria-label=${t('search.what')}><ul>
    <li><a href="#/search" aria-current=${what === 'weapons' ? 'page' : undefined}>${t('search.weapons')}</a></li>
    <li><a href="#/search?what=ammunition" aria-current=${what === 'ammunition' ? 'page' : undefined} data-testid="search-ammunition">${t('search.ammunition')}</a></li>
  </ul></nav>`;
}

export function Search({ route }) {
  if (route.query.get('what') === 'ammunition') return html`<${AmmunitionSearch} route=${route} />`;
  return html`<${WeaponSearch} route=${route} />`;
}

function WeaponSearch({ route }) {
  const asked = Object.fromEntries(FIELDS.map((f) => [f, route.query.get(f) || '']));
  const form = useForm(asked);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const key = route.query.toString();

  useRequest((keep) => {
    setResult(null);
    setError(null);
    if (!asked.serial) return;
    form.setValues(asked);
    setBusy(true);
    api('GET', '/search', { query: { ...asked, limit: 20 } })
      .then(keep(setResult), keep((e) => (FIELDS.includes(e.field) ? form.setError(e) : setError(e))))
      .finally(keep(() => setBusy(false)));
  }, [key]);

  const submit = form.submit(async (v) => {
    if (!v.serial.trim()) throw { code: 'invalid', field: 'serial', message: t('search.serial_needed') };
    navigate(href('search', v));
  });

  return html`<${PageTitle}>${t('search.title')}<//>
    <${Kinds} what="weapons" />
    <form class="form search-form" onSubmit=${submit} role="search" novalidate>
      <${Field} form=${form} name="serial" label=${t('search.serial')} hint=${t('search.serial_hint')}
        autocomplete="off" spellcheck="false" dir="auto" required />
      <div class="row">
        <${Field} form=${form} name="make" type="suggest" load=${suggestFrom('make')} label=${t('field.make')} />
        <${Field} form=${form} name="model" type="suggest" load=${suggestFrom('model', form.values.make || '')} label=${t('field.model')} />
        <${Field} form=${form} name="calibre" type="suggest" load=${suggestFrom('calibre')} label=${t('field.calibre')} />
        <${Field} form=${form} name="country" type="country" label=${t('search.country')} />
      </div>
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('search.submit')}<//></div>
    </form>
    <div aria-live="polite">
      ${busy && html`<${Loading} />`}
      <${LoadError} error=${error} />
      ${result && html`<${Results} result=${result} />`}
    </div>`;
}

function Results({ result }) {
  const q = result.query;
  return html`<section class="results">
    <h2>${t('search.results')}</h2>
    <p class="muted">${[
      t('search.count', { n: fmtNumber(result.candidates.length) }),
      html`${t('search.canonical')} <span class="key" dir="ltr">${q.canonical}</span>`,
      t('search.max_edits', { n: fmtNumber(q.max_edits) }),
      q.partial && t('search.partial'),
    ].filter(Boolean).map((part, i) => html`${i ? ' · ' : ''}${part}`)}</p>
    ${result.candidates.length === 0 ? html`<p class="note">${t('search.none')}</p>` : html`
      <ol class="candidates">${result.candidates.map((c) => html`<${Candidate} key=${c.id} c=${c} />`)}</ol>`}
  </section>`;
}

// Whether a candidate agrees with the make, model, calibre or country asked
// for: true, false, or null when the record does not say.
const AGREEMENT = {
  true: ['agree', '✓', 'search.agrees'],
  false: ['disagree', '✗', 'search.differs'],
  null: ['unknown', '?', 'search.unknown'],
};

function Agreement({ value }) {
  if (value === undefined) return null;
  const [tone, sign, words] = AGREEMENT[value];
  return html` <span class=${tone}>${sign}<span class="sr-only"> ${t(words)}</span></span>`;
}

function Candidate({ c }) {
  return html`<li class="candidate" data-testid="candidate">
    <div class="cand-top">
      <a class="cand-link" href=${'#/items/' + c.id}><${MarkedKey} text=${c.serial_key} edits=${c.edits} /></a>
      <span class="cand-raw">${t('search.as_marked')} <span data-testid="candidate-serial" dir="auto">${c.serial ?? ''}</span></span>
      <span class="cand-score">
        <label for=${'score-' + c.id}>${t('search.score')}</label>
        <meter id=${'score-' + c.id} min="0" max="100" low="40" high="75" optimum="100" value=${c.score}></meter>
        <span>${fmtNumber(c.score)}</span>
      </span>
    </div>
    <p class="reason"><span class=${'reason-tag reason-' + c.reason}>${label('reason', c.reason)}</span> ${label('reason_why', c.reason)}</p>
    <${EditList} edits=${c.edits} />
    <dl class="facts">
      <div><dt>${t('field.make')}</dt><dd dir="auto">${c.make || '—'}<${Agreement} value=${c.agreement.make} /></dd></div>
      <div><dt>${t('field.model')}</dt><dd dir="auto">${c.model || '—'}<${Agreement} value=${c.agreement.model} /></dd></div>
      <div><dt>${t('field.calibre')}</dt><dd dir="auto">${c.calibre || '—'}<${Agreement} value=${c.agreement.calibre} /></dd></div>
      <div><dt>${t('field.country')}</dt><dd>${c.country ? `${countryName(c.country)} (${c.country})` : '—'}<${Agreement} value=${c.agreement.country} /></dd></div>
      <div><dt>${t('field.status')}</dt><dd><${StatusBadge} status=${c.status} /></dd></div>
    </dl>
  </li>`;
}

// ---- ammunition ----

const AMMO = ['headstamp', 'lot', 'calibre'];

// Where a line is held, as a link to its record: a recovery, a loss report
// (the list of losses), an observation, a lot in a depot.
function sourceHref(r) {
  const id = encodeURIComponent(r.id);
  if (r.source === 'recovery') return '#/recoveries/' + id;
  if (r.source === 'observation') return '#/observations/' + id;
  if (r.source === 'lot') return '#/lots/' + id;
  if (r.source === 'loss') return '#/losses';
  return null;
}

// Ammunition from a headstamp or lot marks as read — the same tolerance as
// serials: look-alike characters, Cyrillic and Arabic-Indic digits, `?` for
// an unreadable character, `*` for a lost run — with a calibre to narrow it.
function AmmunitionSearch({ route }) {
  const asked = Object.fromEntries(AMMO.map((f) => [f, route.query.get(f) || '']));
  const form = useForm(asked, { prefix: 'am-' });
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const key = route.query.toString();

  useRequest((keep) => {
    setResult(null);
    setError(null);
    if (!asked.headstamp && !asked.lot) return;
    form.setValues(asked);
    setBusy(true);
    const query = Object.fromEntries(Object.entries(asked).filter(([, v]) => v));
    api('GET', '/search/ammunition', { query: { ...query, limit: 20 } })
      .then(keep(setResult), keep((e) => (AMMO.includes(e.field) ? form.setError(e) : setError(e))))
      .finally(keep(() => setBusy(false)));
  }, [key]);

  const submit = form.submit(async (v) => {
    if (!v.headstamp.trim() && !v.lot.trim()) throw { code: 'invalid', field: 'headstamp', message: t('search.ammo_needed') };
    navigate(href('search', { what: 'ammunition', ...v }));
  });

  return html`<${PageTitle}>${t('search.ammo_title')}<//>
    <${Kinds} what="ammunition" />
    <form class="form search-form" onSubmit=${submit} role="search" novalidate data-testid="ammunition-search">
      <div class="row">
        <${Field} form=${form} name="headstamp" label=${t('ammo.headstamp')} hint=${t('search.headstamp_hint')}
          autocomplete="off" spellcheck="false" dir="auto" />
        <${Field} form=${form} name="lot" label=${t('ammo.lot')} autocomplete="off" spellcheck="false" dir="auto" />
        <${Field} form=${form} name="calibre" type="suggest" load=${suggestFrom('calibre')} label=${t('field.calibre')} />
      </div>
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('search.submit')}<//></div>
    </form>
    <div aria-live="polite">
      ${busy && html`<${Loading} />`}
      <${LoadError} error=${error} />
      ${result && html`<${AmmunitionResults} result=${result} />`}
    </div>`;
}

function AmmunitionResults({ result }) {
  const list = result.results || [];
  return html`<section class="results">
    <h2>${t('search.results')}</h2>
    <p class="muted">${t('search.ammo_count', { n: fmtNumber(list.length), total: fmtNumber(result.total ?? list.length) })}</p>
    ${list.length === 0 ? html`<p class="note">${t('search.none')}</p>` : html`
      <ol class="candidates">${list.map((r) => html`<${AmmunitionResult} key=${r.source + r.id + r.line} r=${r} />`)}</ol>`}
  </section>`;
}

function AmmunitionResult({ r }) {
  const a = r.ammunition || {};
  const to = sourceHref(r);
  const name = t('search.source_' + r.source) === 'search.source_' + r.source ? r.source : t('search.source_' + r.source);
  const id = `am-score-${r.source}-${r.id}-${r.line}`;
  return html`<li class="candidate" data-testid="ammunition-result">
    <div class="cand-top">
      ${to ? html`<a class="cand-link" href=${to} data-testid="ammunition-source">${name}</a>` : html`<span>${name}</span>`}
      <span class="cand-raw">${r.date ? html`<${Day} at=${r.date} />` : ''}${r.country ? ' · ' + countryName(r.country) : ''}</span>
      <span class="cand-score">
        <label for=${id}>${t('search.score')}</label>
        <meter id=${id} min="0" max="100" low="40" high="75" optimum="100" value=${r.score}></meter>
        <span>${fmtNumber(r.score)}</span>
      </span>
    </div>
    ${r.reason && html`<p class="reason"><span class=${'reason-tag reason-' + r.reason}>${label('reason', r.reason)}</span> ${label('reason_why', r.reason)}</p>`}
    <dl class="facts">
      <div><dt>${t('ammo.headstamp')}</dt><dd><span dir="auto" class="key" data-testid="result-headstamp">${headstampText(a.headstamp) || '—'}</span></dd></div>
      <div><dt>${t('ammo.lot')}</dt><dd><span dir="auto" class="key">${a.lot || '—'}</span></dd></div>
      <div><dt>${t('field.calibre')}</dt><dd dir="auto">${a.calibre || '—'}</dd></div>
      <div><dt>${t('ammo.rounds')}</dt><dd>${a.quantity != null ? fmtNumber(a.quantity) : '—'}</dd></div>
    </dl>
  </li>`;
}
