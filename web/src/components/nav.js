// The main navigation: the pages a user may open, grouped (registry, stock,
// tracing, transfers, embargoes, monitoring, reports, administration) behind one disclosure
// button each, so the whole menu is one row on a laptop; on a phone the
// groups fold behind one "Menu" button. A page joins a group by naming it in
// app.js's PAGES table: this file never lists pages.
//
// Disclosure pattern (WAI-ARIA APG): each button says aria-expanded and
// aria-controls its list; Escape closes the open list and returns the focus
// to its button; a click elsewhere, the focus leaving the menu or following
// a link closes it. One list is open at a time.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { t } from '../i18n.js';

// The groups in menu order; `home` pages (the dashboard, search) are plain
// links before them.
export const GROUPS = ['registry', 'stock', 'tracing', 'transfers', 'embargoes', 'monitoring', 'reports', 'administration'];

export function Nav({ pages, user, current }) {
  const [open, setOpen] = useState(null); // the open group
  const [menu, setMenu] = useState(false); // the phone's menu
  const root = useRef(null);
  const visible = Object.entries(pages).filter(([, p]) => p.menu !== false && p.may(user));
  const home = visible.filter(([, p]) => p.group === 'home');
  const groups = GROUPS.map((g) => [g, visible.filter(([, p]) => p.group === g)]).filter(([, ps]) => ps.length);

  // a new page closes the menu
  useEffect(() => {
    setOpen(null);
    setMenu(false);
  }, [current]);

  // a click outside the menu closes it
  useEffect(() => {
    if (!open && !menu) return;
    const away = (e) => {
      if (root.current && !root.current.contains(e.target)) {
        setOpen(null);
        setMenu(false);
      }
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [open, menu]);

  const onKeyDown = (e) => {
    if (e.key !== 'Escape') return;
    if (open) {
      const button = root.current?.querySelector(`#nav-b-${open}`);
      setOpen(null);
      button?.focus();
      e.stopPropagation();
    } else if (menu) {
      setMenu(false);
      root.current?.querySelector('.nav-menu')?.focus();
      e.stopPropagation();
    }
  };
  // the focus leaving a group's list (Tab past its last link) closes it
  const onFocusOut = (e) => {
    const to = e.relatedTarget;
    if (open && to && !to.closest?.(`#nav-g-${open}`)) setOpen(null);
  };

  const link = ([name, p]) => html`<li key=${name}>
    <a href=${p.href || '#/' + name} aria-current=${current === name ? 'page' : undefined}>${t(p.nav)}</a>
  </li>`;

  return html`<nav class="nav" aria-label=${t('nav.label')} ref=${root} onKeyDown=${onKeyDown} onFocusOut=${onFocusOut}
      data-open=${menu ? 'true' : 'false'}>
    <button type="button" class="nav-menu" aria-expanded=${menu ? 'true' : 'false'} aria-controls="nav-groups"
      onClick=${() => setMenu(!menu)}><span class="nav-burger" aria-hidden="true"></span>${t('nav.menu')}</button>
    <ul class="nav-groups" id="nav-groups">
      ${home.map(link)}
      ${groups.map(([g, ps]) => {
        const here = ps.some(([name]) => name === current);
        return html`<li key=${g} class="nav-group" id=${'nav-g-' + g}>
          <button type="button" id=${'nav-b-' + g} class=${here ? 'here' : undefined}
            aria-expanded=${open === g ? 'true' : 'false'} aria-controls=${'nav-l-' + g}
            onClick=${() => setOpen(open === g ? null : g)}>${t('nav.group.' + g)}<span class="nav-caret" aria-hidden="true"></span></button>
          <ul id=${'nav-l-' + g} class="nav-list" hidden=${open !== g}>${ps.map(link)}</ul>
        </li>`;
      })}
    </ul>
  </nav>`;
}
