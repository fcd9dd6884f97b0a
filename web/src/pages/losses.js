// Lost and stolen weapons: the reports (open ones by default: the weapon is
// still missing), the report form and the lost/stolen list as CSV for an
// iARMS-style database (docs/formats/lost-stolen-csv.md), for roles with trace.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { useRequest } from '../request.js';
import { fmtNumber, label, t } from '../i18n.js';
import { can } from '../roles.js';
import { LoadError, Loading, optionsOf } from '../components/form.js';
import { ActionForm, Day, ItemLink, Table, bodyOf } from '../components/stock.js';
import { PageTitle } from './misc.js';
import { LOSS_KINDS } from '../vocab.js';

export function Losses({ user }) {
  const [which, setWhich] = useState('open');
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const fetchList = (keep) => api('GET', '/losses', { query: { open: which === 'open' ? 1 : 0 } }).then(keep(setList), keep(setError));
  const latest = useRequest((keep) => {
    setList(null);
    fetchList(keep);
  }, [which]);
  const load = () => fetchList(latest);
  const cols = [
    [t('field.serial'), (r) => html`<${ItemLink} id=${r.item_id} serial=${r.serial} />`, 'nowrap', { sort: 'serial' }],
    [t('loss.kind'), (r) => label('status', r.kind), '', { sort: (r) => label('status', r.kind) }],
    [t('rec.date'), (r) => html`<${Day} at=${r.date} />`, '', { sort: 'date' }],
    [t('field.make'), (r) => html`<span dir="auto">${[r.make, r.model].filter(Boolean).join(' ') || '—'}</span>`, '', { sort: (r) => [r.make, r.model].filter(Boolean).join(' ') }],
    [t('field.calibre'), (r) => html`<span dir="auto">${r.calibre || '—'}</span>`],
    [t('rec.place'), (r) => html`<span dir="auto">${r.place || '—'}</span>`, '', { sort: 'place' }],
    [t('loss.agency'), (r) => html`<span dir="auto">${[r.agency, r.police_ref].filter(Boolean).join(' · ') || '—'}</span>`],
    [t('loss.open'), (r) => html`<span class=${'badge tone-' + (r.open ? 'missing' : 'recovered')}>${t(r.open ? 'loss.still_missing' : 'loss.recovered')}</span>`],
    [t('hit.title'), (r) => (r.hits ? html`<a href="#/inbox">${fmtNumber(Array.isArray(r.hits) ? r.hits.length : r.hits)}</a>` : '0'), 'num'],
  ];
  const trace = can(user, 'trace');
  const today = new Date().toISOString().slice(0, 10);
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
    ${!list && !error && html`<${Loading} />`}
    ${list && html`<${Table} name="lost-stolen" caption=${t('loss.title')} cols=${cols} rows=${list} empty=${t('loss.none')} />`}
    ${trace && html`<${ActionForm} prefix="loss-" title=${t('loss.add')} submit=${t('loss.add_submit')} note=${t('loss.add_note')}
      initial=${{ item_id: '', kind: 'stolen', date: today, circumstances: '', reported_by: '', place: '', agency: '', police_ref: '' }}
      fields=${[
        { name: 'item_id', label: t('loss.item_id'), required: true, autocomplete: 'off', hint: t('loss.item_hint') },
        { name: 'kind', label: t('loss.kind'), type: 'select', options: optionsOf(LOSS_KINDS, 'status') },
        { name: 'date', label: t('rec.date'), type: 'date', required: true },
        { name: 'reported_by', label: t('loss.reported_by'), dir: 'auto', required: true },
        { name: 'place', label: t('rec.place'), dir: 'auto' },
        { name: 'agency', label: t('loss.agency_only'), dir: 'auto' },
        { name: 'police_ref', label: t('loss.police_ref'), dir: 'auto' },
        { name: 'circumstances', label: t('loss.circumstances'), type: 'textarea', rows: 2, dir: 'auto', required: true },
      ]}
      action=${async (v) => {
        const r = await api('POST', '/losses', { body: bodyOf(v) });
        load();
        const n = Array.isArray(r.hits) ? r.hits.length : r.hits || 0;
        return t('loss.added', { n: fmtNumber(n) });
      }} />`}`;
}
