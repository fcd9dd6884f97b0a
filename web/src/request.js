// Requests whose answer fills a page that the user can re-filter while one
// is on its way. Without this, a slow answer to an earlier filter could
// arrive after the newer one and replace its list.
import { useEffect } from 'preact/hooks';

/**
 * Like useEffect, for a request: `run(keep)` starts it and wraps each of its
 * handlers in `keep`; once `deps` change (or the page goes), the handlers of
 * the older run do nothing.
 */
export function useRequest(run, deps) {
  useEffect(() => {
    let live = true;
    run((fn) => (value) => {
      if (live) fn(value);
    });
    return () => {
      live = false;
    };
  }, deps);
}
