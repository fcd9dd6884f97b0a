// A weapon's page, the parts about its loss and the other rooms: "report
// lost or stolen" in place (behind its button), and the records the other
// rooms hold about the weapon (GET /items/{id}/links) — its loss reports,
// hits, trace requests, recoveries, custody, stock checks, destruction,
// shipments under a transfer licence, diversion alerts and the field
// observations whose items matched it —
// each a link to its own page.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { actorText, countryName, fmtNumber, label, t } from '../i18n.js';
import { Loading } from '../components/form.js';
import { Day } from '../components/stock.js';
import { LossForm } from '../components/loss.js';
import { NEXT_STATUS } from '../vocab.js';

// The loss report of this weapon, for a weapon that may become lost or
// stolen from where it is.
export function ReportLoss({ item, onReported }) {
  const [shown, setShown] = useState(false);
  const [done, setDone] = useState(false);
  const may = (NEXT_STATUS[item.status] || []).some((s) => s === 'lost' || s === 'stolen');
  if (!may && !done) return null;
  return html`<section class="box" aria-labelledby="rl-h" data-testid="report-loss">
    <h2 id="rl-h">${t('loss.report_title')}</h2>
    ${done && html`<p class="success" role="status">${t('loss.reported_here')}</p>`}
    ${may && !shown && html`<p><button type="button" class="secondary" data-testid="report-loss-open"
      onClick=${() => { setDone(false); setShown(true); setTimeout(() => document.getElementById('rl-kind')?.focus(), 0); }}>${t('loss.report_button')}</button></p>`}
    ${may && shown && html`<p class="hint">${t('loss.add_note')}</p>
      <${LossForm} prefix="rl-" item=${item} submit=${t('loss.add_submit')} onCancel=${() => setShown(false)}
        onDone=${() => { setShown(false); setDone(true); onReported(); }} />`}
  </section>`;
}

const PARTS = ['losses', 'hits', 'traces', 'recoveries', 'custody', 'checks', 'destructions', 'shipments', 'diversions', 'observations'];

// Where each kind of record is read, and the line that names it.
const LINKS = {
  loss: (l) => ({
    href: '#/losses',
    text: html`${label('status', l.label.kind)} · <${Day} at=${l.date} />`,
    more: html`<span class=${'badge tone-' + (l.label.open ? 'missing' : 'recovered')}>${t(l.label.open ? 'loss.still_missing' : 'loss.recovered')}</span>
      ${l.label.police_ref && html` · ${t('loss.police_ref')} <span dir="auto">${l.label.police_ref}</span>`}
      ${l.label.place && html` · <span dir="auto">${l.label.place}</span>`}
      <br /><span dir="auto" translate=${false}>${l.label.circumstances}</span>
      ${l.label.reported_by && html` <span class="muted">— <span dir="auto" translate=${false}>${actorText(l.label.reported_by)}</span></span>`}`,
  }),
  hit: (l) => ({
    href: '#/inbox/' + encodeURIComponent(l.id),
    text: html`${label('hit_state', l.label.state)} · <${Day} at=${l.date} />`,
    more: html`${t('hit.score')} ${fmtNumber(l.label.score)} · <span class="key" dir="auto">${l.label.serial || t('item.no_serial')}</span>
      <span dir="auto">${[l.label.make, l.label.model].filter(Boolean).join(' ')}</span>`,
  }),
  trace: (l) => ({
    href: '#/traces/' + encodeURIComponent(l.id),
    text: html`<span dir="auto">${l.label.reference || t('links.trace_request')}</span> · <${Day} at=${l.date} />`,
    more: html`${label('direction', l.label.direction)} · ${label('trace_state', l.label.state)}`,
  }),
  recovery: (l) => ({
    href: '#/recoveries/' + encodeURIComponent(l.id),
    text: html`${label('status', l.label.type)} · <${Day} at=${l.date} />`,
    more: l.label.place && html`<span dir="auto">${l.label.place}</span>`,
  }),
  custody: (l) => ({
    href: '#/custody',
    text: html`<span dir="auto">${[l.label.person, l.label.unit].filter(Boolean).join(' · ') || t('links.custody_issue')}</span> · <${Day} at=${l.date} />`,
    more: html`${label('custody_state', l.label.state)}${l.label.returned ? html` · ${t('links.returned')} <${Day} at=${l.label.returned} />` : ''}`,
  }),
  check: (l) => ({
    href: '#/checks/' + encodeURIComponent(l.id),
    text: html`${label('check_type', l.label.type)} · <${Day} at=${l.date} />`,
    more: html`${label('check_state', l.label.status)}${l.label.discrepancy ? html` · ${label('check_count', l.label.discrepancy)}` : ''}${l.label.outcome ? html` · ${label('outcome', l.label.outcome)}` : ''}`,
  }),
  destruction: (l) => ({
    href: '#/destructions/' + encodeURIComponent(l.id),
    text: html`<${Day} at=${l.date} />`,
    more: html`${label('batch_state', l.label.state)}${l.label.certificate ? html` · <span dir="auto">${l.label.certificate}</span>` : ''}`,
  }),
};

// A shipment's and a diversion alert's label as the transfers room writes
// it; each field may be missing.
LINKS.shipment = (l) => ({
  href: '#/shipments/' + encodeURIComponent(l.id),
  text: html`${label('ship_direction', l.label?.direction) || t('links.shipment')} · <${Day} at=${l.date} />`,
  more: html`${l.label?.state ? label('shipment_state', l.label.state) : ''}${l.label?.licence_number ? html` · ${t('xfer.licence')} <span dir="auto">${l.label.licence_number}</span>` : ''}${l.label?.destination ? html` · ${countryName(l.label.destination)}` : ''}`,
});
LINKS.diversion = (l) => ({
  href: '#/diversions/' + encodeURIComponent(l.id),
  text: html`${label('check_result', l.label?.result) || t('links.diversion')} · <${Day} at=${l.date} />`,
  more: html`${l.label?.state ? label('diversion_state', l.label.state) : ''}${l.label?.euc_number ? html` · ${t('xfer.euc')} <span dir="auto">${l.label.euc_number}</span>` : ''}`,
});

// An observation in the field that matched the weapon (the monitoring room).
LINKS.observation = (l) => {
  const actor = typeof l.label?.actor === 'string' && l.label.actor.startsWith('{') ? JSON.parse(l.label.actor) : l.label?.actor;
  const name = typeof actor === 'string' ? actor : actor?.name;
  return {
    href: '#/observations/' + encodeURIComponent(l.id),
    text: html`${label('obs_kind', l.label?.kind) || t('links.observation')} · <${Day} at=${l.date} />`,
    more: html`${l.label?.country ? countryName(l.label.country) : ''}${name ? html` · <bdi dir="auto" translate=${false}>${name}</bdi>` : ''}`,
  };
};

export function ItemLinks({ id, changes }) {
  const [links, setLinks] = useState(undefined); // null: the server cannot tell
  useEffect(() => {
    api('GET', `/items/${encodeURIComponent(id)}/links`).then(setLinks, () => setLinks(null));
  }, [id, changes]);
  if (links === null) return null;
  const parts = links ? PARTS.filter((p) => links[p]?.length) : [];
  return html`<section class="item-links" aria-labelledby="links-h" data-testid="item-links">
    <h2 id="links-h">${t('links.title')}</h2>
    ${links === undefined && html`<${Loading} />`}
    ${links && parts.length === 0 && html`<p class="muted">${t('links.none')}</p>`}
    <div class="links-parts">
    ${parts.map((p) => html`<div class="links-part" key=${p} data-testid=${'links-' + p}>
      <h3>${t('links.' + p)} <span class="muted">(${fmtNumber(links[p].length)})</span></h3>
      <ul class="plain">${links[p].map((l) => {
        const shown = LINKS[l.kind] ? LINKS[l.kind](l) : { href: '#/items/' + encodeURIComponent(id), text: html`<${Day} at=${l.date} />` };
        return html`<li key=${l.id}><a href=${shown.href}>${shown.text}</a>${shown.more ? html`<br /><span class="link-more">${shown.more}</span>` : ''}</li>`;
      })}</ul>
    </div>`)}
    </div>
  </section>`;
}
