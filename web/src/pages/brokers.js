// The register of brokers (docs/transfers.md): the list, registering one
// (license), and one broker with the licences that name it; suspending,
// revoking and reinstating with a reason (license_decide).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { label, t } from '../i18n.js';
import { navigate } from '../router.js';
import { can } from '../roles.js';
import { Field, FormError, LoadError, Loading, Submit, errorText, useForm } from '../components/form.js';
import { Day, Facts, Table, bodyOf } from '../components/stock.js';
import { Badge, BrokerLink, Country, LicenceLink, StateChange } from '../components/transfers.js';
import { PageTitle } from './misc.js';
import { BROKER_ACTIVITIES } from '../vocab.js';

const activities = (list) => (list || []).map((a) => label('broker_activity', a)).join(', ') || '—';

export function Brokers({ user }) {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('GET', '/brokers').then(setList, setError);
  }, []);
  const cols = [
    [t('xfer.name'), (b) => html`<${BrokerLink} id=${b.id} name=${b.name} />`, '', { sort: 'name' }],
    [t('xfer.registration'), (b) => html`<span dir="auto" translate=${false}>${b.registration}</span>`, '', { sort: 'registration' }],
    [t('field.country'), (b) => html`<${Country} code=${b.country} />`, '', { sort: 'country' }],
    [t('xfer.activities'), (b) => activities(b.activities)],
    [t('xfer.expires'), (b) => html`<${Day} at=${b.expires} />`, '', { sort: 'expires' }],
    [t('xfer.state'), (b) => html`<${Badge} kind="broker_state" code=${b.state} />`, '', { sort: 'state' }],
  ];
  return html`<${PageTitle}>${t('xfer.brokers')}<//>
    <${LoadError} error=${error} />
    ${!list && !error && html`<${Loading} />`}
    ${list && html`<${Table} name="brokers" caption=${t('xfer.brokers')} cols=${cols} rows=${list} empty=${t('xfer.no_brokers')} />`}
    ${can(user, 'license') && html`<${AddBroker} />`}`;
}

function AddBroker() {
  const initial = { name: '', country: '', registration: '', address: '', registered_on: '', expires: '', notes: '' };
  for (const a of BROKER_ACTIVITIES) initial['activity.' + a] = false;
  const form = useForm(initial, { prefix: 'br-', fields: [...Object.keys(initial), 'activities'] });
  const go = form.submit(async (v) => {
    const body = bodyOf(Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith('activity.'))));
    body.activities = BROKER_ACTIVITIES.filter((a) => v['activity.' + a]);
    const b = await api('POST', '/brokers', { body });
    navigate('#/brokers/' + encodeURIComponent(b.id));
  });
  const F = (name, lbl, extra = {}) => html`<${Field} form=${form} name=${name} label=${lbl} ...${extra} />`;
  const err = form.error?.field === 'activities' ? form.error : null;
  return html`<section class="box" aria-labelledby="br-h">
    <h2 id="br-h">${t('xfer.add_broker')}</h2>
    <form class="form xfer-form" onSubmit=${go} novalidate>
      <div class="row">
        ${F('name', t('xfer.name'), { required: true, dir: 'auto' })}
        ${F('country', t('field.country'), { type: 'country' })}
        ${F('registration', t('xfer.registration'), { required: true, dir: 'auto', autocomplete: 'off' })}
        ${F('address', t('xfer.address'), { dir: 'auto' })}
        ${F('registered_on', t('xfer.registered_on'), { type: 'date' })}
        ${F('expires', t('xfer.expires'), { type: 'date' })}
      </div>
      <fieldset id="br-activities" tabindex="-1" aria-describedby=${err ? 'br-activities-error' : undefined}><legend>${t('xfer.activities')}</legend><div class="row">
        ${BROKER_ACTIVITIES.map((a) => html`<${Field} key=${a} form=${form} name=${'activity.' + a} type="checkbox" label=${label('broker_activity', a)} />`)}
      </div>
      ${err && html`<p id="br-activities-error" class="field-error" role="alert">${errorText(err)}</p>`}</fieldset>
      ${F('notes', t('field.notes'), { type: 'textarea', rows: 2, dir: 'auto' })}
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('xfer.add_broker_submit')}<//></div>
    </form>
  </section>`;
}

export function Broker({ user, route }) {
  const id = route.params[0];
  const [b, setB] = useState(null);
  const [error, setError] = useState(null);
  const path = `/brokers/${encodeURIComponent(id)}`;
  const load = () => api('GET', path).then(setB, setError);
  useEffect(() => {
    setB(null);
    setError(null);
    load();
  }, [id]);
  if (error) return html`<${PageTitle}>${t('xfer.broker')}<//><${LoadError} error=${error} />`;
  if (!b) return html`<${PageTitle}>${t('xfer.broker')}<//><${Loading} />`;
  const changes = [];
  if (can(user, 'license_decide')) {
    if (b.state === 'registered') changes.push('suspended', 'revoked');
    if (b.state === 'suspended') changes.push('registered', 'revoked');
  }
  return html`<${PageTitle}>${t('xfer.broker')} · <span dir="auto">${b.name}</span><//>
    <p class="subtitle"><${Badge} kind="broker_state" code=${b.state} /></p>
    ${b.state_reason && html`<p class="note" dir="auto">${t('xfer.state_reason')}: ${b.state_reason}</p>`}
    <${Facts} rows=${[
      [t('xfer.registration'), html`<span dir="auto">${b.registration}</span>`],
      [t('field.country'), html`<${Country} code=${b.country} />`],
      [t('xfer.activities'), activities(b.activities)],
      [t('xfer.address'), b.address && html`<span dir="auto">${b.address}</span>`],
      [t('xfer.registered_on'), html`<${Day} at=${b.registered_on} />`],
      [t('xfer.expires'), html`<${Day} at=${b.expires} />`],
      b.notes && [t('field.notes'), html`<span class="pre" dir="auto">${b.notes}</span>`],
    ]} />
    <h2>${t('xfer.licences_naming')}</h2>
    <${Table} caption=${t('xfer.licences_naming')} rows=${b.licences || []} empty=${t('xfer.no_licences')} cols=${[
      [t('xfer.number'), (l) => html`<${LicenceLink} id=${l.id} number=${l.number} />`],
      [t('xfer.kind'), (l) => label('licence_kind', l.kind)],
      [t('xfer.state'), (l) => html`<${Badge} kind="licence_state" code=${l.state} />`],
    ]} />
    ${changes.length > 0 && html`<${StateChange} prefix="bs-" path=${() => path + '/state'} onDone=${setB}
      changes=${changes.map((s) => ({ state: s, button: t('xfer.broker_to.' + s), title: t('xfer.broker_to.' + s), submit: t('xfer.broker_to.' + s), done: t('xfer.state_done', { state: label('broker_state', s) }) }))} />`}`;
}
