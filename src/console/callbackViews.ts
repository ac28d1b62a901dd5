import { formatDateTime, maskDigits } from '../i18n/format';
import { CALLBACK_OUTCOMES, OPEN_CALLBACK_STATUSES } from '../services/CallbackLifecycle';
import type { CallbackRow } from './ConsoleCallbacks';
import { html } from './html';
import { csrfField, duration, layout, ViewContext } from './views';

/** The callback page's "due in 1h 20m" / "late by 3h" column, or the outcome's time once recorded. */
function dueText(ctx: ViewContext, row: CallbackRow): { text: string; late: boolean } {
    const { t, now } = ctx;
    const { request } = row;
    if (!OPEN_CALLBACK_STATUSES.includes(request.status)) {
        return { text: request.outcomeAt ? t('console:callbacks.doneAt', { time: formatDateTime(request.outcomeAt, ctx.language) }) : '', late: false };
    }
    if (!request.dueAt) return { text: t('console:sla.none'), late: false };
    const left = request.dueAt.getTime() - now.getTime();
    if (left > 0) return { text: t('console:callbacks.dueIn', { time: duration(t, left, false) }), late: false };
    return { text: t('console:callbacks.late', { time: duration(t, -left, true) }), late: true };
}

/**
 * Callback requests in the official's scope: the number to call, where, who owns it and by when, and for open ones
 * a form to record the outcome (called, unreachable, resolved on the call, converted to a complaint) with a note.
 */
export function callbacksPage(ctx: ViewContext, data: { rows: CallbackRow[]; showAll: boolean }): string {
    const { t } = ctx;
    const label = (key: string) => t(`console:callbacks.col.${key}`);
    const rows = data.rows.map((row) => {
        const r = row.request;
        const due = dueText(ctx, row);
        const open = OPEN_CALLBACK_STATUSES.includes(r.status);
        const outcome = open
            ? html`<form method="post" action="/console/callbacks/${encodeURIComponent(r.reference)}/outcome" class="outcome">${csrfField(ctx)}
<label>${t('console:callbacks.outcome')} <select name="outcome" required>${CALLBACK_OUTCOMES.map(
                  (o) => html`<option value="${o}">${t(`console:callbacks.outcomes.${o}`)}</option>`
              )}</select></label>
<label>${t('console:callbacks.ticket')} <input name="ticket" maxlength="20" placeholder="C2612-0042"></label>
<label>${t('console:callbacks.note')} <input name="note" maxlength="400" required></label>
<button type="submit">${t('console:callbacks.record')}</button></form>`
            : html`${r.outcomeNote ?? ''}${r.convertedTicket ? html` (<a href="/console/complaints/${encodeURIComponent(r.convertedTicket)}">${r.convertedTicket}</a>)` : ''}${
                  r.consumerAnswer ? html` · ${t(`console:callbacks.consumerSaid.${r.consumerAnswer}`)}` : ''
              }`;
        const area = r.subdivision ?? (r.place ? t('console:callbacks.unplaced', { place: r.place }) : t('console:noSubdivision'));
        return html`<tr class="${due.late ? 'breached' : ''}" data-reference="${r.reference}">
<td data-label="${label('reference')}">${r.reference}</td>
<td data-label="${label('mobile')}">${r.contactMobile ? html`<a href="tel:+91${r.contactMobile}">${r.contactMobile}</a>` : t('console:callbacks.noMobile')}</td>
<td data-label="${label('account')}">${r.accountNumber ? maskDigits(r.accountNumber) : '—'}</td>
<td data-label="${label('area')}">${area}</td>
<td data-label="${label('status')}"><span class="badge ${r.status}">${t(`console:callbacks.status.${r.status}`)}</span></td>
<td data-label="${label('owner')}">${row.owner ? t('console:officialName', { name: row.owner.name, level: row.owner.level }) : t('console:unassigned')}</td>
<td data-label="${label('due')}" class="${due.late ? 'sla-breached' : 'sla-ok'}">${due.text}</td>
<td data-label="${label('requested')}">${formatDateTime(r.createdAt, ctx.language)}</td>
<td data-label="${label('outcome')}">${outcome}</td>
</tr>`;
    });
    const body = html`<h1>${t('console:callbacks.title')}</h1>
<p>${t('console:callbacks.intro')}</p>
<p><a href="/console/callbacks${data.showAll ? '' : '?show=all'}" id="callbacks-toggle">${t(data.showAll ? 'console:callbacks.showOpen' : 'console:callbacks.showAll')}</a></p>
${
    rows.length === 0
        ? html`<p id="callbacks-empty">${t('console:callbacks.empty')}</p>`
        : html`<div class="table-wrap"><table id="callbacks" class="cards">
<thead><tr><th>${label('reference')}</th><th>${label('mobile')}</th><th>${label('account')}</th><th>${label('area')}</th><th>${label('status')}</th><th>${label('owner')}</th><th>${label('due')}</th><th>${label('requested')}</th><th>${label('outcome')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
}`;
    return layout(ctx, t('console:callbacks.title'), body);
}
