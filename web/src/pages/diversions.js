// Diversion alerts (docs/transfers.md): a weapon a post-shipment check did
// not find where its certificate said, or found elsewhere. The list puts the
// open ones first; an alert is turned into a trace request to the state of
// destination ("Open trace request", trace: the console then goes to the
// request) or closed with a reason (ship).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { fmtDate, t } from '../i18n.js';
import { href, navigate } from '../router.js';
import { can } from '../roles.js';
import { useRequest } from '../request.js';
import { Field, LoadError, Loading, errorText, optionsOf, useForm } from '../components/form.js';
import { Day, Facts, ItemLink, Table } from '../components/stock.js';
import { Badge, Country, EucLink, LicenceLink, StateChange } from '../components/transfers.js';
import { PageTitle } from './misc.js';
import { DIVERSION_STATES } from '../vocab.js';

const ORDER = { open: 0, traced: 1, closed: 2 };
const openFirst = (list) => [...list].sort((a, b) => (ORDER[a.state] ?? 3) - (ORDER[b.state] ?? 3) || String(b.date).localeCompare(String(a.date)));

export const AlertLink = ({ a, children }) => html`<a href=${'#/diversions/' + encodeURIComponent(a.id)}>${children}</a>`;

// Alerts as a short table (a certificate's page).
export function AlertTable({ alerts }) {
  return html`<${Table} caption=${t('xfer.alerts')} rows=${openFirst(alerts)} empty=${t('xfer.no_alerts')} cols=${[
    [t('xfer.date'), (a) => html`<${AlertLink} a=${a}><${Day} at=${a.date} /><//>`],
    [t('field.serial'), (a) => html`<${ItemLink} id=${a.item_id} serial=${a.serial} />`],
    [t('xfer.result'), (a) => html`<${Badge} kind="check_result" code=${a.result} />`],
    [t('xfer.state'), (a) => html`<${Badge} kind="diversion_state" code=${a.state} />`],
  ]} />`;
}

// "Open trace request": the alert becomes a draft trace request for its
// weapon, whose page the console then opens.
function TraceButton({ a, onError }) {
  const [busy, setBusy] = useState(false);
  const go = async () => {
    setBusy(true);
    onError(null);
    try {
      const r = await api('POST', `/diversions/${encodeURIComponent(a.id)}/trace`);
      navigate('#/traces/' + encodeURIComponent(r.trace_request_id));
    } catch (e) {
      onError(e);
      setBusy(false);
    }
  };
  return html`<button type="button" class="small" data-testid="open-trace" disabled=${busy} aria-busy=${busy ? 'true' : undefined}
    onClick=${go}>${t('xfer.open_trace')}<span class="sr-only"> ${a.serial}</span></button>`;
}

// What may be done with one alert, by whom.
function AlertActions({ user, a, onError, onClose }) {
  return html`<span class="xfer-actions">
    ${a.state === 'open' && can(user, 'trace') && html`<${TraceButton} a=${a} onError=${onError} />`}
    ${a.trace_request_id && can(user, 'trace') && html`<a href=${'#/traces/' + encodeURIComponent(a.trace_request_id)}>${t('xfer.see_trace')}</a>`}
    ${a.state !== 'closed' && can(user, 'ship') && onClose && html`<button type="button" class="secondary small" onClick=${() => onClose(a)}>${t('xfer.close_alert')}<span class="sr-only"> ${a.serial}</span></button>`}
  </span>`;
}

export function Diversions({ user, route }) {
  const q = route.query;
  const filters = { state: q.get('state') || '' };
  const form = useForm(filters, { prefix: 'df-' });
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [closing, setClosing] = useState(null);
  const [said, setSaid] = useState('');
  const keep = useRequest((keep) => {
    setError(null);
    form.setValues(filters);
    api('GET', '/diversions', { query: filters }).then(keep(setList), keep((e) => {
      setList(null);
      setError(e);
    }));
  }, [q.toString()]);
  const reload = () => api('GET', '/diversions', { query: filters }).then(keep(setList), () => {});
  const cols = [
    [t('xfer.date'), (a) => html`<${AlertLink} a=${a}><${Day} at=${a.date} /><//>`, '', { sort: 'date' }],
    [t('field.serial'), (a) => html`<${ItemLink} id=${a.item_id} serial=${a.serial} />`, '', { sort: 'serial' }],
    [t('xfer.weapon'), (a) => html`<span dir="auto">${[a.make, a.model].filter(Boolean).join(' ') || '—'}</span>`],
    [t('xfer.result'), (a) => html`<${Badge} kind="check_result" code=${a.result} />${a.location ? html`<br /><span dir="auto">${a.location}</span>` : ''}`, '', { sort: 'result' }],
    [t('xfer.destination'), (a) => html`<${Country} code=${a.destination} />`, '', { sort: 'destination' }],
    [t('xfer.euc'), (a) => html`<${EucLink} id=${a.euc_id} number=${a.euc_number} />`, '', { sort: 'euc_number' }],
    [t('xfer.licence'), (a) => html`<${LicenceLink} id=${a.licence_id} number=${a.licence_number} />`, '', { sort: 'licence_number' }],
    [t('xfer.state'), (a) => html`<${Badge} kind="diversion_state" code=${a.state} />`, '', { sort: (a) => ORDER[a.state] }],
    [t('xfer.actions'), (a) => html`<${AlertActions} user=${user} a=${a} onError=${setActionError} onClose=${(x) => { setSaid(''); setClosing(x); }} />`],
  ];
  return html`<${PageTitle}>${t('xfer.diversions')}<//>
    <p class="hint">${t('xfer.diversions_note')}</p>
    <form class="form filters" onSubmit=${(e) => e.preventDefault()}>
      <div class="row">
        <${Field} form=${form} name="state" type="select" label=${t('xfer.state')}
          onInput=${(e) => navigate(href('diversions', { state: e.currentTarget.value }))}
          options=${optionsOf(DIVERSION_STATES, 'diversion_state', { empty: t('common.any') })} />
      </div>
    </form>
    ${actionError && html`<div class="alert" role="alert" data-said="server">${errorText(actionError)}</div>`}
    <p class="success" role="status">${said}</p>
    <${LoadError} error=${error} />
    ${!list && !error && html`<${Loading} />`}
    ${list && html`<${Table} name="diversion-alerts" caption=${t('xfer.diversions')} cols=${cols} rows=${openFirst(list)} empty=${t('xfer.no_alerts')} />`}
    ${closing && html`<${CloseAlert} key=${closing.id} a=${closing} onDone=${() => { setClosing(null); setSaid(t('xfer.closed_done')); reload(); }} start=${() => setClosing(null)} />`}`;
}

function CloseAlert({ a, onDone, start }) {
  return html`<${StateChange} prefix="dc-" start=${start ? 'closed' : null} onCancel=${start} path=${() => `/diversions/${encodeURIComponent(a.id)}/close`} onDone=${onDone}
    changes=${[{ state: 'closed', button: t('xfer.close_alert'), title: t('xfer.close_title', { serial: a.serial }), submit: t('xfer.close_submit'),
      note: t('xfer.close_note'), done: t('xfer.closed_done'), body: (v) => ({ reason: v.reason }) }]} />`;
}

export function Diversion({ user, route }) {
  const id = route.params[0];
  const [a, setA] = useState(null);
  const [error, setError] = useState(null);
  const [actionError, setActionError] = useState(null);
  useEffect(() => {
    setA(null);
    setError(null);
    api('GET', `/diversions/${encodeURIComponent(id)}`).then(setA, setError);
  }, [id]);
  if (error) return html`<${PageTitle}>${t('xfer.alert')}<//><${LoadError} error=${error} />`;
  if (!a) return html`<${PageTitle}>${t('xfer.alert')}<//><${Loading} />`;
  return html`<${PageTitle}>${t('xfer.alert')} · <span dir="auto" translate=${false}>${a.serial}</span><//>
    <p class="subtitle"><${Badge} kind="diversion_state" code=${a.state} /> <${Badge} kind="check_result" code=${a.result} /></p>
    <${Facts} rows=${[
      [t('field.serial'), html`<${ItemLink} id=${a.item_id} serial=${a.serial} />`],
      [t('xfer.weapon'), html`<span dir="auto">${[a.make, a.model].filter(Boolean).join(' ') || '—'}</span>`],
      [t('xfer.date'), html`<${Day} at=${a.date} />`],
      a.location && [t('xfer.location'), html`<span dir="auto">${a.location}</span>`],
      [t('xfer.destination'), html`<${Country} code=${a.destination} />`],
      [t('xfer.euc'), html`<${EucLink} id=${a.euc_id} number=${a.euc_number} />`],
      [t('xfer.licence'), html`<${LicenceLink} id=${a.licence_id} number=${a.licence_number} />`],
      [t('xfer.raised'), fmtDate(a.raised_at)],
      a.close_reason && [t('xfer.close_reason'), html`<span dir="auto">${a.close_reason}</span>`],
    ]} />
    ${actionError && html`<div class="alert" role="alert" data-said="server">${errorText(actionError)}</div>`}
    <p><${AlertActions} user=${user} a=${a} onError=${setActionError} /></p>
    ${a.state !== 'closed' && can(user, 'ship') && html`<${CloseAlert} a=${a} onDone=${setA} />`}
    <p><a href="#/diversions">${t('xfer.back_diversions')}</a></p>`;
}

