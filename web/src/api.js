// The console's only way to the JSON API. Every failure becomes an ApiError
// carrying the API's status, code, field and message, so forms can put a
// message next to the field it concerns. Every change made with the session
// cookie sends the session's CSRF token.

let csrf = null;
let onSignedOut = () => {};

export class ApiError extends Error {
  constructor(status, body) {
    const e = body?.error || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || 'error';
    this.field = e.field || null;
    this.message_id = e.message_id || null; // msg.<message_id> in the catalogues, filled from args
    this.args = e.args || [];
    this.body = body; // a refused import carries its per-row report here
  }
}

export function setCsrf(token) {
  csrf = token || null;
}

// Called when the session has ended (401), so the app can show the sign-in form.
export function onUnauthenticated(fn) {
  onSignedOut = fn;
}

// method, path under /api/v1, optional JSON body (or a File/Blob with its
// content type in opts.type), optional query object (empty values left out).
export async function api(method, path, { body, query, type } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = type || 'application/json';
  if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
  let url = '/api/v1' + path;
  if (query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
    if ([...q].length) url += '?' + q;
  }
  let res;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined || type ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { error: { code: 'network', message: '' } });
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 && path !== '/session') onSignedOut();
    throw err;
  }
  return data;
}

// Sites change rarely and every page names them: one list, fetched once,
// forgotten when a site is added.
let sites = null;
export function listSites() {
  sites ??= api('GET', '/sites').catch((e) => {
    sites = null;
    throw e;
  });
  return sites;
}
export function forgetSites() {
  sites = null;
}
