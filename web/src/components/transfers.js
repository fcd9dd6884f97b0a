// What the transfers pages share (docs/transfers.md): badges for the states
// of licences, certificates, shipments, brokers and diversion alerts, links
// to each record by its number, a quantity beside what was shipped of it,
// and the form that changes a record's state with a reason.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { countryName, fmtNumber, label, t } from '../i18n.js';
import { Field, FormError, Submit, useForm } from './form.js';
import { Ref } from './table.js';

const TONES = {
  licence_state: {
    draft: 'plain', assessed: 'warn', issued: 'held', denied: 'missing', suspended: 'warn', revoked: 'missing',
    expired: 'gone', exhausted: 'gone',
  },
  euc_state: { received: 'warn', verified: 'held', rejected: 'missing', closed: 'gone' },
  shipment_state: { shipped: 'warn', delivered: 'held', received: 'held' },
  broker_state: { registered: 'held', suspended: 'warn', revoked: 'missing' },
  diversion_state: { open: 'missing', traced: 'warn', closed: 'gone' },
  check_result: { seen: 'held', not_seen: 'missing', seen_elsewhere: 'missing' },
  verification: { authentic: 'held', not_authentic: 'missing', inconclusive: 'warn' },
  prohibition_finding: { clear: 'held', applies: 'missing' },
  risk_finding: { none: 'held', low: 'held', substantial: 'warn', overriding: 'missing' },
};

// A code of one of the room's vocabularies as a coloured badge in words.
export const Badge = ({ kind, code }) =>
  code ? html`<span class=${'badge tone-' + (TONES[kind]?.[code] || 'plain')} data-state=${code}>${label(kind, code)}</span>` : '—';

export const LicenceLink = ({ id, number }) => html`<${Ref} href=${'#/licences/' + encodeURIComponent(id)} text=${number || id} />`;
export const EucLink = ({ id, number }) => (id ? html`<${Ref} href=${'#/eucs/' + encodeURIComponent(id)} text=${number || id} />` : '—');
export const ShipmentLink = ({ id, children }) => html`<a href=${'#/shipments/' + encodeURIComponent(id)}>${children}</a>`;
export const BrokerLink = ({ id, name }) => html`<a href=${'#/brokers/' + encodeURIComponent(id)} dir="auto" translate=${false}>${name}</a>`;

export const Country = ({ code }) => (code ? html`<span>${countryName(code)}</span>` : '—');

// "12 of 40": shipped of a quantity.
export const ShippedOf = ({ shipped, quantity }) =>
  html`<span class="xfer-qty">${t('xfer.shipped_of', { shipped: fmtNumber(shipped || 0), quantity: fmtNumber(quantity || 0) })}</span>`;

// A weapons and rounds count: "3 weapons · 500 rounds".
export function Goods({ weapons, rounds }) {
  const parts = [];
  if (weapons) parts.push(t('xfer.n_weapons', { n: fmtNumber(weapons) }));
  if (rounds) parts.push(t('xfer.n_rounds', { n: fmtNumber(rounds) }));
  return parts.length ? parts.join(' · ') : '—';
}

// A yes or no.
export const YesNo = ({ value }) => (value === undefined || value === null ? '—' : value ? t('xfer.yes') : t('xfer.no'));

// A form that posts {state, reason} (or `body(values)`) to path, behind its
// button: "Suspend", "Revoke", "Reinstate"… each a button that opens the
// form for that change. changes: [{state, title, submit, note?}].
// start: the change to show open at once (its form focused); onCancel then
// is called when it is cancelled. title, hint: the box's own heading and
// what it is for, before a change is chosen (else "Change the state").
export function StateChange({ prefix, path, changes, onDone, field = 'reason', start = null, onCancel, title, hint }) {
  const [open, setOpen] = useState(start);
  useEffect(() => {
    if (start) document.getElementById(prefix + field)?.focus();
  }, []);
  const form = useForm({ [field]: '' }, { prefix, fields: [field] });
  const [done, setDone] = useState('');
  const change = changes.find((c) => c.state === open);
  const go = form.submit(async (v) => {
    setDone('');
    const r = await api('POST', path(change), { body: change.body ? change.body(v) : { state: change.state, [field]: v[field] } });
    form.reset();
    setOpen(null);
    setDone(change.done);
    onDone?.(r);
  });
  if (!changes.length) return null;
  const h = prefix + 'h';
  return html`<section class="box xfer-change" aria-labelledby=${h}>
    <h2 id=${h}>${change ? change.title : title || t('xfer.change_title')}</h2>
    <p class="success" role="status">${done}</p>
    ${!change && hint && html`<p class="hint">${hint}</p>`}
    ${!change && html`<div class="actions">${changes.map((c) => html`<button type="button" class="secondary" key=${c.state}
      data-testid=${prefix + c.state}
      onClick=${() => { setDone(''); form.setError(null); setOpen(c.state); setTimeout(() => document.getElementById(prefix + field)?.focus(), 0); }}>${c.button}</button>`)}</div>`}
    ${change && html`<form class="form" onSubmit=${go} novalidate>
      ${change.note && html`<p class="hint">${change.note}</p>`}
      <${Field} form=${form} name=${field} type="textarea" rows="2" label=${change.label || t('xfer.reason')} dir="auto" required />
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${change.submit}<//>
        <button type="button" class="secondary" onClick=${() => { setOpen(null); form.setError(null); onCancel?.(); }}>${t('xfer.cancel')}</button></div>
    </form>`}
  </section>`;
}

// "{a} → {b}": a route of countries.
export const Route = ({ codes }) => (codes?.length ? codes.map(countryName).join(' → ') : '—');
