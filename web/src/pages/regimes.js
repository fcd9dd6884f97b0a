// Arms embargoes (docs/embargo.md): the regimes — the Security Council's
// from the reference file and the national ones — in force today or on a
// chosen date; one regime with its resolutions, periods, target, scope,
// territories, procedures, sources, the facts the file could not confirm,
// its exemptions and notices; and the check of a destination on a date,
// with the screening of a party when one is named.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { countryName, label, t } from '../i18n.js';
import { can } from '../roles.js';
import { href, navigate } from '../router.js';
import { useRequest } from '../request.js';
import { Field, FormError, LoadError, Loading, Submit, useForm } from '../components/form.js';
import { Day, Facts, Table } from '../components/stock.js';
import {
  AlertLink, EmbBadge, ExemptionLink, InForce, NoticeLink, Period, RegimeLink, RegimeName, Source, Subject, Territories, Text, dayText, findingText, regimeName, scopeText, today,
} from '../components/embargo.js';
import { PageTitle } from './misc.js';

// The date a page is about: ?on= or today.
const onOf = (route) => route.query.get('on') || '';

function DateForm({ page, on, extra }) {
  const form = useForm({ on: on || today() }, { prefix: 'on-' });
  useEffect(() => form.setValues({ on: on || today() }), [on]);
  return html`<form class="form filters" onSubmit=${(e) => { e.preventDefault(); navigate(href(page, { on: form.values.on === today() ? '' : form.values.on })); }}>
    <div class="row">
      <${Field} form=${form} name="on" type="date" label=${t('emb.on_date')} />
      <div class="actions"><button type="submit">${t('emb.show_on')}</button>
        ${on && html`<a class="button secondary" href=${href(page, {})}>${t('emb.today')}</a>`}</div>
    </div>
    ${extra}
  </form>`;
}

export function Regimes({ route }) {
  const on = onOf(route);
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const [all, setAll] = useState(false);
  useRequest((keep) => {
    setList(null);
    setError(null);
    api('GET', '/regimes', { query: { on } }).then(keep(setList), keep(setError));
  }, [on]);
  const shown = list && (all ? list : list.filter((r) => r.in_force));
  const cols = [
    [t('emb.regime'), (r) => html`<${RegimeLink} id=${r.id} regime=${r} on=${on} />`, '', { sort: (r) => regimeName(r) }],
    [t('emb.source'), (r) => label('list_source', r.source), '', { sort: 'source' }],
    [t('emb.target'), (r) => label('regime_target', r.applies?.target || r.target), '', { sort: 'target' }],
    [t('emb.scope'), (r) => scopeText(r.applies?.scope || r.scope)],
    [t('emb.territories'), (r) => html`<${Territories} codes=${r.territories} />`],
    [t('emb.period'), (r) => html`<${Period} p=${r.applies} />`],
    [t('emb.state'), (r) => html`<${InForce} yes=${r.in_force} />`, '', { sort: (r) => (r.in_force ? 0 : 1) }],
  ];
  return html`<${PageTitle}>${t('emb.regimes')}<//>
    <p class="hint">${on ? t('emb.regimes_on', { date: dayText(on) }) : t('emb.regimes_today')}</p>
    <${DateForm} page="regimes" on=${on} />
    <div class="field check emb-all">
      <input type="checkbox" id="emb-all" checked=${all} onChange=${(e) => setAll(e.currentTarget.checked)} />
      <label for="emb-all">${t('emb.show_all')}</label>
    </div>
    <${LoadError} error=${error} />
    ${!list && !error && html`<${Loading} />`}
    ${shown && html`<${Table} name="regimes" caption=${t('emb.regimes')} cols=${cols} rows=${shown} empty=${t('emb.no_regimes')} />`}`;
}

export function Regime({ user, route }) {
  const id = route.params[0];
  const on = onOf(route);
  const [r, setR] = useState(null);
  const [error, setError] = useState(null);
  useRequest((keep) => {
    setR(null);
    setError(null);
    api('GET', `/regimes/${encodeURIComponent(id)}`, { query: { on } }).then(keep(setR), keep(setError));
  }, [id, on]);
  if (error) return html`<${PageTitle}>${t('emb.regime')}<//><${LoadError} error=${error} />`;
  if (!r) return html`<${PageTitle}>${t('emb.regime')}<//><${Loading} />`;
  return html`<${PageTitle}><${RegimeName} r=${r} /><//>
    <p class="subtitle"><${InForce} yes=${r.in_force} /> ${on ? t('emb.regimes_on', { date: dayText(on) }) : t('emb.regimes_today')}</p>
    <${DateForm} page=${'regimes/' + encodeURIComponent(id)} on=${on} />
    <${Facts} rows=${[
      [t('emb.source'), label('list_source', r.source)],
      [t('emb.target'), label('regime_target', r.target)],
      [t('emb.scope'), scopeText(r.scope)],
      [t('emb.territories'), html`<${Territories} codes=${r.territories} />`],
      [t('emb.applies'), r.applies ? html`<${Period} p=${r.applies} /> · ${label('regime_target', r.applies.target)} · ${scopeText(r.applies.scope)}` : t('emb.not_in_force')],
      r.committee && [t('emb.committee'), html`<${Text} v=${r.committee} />`],
      r.panel && [t('emb.panel'), html`<${Text} v=${r.panel} />`],
      r.seizure_notice_days && [t('emb.seizure_notice'), t('emb.n_days', { n: r.seizure_notice_days })],
    ]} />
    ${r.unconfirmed?.length > 0 && html`<section class="box emb-unconfirmed" aria-labelledby="emb-unc-h">
      <h2 id="emb-unc-h">${t('emb.unconfirmed')}</h2>
      <p class="hint">${t('emb.unconfirmed_note')}</p>
      <ul>${r.unconfirmed.map((u, i) => html`<li key=${i}><span class="badge tone-warn">${t('emb.not_confirmed')}</span> <${Text} v=${typeof u === 'string' ? u : u.note || u.what || u.field} /></li>`)}</ul>
    </section>`}
    <h2>${t('emb.resolutions')}</h2>
    <${Table} caption=${t('emb.resolutions')} rows=${r.resolutions || []} rowKey=${(x) => x.number} cols=${[
      [t('emb.resolution'), (x) => html`<span translate=${false}>${x.number}</span>`],
      [t('emb.date'), (x) => html`<${Day} at=${x.date} />`],
      [t('emb.what'), (x) => html`<${Text} v=${x.what} />`],
    ]} />
    <h2>${t('emb.periods')}</h2>
    <${Table} caption=${t('emb.periods')} rows=${r.periods || []} rowKey=${(p) => p.from} cols=${[
      [t('emb.period'), (p) => html`<${Period} p=${p} />`],
      [t('emb.target'), (p) => label('regime_target', p.target)],
      [t('emb.scope'), (p) => scopeText(p.scope)],
      [t('emb.note'), (p) => html`<${Text} v=${p.note} />`],
    ]} />
    <h2>${t('emb.procedures')}</h2>
    <${Table} caption=${t('emb.procedures')} rows=${r.procedures || []} rowKey=${(p) => p.procedure} empty=${t('emb.no_procedures')} cols=${[
      [t('emb.procedure'), (p) => label('exemption_procedure', p.procedure)],
      [t('emb.covers'), (p) => html`<${Text} v=${p.covers} />`],
      [t('emb.period_days'), (p) => (p.period_days ? t('emb.n_days', { n: p.period_days }) : '—')],
    ]} />
    ${r.sources?.length > 0 && html`<h2>${t('emb.sources')}</h2>
      <ul class="emb-sources">${r.sources.map((s, i) => html`<li key=${i}><${Source} s=${s} /></li>`)}</ul>`}
    ${r.versions?.length > 0 && html`<h2>${t('emb.versions')}</h2>
      <${Table} caption=${t('emb.versions')} rows=${r.versions} rowKey=${(v) => v.seq} cols=${[
        [t('emb.version'), (v) => html`<span translate=${false}>${v.version}</span>`],
        [t('emb.generated'), (v) => html`<${Day} at=${v.generated} />`],
      ]} />`}
    <h2>${t('emb.exemptions')}</h2>
    <${ExemptionTable} list=${r.exemptions || []} />
    ${can(user, 'embargo') && html`<p><a href=${href('exemptions/new', { regime: r.id })}>${t('emb.new_exemption')}</a></p>`}
    <h2>${t('emb.notices')}</h2>
    <${NoticeTable} list=${r.notices || []} regime=${r.id} />
    <p><a href="#/regimes">${t('emb.back_regimes')}</a></p>`;
}

// Exemptions as a short table (a regime's page).
export function ExemptionTable({ list, name }) {
  return html`<${Table} name=${name} caption=${t('emb.exemptions')} rows=${list} empty=${t('emb.no_exemptions')} cols=${[
    [t('emb.exemption'), (x) => html`<${ExemptionLink} id=${x.id}>${x.committee_reference ? html`<span translate=${false} dir="auto">${x.committee_reference}</span>` : label('exemption_procedure', x.procedure)}<//>`],
    [t('emb.regime'), (x) => html`<${RegimeLink} id=${x.regime} />`, '', { sort: 'regime' }],
    [t('emb.procedure'), (x) => label('exemption_procedure', x.procedure), '', { sort: 'procedure' }],
    [t('emb.end_user'), (x) => (x.end_user?.name ? html`<span dir="auto" translate=${false}>${x.end_user.name}</span>` : '—')],
    [t('emb.valid_until'), (x) => html`<${Day} at=${x.valid_until} />`, '', { sort: 'valid_until' }],
    [t('emb.state'), (x) => html`<${EmbBadge} kind="exemption_state" code=${x.state} />`, '', { sort: 'state' }],
  ]} />`;
}

// Notices as a table, due ones first.
export function NoticeTable({ list, name, actions, regime }) {
  // a regime's page gives its notices with about_kind and about_id, and
  // without their regime or whether they are overdue
  const rows = list.map((n) => ({
    ...n,
    regime: n.regime || regime,
    about: n.about || (n.about_kind ? { kind: n.about_kind, id: n.about_id } : null),
    overdue: n.overdue ?? (n.state === 'due' && String(n.due) < today()),
  })).sort((a, b) => (a.state === 'due' ? 0 : 1) - (b.state === 'due' ? 0 : 1) || String(a.due).localeCompare(String(b.due)));
  const cols = [
    [t('emb.notice'), (n) => html`<${NoticeLink} id=${n.id}>${label('notice_kind', n.kind)}<//>`, '', { sort: 'kind' }],
    !regime && [t('emb.regime'), (n) => html`<${RegimeLink} id=${n.regime} />`],
    [t('emb.about'), (n) => html`<${Subject} s=${n.about} />`],
    [t('emb.due'), (n) => html`<${Day} at=${n.due} />${n.overdue ? html` <span class="badge tone-missing">${t('emb.overdue')}</span>` : ''}`, '', { sort: 'due' }],
    [t('emb.state'), (n) => html`<${EmbBadge} kind="notice_state" code=${n.state} />`, '', { sort: 'state' }],
    [t('emb.sent_on'), (n) => html`<${Day} at=${n.sent_on} />${n.reference ? html` · <span dir="auto" translate=${false}>${n.reference}</span>` : ''}`],
    [t('emb.document'), (n) => html`<a href=${`/api/v1/notices/${encodeURIComponent(n.id)}/document`} target="_blank" rel="noopener">${t('emb.print')}<span class="sr-only"> ${label('notice_kind', n.kind)}</span></a>`],
  ];
  if (actions) cols.push([t('emb.actions'), actions]);
  return html`<${Table} name=${name} caption=${t('emb.notices')} rows=${rows} empty=${t('emb.no_notices')} cols=${cols.filter(Boolean)} />`;
}

// ---- check a destination ----

export function EmbargoCheck({ route }) {
  const q = route.query;
  const asked = { country: q.get('country') || '', on: q.get('on') || today(), name: q.get('name') || '', dob: q.get('dob') || '',
    nationality: q.get('nationality') || '', government: q.get('government') === 'true' };
  const form = useForm(asked, { prefix: 'ec-' });
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  useRequest((keep) => {
    form.setValues(asked);
    setResult(null);
    setError(null);
    if (!asked.country) return;
    const query = { ...asked, government: asked.government ? 'true' : '' };
    api('GET', '/embargo-check', { query }).then(keep(setResult), keep(setError));
  }, [q.toString()]);
  const go = form.submit(async (v) => {
    navigate(href('embargo-check', { ...v, government: v.government ? 'true' : '' }));
  });
  const F = (name, lbl, extra = {}) => html`<${Field} form=${form} name=${name} label=${lbl} ...${extra} />`;
  return html`<${PageTitle}>${t('emb.check')}<//>
    <p class="hint">${t('emb.check_note')}</p>
    <form class="form xfer-form" onSubmit=${go} novalidate data-testid="embargo-check">
      <div class="row">
        ${F('country', t('emb.destination'), { type: 'country' })}
        ${F('on', t('emb.date'), { type: 'date' })}
      </div>
      <fieldset><legend>${t('emb.party_optional')}</legend>
        <div class="row">
          ${F('name', t('emb.party_name'), { dir: 'auto', autocomplete: 'off' })}
          ${F('dob', t('emb.dob'), { hint: t('emb.dob_hint'), autocomplete: 'off' })}
          ${F('nationality', t('emb.nationality'), { type: 'country' })}
          ${F('government', t('emb.government'), { type: 'checkbox' })}
        </div>
      </fieldset>
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('emb.check_submit')}<//></div>
    </form>
    <${LoadError} error=${error} />
    ${asked.country && !result && !error && html`<${Loading} />`}
    ${result && html`<${CheckResult} r=${result} />`}`;
}

function Finding({ f }) {
  return html`<li data-screen=${f.screen}>
    <strong>${label('screen', f.screen)}</strong>: <span>${findingText(f)}</span>
    ${f.regime && html` · <${RegimeLink} id=${f.regime} />`}
    ${f.alert && html` · <${AlertLink} id=${f.alert.id}>${t('emb.alert')} (${label('alert_state', f.alert.state)})<//>`}
  </li>`;
}

function CheckResult({ r }) {
  return html`<section class="box emb-result" aria-labelledby="ec-r" data-testid="check-result">
    <h2 id="ec-r">${t('emb.check_result', { country: countryName(r.country), date: dayText(r.date) })}</h2>
    <p class=${r.clear ? 'emb-clear' : 'emb-blocked'} role="status">${r.clear ? t('emb.clear') : t('emb.not_clear', { n: r.regimes.length })}</p>
    ${r.regimes.length > 0 && html`<${Table} caption=${t('emb.regimes')} rows=${r.regimes} cols=${[
      [t('emb.regime'), (x) => html`<${RegimeLink} id=${x.id} on=${r.date} />`],
      [t('emb.target'), (x) => label('regime_target', x.target)],
      [t('emb.scope'), (x) => scopeText(x.scope)],
      [t('emb.period'), (x) => html`<${Period} p=${x.period} />`],
      [t('emb.reference'), (x) => html`<${Text} v=${x.reference} />`],
    ]} />`}
    ${r.screening && html`<h3>${t('emb.party_screening')}</h3>
      ${r.screening.clear
        ? html`<p class="emb-clear">${t('emb.party_clear')}</p>`
        : html`<ul class="emb-findings">${r.screening.findings.map((f, i) => html`<${Finding} key=${i} f=${f} />`)}</ul>`}`}
  </section>`;
}
