// Sign in with a user name and password; the answer carries the CSRF token
// that every change made with the session cookie sends back.
import { html } from '../html.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { Field, FormError, Submit, useForm } from '../components/form.js';
import { PageTitle } from './misc.js';

export function SignIn({ onSignedIn }) {
  const form = useForm({ name: '', password: '' });
  const submit = form.submit(async (v) => {
    let session;
    try {
      session = await api('POST', '/session', { body: { name: v.name, password: v.password } });
    } catch (err) {
      // the one refusal a person meets here, said in their language (the
      // server's sentence is English, and names neither field on purpose)
      if (err.status === 401) throw { code: err.code, message: t('signin.refused') };
      throw err;
    }
    onSignedIn(session);
  });
  return html`<div class="signin">
    <${PageTitle}>${t('signin.title')}<//>
    <p class="muted">${t('signin.intro')}</p>
    <form class="form narrow" onSubmit=${submit} novalidate>
      <${Field} form=${form} name="name" label=${t('signin.name')} autocomplete="username" required />
      <${Field} form=${form} name="password" type="password" label=${t('signin.password')} autocomplete="current-password" required />
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('signin.submit')}<//></div>
    </form>
  </div>`;
}
