// Lost and stolen weapons: the reports (open ones by default: the weapon is
// still missing — one per weapon lost or stolen, however it was recorded),
// each with the hits on its weapon; the report form, which picks the weapon
// by serial; and the lost/stolen list as CSV for an iARMS-style database
// (docs/formats/lost-stolen-csv.md), for roles with trace.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { useRequest } from '../request.js';
import { fmtNumber, label, t } from '../i18n.js';
import { can } from '../roles.js';
import { LoadError, Loading } from '../components/form.js';
import { Day, ItemLink, Table } from '../components/stock.js';
import { LossClose, LossForm } from '../components/loss.js';
import { PageTitle } from './misc.js';
import { lineText } from '../components/ammunition.js';

export function Losses({ user }) {
  const [which, setWhich] = useState('open');
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const [closing, setClosing] = useState(null);
  const [said, setSaid] = useState('');
  const fetchList = (keep) => api('GET', '/losses', { query: { open: which === 'open' ? 1 : 0 } }).then(keep(setList), keep(setError));
  const latest = useRequest((keep) => {
    setList(null);
    fetchList(keep);
  }, [which]);
  const load = () => fetchList(latest);
  const trace = can(user, 'trace');
  const cols = [
    [t('field.serial'), (r) => (r.item_id ? html`<${ItemLink} id=${r.item_id} serial=${r.serial} />` : html`<span class="muted">${t('loss.no_weapon')}</span>`), 'nowrap', { sort: 'serial' }],
    [t('loss.kind'), (r) => label('status', r.kind), '', { sort: (r) => label('status', r.kind) }],
    [t('rec.date'), (r) => html`<${Day} at=${r.date} />`, '', { sort: 'date' }],
    [t('field.make'), (r) => html`<span dir="auto">${[r.make, r.model].filter(Boolean).join(' ') || '—'}</span>`, '', { sort: (r) => [r.make, r.model].filter(Boolean).join(' ') }],
    [t('field.calibre'), (r) => html`<span dir="auto">${r.calibre || '—'}</span>`],
    [t('loss.ammunition'), (r) => (r.ammunition?.length ? html`<ul class="plain" data-testid="loss-ammunition">${r.ammunition.map((a, i) => html`<li key=${i} dir="auto">${lineText(a)}</li>`)}</ul>` : '—')],
    [t('rec.place'), (r) => html`<span dir="auto">${r.place || '—'}</span>`, '', { sort: 'place' }],
    [t('loss.agency'), (r) => html`<span dir="auto">${[r.agency, r.police_ref].filter(Boolean).join(' · ') || '—'}</span>`],
    [t('loss.open'), (r) => (r.closed
      ? html`<span class="badge tone-recovered">${t('loss.closed')}</span> <span dir="auto" data-testid="loss-closed">${r.closed.reason}</span>`
      : html`<span class=${'badge tone-' + (r.open ? 'missing' : 'recovered')}>${t(r.open ? 'loss.still_missing' : 'loss.recovered')}</span>
        ${!r.item_id && r.open && trace && html` <button type="button" class="secondary small" data-testid="loss-close-button"
          onClick=${() => { setSaid(''); setClosing(r); }}>${t('loss.close')}<span class="sr-only"> ${lineText(r.ammunition?.[0] || {})}</span></button>`}`)],
    [t('hit.title'), (r) => (r.hits ? html`<a href="#/inbox" data-testid="loss-hits">${fmtNumber(Array.isArray(r.hits) ? r.hits.length : r.hits)}</a>` : fmtNumber(0)), 'num'],
  ];
  return html`<${PageTitle}>${t('loss.title')}<//>
    <div class="actions filters">
      <div class="field"><label for="loss-which">${t('loss.which')}</label>
        <select id="loss-which" value=${which} onInput=${(e) => setWhich(e.currentTarget.value)}>
          ${['open', 'all'].map((s) => html`<option value=${s}>${label('loss_filter', s)}</option>`)}
        </select></div>
      ${trace && html`<a class="button secondary" href="/api/v1/losses/export" download="lost-stolen.csv">${t('loss.export')}</a>`}
    </div>
    ${trace && html`<p class="hint">${t('loss.export_hint')}</p>`}
    <${LoadError} error=${error} />
    <p class="success" role="status">${said}</p>
    ${closing && html`<${LossClose} key=${closing.id} loss=${closing} onCancel=${() => setClosing(null)}
      onDone=${() => { setClosing(null); setSaid(t('loss.closed_done')); load(); }} />`}
    ${!list && !error && html`<${Loading} />`}
    ${list && html`<${Table} name="lost-stolen" caption=${t('loss.title')} cols=${cols} rows=${list} empty=${t('loss.none')} />`}
    ${trace && html`<section class="box" aria-labelledby="loss-h">
      <h2 id="loss-h">${t('loss.add')}</h2>
      <p class="hint">${t('loss.add_note')}</p>
      <${LossForm} prefix="loss-" onDone=${load} />
    </section>`}`;
}
