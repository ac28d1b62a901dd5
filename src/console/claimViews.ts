import type { CompensationClaim } from '../data/entities/CompensationClaim';
import type { ClaimReport } from '../services/CompensationClaimService';
import { formatDateTime } from '../i18n/format';
import { html, SafeHtml } from './html';
import { csrfField, layout, ViewContext } from './views';

/** One claim as the queue shows it, with whether it is past its decision time. */
export interface ClaimRow {
    claim: CompensationClaim;
    overdue: boolean;
}

function stateLabel(ctx: ViewContext, row: ClaimRow): string {
    return row.overdue ? ctx.t('console:claims.state.notDecided') : ctx.t(`console:claims.state.${row.claim.status}`);
}

function actions(ctx: ViewContext, claim: CompensationClaim): SafeHtml {
    const { t } = ctx;
    if (claim.status === 'credited' || claim.status === 'refused') return html``;
    const path = `/console/claims/${claim.id}/decide`;
    // The standards gave no amount: the officer who approves or credits the claim sets it.
    const amount =
        claim.amountInr === null
            ? html`<label>${t('console:claims.amountInput')} <input name="amount" inputmode="numeric" pattern="[0-9]{1,7}" required></label>`
            : '';
    return html`${
        claim.status === 'claimed'
            ? html`<form method="post" action="${path}">${csrfField(ctx)}<input type="hidden" name="action" value="approve">${amount}<button type="submit">${t('console:claims.approve')}</button></form>`
            : ''
    }
<form method="post" action="${path}">${csrfField(ctx)}<input type="hidden" name="action" value="credit">${amount}<label>${t('console:claims.billMonth')} <input name="billMonth" placeholder="YYYY-MM" pattern="20[0-9]{2}-[0-9]{2}" required></label><button type="submit">${t('console:claims.credit')}</button></form>
<form method="post" action="${path}">${csrfField(ctx)}<input type="hidden" name="action" value="refuse"><label>${t('console:claims.reason')} <input name="reason" maxlength="500" required></label><button type="submit">${t('console:claims.refuse')}</button></form>`;
}

/** The claims queue of the official's scope and the discom's report; forms only for those who may decide. */
export function claimsPage(ctx: ViewContext, data: { rows: ClaimRow[]; report: ClaimReport; canDecide: boolean }): string {
    const { t } = ctx;
    const { report } = data;
    const rows = data.rows.map(
        (row) => html`<tr data-claim="${row.claim.ticket}" data-status="${row.overdue ? 'not_decided' : row.claim.status}">
<td><a href="/console/complaints/${encodeURIComponent(row.claim.ticket)}">${row.claim.ticket}</a></td>
<td>${row.claim.amountInr === null ? t('console:claims.amountOpen') : `₹${row.claim.amountInr}`}</td><td>${row.claim.daysLate}</td><td>${row.claim.standard} · ${row.claim.standardsVersion}</td>
<td>${formatDateTime(row.claim.claimedAt, ctx.language)}</td><td>${formatDateTime(row.claim.decideBy, ctx.language)}</td>
<td>${stateLabel(ctx, row)}${row.claim.billMonth ? html` (${row.claim.billMonth})` : ''}${row.claim.refusalReason ? html`: ${row.claim.refusalReason}` : ''}</td>
<td>${data.canDecide ? actions(ctx, row.claim) : ''}</td></tr>`
    );
    const body = html`<h1>${t('console:claims.title')}</h1>
<section aria-labelledby="claims-report"><h2 id="claims-report">${t('console:claims.reportTitle', { discom: report.discom })}</h2>
<table id="claims-report-table"><tbody>
<tr data-report="accrued"><th>${t('console:claims.accrued')}</th><td>${report.accruedCount}</td><td>₹${report.accruedInr}</td></tr>
<tr data-report="claimed"><th>${t('console:claims.claimed')}</th><td>${report.claimedCount}</td><td>₹${report.claimedInr}</td></tr>
<tr data-report="credited"><th>${t('console:claims.credited')}</th><td>${report.creditedCount}</td><td>₹${report.creditedInr}</td></tr>
<tr data-report="refused"><th>${t('console:claims.refused')}</th><td>${report.refusedCount}</td><td></td></tr>
<tr data-report="notDecided"><th>${t('console:claims.notDecided')}</th><td>${report.overdueCount}</td><td></td></tr>
</tbody></table></section>
<p>${data.canDecide ? t('console:claims.whoDecides') : t('console:claims.cannotDecide')}</p>
${
    data.rows.length === 0
        ? html`<p id="no-claims">${t('console:claims.none')}</p>`
        : html`<table id="claims"><thead><tr><th>${t('console:claims.ticket')}</th><th>${t('console:claims.amount')}</th><th>${t('console:claims.daysLate')}</th><th>${t('console:claims.standard')}</th><th>${t('console:claims.claimedAt')}</th><th>${t('console:claims.decideBy')}</th><th>${t('console:claims.status')}</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
}`;
    return layout(ctx, t('console:claims.title'), body);
}
