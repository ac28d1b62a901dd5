import type { Complaint } from '../data/entities/Complaint';
import { ACTIVE_INCIDENT_STATUSES, Incident } from '../data/entities/Incident';
import type { IncidentEvent } from '../data/entities/IncidentEvent';
import type { Official } from '../data/entities/Official';
import { formatDateTime } from '../i18n/format';
import type { TranslateFn } from '../i18n/Translator';
import { barChart } from './chart';
import { indiaLocalInput } from '../i18n/indiaTime';
import { html, SafeHtml } from './html';
import { ReliabilityFigures, ReliabilityReport, REPEAT_WINDOW_DAYS } from './ReliabilityQueries';
import { actorLabel, csrfField, duration, hoursText, layout, select, slaText, statusLabel, ViewContext } from './views';

/** One incident in the list, with its owner and, once restored, how many reporters confirmed. */
export interface IncidentRow {
    incident: Incident;
    owner: Official | null;
    /** Reporters who confirmed the power is back (their complaint closed). */
    confirmed: number;
}

/** The incident's status; restored reads "restored – unconfirmed" with the count of reporters who confirmed. */
function incidentStatus(t: TranslateFn, row: IncidentRow): string {
    const { incident } = row;
    if (incident.status === 'restored') return t('console:incidents.status.restored', { confirmed: row.confirmed, total: incident.reportCount });
    return t(`console:incidents.status.${incident.status}`);
}

/** Where the fault is: the subdivision and the transformer, feeder or locality that grouped the reports. */
export function incidentArea(t: TranslateFn, incident: Incident): string {
    const where =
        incident.scope === 'transformer'
            ? t('console:incidents.area.transformer', { code: incident.dtCode ?? '' })
            : incident.scope === 'feeder'
              ? t('console:incidents.area.feeder', { code: incident.feederCode ?? '' })
              : t('console:incidents.area.locality', { words: incident.locality ?? '' });
    return `${incident.subdivision} · ${where}`;
}

/** The incident's own clock against its due time (the earliest of its reports'): time left, late, or how it ended. */
export function incidentClock(ctx: ViewContext, incident: Incident): { text: string; late: boolean } {
    const { t, now } = ctx;
    if (incident.status === 'dismissed') return { text: t('console:incidents.clock.dismissed'), late: false };
    if (!incident.dueAt) return { text: t('console:sla.none'), late: false };
    const due = incident.dueAt.getTime();
    if (ACTIVE_INCIDENT_STATUSES.includes(incident.status)) {
        const left = due - now.getTime();
        return left > 0
            ? { text: t('console:sla.left', { time: duration(t, left, false) }), late: false }
            : { text: t('console:sla.breached', { time: duration(t, -left, true) }), late: true };
    }
    const restored = incident.restoredAt?.getTime() ?? due;
    return restored > due
        ? { text: t('console:incidents.clock.restoredLate', { time: duration(t, restored - due, true) }), late: true }
        : { text: t('console:incidents.clock.restoredInTime'), late: false };
}

function etrText(ctx: ViewContext, incident: Incident): string {
    if (!incident.etr) return ctx.t('console:incidents.etrNone');
    const time = formatDateTime(incident.etr, ctx.language);
    return incident.etrFromOfficial ? time : ctx.t('console:incidents.etrStandard', { time });
}

function ownerText(t: TranslateFn, owner: Official | null): string {
    return owner ? t('console:officialName', { name: owner.name, level: owner.level }) : t('console:unassigned');
}

function incidentTable(ctx: ViewContext, id: string, rows: IncidentRow[]): SafeHtml {
    const { t, language } = ctx;
    const col = (key: string) => t(`console:incidents.col.${key}`);
    const body = rows.map((row) => {
        const { incident } = row;
        const clock = incidentClock(ctx, incident);
        return html`<tr data-reference="${incident.reference}" data-status="${incident.status}"${clock.late ? html` class="breached"` : ''}>
<td data-label="${col('reference')}"><a href="/console/incidents/${encodeURIComponent(incident.reference)}">${incident.reference}</a></td>
<td data-label="${col('area')}">${incidentArea(t, incident)}</td>
<td data-label="${col('status')}" class="status"><span class="badge ${incident.status}">${incidentStatus(t, row)}</span></td>
<td data-label="${col('reports')}" class="reports">${incident.reportCount}</td>
<td data-label="${col('since')}">${formatDateTime(incident.startedAt, language)}</td>
<td data-label="${col('cause')}">${incident.cause ?? ''}</td>
<td data-label="${col('etr')}" class="etr">${etrText(ctx, incident)}</td>
<td data-label="${col('owner')}">${ownerText(t, row.owner)}</td>
<td data-label="${col('due')}" class="due">${incident.dueAt ? formatDateTime(incident.dueAt, language) : ''} <span class="clock">${clock.text}</span></td>
</tr>`;
    });
    return html`<div class="table-wrap"><table id="${id}" class="cards">
<thead><tr><th>${col('reference')}</th><th>${col('area')}</th><th>${col('status')}</th><th>${col('reports')}</th><th>${col('since')}</th><th>${col('cause')}</th><th>${col('etr')}</th><th>${col('owner')}</th><th>${col('due')}</th></tr></thead>
<tbody>${body}</tbody></table></div>`;
}

/** The incidents of the official's area: active ones first, then the recently restored, verified and dismissed. */
export function incidentsPage(ctx: ViewContext, data: { active: IncidentRow[]; recent: IncidentRow[] }): string {
    const { t } = ctx;
    const body = html`<h1>${t('console:incidents.title')}</h1>
<p class="muted">${t('console:incidents.intro')}</p>
<p><a href="/console/reliability" id="reliability-link">${t('console:incidents.reliabilityLink')}</a></p>
<h2>${t('console:incidents.active')}</h2>
${data.active.length === 0 ? html`<p class="card" id="no-active-incidents">${t('console:incidents.noneActive')}</p>` : incidentTable(ctx, 'active-incidents', data.active)}
<h2>${t('console:incidents.recent')}</h2>
${data.recent.length === 0 ? html`<p class="card muted" id="no-recent-incidents">${t('console:incidents.noneRecent')}</p>` : incidentTable(ctx, 'recent-incidents', data.recent)}`;
    return layout(ctx, t('console:incidents.title'), body);
}

/** Everything the incident page shows. */
export interface IncidentDetail {
    row: IncidentRow;
    history: Array<{ event: IncidentEvent; official: Official | null }>;
    reports: Complaint[];
    /** Reporters still without power after the restoration: their complaints went on as nested outages. */
    stillOff: Complaint[];
    followers: number;
}

/** One incident: its facts, the one-action buttons its state allows, its reports each with its own clock, its history. */
export function incidentPage(ctx: ViewContext, data: IncidentDetail): string {
    const { t, language } = ctx;
    const { incident } = data.row;
    const base = `/console/incidents/${encodeURIComponent(incident.reference)}`;
    const clock = incidentClock(ctx, incident);
    const fact = (label: string, value: string | SafeHtml | null, id: string) =>
        value === null || value === '' ? '' : html`<dt>${label}</dt><dd id="${id}">${value}</dd>`;
    const facts = html`<dl class="facts">
${fact(t('console:incidents.col.status'), html`<span class="badge ${incident.status}">${incidentStatus(t, data.row)}</span>`, 'incident-status')}
${fact(t('console:incidents.col.area'), incidentArea(t, incident), 'incident-area')}
${fact(t('console:incidents.col.reports'), String(incident.reportCount), 'incident-reports')}
${fact(t('console:incidents.followers'), String(data.followers), 'incident-followers')}
${fact(t('console:incidents.col.since'), formatDateTime(incident.startedAt, language), 'incident-since')}
${fact(t('console:incidents.col.cause'), incident.cause, 'incident-cause')}
${fact(t('console:incidents.col.etr'), etrText(ctx, incident), 'incident-etr')}
${fact(t('console:incidents.col.owner'), ownerText(t, data.row.owner), 'incident-owner')}
${fact(t('console:incidents.col.due'), incident.dueAt ? `${formatDateTime(incident.dueAt, language)} · ${clock.text}` : clock.text, 'incident-due')}
${fact(t('console:incidents.restoredAt'), incident.restoredAt ? formatDateTime(incident.restoredAt, language) : null, 'incident-restored-at')}
</dl>`;

    const forms: SafeHtml[] = [];
    const active = ACTIVE_INCIDENT_STATUSES.includes(incident.status);
    if (incident.status === 'suspected') {
        forms.push(html`<form method="post" action="${base}/confirm" id="form-confirm">${csrfField(ctx)}
<h3>${t('console:incidents.action.confirm')}</h3><p class="muted">${t('console:incidents.action.confirmHelp')}</p>
<button type="submit" class="primary" id="confirm-submit">${t('console:incidents.action.confirmSubmit')}</button></form>`);
    }
    if (active) {
        const offered = incident.etr ?? incident.dueAt;
        forms.push(html`<form method="post" action="${base}/details" id="form-details">${csrfField(ctx)}
<h3>${t('console:incidents.action.details')}</h3><p class="muted">${t('console:incidents.action.detailsHelp')}</p>
<label for="details-cause">${t('console:incidents.action.cause')}</label><input type="text" id="details-cause" name="cause" maxlength="200" value="${incident.cause ?? ''}">
<label for="details-etr">${t('console:incidents.action.etr')}</label><input type="datetime-local" id="details-etr" name="etr" value="${offered ? indiaLocalInput(offered) : ''}">
<button type="submit" class="primary" id="details-submit">${t('console:incidents.action.detailsSubmit')}</button></form>`);
    }
    if (incident.status === 'suspected' || incident.status === 'confirmed') {
        forms.push(html`<form method="post" action="${base}/restoring" id="form-restoring">${csrfField(ctx)}
<h3>${t('console:incidents.action.restoring')}</h3><p class="muted">${t('console:incidents.action.restoringHelp')}</p>
<button type="submit" class="secondary" id="restoring-submit">${t('console:incidents.action.restoringSubmit')}</button></form>`);
    }
    if (active) {
        forms.push(html`<form method="post" action="${base}/restored" id="form-restored">${csrfField(ctx)}
<h3>${t('console:incidents.action.restored')}</h3><p class="muted">${t('console:incidents.action.restoredHelp')}</p>
<label for="restored-note">${t('console:incidents.action.restoredNote')}</label><textarea id="restored-note" name="note" maxlength="500" required></textarea>
<button type="submit" class="primary" id="restored-submit">${t('console:incidents.action.restoredSubmit')}</button></form>`);
    }
    if (incident.status === 'suspected' || incident.status === 'confirmed') {
        forms.push(html`<form method="post" action="${base}/dismiss" id="form-dismiss">${csrfField(ctx)}
<h3>${t('console:incidents.action.dismiss')}</h3><p class="muted">${t('console:incidents.action.dismissHelp')}</p>
<label for="dismiss-note">${t('console:incidents.action.dismissNote')}</label><textarea id="dismiss-note" name="note" maxlength="500" required></textarea>
<button type="submit" class="secondary" id="dismiss-submit">${t('console:incidents.action.dismissSubmit')}</button></form>`);
    }

    const complaintRows = (complaints: Complaint[], id: string) => {
        if (complaints.length === 0) return html`<p class="card muted" id="${id}-empty">${t('console:incidents.noReports')}</p>`;
        const col = (key: string) => t(`console:incidents.reportCol.${key}`);
        return html`<div class="table-wrap"><table id="${id}" class="cards">
<thead><tr><th>${col('ticket')}</th><th>${col('status')}</th><th>${col('registered')}</th><th>${col('due')}</th><th>${col('clock')}</th></tr></thead>
<tbody>${complaints.map((complaint) => {
            const sla = slaText(t, { complaint, consumer: null, assignee: null }, ctx.now);
            return html`<tr data-ticket="${complaint.ticket}"${sla.breached ? html` class="breached"` : ''}>
<td data-label="${col('ticket')}"><a href="/console/complaints/${encodeURIComponent(complaint.ticket)}">${complaint.ticket}</a></td>
<td data-label="${col('status')}">${statusLabel(t, complaint.status)}</td>
<td data-label="${col('registered')}">${formatDateTime(complaint.createdAt, language)}</td>
<td data-label="${col('due')}">${complaint.dueAt ? formatDateTime(complaint.dueAt, language) : ''}</td>
<td data-label="${col('clock')}" class="clock">${sla.text}</td></tr>`;
        })}</tbody></table></div>`;
    };

    const history = html`<div class="table-wrap"><table id="incident-history" class="cards">
<thead><tr><th>${t('console:detail.historyTime')}</th><th>${t('console:detail.historyStatus')}</th><th>${t('console:detail.historyActor')}</th><th>${t('console:detail.historyNote')}</th></tr></thead>
<tbody>${data.history.map(
        (entry) => html`<tr>
<td data-label="${t('console:detail.historyTime')}">${formatDateTime(entry.event.createdAt, language)}</td>
<td data-label="${t('console:detail.historyStatus')}">${t(`console:incidents.status.${entry.event.status === 'restored' ? 'restoredPlain' : entry.event.status}`)}</td>
<td data-label="${t('console:detail.historyActor')}">${actorLabel(t, entry.event.actor, entry.official)}</td>
<td data-label="${t('console:detail.historyNote')}" class="desc">${entry.event.note ?? ''}</td></tr>`
    )}</tbody></table></div>`;

    const title = t('console:incidents.detailTitle', { reference: incident.reference });
    return layout(
        ctx,
        title,
        html`<p><a href="/console/incidents">← ${t('console:incidents.back')}</a></p>
<h1>${title}</h1>
<div class="card">${facts}</div>
${forms.length ? html`<h2>${t('console:detail.actions')}</h2><div class="actions">${forms}</div>` : ''}
<h2>${t('console:incidents.reportsHeading', { count: data.reports.length })}</h2>
<p class="muted">${t('console:incidents.reportsHelp')}</p>
${complaintRows(data.reports, 'incident-complaints')}
${data.stillOff.length ? html`<h2>${t('console:incidents.stillOffHeading')}</h2>${complaintRows(data.stillOff, 'incident-still-off')}` : ''}
<h2>${t('console:detail.history')}</h2>
${history}`
    );
}

function reliabilityTable(ctx: ViewContext, id: string, keyHeading: string, rows: ReliabilityFigures[], withSubdivision: boolean): SafeHtml {
    const { t } = ctx;
    if (rows.length === 0) return html`<p class="card muted" id="${id}-empty">${t('console:reliability.empty')}</p>`;
    const col = (key: string) => t(`console:reliability.col.${key}`);
    return html`<div class="table-wrap"><table id="${id}">
<thead><tr><th>${keyHeading}</th>${withSubdivision ? html`<th>${col('subdivision')}</th>` : ''}<th>${col('incidents')}</th><th>${col('reports')}</th><th>${col('median')}</th><th>${col('worst')}</th><th>${col('repeats')}</th></tr></thead>
<tbody>${rows.map(
        (r) => html`<tr data-key="${r.key}"><td>${r.key}</td>${withSubdivision ? html`<td>${r.subdivision}</td>` : ''}
<td data-col="incidents">${r.incidents}</td><td data-col="reports">${r.reports}</td>
<td data-col="median" data-hours="${r.medianHoursToRestore === null ? '' : r.medianHoursToRestore.toFixed(2)}">${hoursText(ctx, r.medianHoursToRestore)}</td>
<td data-col="worst" data-hours="${r.worstHoursToRestore === null ? '' : r.worstHoursToRestore.toFixed(2)}">${hoursText(ctx, r.worstHoursToRestore)}</td>
<td data-col="repeats">${r.repeatFaults}</td></tr>`
    )}</tbody></table></div>`;
}

/** Feeders in the chart at most. */
const CHART_FEEDERS = 10;

/** Reliability of supply in the official's area: the worst feeders as a chart, then per feeder and per subdivision. */
export function reliabilityPage(ctx: ViewContext, report: ReliabilityReport, periods: number[]): string {
    const { t } = ctx;
    const worst = report.byFeeder.slice(0, CHART_FEEDERS);
    const chart = barChart(
        'chart-feeders',
        t('console:reliability.chart', { count: worst.length }),
        [
            { name: t('console:reliability.col.incidents'), color: '#c62828' },
            { name: t('console:reliability.col.repeats'), color: '#e69500' },
        ],
        worst.map((r) => ({ label: r.key, values: [r.incidents, r.repeatFaults] })),
        (v) => String(v)
    );
    const body = html`<h1>${t('console:reliability.title')}</h1>
<p><a href="/console/incidents">← ${t('console:incidents.title')}</a></p>
<form method="get" action="/console/reliability" class="filters" id="reliability-filters">
<label for="reliability-days">${t('console:closure.period')}</label>${select(
        'days',
        'reliability-days',
        periods.map((d) => ({ value: String(d), label: t('console:closure.lastDays', { days: d }) })),
        String(report.days)
    )}
<button type="submit" class="secondary" id="reliability-submit">${t('console:closure.show')}</button></form>
${worst.length ? chart : ''}
<h2>${t('console:reliability.byFeeder')}</h2>
${reliabilityTable(ctx, 'reliability-by-feeder', t('console:reliability.col.feeder'), report.byFeeder, true)}
<h2>${t('console:reliability.bySubdivision')}</h2>
${reliabilityTable(ctx, 'reliability-by-subdivision', t('console:reliability.col.subdivision'), report.bySubdivision, false)}
<p class="muted" id="reliability-note">${t('console:reliability.note', { days: report.days, repeatDays: REPEAT_WINDOW_DAYS })}</p>`;
    return layout(ctx, t('console:reliability.title'), body);
}
