import { TranslateFn } from './i18n/Translator';
import { html } from './console/html';
import { CONSOLE_CSS } from './console/consoleStylesheet';

/** What `GET /` shows: what is running here and where to go next (operators and developers, not consumers). */
export function homePage(t: TranslateFn, parts: { channels: string[]; console: boolean }): string {
    const channels = parts.channels.length > 0 ? parts.channels.map((c) => html`<code>/webhooks/${c}</code>`) : [html`${t('home.noChannels')}`];
    const links = [
        parts.console ? html`<li><a href="/console">${t('home.console')}</a></li>` : '',
        html`<li><a href="/status">/status</a>: ${t('home.statusPage')}</li>`,
        html`<li><a href="/healthz">/healthz</a>: ${t('home.healthz')}</li>`,
        html`<li><a href="/readyz">/readyz</a>: ${t('home.readyz')}</li>`,
        html`<li><a href="/metrics">/metrics</a>: ${t('home.metrics')}</li>`,
        html`<li><code>POST /api/messages</code>: ${t('home.emulator')}</li>`,
    ];
    return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('home.title')}</title>${parts.console ? html`<link rel="stylesheet" href="/console/console.css?v=${CONSOLE_CSS.version}">` : ''}</head><body>
<main><h1>${t('home.title')}</h1><p>${t('home.running')}</p>
<p>${t('home.channels')} ${channels}</p>
<ul>${links}</ul>
<p>${t('home.readme')}</p></main></body></html>`.toString();
}
