// The signed-in user's own account, reached from their name in the header:
// who they are, a new password (the current one first, the new one twice),
// and signing out everywhere. Both end every session of the user, this one
// too (the server's rule), so each ends by offering to sign in again.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { label, t } from '../i18n.js';
import { Field, FormError, Submit, errorText, useForm } from '../components/form.js';
import { Facts, SiteName, useSites } from '../components/stock.js';
import { PageTitle } from './misc.js';

export function Account({ user }) {
  const sites = useSites();
  const [ended, setEnded] = useState(''); // what ended the sessions, once it has
  if (ended)
    return html`<${PageTitle}>${t('account.title')}<//>
      <div class="box" role="status">
        <p><strong>${ended}</strong></p>
        <p><button type="button" onClick=${() => location.reload()}>${t('account.sign_in_again')}</button></p>
      </div>`;
  return html`<${PageTitle}>${t('account.title')}<//>
    <${Facts} rows=${[
      [t('users.user_name'), html`<span dir="auto">${user.name}</span>`],
      [t('users.role'), label('role', user.role)],
      [t('users.sites'), user.sites.length ? user.sites.map((id, i) => html`${i ? ', ' : ''}<${SiteName} id=${id} sites=${sites} />`) : t('users.all_sites')],
    ]} />
    <${ChangePassword} onDone=${() => setEnded(t('account.password_changed'))} />
    <${SignOutEverywhere} onDone=${() => setEnded(t('account.signed_out_everywhere'))} />`;
}

function ChangePassword({ onDone }) {
  const form = useForm({ current: '', password: '', again: '' }, { prefix: 'acc-' });
  const submit = form.submit(async (v) => {
    if (v.password !== v.again) throw { code: 'invalid', field: 'again', message: t('account.mismatch') };
    await api('PUT', '/session/password', { body: { current: v.current, password: v.password } });
    onDone();
  });
  return html`<section class="box" aria-labelledby="acc-pw-h">
    <h2 id="acc-pw-h">${t('account.change_password')}</h2>
    <p class="hint">${t('account.password_note')}</p>
    <form class="form" onSubmit=${submit} novalidate>
      <div class="row">
        <${Field} form=${form} name="current" type="password" label=${t('account.current')} autocomplete="current-password" required />
        <${Field} form=${form} name="password" type="password" label=${t('account.new')} hint=${t('users.password_hint')} autocomplete="new-password" required />
        <${Field} form=${form} name="again" type="password" label=${t('account.again')} autocomplete="new-password" required />
      </div>
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('account.change_submit')}<//></div>
    </form>
  </section>`;
}

function SignOutEverywhere({ onDone }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState(null);
  const go = async () => {
    setError(null);
    try {
      await api('DELETE', '/session/all');
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  return html`<section class="box" aria-labelledby="acc-all-h">
    <h2 id="acc-all-h">${t('account.everywhere')}</h2>
    <p class="hint">${t('account.everywhere_note')}</p>
    ${error && html`<div class="alert" role="alert">${errorText(error)}</div>`}
    ${asking
      ? html`<div class="inline-form" role="group" aria-labelledby="acc-all-ask">
          <span id="acc-all-ask">${t('account.everywhere_ask')}</span>
          <button type="button" onClick=${go}>${t('account.everywhere_yes')}</button>
          <button type="button" class="secondary" onClick=${() => setAsking(false)}>${t('account.everywhere_keep')}</button>
        </div>`
      : html`<button type="button" class="secondary" onClick=${() => setAsking(true)}>${t('account.everywhere_submit')}</button>`}
  </section>`;
}
