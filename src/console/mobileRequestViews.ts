import type { MobileChangeEvent } from '../data/entities/MobileChangeEvent';
import type { MobileChangeRequest } from '../data/entities/MobileChangeRequest';
import type { Official } from '../data/entities/Official';
import { formatDateTime, maskDigits } from '../i18n/format';
import { html, SafeHtml } from './html';
import { csrfField, duration, layout, ViewContext } from './views';

/** "due in 20h" / "late by 3h", or when it was decided. */
function dueText(ctx: ViewContext, request: MobileChangeRequest): { text: string; late: boolean } {
    const { t, now } = ctx;
    if (request.status !== 'pending') {
        return { text: request.decidedAt ? t('console:mobile.decidedAt', { time: formatDateTime(request.decidedAt, ctx.language) }) : '', late: false };
    }
    const left = request.dueAt.getTime() - now.getTime();
    if (left > 0) return { text: t('console:mobile.dueIn', { time: duration(t, left, false) }), late: false };
    return { text: t('console:mobile.late', { time: duration(t, -left, true) }), late: true };
}

function mobileText(ctx: ViewContext, mobile: string | null, full: boolean): string {
    if (!mobile) return ctx.t('console:mobile.none');
    return full ? mobile : maskDigits(mobile);
}

function proofText(ctx: ViewContext, request: MobileChangeRequest): string {
    return `${ctx.t(`console:mobile.proof.${request.holderProof}`)} · ${ctx.t(`console:mobile.proof.${request.newMobileProof}`)}`;
}

/** The mobile change requests of the official's area, numbers masked; each links to its page. */
export function mobileRequestsPage(ctx: ViewContext, data: { requests: MobileChangeRequest[]; canDecide: boolean }): string {
    const { t } = ctx;
    const label = (key: string) => t(`console:mobile.col.${key}`);
    const rows = data.requests.map((r) => {
        const due = dueText(ctx, r);
        return html`<tr class="${due.late ? 'breached' : ''}" data-reference="${r.reference}" data-status="${due.late ? 'late' : r.status}">
<td data-label="${label('reference')}"><a href="/console/mobile-requests/${encodeURIComponent(r.reference)}">${r.reference}</a></td>
<td data-label="${label('account')}">${maskDigits(r.accountNumber)}</td>
<td data-label="${label('area')}">${r.subdivision}</td>
<td data-label="${label('old')}">${mobileText(ctx, r.oldMobile, false)}</td>
<td data-label="${label('new')}">${mobileText(ctx, r.newMobile, false)}</td>
<td data-label="${label('proof')}">${proofText(ctx, r)}</td>
<td data-label="${label('status')}"><span class="badge ${r.status}">${t(`console:mobile.status.${r.status}`)}</span></td>
<td data-label="${label('due')}" class="${due.late ? 'sla-breached' : 'sla-ok'}">${due.text}</td>
<td data-label="${label('requested')}">${formatDateTime(r.createdAt, ctx.language)}</td>
</tr>`;
    });
    const body = html`<h1>${t('console:mobile.title')}</h1>
<p>${t('console:mobile.intro')}</p>
<p>${data.canDecide ? t('console:mobile.whoDecides') : t('console:mobile.cannotDecide')}</p>
${
    rows.length === 0
        ? html`<p id="mobile-requests-empty">${t('console:mobile.empty')}</p>`
        : html`<div class="table-wrap"><table id="mobile-requests" class="cards">
<thead><tr><th>${label('reference')}</th><th>${label('account')}</th><th>${label('area')}</th><th>${label('old')}</th><th>${label('new')}</th><th>${label('proof')}</th><th>${label('status')}</th><th>${label('due')}</th><th>${label('requested')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
}`;
    return layout(ctx, t('console:mobile.title'), body);
}

/** One event of the audit trail with the official who acted, if one did. */
export interface MobileEventRow {
    event: MobileChangeEvent;
    official: Official | null;
}

/**
 * One request: the numbers (in full only for an official who may decide it while it is pending, and that showing is
 * audited), the proof, the audit trail, and the approve and refuse forms for those who may decide.
 */
export function mobileRequestPage(
    ctx: ViewContext,
    data: { request: MobileChangeRequest; full: boolean; canDecide: boolean; events: MobileEventRow[] }
): string {
    const { t } = ctx;
    const { request: r } = data;
    const due = dueText(ctx, r);
    const path = `/console/mobile-requests/${encodeURIComponent(r.reference)}/decide`;
    const forms =
        data.canDecide && r.status === 'pending'
            ? html`<section aria-labelledby="decide"><h2 id="decide">${t('console:mobile.decide')}</h2>
<p>${t('console:mobile.approveMeans')}</p>
<form method="post" action="${path}" id="approve-form">${csrfField(ctx)}<input type="hidden" name="action" value="approve"><button type="submit" id="approve">${t('console:mobile.approve')}</button></form>
<form method="post" action="${path}" id="refuse-form">${csrfField(ctx)}<input type="hidden" name="action" value="refuse"><label>${t('console:mobile.reason')} <input name="reason" id="reason" maxlength="500" required></label><button type="submit" id="refuse">${t('console:mobile.refuse')}</button></form></section>`
            : html``;
    const events = data.events.map(
        ({ event: e, official }) =>
            html`<li data-kind="${e.kind}">${formatDateTime(e.at, ctx.language)}: ${t(`console:mobile.event.${e.kind}`, {
                official: official ? t('console:officialName', { name: official.name, level: official.level }) : t('console:mobile.consumer'),
                old: e.oldMasked ?? t('console:mobile.none'),
                new: e.newMasked,
                count: e.linksVoided ?? 0,
            })}${e.note ? html` — ${e.note}` : ''}</li>`
    );
    const fullNote: SafeHtml = data.full ? html`<p class="note" id="full-numbers">${t('console:mobile.shownInFull')}</p>` : html``;
    const body = html`<h1>${t('console:mobile.requestTitle', { reference: r.reference })}</h1>
<dl class="facts">
<dt>${t('console:mobile.col.account')}</dt><dd id="account">${data.full ? r.accountNumber : maskDigits(r.accountNumber)}</dd>
<dt>${t('console:mobile.col.area')}</dt><dd>${r.subdivision}, ${r.discom}</dd>
<dt>${t('console:mobile.col.old')}</dt><dd id="old-mobile">${mobileText(ctx, r.oldMobile, data.full)}</dd>
<dt>${t('console:mobile.col.new')}</dt><dd id="new-mobile">${mobileText(ctx, r.newMobile, data.full)}</dd>
<dt>${t('console:mobile.col.proof')}</dt><dd>${proofText(ctx, r)}</dd>
<dt>${t('console:mobile.col.status')}</dt><dd id="request-status" data-status="${r.status}">${t(`console:mobile.status.${r.status}`)}${
        r.refusalReason ? html`: ${r.refusalReason}` : ''
    }</dd>
<dt>${t('console:mobile.col.due')}</dt><dd class="${due.late ? 'sla-breached' : 'sla-ok'}">${due.text}</dd>
</dl>
${fullNote}
${forms}
<section aria-labelledby="audit"><h2 id="audit">${t('console:mobile.audit')}</h2><ul id="mobile-audit">${events}</ul></section>
<p><a href="/console/mobile-requests">${t('console:mobile.back')}</a></p>`;
    return layout(ctx, t('console:mobile.requestTitle', { reference: r.reference }), body);
}
