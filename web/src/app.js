// The shell: who is signed in, the language, the header and navigation, and
// the page the hash names. Changing the language re-renders in place, so the
// page, its data and its half-typed forms stay.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { api, forgetSites, onUnauthenticated, setCsrf } from './api.js';
import { LANGUAGES, currentLanguage, initialLanguage, label, rememberLanguage, setLanguage, t } from './i18n.js';
import { useRoute } from './router.js';
import { can, national } from './roles.js';
import { loadVocabulary } from './vocab.js';
import { LoadError } from './components/form.js';
import { Nav } from './components/nav.js';
import { SignIn } from './pages/signin.js';
import { Dashboard } from './pages/dashboard.js';
import { Search } from './pages/search.js';
import { Items } from './pages/items.js';
import { Item } from './pages/item.js';
import { Register } from './pages/register.js';
import { Sites } from './pages/sites.js';
import { Import } from './pages/import.js';
import { Users } from './pages/users.js';
import { Lot, Lots } from './pages/lots.js';
import { Check, Checks } from './pages/checks.js';
import { Custody } from './pages/custody.js';
import { Recoveries, Recovery } from './pages/recoveries.js';
import { Destruction, Destructions } from './pages/destructions.js';
import { Hit, Inbox } from './pages/hits.js';
import { Losses } from './pages/losses.js';
import { TraceRoute, Traces } from './pages/traces.js';
import { Sdg } from './pages/sdg.js';
import { REPORT_KINDS, Report } from './pages/reports.js';
import { Account } from './pages/account.js';
import { LicenceRoute, Licences } from './pages/licences.js';
import { Euc, Eucs } from './pages/eucs.js';
import { ShipmentRoute, Shipments } from './pages/shipments.js';
import { Broker, Brokers } from './pages/brokers.js';
import { Diversion, Diversions } from './pages/diversions.js';
import { EmbargoCheck, Regime, Regimes } from './pages/regimes.js';
import { Alert, Alerts, Entry, SanctionsList, Screening } from './pages/sanctions.js';
import { ExemptionRoute, Exemptions, Notice, Notices } from './pages/exemptions.js';
import { ObservationRoute, Observations } from './pages/observations.js';
import { FindingRoute, Findings } from './pages/findings.js';
import { ProfileRoute, Profiles } from './pages/profiles.js';
import { Committee } from './pages/committee.js';
import { NotAllowed, NotFound } from './pages/misc.js';

// Each page: its group in the menu (components/nav.js: home, registry, stock,
// tracing, transfers, embargoes, monitoring, reports, administration), its nav label key, who may
// open it, and its component.
// embargoes and sanctions (docs/embargo.md, docs/sanctions.md): a state's,
// read by every national reader; the forms for `embargo`
const embargoes = (u) => national(u) && can(u, 'read');
// monitoring in the field (docs/monitoring.md): the roles with `monitor`
const monitoring = (u) => can(u, 'monitor');
// the international reports (docs/reports.md) cover the whole state
const reports = (u) => national(u) && can(u, 'read');
// #/reports/sdg is the SDG page; #/reports/<kind> an international report
const ReportRoute = ({ user, route }) =>
  REPORT_KINDS.includes(route.params[0]) ? html`<${Report} user=${user} route=${route} kind=${route.params[0]} />` : html`<${Sdg} user=${user} route=${route} />`;
const transfers = (u) => national(u) && ['license', 'license_decide', 'ship'].some((a) => can(u, a));

const PAGES = {
  dashboard: { group: 'home', nav: 'nav.dashboard', may: () => true, view: Dashboard },
  search: { group: 'home', nav: 'nav.search', may: () => true, view: Search },
  items: { group: 'registry', nav: 'nav.items', may: () => true, view: Items, record: Item },
  register: { group: 'registry', nav: 'nav.register', may: (u) => can(u, 'register'), view: Register },
  sites: { group: 'registry', nav: 'nav.sites', may: () => true, view: Sites },
  import: { group: 'registry', nav: 'nav.import', may: (u) => can(u, 'register') && national(u), view: Import },
  users: { group: 'administration', nav: 'nav.users', may: (u) => can(u, 'admin') && national(u), view: Users },
  // the stock room (docs/stock.md); recoveries and destructions cover the whole registry
  lots: { group: 'stock', nav: 'nav.lots', may: (u) => can(u, 'read'), view: Lots, record: Lot },
  checks: { group: 'stock', nav: 'nav.checks', may: (u) => can(u, 'read'), view: Checks, record: Check },
  custody: { group: 'stock', nav: 'nav.custody', may: (u) => can(u, 'stock'), view: Custody },
  recoveries: { group: 'stock', nav: 'nav.recoveries', may: (u) => can(u, 'read') && national(u), view: Recoveries, record: Recovery },
  destructions: { group: 'stock', nav: 'nav.destructions', may: (u) => can(u, 'read') && national(u), view: Destructions, record: Destruction },
  // tracing (docs/trace.md): hits and the report need only read; the server
  // keeps a caller confined to sites to its hits
  inbox: { group: 'tracing', nav: 'nav.inbox', may: (u) => can(u, 'read'), view: Inbox, record: Hit },
  losses: { group: 'tracing', nav: 'nav.losses', may: (u) => can(u, 'read') && national(u), view: Losses },
  traces: { group: 'tracing', nav: 'nav.traces', may: (u) => can(u, 'trace') && national(u), view: Traces, record: TraceRoute },
  // transfers (docs/transfers.md): a state's, never a site's; shown to the
  // roles that do the room's work (license, license_decide, ship), and the
  // diversion alerts to tracers too, who turn them into trace requests
  licences: { group: 'transfers', nav: 'nav.licences', may: transfers, view: Licences, record: LicenceRoute },
  eucs: { group: 'transfers', nav: 'nav.eucs', may: transfers, view: Eucs, record: Euc },
  shipments: { group: 'transfers', nav: 'nav.shipments', may: transfers, view: Shipments, record: ShipmentRoute },
  brokers: { group: 'transfers', nav: 'nav.brokers', may: transfers, view: Brokers, record: Broker },
  diversions: { group: 'transfers', nav: 'nav.diversions', may: (u) => transfers(u) || (can(u, 'trace') && national(u)), view: Diversions, record: Diversion },
  regimes: { group: 'embargoes', nav: 'nav.regimes', may: embargoes, view: Regimes, record: Regime },
  'embargo-check': { group: 'embargoes', nav: 'nav.embargo_check', may: embargoes, view: EmbargoCheck },
  screening: { group: 'embargoes', nav: 'nav.screening', may: embargoes, view: Screening },
  'screening-alerts': { group: 'embargoes', nav: 'nav.screening_alerts', may: embargoes, view: Alerts, record: Alert },
  sanctions: { group: 'embargoes', nav: 'nav.sanctions', may: embargoes, view: SanctionsList, record: Entry },
  exemptions: { group: 'embargoes', nav: 'nav.exemptions', may: embargoes, view: Exemptions, record: ExemptionRoute },
  notices: { group: 'embargoes', nav: 'nav.notices', may: embargoes, view: Notices, record: Notice },
  observations: { group: 'monitoring', nav: 'nav.observations', may: monitoring, view: Observations, record: ObservationRoute },
  findings: { group: 'monitoring', nav: 'nav.findings', may: monitoring, view: Findings, record: FindingRoute },
  profiles: { group: 'monitoring', nav: 'nav.profiles', may: monitoring, view: Profiles, record: ProfileRoute },
  committee: { group: 'monitoring', nav: 'nav.committee', may: monitoring, view: Committee },
  reports: { group: 'reports', nav: 'nav.sdg', href: '#/reports/sdg', may: (u) => can(u, 'read'), view: Sdg, record: ReportRoute },
  // menu entries of the reports' pages, opened through `reports` above
  'reports/unroca': { group: 'reports', nav: 'nav.report_unroca', may: reports },
  'reports/att': { group: 'reports', nav: 'nav.report_att', may: reports },
  'reports/poa': { group: 'reports', nav: 'nav.report_poa', may: reports },
  'reports/iafq': { group: 'reports', nav: 'nav.report_iafq', may: reports },
  // the user's own account: reached from their name in the header, not the menu
  account: { nav: 'nav.account', may: (u) => u.kind === 'user', view: Account, menu: false },
};

export function App() {
  const [lang, setLang] = useState(null);
  const [user, setUser] = useState(undefined); // undefined: not known yet; null: signed out
  // the roles, statuses and lists the pages offer, asked of the server once
  // signed in (vocab.js): true once loaded, an ApiError if it failed
  const [vocabulary, setVocabulary] = useState(false);
  const route = useRoute();

  useEffect(() => {
    onUnauthenticated(() => setUser(null));
    const start = initialLanguage();
    setLanguage(start)
      .catch(() => setLanguage('en'))
      .then(() => setLang(currentLanguage()));
    api('GET', '/session').then(
      (s) => {
        setCsrf(s.csrf);
        setUser(s.user);
      },
      () => setUser(null),
    );
  }, []);

  useEffect(() => {
    if (user && vocabulary !== true) loadVocabulary().then(() => setVocabulary(true), setVocabulary);
  }, [user?.id]);

  // A new page takes the focus to its heading, so a screen reader starts
  // there; not on the first page, where the skip link comes first.
  const first = useRef(true);
  const ready = !!lang && user !== undefined && (!user || vocabulary === true);
  useEffect(() => {
    if (!ready) return;
    if (first.current) first.current = false;
    else document.querySelector('main h1')?.focus();
  }, [ready, route.page, route.params[0], user?.id]);

  // Signed in, the page with no name is the dashboard: say so in the address.
  useEffect(() => {
    if (user && !route.page) history.replaceState(null, '', '#/dashboard');
  }, [user, route.page]);

  if (!lang || user === undefined) return html`<p class="loading" role="status">…</p>`;
  if (user && vocabulary !== true)
    return vocabulary ? html`<${LoadError} error=${vocabulary} />` : html`<p class="loading" role="status">…</p>`;

  // a catalogue that cannot be fetched leaves the current language in place
  const changeLanguage = (code) =>
    setLanguage(code).then(
      () => {
        rememberLanguage(code);
        setLang(code);
      },
      () => setLang(currentLanguage()),
    );
  const signedIn = (s) => {
    forgetSites();
    setCsrf(s.csrf);
    setUser(s.user);
  };
  const signOut = async () => {
    await api('DELETE', '/session').catch(() => {});
    setCsrf(null);
    forgetSites();
    setUser(null);
  };

  const page = PAGES[route.page || 'dashboard'];
  // a page with a menu entry of its own under another's route (#/reports/att)
  const sub = route.params[0] && PAGES[`${route.page}/${route.params[0]}`];
  const current = sub ? `${route.page}/${route.params[0]}` : route.page || 'dashboard';
  let content;
  if (!user) content = html`<${SignIn} onSignedIn=${signedIn} />`;
  else if (!page) content = html`<${NotFound} />`;
  else if (!page.may(user) || (sub && !sub.may(user))) content = html`<${NotAllowed} />`;
  else {
    const View = route.params.length && page.record ? page.record : page.view;
    content = html`<${View} user=${user} route=${route} />`;
  }

  return html`
    <a class="skip" href="#main" onClick=${skipToMain}>${t('app.skip')}</a>
    <header class="top">
      <div class="brand"><span class="logo" aria-hidden="true">wam</span> <span class="brand-name">${t('app.name')}</span></div>
      <${LanguageSelect} lang=${lang} onChange=${changeLanguage} />
      ${user && html`<div class="who">
        <span><a class="who-account" href="#/account" aria-current=${route.page === 'account' ? 'page' : undefined}><span class="sr-only">${t('app.signed_in_as')} </span><strong dir="auto">${user.name}</strong></a> · ${label('role', user.role)}</span>
        <button type="button" class="secondary" onClick=${signOut}>${t('app.sign_out')}</button>
      </div>`}
    </header>
    ${user && html`<${Nav} pages=${PAGES} user=${user} current=${current} />`}
    <main id="main" tabindex="-1">${content}</main>
  `;
}

// The skip link targets <main> without changing the hash, which names the page.
function skipToMain(e) {
  e.preventDefault();
  document.getElementById('main').focus();
}

function LanguageSelect({ lang, onChange }) {
  const visible = t('app.language');
  // The accessible name always holds the English word, and the visible label
  // in the chosen language as well, so either finds the control.
  const name = visible === 'Language' ? visible : `${visible} (Language)`;
  return html`<div class="lang">
    <label for="lang">${visible}</label>
    <select id="lang" aria-label=${name} value=${lang} onChange=${(e) => onChange(e.currentTarget.value)}>
      ${LANGUAGES.map((l) => html`<option value=${l.code} lang=${l.code}>${l.name}</option>`)}
    </select>
  </div>`;
}
