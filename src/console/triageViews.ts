import type { Complaint } from '../data/entities/Complaint';
import type { Official } from '../data/entities/Official';
import type { District } from '../services/Districts';
import type { ServiceArea } from '../services/OfficialDirectory';
import { formatDateTime } from '../i18n/format';
import { html } from './html';
import { csrfField, duration, layout, ViewContext } from './views';

/** One complaint on the triage desk, with the district the consumer named. */
export interface TriageRow {
    complaint: Complaint;
    district: District | null;
}

/** A JE the desk may give complaints to, with their subdivision. */
export interface TriageEngineer {
    official: Official;
    area: ServiceArea;
}

function placeBy(ctx: ViewContext, complaint: Complaint): { text: string; late: boolean } {
    const left = complaint.triageDueAt!.getTime() - ctx.now.getTime();
    return left > 0
        ? { text: ctx.t('console:triage.placeWithin', { time: duration(ctx.t, left, false) }), late: false }
        : { text: ctx.t('console:triage.late', { time: duration(ctx.t, -left, true) }), late: true };
}

/** The discom's triage desk: its unplaced complaints, oldest due first, each with the list of the discom's JEs. */
export function triagePage(ctx: ViewContext, data: { discom: string; rows: TriageRow[]; engineers: TriageEngineer[] }): string {
    const { t } = ctx;
    const options = data.engineers.map((e) => html`<option value="${e.official.id}">${e.area.subdivision} · ${e.official.name} (${e.official.level})</option>`);
    const rows = data.rows.map((row) => {
        const { complaint } = row;
        const due = placeBy(ctx, complaint);
        const district = row.district ? (ctx.language === 'hi' ? row.district.hi : row.district.en) : '';
        return html`<tr data-ticket="${complaint.ticket}"${due.late ? html` class="breached"` : ''}>
<td data-label="${t('console:triage.col.ticket')}"><a href="/console/complaints/${encodeURIComponent(complaint.ticket)}">${complaint.ticket}</a></td>
<td data-label="${t('console:triage.col.category')}">${t(`complaint:categories.${complaint.category}`)}</td>
<td data-label="${t('console:triage.col.district')}" class="district">${district}</td>
<td data-label="${t('console:triage.col.place')}" class="place">${complaint.address ?? ''}</td>
<td data-label="${t('console:triage.col.description')}">${complaint.description.slice(0, 120)}</td>
<td data-label="${t('console:triage.col.registered')}">${formatDateTime(complaint.createdAt, ctx.language)}</td>
<td data-label="${t('console:triage.col.placeBy')}" class="place-by">${due.text}</td>
<td><form method="post" action="/console/triage/${complaint.id}/place">${csrfField(ctx)}<label>${t('console:triage.engineer')} <select name="je" required><option value="">${t('console:triage.choose')}</option>${options}</select></label> <button type="submit">${t('console:triage.place')}</button></form></td></tr>`;
    });
    const body = html`<h1>${t('console:triage.title', { discom: data.discom })}</h1>
<p>${t('console:triage.intro')}</p>
${
    data.rows.length === 0
        ? html`<p id="no-triage">${t('console:triage.none')}</p>`
        : html`<table id="triage"><thead><tr><th>${t('console:triage.col.ticket')}</th><th>${t('console:triage.col.category')}</th><th>${t('console:triage.col.district')}</th><th>${t('console:triage.col.place')}</th><th>${t('console:triage.col.description')}</th><th>${t('console:triage.col.registered')}</th><th>${t('console:triage.col.placeBy')}</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
}
${data.engineers.length === 0 ? html`<p id="no-engineers">${t('console:triage.noEngineers')}</p>` : ''}`;
    return layout(ctx, t('console:triage.title', { discom: data.discom }), body);
}
