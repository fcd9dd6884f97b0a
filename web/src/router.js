// Hash routes (#/items/<id>?status=stolen): the server serves one page, and
// the hash keeps the place across language switches and reloads.
import { useEffect, useState } from 'preact/hooks';

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] || '', params: parts.slice(1), query: new URLSearchParams(query), hash: raw };
}

export function useRoute() {
  const [route, setRoute] = useState(parseHash);
  useEffect(() => {
    const update = () => setRoute(parseHash());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

// A hash for page with query (empty values left out).
export function href(path, query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) if (v) q.set(k, v);
  const s = q.toString();
  return '#/' + path + (s ? '?' + s : '');
}

export function navigate(to) {
  location.hash = to;
}
