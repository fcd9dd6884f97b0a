// Users and API tokens, for administrators: add, change role, disable and
// enable users; add tokens (the secret is shown this once) and revoke them.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { fmtDate, label, t } from '../i18n.js';
import { ROLES } from '../roles.js';
import { Field, FormError, LoadError, Loading, Submit, errorText, optionsOf, useForm } from '../components/form.js';
import { useSites } from '../components/stock.js';
import { PageTitle } from './misc.js';

export function Users({ user: me }) {
  const [users, setUsers] = useState(null);
  const [tokens, setTokens] = useState(null);
  const sites = useSites();
  const [error, setError] = useState(null);
  const loadUsers = () => api('GET', '/users').then(setUsers, setError);
  const loadTokens = () => api('GET', '/tokens').then(setTokens, setError);
  useEffect(() => {
    loadUsers();
    loadTokens();
  }, []);
  const siteNames = (ids) => (ids.length ? ids.map((id) => sites.find((s) => s.id === id)?.name || id).join(', ') : t('users.all_sites'));

  return html`<${PageTitle}>${t('users.title')}<//>
    <${LoadError} error=${error} />
    <section aria-labelledby="users-h">
      <h2 id="users-h">${t('users.users')}</h2>
      ${!users ? html`<${Loading} />` : html`<${UserTable} users=${users} me=${me} siteNames=${siteNames} onChanged=${loadUsers} />`}
      <${AddUser} sites=${sites} onAdded=${loadUsers} />
    </section>
    <section aria-labelledby="tokens-h">
      <h2 id="tokens-h">${t('users.tokens')}</h2>
      ${!tokens ? html`<${Loading} />` : html`<${TokenTable} tokens=${tokens} siteNames=${siteNames} onChanged=${loadTokens} />`}
      <${AddToken} sites=${sites} onAdded=${loadTokens} />
    </section>`;
}

const roleOptions = () => optionsOf(ROLES, 'role');

function UserTable({ users, me, siteNames, onChanged }) {
  const [error, setError] = useState(null);
  const [roles, setRoles] = useState({}); // roles chosen but not yet saved, by user id
  const [asking, setAsking] = useState(null); // the user whose disabling waits for a yes
  const change = async (u, patch) => {
    setError(null);
    try {
      await api('PATCH', `/users/${encodeURIComponent(u.id)}`, { body: patch });
      setRoles(({ [u.id]: _, ...rest }) => rest);
      setAsking(null);
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return html`${error && html`<div class="alert" role="alert">${errorText(error)}</div>`}
    <div class="table-wrap"><table class="list">
      <caption class="sr-only">${t('users.users')}</caption>
      <thead><tr><th scope="col">${t('users.name')}</th><th scope="col">${t('users.role')}</th><th scope="col">${t('users.sites')}</th>
        <th scope="col">${t('users.state')}</th><th scope="col">${t('users.created')}</th><th scope="col">${t('users.actions')}</th></tr></thead>
      <tbody>${users.map((u) => {
        const chosen = roles[u.id] ?? u.role;
        return html`<tr key=${u.id}>
          <th scope="row" dir="auto">${u.name}</th>
          <td><span class="inline-form">
            <select aria-label=${t('users.role_of', { name: u.name })} value=${chosen}
              onInput=${(e) => { const v = e.currentTarget.value; setRoles((r) => ({ ...r, [u.id]: v })); }}>
              ${roleOptions().map((o) => html`<option value=${o.value}>${o.label}</option>`)}
            </select>
            ${chosen !== u.role && html`<button type="button" class="small" onClick=${() => change(u, { role: chosen })}>${t('users.save_role')}</button>`}
          </span></td>
          <td>${siteNames(u.sites)}</td>
          <td>${u.disabled ? html`<span class="badge tone-missing">${t('users.disabled')}</span>` : html`<span class="badge tone-held">${t('users.active')}</span>`}</td>
          <td><time datetime=${u.created}>${fmtDate(u.created)}</time></td>
          <td>${u.id !== me.id && (asking === u.id
            ? html`<span class="inline-form" role="group" aria-label=${t('users.disable_ask', { name: u.name })}>
                <span dir="auto">${t('users.disable_ask', { name: u.name })}</span>
                <button type="button" class="small" onClick=${() => change(u, { disabled: true })}>${t('users.disable_yes')}<span class="sr-only"> ${u.name}</span></button>
                <button type="button" class="secondary small" onClick=${() => setAsking(null)}>${t('users.disable_keep')}<span class="sr-only"> ${u.name}</span></button></span>`
            : html`<button type="button" class="secondary small" onClick=${() => (u.disabled ? change(u, { disabled: false }) : setAsking(u.id))}>
            ${u.disabled ? t('users.enable') : t('users.disable')}<span class="sr-only"> ${u.name}</span></button>`)}</td>
        </tr>`;
      })}</tbody>
    </table></div>`;
}

// Which sites a user or token sees: every site, or only those chosen. No
// choice is made for the administrator: "no site chosen" is refused rather
// than read as every site (the server refuses an empty list too, unless
// all_sites is sent).
function SitesPicker({ form, sites }) {
  const id = form.prefix + 'sites';
  const err = form.error?.field === 'sites' ? form.error : null;
  const scope = form.values.scope;
  const setScope = (v) => () => form.setValues((x) => ({ ...x, scope: v }));
  return html`<fieldset class="scope" aria-describedby=${err ? `${id}-error` : undefined}>
    <legend>${t('users.sites')}</legend>
    <div class="field check">
      <input type="radio" id=${id} name=${id + '-scope'} value="all" checked=${scope === 'all'} onChange=${setScope('all')}
        aria-invalid=${err ? 'true' : undefined} />
      <label for=${id}>${t('users.scope_all')}</label>
    </div>
    <div class="field check">
      <input type="radio" id=${id + '-some'} name=${id + '-scope'} value="some" checked=${scope === 'some'} onChange=${setScope('some')} />
      <label for=${id + '-some'}>${t('users.scope_some')}</label>
    </div>
    ${scope === 'some' && html`<div class="field">
      <label for=${id + '-list'}>${t('users.scope_which')}</label>
      <select id=${id + '-list'} multiple size=${Math.min(6, Math.max(2, sites.length))} aria-describedby=${`${id}-hint`}
        aria-invalid=${err ? 'true' : undefined}
        onChange=${(e) => { const v = [...e.currentTarget.selectedOptions].map((o) => o.value); form.setValues((x) => ({ ...x, sites: v })); }}>
        ${sites.map((s) => html`<option value=${s.id} selected=${form.values.sites.includes(s.id)}>${s.name}</option>`)}
      </select>
      <p id=${`${id}-hint`} class="hint">${t('users.scope_hint')}</p>
    </div>`}
    ${err && html`<p id=${`${id}-error`} class="field-error" role="alert">${errorText(err)}</p>`}
  </fieldset>`;
}

// The body's sites: all_sites said on purpose, or the sites chosen; with no
// choice made, an error under the choice.
function scoped({ scope, sites, ...rest }) {
  if (scope === 'all') return { ...rest, all_sites: true };
  if (scope === 'some') return { ...rest, sites };
  throw { code: 'invalid', field: 'sites', message: t('users.scope_needed') };
}

// A rarely used form stays behind its button until asked for.
function Opener({ label: text, children }) {
  const [open, setOpen] = useState(false);
  return open
    ? children
    : html`<p><button type="button" class="secondary" aria-expanded="false" onClick=${() => setOpen(true)}>${text}</button></p>`;
}

function AddUser({ sites, onAdded }) {
  const form = useForm({ name: '', role: 'viewer', password: '', scope: '', sites: [] }, { prefix: 'user-' });
  const [done, setDone] = useState(''); // the name of the user just added
  const submit = form.submit(async (v) => {
    setDone('');
    const u = await api('POST', '/users', { body: scoped(v) });
    form.reset();
    setDone(u.name);
    onAdded();
  });
  return html`<div class="box">
    <h3>${t('users.add_user')}</h3>
    <p class="success" role="status">${done && t('users.user_added', { name: done })}</p>
    <${Opener} label=${t('users.add_user')}>
    <form class="form" onSubmit=${submit} novalidate>
      <div class="row">
        <${Field} form=${form} name="name" label=${t('users.user_name')} hint=${t('users.name_hint')} autocomplete="off" />
        <${Field} form=${form} name="role" type="select" label=${t('users.role')} options=${roleOptions()} />
        <${Field} form=${form} name="password" type="password" label=${t('users.password')} hint=${t('users.password_hint')} autocomplete="new-password" />
      </div>
      <${SitesPicker} form=${form} sites=${sites} />
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('users.add_user_submit')}<//></div>
    </form>
    <//>
  </div>`;
}

function TokenTable({ tokens, siteNames, onChanged }) {
  const [error, setError] = useState(null);
  const revoke = async (tk) => {
    if (!confirm(t('users.revoke_confirm', { name: tk.name }))) return;
    setError(null);
    try {
      await api('DELETE', `/tokens/${encodeURIComponent(tk.id)}`);
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return html`${error && html`<div class="alert" role="alert">${errorText(error)}</div>`}
    ${tokens.length === 0 ? html`<p class="muted">${t('users.no_tokens')}</p>` : html`<div class="table-wrap"><table class="list">
      <caption class="sr-only">${t('users.tokens')}</caption>
      <thead><tr><th scope="col">${t('users.name')}</th><th scope="col">${t('users.role')}</th><th scope="col">${t('users.sites')}</th>
        <th scope="col">${t('users.state')}</th><th scope="col">${t('users.created')}</th><th scope="col">${t('users.actions')}</th></tr></thead>
      <tbody>${tokens.map((tk) => html`<tr key=${tk.id}>
        <th scope="row" dir="auto">${tk.name} <code class="muted">${tk.id}</code></th>
        <td>${label('role', tk.role)}</td>
        <td>${siteNames(tk.sites)}</td>
        <td>${tk.revoked ? html`<span class="badge tone-missing">${t('users.revoked')}</span>` : html`<span class="badge tone-held">${t('users.active')}</span>`}</td>
        <td><time datetime=${tk.created}>${fmtDate(tk.created)}</time></td>
        <td>${!tk.revoked && html`<button type="button" class="secondary small" onClick=${() => revoke(tk)}>${t('users.revoke')}<span class="sr-only"> ${tk.name}</span></button>`}</td>
      </tr>`)}</tbody>
    </table></div>`}`;
}

function AddToken({ sites, onAdded }) {
  const form = useForm({ name: '', role: 'viewer', scope: '', sites: [] }, { prefix: 'token-' });
  const [secret, setSecret] = useState(null);
  const submit = form.submit(async (v) => {
    setSecret(null);
    const made = await api('POST', '/tokens', { body: scoped(v) });
    form.reset();
    setSecret({ name: made.token.name, value: made.secret });
    onAdded();
  });
  return html`<div class="box">
    <h3>${t('users.add_token')}</h3>
    <div role="status">${secret && html`<div class="secret">
      <p><strong>${t('users.secret_once', { name: secret.name })}</strong></p>
      <p><label for="token-secret">${t('users.secret')}</label>
        <input id="token-secret" class="key" readonly value=${secret.value} onFocus=${(e) => e.currentTarget.select()} /></p>
      <button type="button" class="secondary small" onClick=${() => navigator.clipboard?.writeText(secret.value)}>${t('users.copy')}</button>
    </div>`}</div>
    <${Opener} label=${t('users.add_token')}>
    <form class="form" onSubmit=${submit} novalidate>
      <div class="row">
        <${Field} form=${form} name="name" label=${t('users.token_name')} hint=${t('users.name_hint')} autocomplete="off" />
        <${Field} form=${form} name="role" type="select" label=${t('users.role')} options=${roleOptions()} />
      </div>
      <${SitesPicker} form=${form} sites=${sites} />
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('users.add_token_submit')}<//></div>
    </form>
    <//>
  </div>`;
}
