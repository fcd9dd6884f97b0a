// Findings (docs/monitoring.md): what a mission or a Panel concludes from
// what it saw, newest first, filtered by state and regime; drafting one
// (with the observation it starts from, or the reported finding it
// corrects); one finding with its evidence linked and unlinked, the
// evidence rule's verdict exactly as the API gives it (the console never
// judges the evidence: the library refuses a finding the rule does not
// back, and the refusal is shown as the server wrote it), marking it
// corroborated and reported, and its signed evidence pack to download,
// whole or with the sources' identities left out.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { actorText, countryName, fmtNumber, label, messageText, t } from '../i18n.js';
import { href, navigate } from '../router.js';
import { can } from '../roles.js';
import { Field, FormError, LoadError, Loading, Submit, errorText, optionsOf, useForm } from '../components/form.js';
import { ActionForm, Day, Facts, Table, When, bodyOf } from '../components/stock.js';
import { RegimeLink, dayText, today, useRegimes } from '../components/embargo.js';
import { regimeOptions } from './observations.js';
import { ActorName, FindingLink, FindingState, ObsDay, Typed, Verdict, findingHref, obsHref, rowsOf, useFilteredList } from '../components/monitoring.js';
import { ACTOR_KINDS, FINDING_STATES } from '../vocab.js';
import { PageTitle } from './misc.js';

const enc = encodeURIComponent;

const Period = ({ p }) => (p?.from || p?.to ? html`<span class="emb-period"><${Day} at=${p.from} /> – <${Day} at=${p.to} /></span>` : '—');

export function Findings({ user, route }) {
  const q = route.query;
  const asked = { state: q.get('state') || '', regime: q.get('regime') || '' };
  const { form, list, error } = useFilteredList('/findings', 'findings', asked, q.toString(), { prefix: 'ff-' });
  const regimes = useRegimes();
  const change = (name) => (e) => navigate(href('findings', { ...asked, [name]: e.currentTarget.value }));
  const cols = [
    [t('mon.statement'), (f) => html`<${FindingLink} id=${f.id} statement=${f.statement} />`],
    [t('mon.state'), (f) => html`<${FindingState} state=${f.state} />`, '', { sort: 'state' }],
    [t('mon.rule'), (f) => html`<span class=${'badge tone-' + (f.holds ? 'held' : 'warn')}>${f.holds ? t('mon.rule_holds') : t('mon.rule_fails')}</span>`, '', { sort: (f) => (f.holds ? 0 : 1) }],
    [t('mon.actor'), (f) => html`<${ActorName} a=${f.actor} />`, '', { sort: (f) => f.actor?.name || '' }],
    [t('mon.regime'), (f) => (f.regime ? html`<${RegimeLink} id=${f.regime} />` : '—')],
    [t('mon.country'), (f) => (f.country ? countryName(f.country) : '—'), '', { sort: (f) => countryName(f.country) }],
    [t('mon.evidence_n'), (f) => fmtNumber(f.links), 'num', { sort: 'links' }],
    [t('mon.created'), (f) => html`<${When} at=${f.created} />`, '', { sort: 'created' }],
  ];
  return html`<${PageTitle}>${t('mon.findings')}<//>
    <p class="hint">${t('mon.findings_note')}</p>
    ${can(user, 'monitor') && html`<p><a class="button" href="#/findings/new">${t('mon.new_finding')}</a></p>`}
    <form class="form filters" onSubmit=${(e) => e.preventDefault()}>
      <div class="row">
        <${Field} form=${form} name="state" type="select" label=${t('mon.state')} onInput=${change('state')}
          options=${optionsOf(FINDING_STATES, 'finding_state', { empty: t('common.any') })} />
        <${Field} form=${form} name="regime" type="select" label=${t('mon.regime')} onInput=${change('regime')}
          options=${regimeOptions(regimes, t('common.any'))} />
      </div>
    </form>
    <${LoadError} error=${error} />
    ${!list && !error && html`<${Loading} />`}
    ${list && html`<${Table} name="findings" caption=${t('mon.findings')} cols=${cols} rows=${list} empty=${t('mon.no_findings')} />`}
    <${VerifyPack} />`;
}

// An evidence pack from another registry (or this one) checked here: its
// bytes sent as they are (POST /evidence-packs/verify), signed by a peer
// this registry trusts or by the public key given; the verdict names each
// file altered, missing or added, in the server's words.
function VerifyPack() {
  const form = useForm({ public_key: '' }, { prefix: 'vp-', fields: ['file', 'public_key'] });
  const [file, setFile] = useState(null);
  const [verdict, setVerdict] = useState(null);
  const go = form.submit(async (v) => {
    setVerdict(null);
    if (!file) throw Object.assign(new Error(t('mon.verify_file_needed')), { field: 'file', code: 'invalid' });
    setVerdict(await api('POST', '/evidence-packs/verify', { body: file, type: 'application/x-tar', query: { public_key: v.public_key.trim() } }));
  });
  const err = form.error?.field === 'file' ? form.error : null;
  return html`<section class="box" aria-labelledby="vp-h" data-testid="verify-pack">
    <h2 id="vp-h">${t('mon.verify_title')}</h2>
    <p class="hint">${t('mon.verify_note')}</p>
    <form class="form" onSubmit=${go} novalidate>
      <div class="row">
        <div class="field">
          <label for="vp-file">${t('mon.verify_file')}</label>
          <input id="vp-file" type="file" accept=".wep,.tar,application/x-tar" aria-invalid=${err ? 'true' : undefined}
            aria-describedby=${err ? 'vp-file-error' : undefined} onChange=${(e) => { setFile(e.currentTarget.files[0] || null); setVerdict(null); }} />
          ${err && html`<p id="vp-file-error" class="field-error" role="alert">${errorText(err)}</p>`}
        </div>
        <${Field} form=${form} name="public_key" label=${t('mon.verify_key')} dir="ltr" spellcheck="false" autocomplete="off" hint=${t('mon.verify_key_hint')} />
      </div>
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('mon.verify_submit')}<//></div>
    </form>
    ${verdict && html`<div class=${'mon-verdict ' + (verdict.valid ? 'holds' : 'fails')} role="status" data-testid="pack-verdict" data-valid=${verdict.valid ? 'true' : 'false'}>
      <p><span class=${'badge tone-' + (verdict.valid ? 'held' : 'missing')}>${verdict.valid ? t('mon.pack_valid') : t('mon.pack_invalid')}</span></p>
      ${verdict.signer && html`<p>${t('mon.signed_by')} <bdi dir="auto" translate=${false}>${verdict.signer.name || ''}</bdi>${verdict.signer.country ? ' · ' + countryName(verdict.signer.country) : ''}
        · ${verdict.signer.trusted ? t('mon.signer_trusted') : t('mon.signer_key_given')}</p>`}
      ${verdict.finding && html`<p>${t('mon.finding')}: <bdi dir="auto" translate=${false}>${verdict.finding.statement}</bdi> <${FindingState} state=${verdict.finding.state} /></p>`}
      <p>${t('mon.pack_files', { n: fmtNumber(verdict.files ?? 0) })}</p>
      ${verdict.problems?.length > 0 && html`<${Table} caption=${t('mon.pack_problems')} rows=${verdict.problems} rowKey=${(x) => x.file + x.problem} cols=${[
        [t('mon.pack_file'), (x) => html`<code dir="ltr" translate=${false}>${x.file}</code>`],
        [t('mon.pack_problem'), (x) => label('pack_problem', x.problem)],
        [t('mon.what'), (x) => messageText(x)],
      ]} />`}
    </div>`}
  </section>`;
}

export function FindingRoute({ user, route }) {
  if (route.params[0] === 'new') {
    return can(user, 'monitor')
      ? html`<${NewFinding} link=${route.query.get('link') || ''} supersedes=${route.query.get('supersedes') || ''} />`
      : html`<${PageTitle}>${t('mon.new_finding')}<//><p class="note">${t('misc.not_allowed')}</p>`;
  }
  return html`<${Finding} user=${user} id=${route.params[0]} />`;
}

function NewFinding({ link, supersedes }) {
  const regimes = useRegimes();
  const [was, setWas] = useState(null);
  const form = useForm({
    statement: '', regime: '', 'actor.kind': '', 'actor.name': '', 'actor.country': '', 'period.from': '', 'period.to': '',
    country: '', notes: '', supersedes,
  }, { prefix: 'nf-' });
  const v = form.values;
  useEffect(() => {
    if (!supersedes) return;
    // a correction starts from what the reported finding said
    api('GET', `/findings/${enc(supersedes)}`).then((f) => {
      setWas(f);
      form.setValues((x) => ({
        ...x, statement: f.statement || '', regime: f.regime || '', 'actor.kind': f.actor?.kind || '', 'actor.name': f.actor?.name || '',
        'actor.country': f.actor?.country || '', 'period.from': f.period?.from || '', 'period.to': f.period?.to || '', country: f.country || '',
      }));
    }, () => {});
  }, [supersedes]);
  const go = form.submit(async () => {
    const body = bodyOf({ statement: v.statement, regime: v.regime, country: v.country, notes: v.notes, supersedes: v.supersedes });
    const actor = bodyOf({ kind: v['actor.kind'], name: v['actor.name'], country: v['actor.country'] });
    if (Object.keys(actor).length) body.actor = actor;
    const period = bodyOf({ from: v['period.from'], to: v['period.to'] });
    if (Object.keys(period).length) body.period = period;
    if (link) body.links = [link];
    try {
      const f = await api('POST', '/findings', { body });
      navigate(findingHref(f.id));
    } catch (e) {
      if (e.field) e.field = String(e.field).replace(/\[(\d+)\]/g, '.$1');
      throw e;
    }
  });
  const F = (name, lbl, extra = {}) => html`<${Field} form=${form} name=${name} label=${lbl} ...${extra} />`;
  return html`<${PageTitle}>${supersedes ? t('mon.correct_finding') : t('mon.new_finding')}<//>
    ${link && html`<p class="note">${t('mon.starts_from')} <a href=${obsHref(link)}>${t('mon.the_observation')}</a></p>`}
    ${was && html`<p class="note">${t('mon.corrects')} <${FindingLink} id=${was.id} statement=${was.statement} /></p>`}
    <form class="form xfer-form" onSubmit=${go} novalidate data-testid="new-finding">
      ${F('statement', t('mon.statement'), { type: 'textarea', rows: 3, dir: 'auto', required: true, hint: t('mon.statement_hint') })}
      <div class="row">
        ${F('regime', t('mon.regime'), { type: 'select', options: regimeOptions(regimes, t('common.none_chosen')) })}
        ${F('country', t('mon.country'), { type: 'country' })}
        ${F('period.from', t('mon.period_from'), { type: 'date' })}
        ${F('period.to', t('mon.period_to'), { type: 'date' })}
      </div>
      <fieldset><legend>${t('mon.actor')}</legend>
        <div class="row">
          ${F('actor.kind', t('mon.actor_kind'), { type: 'select', options: optionsOf(ACTOR_KINDS, 'actor_kind', { empty: t('common.none_chosen') }) })}
          ${F('actor.name', t('mon.actor_name'), { dir: 'auto', autocomplete: 'off' })}
          ${F('actor.country', t('mon.actor_country'), { type: 'country' })}
        </div>
      </fieldset>
      ${F('notes', t('field.notes'), { type: 'textarea', rows: 2, dir: 'auto' })}
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('mon.finding_submit')}<//></div>
    </form>
    <p><a href="#/findings">${t('mon.back_findings')}</a></p>`;
}

// The page a linked record has in the console.
const LINK_PAGES = {
  observation: (id) => obsHref(id),
  trace: (id) => '#/traces/' + enc(id),
  hit: (id) => '#/inbox/' + enc(id),
};

// The observations, for naming them in words (kind, day, area, actor).
function useObservations() {
  const [rows, setRows] = useState([]);
  useEffect(() => {
    api('GET', '/observations', { query: { limit: 500 } }).then((r) => setRows(rowsOf(r, 'observations')), () => {});
  }, []);
  return rows;
}
const obsText = (o) => [`${label('obs_kind', o.kind)} · ${dayText(String(o.observed_at || '').slice(0, 10))}`, o.place?.admin_area || countryName(o.place?.country), o.actor?.name]
  .filter(Boolean).join(' · ');

function Finding({ user, id }) {
  const observations = useObservations();
  const [f, setF] = useState(null);
  const [error, setError] = useState(null);
  const [acted, setActed] = useState(null); // the last button's error
  const [said, setSaid] = useState('');
  const path = `/findings/${enc(id)}`;
  const load = () => api('GET', path).then(setF, setError);
  useEffect(() => {
    setF(null);
    setError(null);
    setActed(null);
    setSaid('');
    load();
  }, [id]);
  if (error) return html`<${PageTitle}>${t('mon.finding')}<//><${LoadError} error=${error} />`;
  if (!f) return html`<${PageTitle}>${t('mon.finding')}<//><${Loading} />`;
  const monitor = can(user, 'monitor');
  const act = async (fn, done) => {
    setActed(null);
    setSaid('');
    try {
      await fn();
      await load();
      setSaid(done);
    } catch (e) {
      setActed(e);
      load();
    }
  };
  const unlink = (target) => act(() => api('DELETE', `${path}/links/${enc(target)}`), t('mon.unlinked'));
  const pack = `/api/v1${path}/evidence-pack`;
  return html`<${PageTitle}>${t('mon.finding')}<//>
    <p class="subtitle"><${FindingState} state=${f.state} /></p>
    <blockquote class="mon-statement" data-testid="statement"><${Typed} v=${f.statement} cls="pre" /></blockquote>
    <${Facts} rows=${[
      [t('mon.regime'), f.regime ? html`<${RegimeLink} id=${f.regime} />` : '—'],
      [t('mon.actor'), html`<${ActorName} a=${f.actor} />`],
      [t('mon.period'), html`<${Period} p=${f.period} />`],
      [t('mon.country'), f.country ? countryName(f.country) : '—'],
      f.notes && [t('field.notes'), html`<${Typed} v=${f.notes} cls="pre" />`],
      [t('mon.created'), html`<${When} at=${f.created} />`],
      f.created_by && [t('mon.drafted_by'), html`<bdi dir="auto" translate=${false}>${actorText(typeof f.created_by === 'string' ? f.created_by : f.created_by.name)}</bdi>`],
      f.corroborated && [t('mon.corroborated_on'), html`<${ObsDay} at=${typeof f.corroborated === 'string' ? f.corroborated : f.corroborated.at || f.corroborated.date} />`],
      f.reported && [t('mon.reported_to'), html`<${Typed} v=${f.reported.to} /> · <${Day} at=${f.reported.date} />${f.reported.reference ? html` · <${Typed} v=${f.reported.reference} />` : ''}`],
      f.supersedes && [t('mon.supersedes'), html`<a href=${findingHref(f.supersedes)}>${t('mon.the_finding_corrected')}</a>`],
      f.superseded_by && [t('mon.superseded_by'), html`<a href=${findingHref(f.superseded_by)}>${t('mon.the_correction')}</a>`],
    ]} />
    <section class="box" aria-labelledby="fr-h">
      <h2 id="fr-h">${t('mon.rule_title')}</h2>
      <p class="hint">${t('mon.rule_note')}</p>
      <${Verdict} rule=${f.rule} name=${(oid) => { const o = observations.find((x) => x.id === oid); return o ? obsText(o) : '…'; }} />
    </section>
    <p class="success" role="status">${said}</p>
    ${acted && html`<${LoadError} error=${acted} />`}
    ${monitor && f.state === 'draft' && html`<p><button type="button" data-testid="corroborate"
      onClick=${() => act(() => api('POST', `${path}/corroborate`), t('mon.corroborated_done'))}>${t('mon.corroborate')}</button></p>`}
    <h2>${t('mon.evidence')}</h2>
    <${Table} caption=${t('mon.evidence')} rows=${f.links || []} rowKey=${(l) => l.target} empty=${t('mon.no_evidence')} cols=${[
      [t('mon.link_kind'), (l) => label('link_kind', l.kind)],
      [t('mon.what'), (l) => {
        const to = LINK_PAGES[l.kind]?.(l.target);
        const o = l.kind === 'observation' && observations.find((x) => x.id === l.target);
        const text = o ? html`<bdi dir="auto" translate=${false}>${obsText(o)}</bdi>` : l.label ? html`<${Typed} v=${l.label} />` : label('link_kind', l.kind);
        return to ? html`<a href=${to}>${text}</a>` : text;
      }],
      [t('mon.date'), (l) => html`<${ObsDay} at=${l.date} />`],
      [t('mon.note'), (l) => html`<${Typed} v=${l.note} />`],
      ...(monitor && f.state === 'draft' ? [[t('mon.actions'), (l) => html`<button type="button" class="secondary small" onClick=${() => unlink(l.target)}>
        ${t('mon.unlink')}<span class="sr-only"> ${label('link_kind', l.kind)} ${l.label || ''}</span></button>`]] : []),
    ]} />
    ${monitor && f.state !== 'reported' && html`<${LinkForm} path=${path} links=${f.links || []} observations=${observations} onDone=${load} />`}
    ${monitor && f.state === 'corroborated' && html`<${ActionForm} prefix="rp-" title=${t('mon.report_title')} submit=${t('mon.report_submit')}
      note=${t('mon.report_note')} initial=${{ to: '', date: today(), reference: '' }}
      fields=${[
        { name: 'to', label: t('mon.report_to'), dir: 'auto', required: true },
        { name: 'date', label: t('mon.date'), type: 'date' },
        { name: 'reference', label: t('mon.reference'), dir: 'auto' },
      ]}
      action=${async (val) => { await api('POST', `${path}/report`, { body: bodyOf(val) }); await load(); setSaid(t('mon.reported_done')); return ''; }} />`}
    ${monitor && f.state === 'reported' && !f.superseded_by && html`<p><a href=${href('findings/new', { supersedes: f.id })}>${t('mon.correct_finding')}</a></p>`}
    <section class="box" aria-labelledby="fp-h" data-testid="evidence-pack">
      <h2 id="fp-h">${t('mon.pack_title')}</h2>
      <p class="hint">${t('mon.pack_note')}</p>
      <p class="mon-pack">
        <a class="button" href=${pack} download>${t('mon.pack_download')}</a>
        <a class="button secondary" href=${pack + '?redact_sources=true'} download>${t('mon.pack_redacted')}</a>
      </p>
    </section>
    <p><a href="#/findings">${t('mon.back_findings')}</a></p>`;
}

// Evidence to link: an observation or a trace request chosen by what it
// is, or the id of a hit; a note saying what it shows.
function LinkForm({ path, links, observations, onDone }) {
  const [traces, setTraces] = useState([]);
  useEffect(() => {
    api('GET', '/traces').then((r) => setTraces(rowsOf(r, 'requests')), () => {});
  }, []);
  const form = useForm({ target: '', note: '' }, { prefix: 'fl-' });
  const [done, setDone] = useState('');
  const linked = new Set(links.map((l) => l.target));
  const go = form.submit(async (v) => {
    setDone('');
    await api('POST', `${path}/links`, { body: bodyOf(v) });
    form.reset();
    setDone(t('mon.linked_done'));
    onDone();
  });
  const err = form.error?.field === 'target' ? form.error : null;
  return html`<section class="box" aria-labelledby="fl-h" data-testid="link-form">
    <h2 id="fl-h">${t('mon.link_title')}</h2>
    <p class="success" role="status">${done}</p>
    <form class="form" onSubmit=${go} novalidate>
      <div class="row">
        <div class="field">
          <label for="fl-target">${t('mon.link_what')}</label>
          <select id="fl-target" value=${form.values.target} aria-invalid=${err ? 'true' : undefined} aria-describedby=${err ? 'fl-target-error' : undefined}
            onInput=${form.set('target')}>
            <option value="">${t('common.choose')}</option>
            <optgroup label=${t('mon.observations')}>
              ${observations.filter((o) => !linked.has(o.id)).map((o) => html`<option value=${o.id}>${obsText(o)}</option>`)}
            </optgroup>
            <optgroup label=${t('mon.trace_requests')}>
              ${traces.filter((x) => !linked.has(x.id)).map((x) => html`<option value=${x.id}>${[x.reference, x.item?.make, x.item?.serial].filter(Boolean).join(' · ') || t('mon.trace_request')}</option>`)}
            </optgroup>
          </select>
          ${err && html`<p id="fl-target-error" class="field-error" role="alert">${errorText(err)}</p>`}
        </div>
        <${Field} form=${form} name="note" label=${t('mon.note')} dir="auto" />
      </div>
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('mon.link_submit')}<//></div>
    </form>
  </section>`;
}
