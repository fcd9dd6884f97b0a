// Import weapons from a CSV file (docs/formats/items-csv.md) or a registry
// JSON document: a dry run first, which checks every row and writes nothing,
// then the import itself. Either way the per-row report is shown.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { fmtNumber, messageText, t } from '../i18n.js';
import { errorText } from '../components/form.js';
import { PageTitle } from './misc.js';

export function Import() {
  const [file, setFile] = useState(null);
  const [skipBad, setSkipBad] = useState(false);
  const [allowDup, setAllowDup] = useState(false);
  const [report, setReport] = useState(null);
  const [checked, setChecked] = useState(false); // a dry run of this file passed
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const choose = (e) => {
    setFile(e.currentTarget.files[0] || null);
    setReport(null);
    setChecked(false);
    setError(null);
  };

  // A refused import (422) still carries its report beside the error.
  const send = async (dryRun) => {
    setBusy(true);
    setError(null);
    setReport(null);
    const json = /\.json$/i.test(file.name) || file.type === 'application/json';
    try {
      const r = await api('POST', '/import', {
        body: file,
        type: json ? 'application/json' : 'text/csv',
        query: { dry_run: dryRun ? 'true' : '', skip_bad: skipBad ? 'true' : '', allow_duplicates: allowDup ? 'true' : '' },
      });
      setReport(r);
      setChecked(dryRun && (r.rejected === 0 || skipBad));
      if (!dryRun) setFile(null);
    } catch (e) {
      setError(e);
      if (e.body && 'rows' in e.body) setReport(e.body);
      setChecked(false);
    } finally {
      setBusy(false);
    }
  };

  const hint = t('import.file_hint').split('{column}');
  return html`<${PageTitle}>${t('import.title')}<//>
    <p class="muted">${t('import.intro')}</p>
    <form class="form" onSubmit=${(e) => { e.preventDefault(); send(true); }}>
      <div class="field">
        <label for="import-file">${t('import.file')}</label>
        <input id="import-file" type="file" accept=".csv,text/csv,.json,application/json" onChange=${choose} aria-describedby="import-file-hint" />
        <p id="import-file-hint" class="hint">${hint[0]}<code translate=${false}>category</code>${hint[1]}
          <span translate=${false} dir="ltr"> ${COLUMNS.map((c, i) => html`${i ? ', ' : ''}<code>${c}</code>`)}…</span></p>
      </div>
      <div class="field check">
        <input id="skip-bad" type="checkbox" checked=${skipBad} onChange=${(e) => { setSkipBad(e.currentTarget.checked); setChecked(false); }} />
        <label for="skip-bad">${t('import.skip_bad')}</label>
      </div>
      <div class="field check">
        <input id="allow-dup" type="checkbox" checked=${allowDup} onChange=${(e) => { setAllowDup(e.currentTarget.checked); setChecked(false); }} />
        <label for="allow-dup">${t('import.allow_duplicates')}</label>
      </div>
      <div class="actions">
        <button type="submit" disabled=${!file || busy}>${t('import.dry_run')}</button>
        <button type="button" disabled=${!file || !checked || busy} onClick=${() => send(false)} aria-describedby="import-order">${t('import.run')}</button>
      </div>
      <p id="import-order" class="hint">${t('import.order')}</p>
    </form>
    <div aria-live="polite">
      ${busy && html`<p role="status">${t('import.working')}</p>`}
      ${error && html`<div class="alert" role="alert">${errorText(error)}</div>`}
      ${report && html`<${Report} report=${report} />`}
    </div>`;
}

// The columns of docs/formats/items-csv.md as a file spells them: words of
// the file, not of the console, so never translated (translate=${false}
// gives translate="no": preact sets the element's boolean property).
const COLUMNS = ['category', 'make', 'model', 'calibre', 'serial', 'country', 'year', 'import_marks', 'status', 'site_id', 'notes'];

const SHOWN = 500; // problems listed at most: a file can have a million bad rows

function Report({ report }) {
  const download = useMemo(() => report.rejects_csv && URL.createObjectURL(new Blob([report.rejects_csv], { type: 'text/csv' })), [report]);
  useEffect(() => () => download && URL.revokeObjectURL(download), [download]);
  return html`<section class="report" aria-labelledby="report-h">
    <h2 id="report-h">${report.dry_run ? t('import.report_dry') : t('import.report')}</h2>
    <ul class="totals small">
      <li><span class="total-n">${fmtNumber(report.rows)}</span> <span class="total-l">${t('import.rows')}</span></li>
      <li><span class="total-n">${fmtNumber(report.imported)}</span> <span class="total-l">${report.dry_run ? t('import.would_import') : t('import.imported')}</span></li>
      <li><span class="total-n">${fmtNumber(report.rejected)}</span> <span class="total-l">${t('import.rejected')}</span></li>
    </ul>
    ${report.errors.length > 0 && html`<div class="table-wrap"><table class="list">
      <caption>${t('import.errors')}</caption>
      <thead><tr><th scope="col">${t('import.line')}</th><th scope="col">${t('import.column')}</th>
        <th scope="col">${t('import.rule')}</th><th scope="col">${t('import.message')}</th></tr></thead>
      <tbody>${report.errors.slice(0, SHOWN).map((e, i) => html`<tr key=${i}>
        <td class="num">${fmtNumber(e.line)}</td><td translate=${false}><code>${e.column}</code></td><td translate=${false}><code>${e.rule}</code></td><td dir="auto" data-said="server">${messageText(e)}</td>
      </tr>`)}</tbody>
    </table></div>`}
    ${report.errors.length > SHOWN && html`<p class="note">${t('import.more', { shown: fmtNumber(SHOWN), total: fmtNumber(report.errors.length) })}</p>`}
    ${download && html`<p><a class="button secondary" href=${download} download="rejects.csv">${t('import.rejects')}</a></p>`}
  </section>`;
}
