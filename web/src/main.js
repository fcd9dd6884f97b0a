import './app.css';
// The minimal console: sign in, find a weapon by its serial, sign out.
// Every call goes to the JSON API; a change sends the session's CSRF token.
const $ = (id) => document.getElementById(id);
let csrf = null;

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const data = res.status === 204 ? null : await res.json();
  if (!res.ok) throw Object.assign(new Error(data?.error?.message || res.statusText), { status: res.status });
  return data;
}

function show(session) {
  csrf = session ? session.csrf : null;
  $('signin').hidden = !!session;
  $('app').hidden = !session;
  $('signout').hidden = !session;
  $('who').textContent = session ? `${session.user.name} (${session.user.role})` : '';
}

$('signin').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('signin-error').textContent = '';
  try {
    show(await api('POST', '/api/v1/session', { name: $('name').value, password: $('password').value }));
    $('password').value = '';
  } catch (err) {
    $('signin-error').textContent = err.message;
  }
});

$('signout').addEventListener('click', async () => {
  await api('DELETE', '/api/v1/session').catch(() => {});
  show(null);
});

$('search').addEventListener('submit', async (e) => {
  e.preventDefault();
  const q = new URLSearchParams({ serial: $('serial').value });
  if ($('make').value) q.set('make', $('make').value);
  const body = $('results').tBodies[0];
  body.replaceChildren();
  try {
    const res = await api('GET', `/api/v1/search?${q}`);
    $('summary').textContent = `${res.candidates.length} candidates for ${res.query.canonical}`;
    for (const c of res.candidates) {
      const tr = body.insertRow();
      for (const v of [c.serial, c.make, c.model, c.status, c.score, c.reason]) tr.insertCell().textContent = v ?? '';
    }
    $('results').hidden = res.candidates.length === 0;
  } catch (err) {
    $('summary').textContent = err.message;
  }
});

api('GET', '/api/v1/session').then(show, () => show(null));
