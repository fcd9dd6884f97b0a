// Custody of weapons (docs/stock.md), for roles with stock: the records by
// state with confirm (the second person) and return, the overdue ones, and
// the form that issues a weapon.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { useRequest } from '../request.js';
import { actorText, label, t } from '../i18n.js';
import { href, navigate } from '../router.js';
import { Field, LoadError, Loading, errorText, optionsOf, useForm } from '../components/form.js';
import { ActionForm, Day, ItemLink, SiteName, Table, When, bodyOf, useSites } from '../components/stock.js';
import { PageTitle } from './misc.js';
import { CUSTODY_STATES } from '../vocab.js';

const TONE = { open: 'held', pending: 'warn', returned: 'gone' };

export function Custody({ route }) {
  const state = route.query.get('state') || 'open';
  const form = useForm({ state });
  const sites = useSites();
  const [rows, setRows] = useState(null);
  const [overdue, setOverdue] = useState(null);
  const [error, setError] = useState(null);
  const [failed, setFailed] = useState(null); // an error confirming or returning
  const [holders, setHolders] = useState([]); // registered holders, to issue to by name
  useEffect(() => {
    api('GET', '/holders').then(setHolders, () => {});
  }, []);
  const fetchLists = (keep) => {
    api('GET', '/custody', { query: { state } }).then(keep(setRows), keep(setError));
    api('GET', '/custody/overdue').then(keep(setOverdue), keep(setError));
  };
  const latest = useRequest((keep) => {
    setRows(null);
    form.setValues({ state });
    fetchLists(keep);
  }, [state]);
  const load = () => fetchLists(latest);

  const act = async (c, what, body) => {
    setFailed(null);
    try {
      await api('POST', `/custody/${encodeURIComponent(c.id)}/${what}`, body ? { body } : {});
      load();
    } catch (e) {
      setFailed(e);
    }
  };
  const giveBack = (c) => {
    const note = prompt(t('custody.return_note'), '');
    if (note !== null) act(c, 'return', note.trim() ? { note: note.trim() } : {});
  };
  const cols = (actions) => [
    [t('field.serial'), (c) => html`<${ItemLink} id=${c.item_id} serial=${c.serial} />`, 'nowrap', { sort: 'serial' }],
    [t('custody.weapon'), (c) => html`<span dir="auto">${[c.make, c.model].filter(Boolean).join(' ')}</span>`, '', { sort: (c) => [c.make, c.model].filter(Boolean).join(' ') }],
    [t('custody.to'), (c) => html`<span dir="auto">${c.holder_name || c.person || c.holder_id}</span>${c.unit && html`<br /><span class="muted" dir="auto">${c.unit}</span>`}`],
    [t('field.site'), (c) => html`<${SiteName} sites=${sites} id=${c.site_id} />`],
    [t('custody.issued'), (c) => html`<${When} at=${c.issued_at} /> · ${actorText(c.issued_by)}${c.two_person ? html`<br /><span class="muted">${t('custody.two_person_short')}${c.confirmed_by ? ': ' + actorText(c.confirmed_by) : ''}</span>` : ''}`],
    [t('custody.expected_return'), (c) => html`<${Day} at=${c.expected_return} />`, '', { sort: 'expected_return' }],
    [t('field.status'), (c) => html`<span class=${'badge tone-' + TONE[c.state]}>${label('custody_state', c.state)}</span>
      ${c.returned_at && html`<br /><${When} at=${c.returned_at} /> ${c.return_note && html`<span class="muted" dir="auto">${c.return_note}</span>`}`}`],
    actions && [t('users.actions'), (c) => html`<span class="inline-form">
      ${c.state === 'pending' && html`<button type="button" class="small" onClick=${() => act(c, 'confirm')}>${t('custody.confirm')}<span class="sr-only"> ${c.serial}</span></button>`}
      ${c.state !== 'returned' && html`<button type="button" class="secondary small" onClick=${() => giveBack(c)}>${c.state === 'pending' ? t('custody.call_off') : t('custody.return')}<span class="sr-only"> ${c.serial}</span></button>`}
    </span>`],
  ].filter(Boolean);

  return html`<${PageTitle}>${t('custody.title')}<//>
    <form class="form filters" onSubmit=${(e) => e.preventDefault()}>
      <div class="row"><${Field} form=${form} name="state" type="select" label=${t('custody.state')}
        onInput=${(e) => navigate(href('custody', { state: e.currentTarget.value }))} options=${optionsOf(CUSTODY_STATES, 'custody_state')} /></div>
    </form>
    <${LoadError} error=${error} />
    ${failed && html`<div class="alert" role="alert">${errorText(failed)}</div>`}
    ${!rows && !error && html`<${Loading} />`}
    ${rows && html`<${Table} name="custody" caption=${label('custody_state', state)} cols=${cols(true)} rows=${rows} empty=${t('custody.none')} />`}
    <section aria-labelledby="overdue-h">
      <h2 id="overdue-h">${t('custody.overdue')}</h2>
      ${overdue && html`<${Table} caption=${t('custody.overdue')} cols=${cols(false)} rows=${overdue} empty=${t('custody.none_overdue')} />`}
    </section>
    <${ActionForm} prefix="cus-" title=${t('custody.issue')} submit=${t('custody.issue_submit')} note=${t('custody.issue_note')}
      initial=${{ item_id: '', person: '', unit: '', holder_id: '', expected_return: '', purpose: '', document: '', two_person: false }}
      fields=${[
        { name: 'item_id', label: t('custody.item_id'), required: true, autocomplete: 'off', hint: t('custody.item_hint') },
        { name: 'person', label: t('custody.person'), dir: 'auto' },
        { name: 'unit', label: t('custody.unit'), dir: 'auto' },
        { name: 'holder_id', label: t('custody.holder_id'), type: 'select', hint: t('custody.holder_hint'),
          options: [{ value: '', label: t('common.none_chosen') }, ...holders.map((h) => ({ value: h.id, label: `${h.name} (${label('holder', h.type)})` }))] },
        { name: 'expected_return', label: t('custody.expected_return'), type: 'date', required: true },
        { name: 'purpose', label: t('custody.purpose'), dir: 'auto' },
        { name: 'document', label: t('status_form.document'), dir: 'auto' },
        { name: 'two_person', label: t('custody.two_person'), type: 'checkbox' },
      ]}
      action=${async (v) => {
        const body = bodyOf(v);
        if (!v.two_person) delete body.two_person;
        const c = await api('POST', '/custody', { body });
        load();
        return t(c.state === 'pending' ? 'custody.issued_pending' : 'custody.issued_done', { serial: c.serial || c.item_id });
      }} />`;
}
