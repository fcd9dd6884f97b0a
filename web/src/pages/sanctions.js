// Sanctions (docs/sanctions.md): screening a name — in any script, with
// its date of birth, nationality and document — against the lists in
// force, each candidate with its score, the parts of the name that matched
// marked, how each part matched in words and the evidence for and against;
// the screening alerts, open first, each cleared as a false positive or
// confirmed with a reason (embargo); the lists' entries, their imports and
// the import of a list file (embargo).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { actorText, countryName, fmtDate, fmtNumber, label, t } from '../i18n.js';
import { href, navigate } from '../router.js';
import { can } from '../roles.js';
import { useRequest } from '../request.js';
import { Field, FormError, LoadError, Loading, Submit, errorText, optionsOf, useForm } from '../components/form.js';
import { Day, Facts, Table } from '../components/stock.js';
import { StateChange } from '../components/transfers.js';
import {
  AlertLink, EmbBadge, EntryLink, Evidence, Explanation, RegimeLink, Score, Subjects, Text, markedName,
} from '../components/embargo.js';
import { ALERT_STATES, ENTRY_KINDS } from '../vocab.js';
import { PageTitle } from './misc.js';

// ---- screening ----

export function Screening({ route }) {
  const q = route.query;
  const asked = { name: q.get('name') || '', dob: q.get('dob') || '', nationality: q.get('nationality') || '',
    document: q.get('document') || '', kind: q.get('kind') || '' };
  const form = useForm(asked, { prefix: 'sc-' });
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  useRequest((keep) => {
    form.setValues(asked);
    setResult(null);
    setError(null);
    if (!asked.name.trim()) return;
    api('GET', '/sanctions/screen', { query: { ...asked, explain: 'true' } }).then(keep(setResult), keep(setError));
  }, [q.toString()]);
  const go = form.submit(async (v) => navigate(href('screening', v)));
  const F = (name, lbl, extra = {}) => html`<${Field} form=${form} name=${name} label=${lbl} ...${extra} />`;
  return html`<${PageTitle}>${t('emb.screening')}<//>
    <p class="hint">${t('emb.screening_note')}</p>
    <form class="form xfer-form" onSubmit=${go} novalidate data-testid="screening">
      <div class="row">
        ${F('name', t('emb.party_name'), { dir: 'auto', autocomplete: 'off', required: true })}
        ${F('kind', t('emb.kind'), { type: 'select', options: optionsOf(ENTRY_KINDS, 'entry_kind', { empty: t('emb.either') }) })}
        ${F('dob', t('emb.dob'), { hint: t('emb.dob_hint'), autocomplete: 'off' })}
        ${F('nationality', t('emb.nationality'), { type: 'country' })}
        ${F('document', t('emb.document_number'), { autocomplete: 'off', dir: 'ltr' })}
      </div>
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('emb.screen_submit')}<//></div>
    </form>
    <${LoadError} error=${error} />
    ${asked.name && !result && !error && html`<${Loading} />`}
    ${result && html`<${Candidates} result=${result} name=${asked.name} />`}`;
}

function Candidates({ result, name }) {
  const list = result.candidates || [];
  return html`<section aria-labelledby="sc-r" data-testid="candidates">
    <h2 id="sc-r">${t('emb.candidates')}</h2>
    <p role="status">${list.length ? t('emb.n_candidates', { n: fmtNumber(list.length) }) : t('emb.no_candidates')}</p>
    <ol class="emb-candidates">${list.map((c, i) => html`<li key=${c.entry?.id || i} class="box emb-candidate">
      <h3><${EntryLink} id=${c.entry?.id} name=${c.entry?.name} />
        ${c.entry?.reference && html` <span class="muted" translate=${false}>${c.entry.reference}</span>`}</h3>
      <${Facts} rows=${[
        [t('emb.score'), html`<${Score} value=${c.score} />`],
        [t('emb.name_score'), html`<${Score} value=${c.name_score} />`],
        [t('emb.asked'), markedName(result.query?.name || name, c.explanation)],
        [t('emb.matched_name'), html`<bdi dir="auto" translate=${false}>${c.matched_name || c.entry?.name}</bdi>`],
        c.entry?.regime && [t('emb.regime'), html`<${RegimeLink} id=${c.entry.regime} />`],
        !c.entry?.regime && c.entry?.list_type && [t('emb.list_type'), html`<${Text} v=${c.entry.list_type} />`],
      ]} />
      <${Explanation} explanation=${c.explanation} />
      ${c.evidence?.length > 0 && html`<h4>${t('emb.evidence')}</h4><${Evidence} evidence=${c.evidence} />`}
    </li>`)}</ol>
  </section>`;
}

// ---- alerts ----

const ORDER = { open: 0, confirmed: 1, cleared: 2 };
const openFirst = (list) => [...list].sort((a, b) => (ORDER[a.state] ?? 3) - (ORDER[b.state] ?? 3) || String(b.raised_at).localeCompare(String(a.raised_at)));

function Decide({ a, onDone, start, onCancel }) {
  const who = a.party?.name || '';
  return html`<${StateChange} prefix="ad-" title=${t('emb.decide_title')} hint=${t('emb.decide_hint')} start=${start} onCancel=${onCancel} path=${(c) => `/sanctions/alerts/${encodeURIComponent(a.id)}/${c.state}`} onDone=${onDone}
    changes=${[
      { state: 'clear', button: t('emb.clear_alert'), title: t('emb.clear_title', { name: who }), submit: t('emb.clear_submit'),
        note: t('emb.clear_note'), done: t('emb.cleared_done'), body: (v) => ({ reason: v.reason }) },
      { state: 'confirm', button: t('emb.confirm_alert'), title: t('emb.confirm_title', { name: who }), submit: t('emb.confirm_submit'),
        note: t('emb.confirm_note'), done: t('emb.confirmed_done'), body: (v) => ({ reason: v.reason }) },
    ]} />`;
}

export function Alerts({ user, route }) {
  const state = route.query.get('state') || '';
  const form = useForm({ state }, { prefix: 'af-' });
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const [deciding, setDeciding] = useState(null);
  const [said, setSaid] = useState('');
  const keep = useRequest((keep) => {
    setError(null);
    form.setValues({ state });
    api('GET', '/sanctions/alerts', { query: { state } }).then(keep(setList), keep((e) => {
      setList(null);
      setError(e);
    }));
  }, [state]);
  const reload = () => api('GET', '/sanctions/alerts', { query: { state } }).then(keep(setList), () => {});
  const may = can(user, 'embargo');
  const cols = [
    [t('emb.raised'), (a) => html`<${AlertLink} id=${a.id}>${fmtDate(a.raised_at)}<//>`, '', { sort: 'raised_at' }],
    [t('emb.party'), (a) => html`<bdi dir="auto" translate=${false}>${a.party?.name}</bdi>${a.party?.role ? html` · ${label('party_role', a.party.role)}` : ''}`, '', { sort: (a) => a.party?.name }],
    [t('emb.entry'), (a) => html`<${EntryLink} id=${a.entry?.id} name=${a.entry?.name} />${a.entry?.removed ? html` <span class="badge tone-gone">${t('emb.removed')}</span>` : ''}`],
    [t('emb.score'), (a) => html`<${Score} value=${a.score} />`, 'num', { sort: 'score' }],
    [t('emb.blocks'), (a) => html`<${Subjects} list=${a.subjects} />`],
    [t('emb.state'), (a) => html`<${EmbBadge} kind="alert_state" code=${a.state} />`, '', { sort: (a) => ORDER[a.state] }],
  ];
  if (may) cols.push([t('emb.actions'), (a) => a.state === 'open' && html`<button type="button" class="secondary small" data-testid="decide"
    onClick=${() => { setSaid(''); setDeciding(a); }}>${t('emb.decide')}<span class="sr-only"> ${a.party?.name}</span></button>`]);
  return html`<${PageTitle}>${t('emb.alerts')}<//>
    <p class="hint">${t('emb.alerts_note')}</p>
    <form class="form filters" onSubmit=${(e) => e.preventDefault()}>
      <div class="row">
        <${Field} form=${form} name="state" type="select" label=${t('emb.state')}
          onInput=${(e) => navigate(href('screening-alerts', { state: e.currentTarget.value }))}
          options=${optionsOf(ALERT_STATES, 'alert_state', { empty: t('common.any') })} />
      </div>
    </form>
    <p class="success" role="status">${said}</p>
    <${LoadError} error=${error} />
    ${!list && !error && html`<${Loading} />`}
    ${list && html`<${Table} name="screening-alerts" caption=${t('emb.alerts')} cols=${cols} rows=${openFirst(list)} empty=${t('emb.no_alerts')} />`}
    ${deciding && html`<${Decide} key=${deciding.id} a=${deciding} onCancel=${() => setDeciding(null)}
      onDone=${(r) => { setDeciding(null); setSaid(r?.state === 'confirmed' ? t('emb.confirmed_done') : t('emb.cleared_done')); reload(); }} />`}`;
}

export function Alert({ user, route }) {
  const id = route.params[0];
  const [a, setA] = useState(null);
  const [error, setError] = useState(null);
  const load = () => api('GET', `/sanctions/alerts/${encodeURIComponent(id)}`).then(setA, setError);
  useEffect(() => {
    setA(null);
    setError(null);
    load();
  }, [id]);
  if (error) return html`<${PageTitle}>${t('emb.alert')}<//><${LoadError} error=${error} />`;
  if (!a) return html`<${PageTitle}>${t('emb.alert')}<//><${Loading} />`;
  const p = a.party || {};
  return html`<${PageTitle}>${t('emb.alert')} · <bdi dir="auto" translate=${false}>${p.name}</bdi><//>
    <p class="subtitle"><${EmbBadge} kind="alert_state" code=${a.state} /></p>
    <${Facts} rows=${[
      [t('emb.party'), markedName(p.name, a.explanation)],
      p.role && [t('emb.role'), label('party_role', p.role)],
      p.country && [t('emb.country'), countryName(p.country)],
      p.dob && [t('emb.dob'), html`<span dir="ltr">${p.dob}</span>`],
      p.nationality && [t('emb.nationality'), countryName(p.nationality)],
      p.document && [t('emb.document_number'), html`<span dir="ltr" translate=${false}>${p.document}</span>`],
      [t('emb.entry'), html`<${EntryLink} id=${a.entry?.id} name=${a.entry?.name} />${a.entry?.reference ? html` <span translate=${false}>${a.entry.reference}</span>` : ''}${a.entry?.removed ? html` <span class="badge tone-gone">${t('emb.removed')}</span>` : ''}`],
      [t('emb.score'), html`<${Score} value=${a.score} />`],
      [t('emb.blocks'), html`<${Subjects} list=${a.subjects} />`],
      a.previous && [t('emb.cleared_before'), html`<${AlertLink} id=${a.previous.id}><span translate=${false}>${a.previous.id}</span><//>${a.previous.reason ? html` · <span dir="auto">${a.previous.reason}</span>` : ''}<p class="hint">${t('emb.cleared_before_hint')}</p>`],
      [t('emb.raised'), fmtDate(a.raised_at)],
      a.decided && [t('emb.decided'), html`${fmtDate(a.decided.at)} · <span dir="auto" translate=${false}>${actorText(a.decided.by)}</span>`],
      a.decided && [t('emb.reason'), html`<span dir="auto">${a.decided.reason}</span>`],
    ]} />
    <${Explanation} explanation=${Array.isArray(a.explanation) ? a.explanation : []} />
    ${a.state === 'open' && can(user, 'embargo') && html`<${Decide} a=${a} onDone=${(r) => (r?.id ? setA(r) : load())} />`}
    <p><a href="#/screening-alerts">${t('emb.back_alerts')}</a></p>`;
}

// ---- the lists ----

export function SanctionsList({ user, route }) {
  const q = route.query.get('q') || '';
  const removed = route.query.get('removed') === 'true';
  const form = useForm({ q, removed }, { prefix: 'sl-' });
  const [list, setList] = useState(null);
  const [imports, setImports] = useState(null);
  const [error, setError] = useState(null);
  const keep = useRequest((keep) => {
    setError(null);
    form.setValues({ q, removed });
    api('GET', '/sanctions/entries', { query: { q, removed: removed ? 'true' : '' } }).then(keep(setList), keep((e) => {
      setList(null);
      setError(e);
    }));
  }, [q, removed]);
  const loadImports = () => api('GET', '/sanctions/imports').then(setImports, () => setImports([]));
  useEffect(() => {
    loadImports();
  }, []);
  const cols = [
    [t('emb.name'), (e) => html`<${EntryLink} id=${e.id} name=${e.name} />${e.name_original_script ? html`<br /><bdi dir="auto" translate=${false}>${e.name_original_script}</bdi>` : ''}`, '', { sort: 'name' }],
    [t('emb.reference'), (e) => html`<span translate=${false}>${e.reference}</span>`, '', { sort: 'reference' }],
    [t('emb.kind'), (e) => label('entry_kind', e.kind), '', { sort: 'kind' }],
    [t('emb.list_type'), (e) => (e.regime ? html`<${RegimeLink} id=${e.regime} />` : html`<${Text} v=${e.list_type} />`)],
    [t('emb.nationality'), (e) => (e.nationalities || []).map((n) => (/^[A-Z]{2}$/.test(n) ? countryName(n) : n)).join(', ') || '—'],
    [t('emb.listed_on'), (e) => html`<${Day} at=${e.listed_on} />`, '', { sort: 'listed_on' }],
  ];
  return html`<${PageTitle}>${t('emb.sanctions_list')}<//>
    <form class="form filters" onSubmit=${(e) => { e.preventDefault(); navigate(href('sanctions', { q: form.values.q, removed: form.values.removed ? 'true' : '' })); }}>
      <div class="row">
        <${Field} form=${form} name="q" type="search" label=${t('emb.search_name')} dir="auto" autocomplete="off" />
        <${Field} form=${form} name="removed" type="checkbox" label=${t('emb.removed_too')} />
        <div class="actions"><button type="submit">${t('emb.search')}</button></div>
      </div>
    </form>
    <${LoadError} error=${error} />
    ${!list && !error && html`<${Loading} />`}
    ${list && html`<${Table} name="sanctions-entries" caption=${t('emb.sanctions_list')} cols=${cols} rows=${list} empty=${t('emb.no_entries')} />`}
    <h2>${t('emb.imports')}</h2>
    ${!imports && html`<${Loading} />`}
    ${imports && html`<${Table} caption=${t('emb.imports')} rows=${imports} rowKey=${(i) => i.seq} empty=${t('emb.no_imports')} cols=${[
      [t('emb.imported'), (i) => fmtDate(i.time)],
      [t('emb.list_source'), (i) => html`<${Text} v=${i.source} />`],
      [t('emb.generated'), (i) => html`<${Day} at=${String(i.generated || '').slice(0, 10)} />`],
      [t('emb.added'), (i) => fmtNumber(i.added), 'num'],
      [t('emb.amended'), (i) => fmtNumber(i.amended), 'num'],
      [t('emb.removed_n'), (i) => fmtNumber(i.removed), 'num'],
      [t('emb.by'), (i) => html`<span dir="auto" translate=${false}>${actorText(i.actor)}</span>`],
      [t('emb.sha256'), (i) => html`<span class="key emb-hash" translate=${false} title=${i.sha256}>${String(i.sha256 || '').slice(0, 12)}</span>`],
    ]} />`}
    ${can(user, 'embargo') && html`<${ImportList} onDone=${() => { loadImports(); api('GET', '/sanctions/entries', { query: { q, removed: removed ? 'true' : '' } }).then(keep(setList), () => {}); }} />`}`;
}

const FORMATS = ['un-xml', 'csv'];

function ImportList({ onDone }) {
  const form = useForm({ format: '', source: '' }, { prefix: 'si-', fields: ['format', 'source', 'file'] });
  const [file, setFile] = useState(null);
  const [done, setDone] = useState(null);
  const go = form.submit(async (v) => {
    setDone(null);
    if (!file) {
      const e = new Error(t('emb.file_needed'));
      e.code = 'invalid';
      e.field = 'file';
      throw e;
    }
    const type = v.format === 'csv' || /\.csv$/i.test(file.name) ? 'text/csv' : 'application/xml';
    const r = await api('POST', '/sanctions/import', { body: file, type, query: { format: v.format, source: v.source } });
    setDone(r);
    onDone?.();
  });
  const fileError = form.error?.field === 'file' ? form.error : null;
  return html`<section class="box" aria-labelledby="si-h">
    <h2 id="si-h">${t('emb.import_list')}</h2>
    <p class="hint">${t('emb.import_note')}</p>
    <form class="form" onSubmit=${go} novalidate data-testid="import-list">
      <div class="row">
        <div class="field">
          <label for="si-file">${t('emb.list_file')}</label>
          <input id="si-file" type="file" accept=".xml,.csv,application/xml,text/xml,text/csv" aria-invalid=${fileError ? 'true' : undefined}
            aria-describedby=${fileError ? 'si-file-error' : undefined} onChange=${(e) => setFile(e.currentTarget.files[0] || null)} />
          ${fileError && html`<p id="si-file-error" class="field-error" role="alert">${fileError.message_id ? errorText(fileError) : fileError.message}</p>`}
        </div>
        <${Field} form=${form} name="format" type="select" label=${t('emb.format')}
          options=${[{ value: '', label: t('emb.format_auto') }, ...FORMATS.map((f) => ({ value: f, label: label('list_format', f) }))]} />
        <${Field} form=${form} name="source" label=${t('emb.list_source')} hint=${t('emb.source_hint')} dir="auto" />
      </div>
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('emb.import_submit')}<//></div>
    </form>
    ${done && html`<p class="success" role="status" data-testid="import-done">${t('emb.import_done', {
      added: fmtNumber(done.added?.length || 0), amended: fmtNumber(done.amended?.length || 0), removed: fmtNumber(done.removed?.length || 0),
      alerts: fmtNumber(done.alerts?.length || 0) })}</p>`}
  </section>`;
}

export function Entry({ route }) {
  const id = route.params[0];
  const [e, setE] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    setE(null);
    setError(null);
    api('GET', `/sanctions/entries/${encodeURIComponent(id)}`).then(setE, setError);
  }, [id]);
  if (error) return html`<${PageTitle}>${t('emb.entry')}<//><${LoadError} error=${error} />`;
  if (!e) return html`<${PageTitle}>${t('emb.entry')}<//><${Loading} />`;
  const dob = (d) => (d.date ? d.date : d.year ? String(d.year) : [d.from, d.to].filter(Boolean).join(' – '));
  return html`<${PageTitle}><bdi dir="auto" translate=${false}>${e.name}</bdi><//>
    <p class="subtitle">${label('entry_kind', e.kind)} · <span translate=${false}>${e.reference}</span>
      ${e.removed_on && html` <span class="badge tone-gone">${t('emb.removed')}</span>`}</p>
    <${Facts} rows=${[
      e.name_original_script && [t('emb.original_script'), html`<bdi dir="auto" translate=${false}>${e.name_original_script}</bdi>`],
      [t('emb.list_source'), html`<${Text} v=${e.source} />`],
      [t('emb.list_type'), e.regime ? html`<${RegimeLink} id=${e.regime} />` : html`<${Text} v=${e.list_type} />`],
      [t('emb.dob'), (e.dobs || []).map((d) => `${dob(d)}${d.kind && d.kind !== 'exact' ? ' (' + label('date_kind', d.kind) + ')' : ''}`).join('; ') || '—'],
      [t('emb.place_of_birth'), html`<${Text} v=${(e.places_of_birth || []).map((p) => (typeof p === 'string' ? p : [p.city, p.country].filter(Boolean).join(', ')))} />`],
      [t('emb.nationality'), (e.nationalities || []).map((n) => (/^[A-Z]{2}$/.test(n) ? countryName(n) : n)).join(', ') || '—'],
      [t('emb.listed_on'), html`<${Day} at=${e.listed_on} />`],
      e.updated_on?.length > 0 && [t('emb.updated_on'), e.updated_on.map((d, i) => html`${i ? ', ' : ''}<${Day} at=${d} />`)],
      e.removed_on && [t('emb.removed_on'), html`<${Day} at=${e.removed_on} />`],
      e.comments && [t('emb.comments'), html`<span class="pre" dir="auto">${e.comments}</span>`],
    ]} />
    <h2>${t('emb.names')}</h2>
    <${Table} caption=${t('emb.names')} rows=${e.names || []} rowKey=${(n) => n.name + n.quality} cols=${[
      [t('emb.name'), (n) => html`<bdi dir="auto" translate=${false}>${n.name}</bdi>`],
      [t('emb.quality'), (n) => label('alias_quality', n.quality)],
      [t('emb.script'), (n) => label('script', n.script)],
    ]} />
    <h2>${t('emb.documents')}</h2>
    <${Table} caption=${t('emb.documents')} rows=${e.documents || []} rowKey=${(d) => d.number} empty=${t('common.none')} cols=${[
      [t('emb.document_number'), (d) => html`<span dir="ltr" translate=${false}>${d.number}</span>`],
      [t('emb.document_type'), (d) => html`<${Text} v=${d.type} />`],
      [t('emb.country'), (d) => (d.country && /^[A-Z]{2}$/.test(d.country) ? countryName(d.country) : html`<${Text} v=${d.country} />`)],
    ]} />
    ${e.history?.length > 0 && html`<h2>${t('emb.history')}</h2>
      <${Table} caption=${t('emb.history')} rows=${e.history} rowKey=${(h) => h.seq} cols=${[
        [t('emb.generated'), (h) => html`<${Day} at=${String(h.generated || '').slice(0, 10)} />`],
        [t('emb.change'), (h) => label('entry_change', h.what)],
        [t('emb.list_source'), (h) => label('list_source', h.source)],
      ]} />`}
    ${e.alerts && html`<h2>${t('emb.alerts')}</h2>
      <${Table} caption=${t('emb.alerts')} rows=${openFirst(e.alerts)} empty=${t('emb.no_alerts')} cols=${[
        [t('emb.party'), (a) => html`<${AlertLink} id=${a.id}><bdi dir="auto" translate=${false}>${a.party?.name || a.party_name || t('emb.alert')}</bdi><//>`],
        [t('emb.raised'), (a) => (a.raised_at ? fmtDate(a.raised_at) : '—')],
        [t('emb.state'), (a) => html`<${EmbBadge} kind="alert_state" code=${a.state} />`],
      ]} />`}
    <p><a href="#/sanctions">${t('emb.back_list')}</a></p>`;
}
