// Stock checks (docs/stock.md): the list and the open investigations; opening
// a check (stock); one check with its reads and closing (stock), its
// reconciliation, and its investigations with the resolve form (resolve).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { actorText, fmtNumber, label, t } from '../i18n.js';
import { navigate } from '../router.js';
import { can } from '../roles.js';
import { Field, FormError, LoadError, Loading, Submit, errorText, optionsOf, useForm } from '../components/form.js';
import { listUserNames } from '../components/pickers.js';
import { ActionForm, Facts, ItemLink, SiteName, Table, When, bodyOf, linesOf, siteOptions, useSites } from '../components/stock.js';
import { PageTitle } from './misc.js';
import { CHECK_OUTCOMES, CHECK_READ_METHODS, CHECK_TYPES } from '../vocab.js';

const KINDS = ['missing', 'unexpected', 'wrong_location', 'quantity'];
const MAX_ROWS = 100;
const StateBadge = ({ state }) => html`<span class=${'badge tone-' + (state === 'open' ? 'warn' : 'held')}>${label('check_state', state)}</span>`;
const checkLink = (c) => html`<a href=${'#/checks/' + c.id}><${When} at=${c.opened_at} /></a>`;

export function Checks({ user }) {
  const sites = useSites();
  const [checks, setChecks] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('GET', '/checks').then(setChecks, setError);
  }, []);
  const cols = [
    [t('check.opened'), checkLink, '', { sort: 'opened_at' }],
    [t('field.site'), (c) => html`<${SiteName} sites=${sites} id=${c.site_id} />`, '', { sort: (c) => sites.find((s) => s.id === c.site_id)?.name }],
    [t('check.type'), (c) => label('check_type', c.type)],
    [t('field.status'), (c) => html`<${StateBadge} state=${c.status} />`, '', { sort: 'status' }],
    [t('check.expected'), (c) => fmtNumber(c.expected), 'num', { sort: 'expected' }],
    [t('check.reads'), (c) => fmtNumber(c.distinct_reads), 'num'],
    [t('check.discrepancies'), (c) => (c.counts ? fmtNumber(KINDS.reduce((n, k) => n + (c.counts[k] || 0), 0)) : '—'), 'num'],
  ];
  return html`<${PageTitle}>${t('checks.title')}<//>
    <${LoadError} error=${error} />
    ${!checks && !error && html`<${Loading} />`}
    ${checks && html`<${Table} name="stock-checks" caption=${t('checks.title')} cols=${cols} rows=${checks} empty=${t('checks.none')} />`}
    ${can(user, 'stock') && html`<${OpenCheck} user=${user} sites=${sites} />`}
    <section aria-labelledby="inv-h">
      <h2 id="inv-h">${t('inv.open')}</h2>
      <${Investigations} user=${user} sites=${sites} checks=${checks || []} />
    </section>`;
}

// Rule R9: neither a checker nor whoever opened the check resolves what it found.
// A discrepancy's weapon as make, model and calibre (the server joins them
// from the registry), so a missing rifle is known without opening it.
const makeModel = (d) => html`<span dir="auto">${[d.make, d.model, d.calibre].filter(Boolean).join(' · ') || '—'}</span>`;
const ownCheck = (user, c) => !!c && (c.checkers.some((k) => k.id === user.id) || c.opened_by === `${user.kind}:${user.name}`);

function OpenCheck({ user, sites }) {
  const [users, setUsers] = useState(null); // null until the names come (typed if they cannot)
  useEffect(() => {
    listUserNames().then(setUsers, () => {});
  }, []);
  const form = useForm({ site_id: '', subsites: false, type: 'FULL_SERIAL', checkers: '', picked: [], sample_size: '', notes: '' }, { prefix: 'chk-' });
  const submit = form.submit(async (v) => {
    const { picked, checkers, ...rest } = v;
    const body = bodyOf({ ...rest, checkers: users ? picked : checkers.split(/[,\s]+/).filter(Boolean) }, ['sample_size']);
    if (body.type !== 'RANDOM_SAMPLE') delete body.sample_size;
    const c = await api('POST', '/checks', { body });
    navigate('#/checks/' + c.id);
  });
  const err = form.error?.field === 'checkers' ? form.error : null;
  return html`<section class="box" aria-labelledby="chk-h">
    <h2 id="chk-h">${t('check.open')}</h2>
    <form class="form" onSubmit=${submit} novalidate>
      <div class="row">
        <${Field} form=${form} name="site_id" type="select" label=${t('field.site')} required options=${siteOptions(sites, t('common.choose'))} />
        <${Field} form=${form} name="type" type="select" label=${t('check.type')} options=${optionsOf(CHECK_TYPES, 'check_type')} />
        ${form.values.type === 'RANDOM_SAMPLE' && html`<${Field} form=${form} name="sample_size" type="number" min="1" label=${t('check.sample_size')} />`}
      </div>
      <${Field} form=${form} name="subsites" type="checkbox" label=${t('check.subsites')} />
      ${users ? html`<div class="field">
        <label for="chk-checkers">${t('check.checkers')}</label>
        <select id="chk-checkers" multiple size=${Math.min(6, Math.max(3, users.length))} aria-describedby=${'chk-checkers-hint' + (err ? ' chk-checkers-error' : '')}
          aria-invalid=${err ? 'true' : undefined}
          onChange=${(e) => { const c = [...e.currentTarget.selectedOptions].map((o) => o.value); form.setValues((x) => ({ ...x, picked: c })); }}>
          ${users.map((u) => html`<option value=${u.name} selected=${form.values.picked.includes(u.name)}>${u.name} (${label('role', u.role)})</option>`)}
        </select>
        <p id="chk-checkers-hint" class="hint">${t('check.checkers_pick')}</p>
        ${err && html`<p id="chk-checkers-error" class="field-error" role="alert">${errorText(err)}</p>`}
      </div>` : html`<${Field} form=${form} name="checkers" label=${t('check.checkers')} hint=${t('check.checkers_type')} autocomplete="off" />`}
      <${Field} form=${form} name="notes" type="textarea" rows="2" dir="auto" label=${t('field.notes')} />
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('check.open_submit')}<//></div>
    </form>
  </section>`;
}

export function Check({ user, route }) {
  const id = route.params[0];
  const sites = useSites();
  const [check, setCheck] = useState(null);
  const [error, setError] = useState(null);
  const [closing, setClosing] = useState(null); // an error closing
  const [invKey, setInvKey] = useState(0);
  const [lotNumbers, setLotNumbers] = useState({}); // quantity discrepancies name lots by id only
  const counted = check?.reconciliation?.quantity?.length > 0;
  useEffect(() => {
    if (counted) api('GET', '/lots').then((ls) => setLotNumbers(Object.fromEntries(ls.map((l) => [l.id, l.lot_number]))), () => {});
  }, [counted]);
  const load = () => api('GET', `/checks/${encodeURIComponent(id)}`).then(setCheck, setError);
  useEffect(() => {
    setCheck(null);
    setError(null);
    load();
  }, [id]);
  if (error) return html`<${PageTitle}>${t('check.title')}<//><${LoadError} error=${error} />`;
  if (!check) return html`<${PageTitle}>${t('check.title')}<//><${Loading} />`;

  const open = check.status === 'open';
  const close = async () => {
    if (!confirm(t('check.close_confirm'))) return;
    setClosing(null);
    try {
      setCheck(await api('POST', `/checks/${encodeURIComponent(id)}/close`));
      setInvKey((k) => k + 1);
    } catch (e) {
      setClosing(e);
    }
  };
  const rec = check.reconciliation;
  const site = (s) => html`<${SiteName} sites=${sites} id=${s} />`;
  const item = (d) => html`<${ItemLink} id=${d.item_id} serial=${d.serial || d.read} />`;
  const weapon = [t('field.make'), (d) => makeModel(d)];
  const lot = (d) => html`<a href=${'#/lots/' + d.lot_id} dir="auto">${lotNumbers[d.lot_id] || d.lot_id}</a>`;
  const tables = {
    missing: [[t('field.serial'), item], weapon, [t('check.registered_site'), (d) => site(d.registered_site)]],
    unexpected: [[t('check.read'), (d) => html`<span dir="auto">${d.read || '—'}</span>`], [t('check.weapon'), (d) => (d.item_id ? item(d) : t('check.unknown_read'))],
      weapon, [t('check.registered_site'), (d) => site(d.registered_site)]],
    wrong_location: [[t('field.serial'), item], weapon, [t('check.read'), (d) => html`<span dir="auto">${d.read || '—'}</span>`], [t('check.registered_site'), (d) => site(d.registered_site)]],
    quantity: [[t('check.lot'), lot], [t('check.expected_qty'), (d) => fmtNumber(d.expected_qty), 'num'], [t('check.counted_qty'), (d) => fmtNumber(d.counted_qty), 'num']],
  };
  return html`
    <${PageTitle}>${t('check.title')} · ${label('check_type', check.type)}<//>
    <p class="subtitle"><${SiteName} sites=${sites} id=${check.site_id} /> <${StateBadge} state=${check.status} /></p>
    <${Facts} rows=${[
      [t('check.opened'), html`<${When} at=${check.opened_at} /> · ${actorText(check.opened_by)}`],
      [t('check.closed'), check.closed_at && html`<${When} at=${check.closed_at} /> · ${check.closed_by}`],
      [t('check.checkers'), check.checkers.map((c) => c.name).join(', ')],
      [t('check.sites'), check.sites.map((s, i) => html`${i ? ', ' : ''}${site(s)}`)],
      [t('check.expected'), fmtNumber(check.expected)],
      [t('check.reads'), t('check.reads_n', { n: fmtNumber(check.reads), distinct: fmtNumber(check.distinct_reads) })],
      check.sample_size && [t('check.sample_size'), fmtNumber(check.sample_size)],
      [t('field.notes'), check.notes && html`<span class="pre" dir="auto">${check.notes}</span>`],
    ]} />
    ${open && can(user, 'stock') && html`<${Reads} check=${check} onRead=${load} />
      <div class="box"><h2>${t('check.close')}</h2><p class="hint">${t('check.close_hint')}</p>
        ${closing && html`<div class="alert" role="alert">${errorText(closing)}</div>`}
        <button type="button" onClick=${close}>${t('check.close_submit')}</button></div>`}
    ${rec && html`<section aria-labelledby="rec-h">
      <h2 id="rec-h">${t('check.reconciliation')}</h2>
      <ul class="totals small">${['expected', 'seen_expected', ...KINDS].map((k) => html`<li key=${k}>
        <span class="total-n">${fmtNumber(rec.counts[k] || 0)}</span><span class="total-l">${label('check_count', k)}</span></li>`)}</ul>
      ${KINDS.filter((k) => rec[k]?.length).map((k) => html`<h3 class="cap" key=${k}>${label('check_count', k)} (${fmtNumber(rec[k].length)})</h3>
        <${Table} caption=${label('check_count', k)} cols=${tables[k]} rows=${rec[k]} />`)}
    </section>`}
    ${!open && html`<section aria-labelledby="inv-h">
      <h2 id="inv-h">${t('inv.title')}</h2>
      <${Investigations} key=${invKey} user=${user} sites=${sites} check=${check} checks=${[check]} />
    </section>`}`;
}

function Reads({ check, onRead }) {
  return html`<${ActionForm} prefix="rd-" title=${t('check.record_reads')} submit=${t('check.reads_submit')}
    note=${check.type === 'QUANTITY' ? t('check.reads_lot') : null}
    initial=${{ reads: '', method: 'typed' }}
    fields=${[
      { name: 'reads', label: t('check.reads_label'), type: 'textarea', rows: '6', dir: 'auto', hint: t('check.reads_hint'), autocomplete: 'off', spellcheck: false },
      { name: 'method', label: t('check.method'), type: 'select', options: optionsOf(CHECK_READ_METHODS, 'read_method') },
    ]}
    action=${async (v) => {
      const r = await api('POST', `/checks/${encodeURIComponent(check.id)}/reads`, { body: { reads: linesOf(v.reads), method: v.method } });
      onRead();
      return t('check.reads_done', { reads: fmtNumber(r.reads), new: fmtNumber(r.new), duplicates: fmtNumber(r.duplicates) });
    }} />`;
}

// The open investigations (or every one of a check), and the resolve form
// for roles that may resolve.
function Investigations({ user, sites, check, checks }) {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const [resolved, setResolved] = useState(false); // keeps the form, and what it said, after the last one
  const load = () => api('GET', '/checks/investigations', { query: check ? { check: check.id, all: 'true' } : {} }).then(setList, setError);
  useEffect(() => {
    load();
  }, []);
  if (error) return html`<${LoadError} error=${error} />`;
  if (!list) return html`<${Loading} />`;
  const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
  const open = list.filter((i) => i.status === 'open' && !ownCheck(user, byId[i.check_id]));
  const barred = check && ownCheck(user, check) && list.some((i) => i.status === 'open');
  const cols = [
    [t('inv.kind'), (i) => label('check_count', i.kind)],
    [t('check.weapon'), (i) => (i.item_id ? html`<${ItemLink} id=${i.item_id} serial=${i.serial} />` : i.lot_id ? html`<a href=${'#/lots/' + i.lot_id}>${t('check.lot')}</a>` : html`<span dir="auto">${i.read || '—'}</span>`)],
    [t('field.make'), (i) => makeModel(i)],
    [t('field.site'), (i) => html`<${SiteName} sites=${sites} id=${i.site_id} />`],
    !check && [t('check.title'), (i) => html`<a href=${'#/checks/' + i.check_id}>${t('inv.see_check')}</a>`],
    [t('field.status'), (i) => (i.status === 'open' ? html`<span class="badge tone-warn">${label('check_state', 'open')}</span>`
      : html`<span class="badge tone-held">${label('outcome', i.outcome)}</span> <span class="muted" dir="auto">${[i.where, i.reason].filter(Boolean).join(' · ')}${i.resolved_by ? ' — ' + i.resolved_by : ''}</span>`)],
  ].filter(Boolean);
  const describe = (i) => `${label('check_count', i.kind)}: ${i.serial || i.read || i.lot_id || i.id}${i.make || i.model ? ` (${[i.make, i.model].filter(Boolean).join(' ')})` : ''}`;
  // across every check the list can be long: each check's page has all of its own
  const shown = check ? list : list.slice(0, MAX_ROWS);
  return html`<${Table} caption=${t('inv.title')} cols=${cols} rows=${shown} empty=${t('inv.none')} />
    ${shown.length < list.length && html`<p class="muted">${t('inv.more', { shown: fmtNumber(shown.length), total: fmtNumber(list.length) })}</p>`}
    ${can(user, 'resolve') && barred && html`<p class="note">${t('inv.not_yours')}</p>`}
    ${can(user, 'resolve') && (open.length > 0 || resolved) && html`<${ActionForm} prefix="res-" title=${t('inv.resolve')} submit=${t('inv.resolve_submit')}
      note=${t('inv.resolve_note')}
      initial=${{ investigation: '', outcome: '', where: '', reason: '' }}
      fields=${[
        { name: 'investigation', label: t('inv.which'), type: 'select', required: true, options: [{ value: '', label: t('common.choose') }, ...open.map((i) => ({ value: i.id, label: describe(i) }))] },
        { name: 'outcome', label: t('inv.outcome'), type: 'select', required: true, options: optionsOf(CHECK_OUTCOMES, 'outcome', { empty: t('common.choose') }) },
        { name: 'where', label: t('inv.where'), dir: 'auto', hint: t('inv.where_hint'), show: (v) => v.outcome === 'found' },
        { name: 'reason', label: t('status_form.reason'), type: 'textarea', rows: '2', dir: 'auto', show: (v) => v.outcome && v.outcome !== 'found' },
      ]}
      action=${async ({ investigation, ...v }) => {
        if (!investigation) throw Object.assign(new Error(t('inv.which_needed')), { field: 'investigation', code: 'invalid' });
        await api('POST', `/checks/investigations/${encodeURIComponent(investigation)}/resolve`, { body: bodyOf(v) });
        setResolved(true);
        load();
        return t('inv.resolved', { outcome: label('outcome', v.outcome) });
      }} />`}`;
}
