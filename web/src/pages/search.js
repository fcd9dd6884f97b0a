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

const FIELDS = ['serial', 'make', 'model', 'calibre', 'country'];

export function Search({ route }) {
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
