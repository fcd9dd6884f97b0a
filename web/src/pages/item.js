// One weapon: its record, its markings per component in their own script,
// "report lost or stolen" (the loss report, in place) and the status change
// form, each behind its button (for roles allowed them; never to destroyed or
// exported, which only a destruction batch and a confirmed export give), the
// records the other rooms hold about it (item_links.js),
// its export proposals (proposed by one person, confirmed by another), its
// integrity in the hash chain and its full history.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { actorText, countryName, fmtDate, fmtNumber, label, messageText, t } from '../i18n.js';
import { can, national } from '../roles.js';
import { Field, FormError, LoadError, Loading, Submit, optionsOf, useForm } from '../components/form.js';
import { ActionForm, ItemLink, Table, bodyOf, useSites } from '../components/stock.js';
import { WeaponPicker } from '../components/loss.js';
import { HistoryList } from '../components/history.js';
import { BY_PROCEDURE, COMPONENTS, NEXT_STATUS, PERSON_AGE_BANDS, PERSON_SEXES, STATUS_NEEDS_REASON } from '../vocab.js';
import { ItemLinks, ReportLoss } from './item_links.js';
import { Code, MarkingBadge, PageTitle, StatusBadge } from './misc.js';

export function Item({ user, route }) {
  const id = route.params[0];
  const [item, setItem] = useState(null);
  const [history, setHistory] = useState(null);
  const [integrity, setIntegrity] = useState(undefined); // null: the server cannot tell
  const [error, setError] = useState(null);
  const [changes, setChanges] = useState(0); // the links are read again after each change

  // Everything about the weapon, again after a status change.
  const load = () => {
    setChanges((n) => n + 1);
    api('GET', `/items/${encodeURIComponent(id)}`).then(setItem, setError);
    api('GET', `/items/${encodeURIComponent(id)}/history`).then((h) => setHistory(h.events), () => setHistory([]));
    api('GET', `/items/${encodeURIComponent(id)}/integrity`).then(setIntegrity, () => setIntegrity(null));
  };
  useEffect(() => {
    setItem(null);
    setError(null);
    load();
  }, [id]);

  if (error) {
    return html`<${PageTitle}>${t('item.title')}<//><${LoadError} error=${error} />`;
  }
  if (!item) return html`<${PageTitle}>${t('item.title')}<//><${Loading} />`;

  return html`
    <${PageTitle}>${t('item.title')} <span class="key" dir="auto">${item.serial || t('item.no_serial')}</span><//>
    <p class="subtitle"><span dir="auto">${[item.make, item.model, item.calibre].filter(Boolean).join(' · ')}</span>
      <${StatusBadge} status=${item.status} /> <${MarkingBadge} status=${item.marking_status} /></p>
    <div class="item-grid">
      <div>
        <${Record} item=${item} user=${user} />
        <${Makeup} item=${item} />
        <${Markings} item=${item} />
        <${Parts} item=${item} />
      </div>
      <div>
        ${can(user, 'trace') && national(user) && html`<${ReportLoss} key=${'l' + item.id} item=${item} onReported=${load} />`}
        ${can(user, 'status') && html`<${StatusForm} key=${item.id} item=${item} onChanged=${load} />`}
        ${item.kind === 'part' && can(user, 'register') && html`<${AttachForm} key=${'a' + item.id} item=${item} onChanged=${load} />`}
        <${Exports} key=${'x' + item.id} user=${user} item=${item} onChanged=${load} />
        ${can(user, 'trace') && national(user) && html`<p><a class="button secondary" href=${'#/traces/new?item=' + encodeURIComponent(item.id)}>${t('trace.new_for_item')}</a></p>`}
        <${Integrity} item=${item} integrity=${integrity} />
      </div>
    </div>
    <${ItemLinks} id=${item.id} changes=${changes} />
    <${History} events=${history} />`;
}

function Record({ item, user }) {
  const site = useSites().find((s) => s.id === item.site_id);
  const [holder, setHolder] = useState(null);
  useEffect(() => {
    if (item.holder_id) api('GET', `/holders/${encodeURIComponent(item.holder_id)}`).then(setHolder, () => {});
  }, [item.holder_id]);
  const describe = can(user, 'register') && holder && holder.type === 'civilian';

  const row = (name, value) => html`<div><dt>${name}</dt><dd>${value === null || value === undefined || value === '' ? '—' : value}</dd></div>`;
  return html`<section aria-labelledby="record-h">
    <h2 id="record-h">${t('item.record')}</h2>
    <dl class="facts wide">
      ${row(t('field.category'), html`${label('category', item.category)} <${Code} code=${item.category} />`)}
      ${row(t('field.make'), item.make && html`<span dir="auto">${item.make}</span>`)}
      ${row(t('field.model'), item.model && html`<span dir="auto">${item.model}</span>`)}
      ${row(t('field.calibre'), item.calibre && html`<span dir="auto">${item.calibre}</span>`)}
      ${row(t('field.serial'), item.serial && html`<span class="key" dir="auto">${item.serial}</span> <span class="muted">${t('item.serial_key')} <span class="key" dir="ltr">${item.serial_key}</span></span>`)}
      ${row(t('field.country'), item.country && html`${countryName(item.country)} <${Code} code=${item.country} />`)}
      ${row(t('field.year'), item.year)}
      ${row(t('field.status'), html`<${StatusBadge} status=${item.status} />`)}
      ${row(t('field.marking_status'), html`<${MarkingBadge} status=${item.marking_status} />
        <br /><span class="reason-text" dir="auto" data-said="server">${messageText({ message: item.marking_reason, message_id: item.marking_reason_id, args: item.marking_reason_args })}</span>`)}
      ${row(t('field.site'), item.site_id && html`<a href=${'#/items?site=' + item.site_id} dir="auto">${site ? site.name : item.site_id}</a>
        ${site && html` <span class="muted">${label('site_kind', site.kind)}</span>`}`)}
      ${row(t('field.holder'), item.holder_id && html`<${Holder} holder=${holder} id=${item.holder_id} />`)}
      ${row(t('item.import_marks'), item.import_marks?.length ? item.import_marks.map((m, i) => html`${i ? ', ' : ''}${countryName(m.country)} <${Code} code=${m.country} />${m.year ? ' ' + m.year : ''}`) : null)}
      ${item.duplicate_of?.length > 0 && row(t('item.duplicate_of'), item.duplicate_of.map((d, i) => html`${i ? ', ' : ''}<a href=${'#/items/' + d}><code>${d}</code></a>`))}
      ${row(t('field.notes'), item.notes && html`<span class="pre" dir="auto">${item.notes}</span>`)}
      ${row(t('item.id'), html`<code translate=${false}>${item.id}</code>`)}
    </dl>
    ${describe && html`<${ActionForm} prefix="hd-" title=${t('holder_people.describe')} submit=${t('holder_people.describe_submit')}
      note=${t('holder_people.describe_note')}
      initial=${{ sex: '', age_band: '' }}
      fields=${[
        { name: 'sex', label: t('holder_people.sex'), type: 'select', options: optionsOf(PERSON_SEXES, 'sex', { empty: t('common.none_chosen') }) },
        { name: 'age_band', label: t('holder_people.age_band'), type: 'select', options: optionsOf(PERSON_AGE_BANDS, 'age_band', { empty: t('common.none_chosen') }) },
      ]}
      action=${async (v) => {
        setHolder(await api('POST', `/holders/${encodeURIComponent(item.holder_id)}/description`, { body: bodyOf(v) }));
        return t('holder_people.described');
      }} />`}
  </section>`;
}

// Licence and address, and a recorded sex and age band, come only to roles
// allowed to read them.
function Holder({ holder, id }) {
  if (!holder) return html`<code>${id}</code>`;
  return html`<span dir="auto">${holder.name}</span> <span class="muted">${label('holder', holder.type)}</span>
    ${holder.licence && html`<br /><span class="muted">${t('item.licence')}</span> <span dir="auto">${holder.licence}</span>`}
    ${holder.address && html`<br /><span class="muted">${t('item.address')}</span> <span class="pre" dir="auto">${holder.address}</span>`}
    ${holder.sex && html`<br /><span class="muted">${t('holder_people.sex')}</span> <span data-testid="holder-sex">${label('sex', holder.sex)}</span>`}
    ${holder.age_band && html`<br /><span class="muted">${t('holder_people.age_band')}</span> <span data-testid="holder-age">${label('age_band', holder.age_band)}</span>`}`;
}

function Markings({ item }) {
  const groups = COMPONENTS.map((c) => [c, item.markings.filter((m) => m.component === c)]).filter(([, ms]) => ms.length);
  return html`<section aria-labelledby="markings-h">
    <h2 id="markings-h">${t('item.markings')}</h2>
    ${groups.length === 0 && html`<p class="muted">${t('item.no_markings')}</p>`}
    ${groups.map(([component, ms]) => html`<div class="component" key=${component}>
      <h3>${label('component', component)}</h3>
      <div class="table-wrap"><table class="list">
        <thead><tr>
          <th scope="col">${t('marking.kind')}</th><th scope="col">${t('marking.text')}</th><th scope="col">${t('marking.script')}</th>
          <th scope="col">${t('marking.legibility')}</th><th scope="col">${t('marking.method')}</th><th scope="col">${t('marking.location')}</th>
        </tr></thead>
        <tbody>${ms.map((m, i) => html`<tr key=${i}>
          <td>${label('kind', m.kind)}</td>
          <td><span class=${'marking-text script-' + m.script} dir="auto">${m.text}</span>
            ${m.altered && html` <span class="badge tone-missing">${t('marking.altered')}</span>`}</td>
          <td>${label('script', m.script)}</td>
          <td>${label('legibility', m.legibility)}</td>
          <td data-testid="marking-method">${m.method ? label('marking_method', m.method) : '—'}</td>
          <td dir="auto">${m.location || '—'}</td>
        </tr>`)}</tbody>
      </table></div>
    </div>`)}
  </section>`;
}

// How the weapon was made: whether it is a weapon or a part (and which),
// the weapon a part belongs to, the manufacture type (converted: from
// what), the frame's material and the component that carries the serial.
// A frame or lower receiver is the part that counts as the weapon.
function Makeup({ item }) {
  const [weapon, setWeapon] = useState(null);
  useEffect(() => {
    setWeapon(null);
    if (item.belongs_to) api('GET', `/items/${encodeURIComponent(item.belongs_to)}`).then(setWeapon, () => {});
  }, [item.belongs_to]);
  const part = item.kind === 'part';
  const rows = [
    [t('makeup.kind'), html`<span data-testid="makeup-kind">${label('item_kind', item.kind || 'weapon')}</span>${part && item.part_type ? html` · ${label('part_type', item.part_type)}` : ''}
      ${part && ['frame_receiver', 'lower_receiver'].includes(item.part_type) ? html`<br /><span class="muted">${t('makeup.counts_as_weapon')}</span>` : ''}`],
    part && [t('makeup.belongs_to'), item.belongs_to ? html`<span data-testid="makeup-belongs">${weapon
      ? html`<${ItemLink} id=${item.belongs_to} serial=${weapon.serial} /> <span dir="auto">${[weapon.make, weapon.model].filter(Boolean).join(' ')}</span>`
      : html`<${ItemLink} id=${item.belongs_to} serial=${item.belongs_to} />`}</span>` : t('makeup.belongs_none')],
    [t('makeup.manufacture'), item.manufacture ? html`<span data-testid="makeup-manufacture">${label('manufacture', item.manufacture)}</span>` : t('makeup.not_recorded')],
    item.manufacture === 'converted' && [t('makeup.converted_from'), item.converted_from ? html`<span data-testid="makeup-converted">${label('conversion', item.converted_from)}</span>` : t('makeup.not_recorded')],
    [t('makeup.frame_material'), item.frame_material ? html`<span data-testid="makeup-frame">${label('frame_material', item.frame_material)}</span>` : t('makeup.not_recorded')],
    [t('makeup.serial_component'), item.serial_component ? label('component', item.serial_component) : t('makeup.not_recorded')],
  ].filter(Boolean);
  return html`<section aria-labelledby="makeup-h" data-testid="makeup">
    <h2 id="makeup-h">${t('makeup.title')}</h2>
    <dl class="facts wide">${rows.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>
  </section>`;
}

// The parts linked to a weapon, each a link to its page.
function Parts({ item }) {
  if (item.kind === 'part' || !Array.isArray(item.parts)) return null;
  return html`<section aria-labelledby="parts-h" data-testid="parts">
    <h2 id="parts-h">${t('makeup.parts')}</h2>
    <${Table} caption=${t('makeup.parts')} rows=${item.parts} rowKey=${(p) => p.id} empty=${t('makeup.no_parts')} cols=${[
      [t('field.serial'), (p) => html`<${ItemLink} id=${p.id} serial=${p.serial} />`, 'nowrap'],
      [t('makeup.part_type'), (p) => label('part_type', p.part_type)],
      [t('field.make'), (p) => html`<span dir="auto">${p.make || '—'}</span>`],
    ]} />
  </section>`;
}

// Linking a part to the weapon it belongs to (the weapon picked by serial,
// never an id typed), or taking it off with a reason; a rarely used form,
// behind its button.
function AttachForm({ item, onChanged }) {
  const form = useForm({ weapon_id: '', reason: '' }, { prefix: 'at-' });
  const [done, setDone] = useState('');
  const [shown, setShown] = useState(false);
  const attached = !!item.belongs_to;
  const go = form.submit(async (v) => {
    setDone('');
    if (!attached && !v.weapon_id) throw Object.assign(new Error(t('makeup.weapon_needed')), { field: 'weapon_id', code: 'invalid' });
    const body = { weapon_id: attached ? null : v.weapon_id, ...(v.reason.trim() && { reason: v.reason.trim() }) };
    await api('POST', `/items/${encodeURIComponent(item.id)}/attach`, { body });
    form.reset();
    setShown(false);
    setDone(attached ? t('makeup.detached') : t('makeup.attached'));
    onChanged();
  });
  const title = attached ? t('makeup.detach') : t('makeup.attach');
  return html`<section class="box" aria-labelledby="at-h" data-testid="attach">
    <h2 id="at-h">${title}</h2>
    <p class="success" role="status">${done}</p>
    ${!shown ? html`<p><button type="button" class="secondary" aria-expanded="false" data-testid="attach-open"
        onClick=${() => { setDone(''); setShown(true); setTimeout(() => document.getElementById(attached ? 'at-reason' : 'at-weapon_id')?.focus(), 0); }}>${title}…</button></p>` : html`
    <form class="form" onSubmit=${go} novalidate>
      ${!attached && html`<${WeaponPicker} form=${form} name="weapon_id" text=${t('makeup.weapon')} hint=${t('makeup.weapon_hint')} />`}
      <${Field} form=${form} name="reason" dir="auto" label=${t('status_form.reason')} required=${attached} />
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${attached ? t('makeup.detach_submit') : t('makeup.attach_submit')}<//>
        <button type="button" class="secondary" onClick=${() => { form.reset(); setShown(false); }}>${t('loss.cancel')}</button></div>
    </form>`}
  </section>`;
}

function StatusForm({ item, onChanged }) {
  const form = useForm({ status: '', reason: '', document: '', certificate: '' });
  const [done, setDone] = useState(''); // the status just recorded
  const [shown, setShown] = useState(false); // a rarely used form, behind its button
  // destroyed and exported come only from their procedures
  const next = (NEXT_STATUS[item.status] || []).filter((x) => !BY_PROCEDURE.includes(x));
  const submit = form.submit(async (v) => {
    setDone('');
    const body = Object.fromEntries(Object.entries(v).filter(([, x]) => x.trim() !== ''));
    const after = await api('POST', `/items/${encodeURIComponent(item.id)}/status`, { body });
    form.reset();
    setDone(after.status);
    setShown(false);
    onChanged();
  });
  return html`<section class="box" aria-labelledby="status-h">
    <h2 id="status-h">${t('status_form.title')}</h2>
    <p class="success" role="status">${done && t('status_form.done', { status: label('status', done) })}</p>
    ${next.length === 0 ? html`<p class="muted">${t('status_form.final', { status: label('status', item.status) })}</p>`
    : !shown ? html`<p><button type="button" class="secondary" aria-expanded="false" data-testid="status-open"
        onClick=${() => { setDone(''); setShown(true); setTimeout(() => document.getElementById('status')?.focus(), 0); }}>${t('status_form.open')}</button></p>` : html`
    <form class="form" data-testid="status-form" onSubmit=${submit} novalidate>
      <${Field} form=${form} name="status" type="select" label=${t('status_form.status')}
        hint=${t('status_form.allowed', { status: label('status', item.status) })}
        options=${optionsOf(next, 'status', { empty: t('common.choose') })} />
      <${Field} form=${form} name="reason" type="textarea" rows="2" dir="auto" label=${t('status_form.reason')}
        hint=${STATUS_NEEDS_REASON.includes(form.values.status) ? t('status_form.reason_needed') : t('status_form.reason_hint')} />
      <${Field} form=${form} name="document" dir="auto" label=${t('status_form.document')} hint=${t('status_form.document_hint')} />
      <${Field} form=${form} name="certificate" dir="auto" label=${t('status_form.certificate')} hint=${t('status_form.certificate_hint')} />
      ${['lost', 'stolen'].includes(form.values.status) && html`<p class="hint" data-testid="status-loss-note">${t('status_form.loss_note')}</p>`}
      <${FormError} form=${form} />
      <div class="actions"><${Submit} form=${form}>${t('status_form.submit')}<//>
        <button type="button" class="secondary" onClick=${() => { form.reset(); setShown(false); }}>${t('loss.cancel')}</button></div>
    </form>
    <p class="hint">${t('status_form.by_procedure')}</p>`}
  </section>`;
}

// The weapon's export proposals: a waiting one is confirmed by another
// person whose role may (confirm_export) or withdrawn; a new one is proposed
// with its reason and licence number. The server refuses the proposer's
// own confirmation (two-person rule) and says so.
function Exports({ user, item, onChanged }) {
  const [list, setList] = useState([]);
  const load = () => api('GET', '/export-proposals').then((ps) => setList(ps.filter((p) => p.item_id === item.id)), () => {});
  useEffect(() => { load(); }, [item.id, item.status]);
  const waiting = list.find((p) => p.state === 'proposed');
  const exportable = (NEXT_STATUS[item.status] || []).includes('exported');
  if (!waiting && !(exportable && can(user, 'status'))) return null;
  const act = (what, body) => api('POST', `/export-proposals/${encodeURIComponent(waiting.id)}/${what}`, { body })
    .then((p) => { load(); onChanged(); return p; });
  return html`<section class="box" data-testid="exports" aria-labelledby="export-h">
    <h2 id="export-h">${t('export_prop.title')}</h2>
    ${waiting && html`<p data-testid="export-waiting">${t('export_prop.waiting', { who: actorText(waiting.proposed_by), when: fmtDate(waiting.proposed_at) })}
      <br /><span dir="auto">${waiting.reason}</span> · <span dir="auto">${waiting.document}</span>${waiting.country ? ' · ' + countryName(waiting.country) : ''}</p>`}
    ${waiting && can(user, 'confirm_export') && html`<${ActionForm} prefix="xc-" title=${t('export_prop.confirm')}
      submit=${t('export_prop.confirm_submit')} note=${t('export_prop.confirm_note')} initial=${{}} fields=${[]}
      action=${async () => { await act('confirm', {}); return t('export_prop.confirmed'); }} />`}
    ${waiting && can(user, 'status') && html`<${ActionForm} prefix="xw-" title=${t('export_prop.withdraw')}
      submit=${t('export_prop.withdraw_submit')} initial=${{ reason: '' }}
      fields=${[{ name: 'reason', label: t('status_form.reason'), required: true, dir: 'auto' }]}
      action=${async (v) => { await act('withdraw', bodyOf(v)); return t('export_prop.withdrawn'); }} />`}
    ${!waiting && html`<${ActionForm} prefix="xp-" title=${t('export_prop.propose')} submit=${t('export_prop.propose_submit')}
      note=${t('export_prop.propose_note')} initial=${{ reason: '', document: '', country: '' }}
      fields=${[{ name: 'reason', label: t('status_form.reason'), required: true, dir: 'auto' },
        { name: 'document', label: t('export_prop.document'), required: true, dir: 'auto', autocomplete: 'off' },
        { name: 'country', label: t('export_prop.country'), autocomplete: 'off' }]}
      action=${async (v) => {
        await api('POST', '/export-proposals', { body: { ...bodyOf(v), item_id: item.id } });
        load();
        return t('export_prop.proposed');
      }} />`}
  </section>`;
}

// The ledger in a registrar's words: how many events it holds and whether
// the latest are signed yet ("33,994 events, the last 4 not yet signed").
function ledgerWords({ head_seq: head, signed_seq: signed }) {
  if (head === null || head === undefined) return '—';
  const n = fmtNumber(head);
  return signed >= head ? t('integrity.ledger_signed', { n }) : t('integrity.ledger_unsigned', { n, k: fmtNumber(head - (signed || 0)) });
}

// What the server says of the weapon's events in the hash chain, or, from a
// server that cannot say, where they sit in it.
function Integrity({ item, integrity }) {
  const seq = (n) => (n === null || n === undefined ? '—' : '#' + fmtNumber(n));
  return html`<section class="box" data-testid="integrity" aria-labelledby="integrity-h">
    <h2 id="integrity-h">${t('integrity.title')}</h2>
    ${integrity === undefined && html`<${Loading} />`}
    ${integrity && html`<p class=${integrity.intact ? 'verdict ok' : 'verdict bad'}>
      <span aria-hidden="true">${integrity.intact ? '✓ ' : '✗ '}</span>${integrity.intact ? t('integrity.intact') : t('integrity.broken')}
    </p>
    ${integrity.problem && html`<p class="alert">${integrity.problem}</p>`}`}
    ${integrity === null && html`<p class="muted">${t('integrity.unknown')}</p>`}
    <dl class="facts">
      <div><dt>${t('integrity.registered')}</dt><dd>${seq(item.registered_seq)}</dd></div>
      <div><dt>${t('integrity.last')}</dt><dd>${seq(item.last_seq)}</dd></div>
      ${integrity && html`
        <div><dt>${t('integrity.events')}</dt><dd>${fmtNumber(integrity.events)}</dd></div>
        <div><dt>${t('integrity.ledger')}</dt><dd data-testid="ledger-words">${ledgerWords(integrity)}
          ${integrity.signed_seq >= integrity.last_seq ? '' : html` <span class="muted">${t('integrity.unsigned')}</span>`}</dd></div>`}
    </dl>
  </section>`;
}

function History({ events }) {
  return html`<section data-testid="history" aria-labelledby="history-h">
    <h2 id="history-h">${t('history.title')}</h2>
    ${!events && html`<${Loading} />`}
    ${events && html`<${HistoryList} events=${events} />`}
  </section>`;
}
