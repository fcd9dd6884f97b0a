// Requests whose answer fills a page that the user can re-filter while one
// is on its way. Without this, a slow answer to an earlier filter could
// arrive after the newer one and replace its list.
import { useEffect, useRef } from 'preact/hooks';

/**
 * Like useEffect, for a request: `run(keep)` starts it and wraps each of its
 * handlers in `keep`; once `deps` change (or the page goes), the handlers of
 * the older run do nothing. Returns the `keep` of the latest run, for asking
 * again after a change (a new record): that answer too is dropped once the
 * filter it was asked for has changed.
 */
export function useRequest(run, deps) {
  const latest = useRef(null);
  useEffect(() => {
    let live = true;
    const keep = (fn) => (value) => {
      if (live) fn(value);
    };
    latest.current = keep;
    run(keep);
    return () => {
      live = false;
    };
  }, deps);
  return (fn) => (latest.current ? latest.current(fn) : fn);
}
