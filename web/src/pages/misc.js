// Small pieces every page uses: the page heading, badges for codes, and the
// pages for a route that is unknown or not allowed.
import { html } from '../html.js';
import { label, t } from '../i18n.js';
import { MARKING_TONE, STATUS_TONE } from '../vocab.js';

// tabindex -1: the shell moves the focus here when the page changes.
export function PageTitle({ children }) {
  return html`<h1 tabindex="-1">${children}</h1>`;
}

// A status in words, its code beside it (the code is what the API and the
// CLI speak, so people learn both).
export function StatusBadge({ status }) {
  return html`<span class=${'badge tone-' + (STATUS_TONE[status] || 'plain')}>${label('status', status)}</span>`;
}

export function MarkingBadge({ status }) {
  return html`<span class=${'badge tone-' + (MARKING_TONE[status] || 'plain')}>${label('marking_status', status)}</span>`;
}

export function Code({ code }) {
  return code ? html`<code class="code">${code}</code>` : null;
}

export function NotAllowed() {
  return html`<${PageTitle}>${t('misc.not_allowed_title')}<//>
    <p class="note">${t('misc.not_allowed')}</p>`;
}

export function NotFound() {
  return html`<${PageTitle}>${t('misc.not_found_title')}<//>
    <p>${t('misc.not_found')} <a href="#/dashboard">${t('nav.dashboard')}</a></p>`;
}
