// The web console of wam serve: mounts the app once the language's
// catalogue and the session are known.
import './app.css';
import './css/history.css';
import './css/loss.css';
import './css/pickers.css';
import './css/dashboard.css';
import './css/lists.css';
import './css/transfers.css';
import './css/embargo.css';
import './css/monitoring.css';
import './css/ammunition.css';
import './css/reports.css';
import { render } from 'preact';
import { html } from './html.js';
import { App } from './app.js';

render(html`<${App} />`, document.getElementById('root'));
