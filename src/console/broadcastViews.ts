import type { BroadcastReport } from '../broadcast/BroadcastService';
import { formatDateTime } from '../i18n/format';
import type { TranslateFn } from '../i18n/Translator';
import { areaValue, BroadcastArea, BroadcastRow } from './ConsoleBroadcasts';
import { html, raw, SafeHtml } from './html';
import { csrfField, layout, ViewContext } from './views';

/** Most characters of an announcement (the BroadcastService's limit). */
export const MAX_ANNOUNCEMENT = 1000;
/** How often an unfinished delivery report reloads itself, in seconds. */
export const REPORT_REFRESH_SECONDS = 10;

/** What the announcement form shows: the values typed (kept after an error), its one-time token and an error. */
export interface AnnouncementForm {
    area: string;
    text: string;
    /** Random per rendering: a second submission of the same form (a double click) is not posted twice. */
    submission: string;
    error: string | null;
}

/** "Subdivision: Vibhuti Khand". */
export function areaLabel(t: TranslateFn, area: { kind: string; name: string }): string {
    return t('console:broadcasts.area', { kind: t(`console:broadcasts.kind.${area.kind}`), name: area.name });
}

function authorLabel(t: TranslateFn, row: BroadcastRow): string {
    if (row.author) return t('console:officialName', { name: row.author.name, level: row.author.level });
    return row.broadcast.createdBy === null ? t('console:actor.system') : t('console:actor.unknown', { actor: `official:${row.broadcast.createdBy}` });
}

/** Messages whose sending is over, one way or another (sent, given up, or unknown after a crash). */
function processed(report: BroadcastReport): number {
    return report.sent + report.failed + report.unknown;
}

function percent(report: BroadcastReport): number {
    return report.recipients === 0 ? 100 : Math.floor((processed(report) * 100) / report.recipients);
}

/**
 * The delivery progress as one stacked SVG bar: read, delivered, sent (no receipt yet), failed on delivery, failed to
 * send, unknown, being sent; what is left grey is still queued. Attributes only (no style), so it obeys the CSP.
 */
function progressBar(ctx: ViewContext, report: BroadcastReport, id: string): SafeHtml {
    const { t } = ctx;
    const total = Math.max(report.recipients, 1);
    const deliveredUnread = Math.max(report.delivered - report.read, 0);
    const sentOnly = Math.max(report.sent - report.delivered - report.deliveryFailed, 0);
    const segments: Array<{ key: string; value: number; color: string }> = [
        { key: 'read', value: report.read, color: '#1b5e20' },
        { key: 'delivered', value: deliveredUnread, color: '#2e7d32' },
        { key: 'sent', value: sentOnly, color: '#81c784' },
        { key: 'deliveryFailed', value: report.deliveryFailed, color: '#ef6c00' },
        { key: 'failed', value: report.failed, color: '#c62828' },
        { key: 'unknown', value: report.unknown, color: '#8a939b' },
        { key: 'sending', value: report.sending, color: '#3b7dd8' },
    ];
    let x = 0;
    const rects = segments
        .filter((s) => s.value > 0)
        .map((s) => {
            const width = (s.value * 1000) / total;
            const rect = html`<rect x="${x.toFixed(1)}" y="0" width="${width.toFixed(1)}" height="18" fill="${s.color}" data-segment="${s.key}"><title>${t(`console:broadcasts.report.${s.key}`)}: ${s.value}</title></rect>`;
            x += width;
            return rect;
        });
    const summary = t('console:broadcasts.progress', { done: processed(report), total: report.recipients, percent: percent(report) });
    return html`<svg class="progress" id="${id}" viewBox="0 0 1000 18" preserveAspectRatio="none" role="img" aria-label="${summary}" data-percent="${percent(report)}"><rect x="0" y="0" width="1000" height="18" fill="#e6eaee"></rect>${rects}</svg>`;
}

/** The broadcasts page: the form to post an announcement, and the recent ones of the official's area. */
export function broadcastsPage(ctx: ViewContext, data: { areas: BroadcastArea[]; recent: BroadcastRow[]; form: AnnouncementForm }): string {
    const { t, language } = ctx;
    const { form } = data;
    const options = data.areas.map((a) => {
        const value = areaValue(a);
        return html`<option value="${value}"${value === form.area ? raw(' selected') : ''}>${areaLabel(t, a)}</option>`;
    });
    const error = form.error ? html`<div class="flash error" role="alert" id="broadcast-error">${form.error}</div>` : '';
    const col = (key: string) => t(`console:broadcasts.col.${key}`);
    const list =
        data.recent.length === 0
            ? html`<p class="card muted" id="broadcasts-empty">${t('console:broadcasts.empty')}</p>`
            : html`<div class="table-wrap"><table class="cards" id="broadcasts">
<thead><tr><th>${col('time')}</th><th>${col('area')}</th><th>${col('text')}</th><th>${col('by')}</th><th>${col('recipients')}</th><th>${col('progress')}</th><th>${col('sent')}</th><th>${col('delivered')}</th><th>${col('read')}</th><th>${col('failed')}</th></tr></thead>
<tbody>${data.recent.map((row) => {
                  const { broadcast: b, report: r } = row;
                  const chars = Array.from(b.text);
                  const excerpt = chars.length > 140 ? `${chars.slice(0, 140).join('')}…` : b.text;
                  return html`<tr data-broadcast="${b.id}">
<td data-label="${col('time')}"><a href="/console/broadcasts/${b.id}">${formatDateTime(b.createdAt, language)}</a></td>
<td data-label="${col('area')}">${areaLabel(t, { kind: b.unitKind, name: b.unitName })}</td>
<td data-label="${col('text')}" class="desc">${excerpt}</td>
<td data-label="${col('by')}">${authorLabel(t, row)}</td>
<td data-label="${col('recipients')}" data-col="recipients">${r.recipients}</td>
<td data-label="${col('progress')}" data-col="progress">${r.recipients === 0 ? '—' : html`${progressBar(ctx, r, `progress-${b.id}`)} ${percent(r)}%`}</td>
<td data-label="${col('sent')}" data-col="sent">${r.sent}</td>
<td data-label="${col('delivered')}" data-col="delivered">${r.delivered}</td>
<td data-label="${col('read')}" data-col="read">${r.read}</td>
<td data-label="${col('failed')}" data-col="failed">${r.failed + r.deliveryFailed}</td>
</tr>`;
              })}</tbody></table></div>`;
    return layout(
        ctx,
        t('console:broadcasts.title'),
        html`<h1>${t('console:broadcasts.title')}</h1>
<p class="muted">${t('console:broadcasts.intro')}</p>
<div class="card">
<h2>${t('console:broadcasts.newHeading')}</h2>
${error}
<form method="post" action="/console/broadcasts" class="broadcast" id="broadcast-form">${csrfField(ctx)}
<input type="hidden" name="submission" value="${form.submission}">
<div><label for="broadcast-area">${t('console:broadcasts.areaLabel')}</label>
<select id="broadcast-area" name="area" required>${options}</select></div>
<div><label for="broadcast-text">${t('console:broadcasts.textLabel')}</label>
<textarea id="broadcast-text" name="text" maxlength="${MAX_ANNOUNCEMENT}" rows="6" required>${form.text}</textarea>
<p class="muted">${t('console:broadcasts.textHelp', { max: MAX_ANNOUNCEMENT })}</p></div>
<div><button type="submit" class="primary" id="broadcast-submit">${t('console:broadcasts.submit')}</button></div>
</form>
</div>
<h2>${t('console:broadcasts.recentHeading')}</h2>
${list}`
    );
}

/** One announcement with its delivery report; reloads itself while messages are still waiting. */
export function broadcastPage(ctx: ViewContext, row: BroadcastRow): string {
    const { t, language } = ctx;
    const { broadcast: b, report: r } = row;
    const waiting = r.queued + r.sending;
    const stat = (key: keyof BroadcastReport, value: number) =>
        html`<div><dt>${t(`console:broadcasts.report.${key}`)}</dt><dd id="report-${key}">${value}</dd></div>`;
    return layout(
        ctx,
        t('console:broadcasts.reportTitle', { id: b.id }),
        html`<p><a href="/console/broadcasts">← ${t('console:broadcasts.back')}</a></p>
<h1>${t('console:broadcasts.reportTitle', { id: b.id })}</h1>
<div class="card"><dl class="facts">
<dt>${t('console:broadcasts.col.area')}</dt><dd id="broadcast-area-name">${areaLabel(t, { kind: b.unitKind, name: b.unitName })} (${b.discom})</dd>
<dt>${t('console:broadcasts.col.time')}</dt><dd id="broadcast-time">${formatDateTime(b.createdAt, language)}</dd>
<dt>${t('console:broadcasts.col.by')}</dt><dd>${authorLabel(t, row)}</dd>
<dt>${t('console:broadcasts.col.recipients')}</dt><dd id="broadcast-recipients">${r.recipients}</dd>
<dt>${t('console:broadcasts.col.text')}</dt><dd class="desc" id="broadcast-text">${b.text}</dd>
</dl></div>
<h2>${t('console:broadcasts.reportHeading')}</h2>
<div class="card">
${
    r.recipients === 0
        ? ''
        : html`${progressBar(ctx, r, 'progress')}
<p id="progress-text">${t('console:broadcasts.progress', { done: processed(r), total: r.recipients, percent: percent(r) })}</p>`
}
<p class="muted" id="report-state">${
            r.recipients === 0
                ? t('console:broadcasts.noRecipients')
                : waiting > 0
                  ? t('console:broadcasts.live', { seconds: REPORT_REFRESH_SECONDS })
                  : t('console:broadcasts.finished')
        }
<a href="/console/broadcasts/${b.id}" id="report-refresh">${t('console:broadcasts.refresh')}</a></p>
</div>
<dl class="stats small" id="report">
${stat('recipients', r.recipients)}
${stat('queued', r.queued)}
${stat('sending', r.sending)}
${stat('sent', r.sent)}
${stat('delivered', r.delivered)}
${stat('read', r.read)}
${stat('failed', r.failed)}
${stat('deliveryFailed', r.deliveryFailed)}
${stat('unknown', r.unknown)}
</dl>
<p class="muted">${t('console:broadcasts.reportNote')}</p>`,
        { refreshSeconds: waiting > 0 ? REPORT_REFRESH_SECONDS : undefined }
    );
}
