import type { PlannedShutdown } from '../data/entities/PlannedShutdown';
import { formatDateTime } from '../i18n/format';
import { html, raw } from './html';
import { csrfField, layout, ViewContext } from './views';

/** The add form as the official last filled it (times as the browser's date-time fields send them, India time). */
export interface ShutdownForm {
    subdivision: string;
    feederCode: string;
    startsAt: string;
    endsAt: string;
    reason: string;
    /** Why the last attempt was refused, in the official's language; null when there was none. */
    error: string | null;
}

/** The longest reason, as the service accepts it. */
export const MAX_SHUTDOWN_REASON = 200;

/**
 * The planned shutdowns page: those not yet over in the official's subdivisions (current, upcoming, cancelled), each
 * with a cancel button while it is not cancelled, and the form to add one in a subdivision of the scope.
 */
export function shutdownsPage(ctx: ViewContext, data: { discom: string; subdivisions: string[]; shutdowns: PlannedShutdown[]; form: ShutdownForm }): string {
    const { t, language, now } = ctx;
    const { form } = data;
    const col = (key: string) => t(`console:shutdowns.col.${key}`);
    const stateOf = (s: PlannedShutdown) => (s.cancelledAt ? 'cancelled' : s.startsAt <= now ? 'current' : 'upcoming');
    const rows = data.shutdowns.map((s) => {
        const state = stateOf(s);
        return html`<tr data-reference="${s.reference}" data-state="${state}">
<td data-label="${col('reference')}">${s.reference}</td>
<td data-label="${col('area')}">${s.subdivision}${s.feederCode ? html` · ${t('console:shutdowns.feeder', { feeder: s.feederCode })}` : ''}</td>
<td data-label="${col('starts')}">${formatDateTime(s.startsAt, language)}</td>
<td data-label="${col('ends')}">${formatDateTime(s.endsAt, language)}</td>
<td data-label="${col('reason')}" class="desc">${s.reason}</td>
<td data-label="${col('state')}">${t(`console:shutdowns.state.${state}`)}${s.noticeQueuedAt && !s.cancelledAt ? html`<br><span class="muted">${t('console:shutdowns.told')}</span>` : ''}</td>
<td>${
            s.cancelledAt
                ? ''
                : html`<form method="post" action="/console/shutdowns/${s.id}/cancel">${csrfField(ctx)}<button type="submit" class="danger" id="cancel-${s.id}">${t('console:shutdowns.cancel')}</button></form>`
        }</td></tr>`;
    });
    const list =
        data.shutdowns.length === 0
            ? html`<p class="card muted" id="shutdowns-empty">${t('console:shutdowns.empty')}</p>`
            : html`<div class="table-wrap"><table class="cards" id="shutdowns">
<thead><tr><th>${col('reference')}</th><th>${col('area')}</th><th>${col('starts')}</th><th>${col('ends')}</th><th>${col('reason')}</th><th>${col('state')}</th><th></th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
    const options = data.subdivisions.map((name) => html`<option value="${name}"${name === form.subdivision ? raw(' selected') : ''}>${name}</option>`);
    const error = form.error ? html`<div class="flash error" role="alert" id="shutdown-error">${form.error}</div>` : '';
    return layout(
        ctx,
        t('console:shutdowns.title'),
        html`<h1>${t('console:shutdowns.title')}</h1>
<p class="muted">${t('console:shutdowns.intro')}</p>
${list}
<div class="card">
<h2>${t('console:shutdowns.newHeading')}</h2>
${error}
<form method="post" action="/console/shutdowns" id="shutdown-form">${csrfField(ctx)}
<div><label for="shutdown-subdivision">${t('console:shutdowns.subdivisionLabel', { discom: data.discom })}</label>
<select id="shutdown-subdivision" name="subdivision" required>${options}</select></div>
<div><label for="shutdown-feeder">${t('console:shutdowns.feederLabel')}</label>
<input id="shutdown-feeder" name="feederCode" maxlength="30" value="${form.feederCode}">
<p class="muted">${t('console:shutdowns.feederHelp')}</p></div>
<div><label for="shutdown-start">${t('console:shutdowns.startLabel')}</label>
<input id="shutdown-start" name="startsAt" type="datetime-local" required value="${form.startsAt}"></div>
<div><label for="shutdown-end">${t('console:shutdowns.endLabel')}</label>
<input id="shutdown-end" name="endsAt" type="datetime-local" required value="${form.endsAt}">
<p class="muted">${t('console:shutdowns.timeHelp')}</p></div>
<div><label for="shutdown-reason">${t('console:shutdowns.reasonLabel')}</label>
<input id="shutdown-reason" name="reason" maxlength="${MAX_SHUTDOWN_REASON}" required value="${form.reason}">
<p class="muted">${t('console:shutdowns.reasonHelp', { max: MAX_SHUTDOWN_REASON })}</p></div>
<div><button type="submit" class="primary" id="shutdown-submit">${t('console:shutdowns.submit')}</button></div>
</form>
</div>`
    );
}
