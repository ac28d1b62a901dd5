import { worksTriageDesk } from '../services/OfficialDirectory';
import type { ComplaintStatus } from '../data/entities/Complaint';
import { Official, OFFICIAL_LEVELS } from '../data/entities/Official';
import { clipText, formatDateTime, maskDigits } from '../i18n/format';
import type { MediaEntry } from '../media/MediaService';
import type { RepairPhoto } from '../media/RepairPhotoService';
import type { Language, TranslateFn } from '../i18n/Translator';
import { OPEN_STATUSES } from '../services/complaintStatuses';
import { barChart } from './chart';
import { ClosureFigures, ClosureGroup, ClosureReport, ClosureSort, notWorkingShare } from './ClosureQualityQueries';
import { CONSOLE_CSS } from './consoleStylesheet';
import type { Flash } from './ConsoleSessions';
import { ALL_STATUSES, ComplaintRow, ConsoleScope, DashboardData, DashboardGroup, HistoryEntry, Notice, NumberViewEntry, QueueFilters } from './ConsoleQueries';
import { html, raw, SafeHtml } from './html';

/** What every page needs: the language, the signed-in official (if any) and the session's CSRF token. */
export interface ViewContext {
    t: TranslateFn;
    language: Language;
    /** Path and query of this page, for the language switch to come back to. */
    path: string;
    official: Official | null;
    csrfToken: string | null;
    flash: Flash | null;
    now: Date;
}

/** The other language, for the switch. */
export function otherLanguage(language: Language): Language {
    return language === 'hi' ? 'en' : 'hi';
}

/** Status label in the page's language. */
export function statusLabel(t: TranslateFn, status: ComplaintStatus): string {
    return t(`console:status.${status}`);
}

/** Category label, from the bot's own category texts. */
function categoryLabel(t: TranslateFn, category: string): string {
    const label = t(`complaint:categories.${category}`);
    return label.startsWith('categories.') || label === `complaint:categories.${category}` ? category : label;
}

function levelLabel(t: TranslateFn, escalationLevel: number): string {
    const level = OFFICIAL_LEVELS[Math.min(Math.max(escalationLevel, 0), OFFICIAL_LEVELS.length - 1)];
    return t(`console:level.${level}`);
}

function officialLabel(t: TranslateFn, official: Official | null): string {
    return official ? t('console:officialName', { name: official.name, level: official.level }) : t('console:unassigned');
}

/** "3h 20m", "45m", "52h": a duration for the SLA column. */
export function duration(t: TranslateFn, ms: number, hoursOnly: boolean): string {
    const minutes = Math.max(0, Math.floor(ms / 60_000));
    if (minutes < 60) return t('console:sla.minutes', { minutes });
    const hours = Math.floor(minutes / 60);
    if (hoursOnly) return t('console:sla.hours', { hours });
    if (hours >= 48) return t('console:sla.daysHours', { days: Math.floor(hours / 24), hours: hours % 24 });
    return t('console:sla.hoursMinutes', { hours, minutes: minutes % 60 });
}

/** Characters of the description the queue shows. */
const SNIPPET_LENGTH = 60;
/** Characters of the locality the queue shows. */
const LOCALITY_LENGTH = 40;

/**
 * Where the complaint is, short enough for the queue: the consumer's address on record (else the address given with
 * the complaint) without the house number or the PIN code: "4/12, Viraj Khand, Gomti Nagar, Lucknow 226010" →
 * "Viraj Khand, Gomti Nagar".
 */
export function localityOf(row: ComplaintRow): string {
    const address = row.consumer?.address ?? row.complaint.address ?? '';
    const parts = address
        .split(/[,\n]/)
        .map((part) => part.replace(/\b\d{6}\b/g, '').trim())
        // A house number ("B-2/145", "4/12") has digits and hardly any letters; "Sector 9" is a locality.
        .filter((part) => part !== '' && !(/\p{N}/u.test(part) && !/\p{L}{3,}/u.test(part)) && !/^(house|h\.? ?no\.?|flat|plot)\b/i.test(part));
    return clipText(parts.slice(0, 2).join(', '), LOCALITY_LENGTH);
}

/** The start of the description for the queue, on one line. */
export function snippetOf(description: string): string {
    return clipText(description.replace(/\s+/g, ' ').trim(), SNIPPET_LENGTH);
}

/** The SLA countdown: time left, "breached by 5h", or how a finished complaint ended against its due time. */
export function slaText(t: TranslateFn, row: ComplaintRow, now: Date): { text: string; breached: boolean } {
    const { complaint } = row;
    if (complaint.status === 'unconfirmed') {
        if (!complaint.recheckDueAt) return { text: t('console:sla.rechecked'), breached: false };
        const left = complaint.recheckDueAt.getTime() - now.getTime();
        if (left > 0) return { text: t('console:sla.recheckDue', { time: duration(t, left, false) }), breached: false };
        return { text: t('console:sla.recheckLate', { time: duration(t, -left, true) }), breached: true };
    }
    if (!complaint.dueAt) return { text: t('console:sla.none'), breached: false };
    const due = complaint.dueAt.getTime();
    if (OPEN_STATUSES.includes(complaint.status)) {
        const left = due - now.getTime();
        if (left > 0) return { text: t('console:sla.left', { time: duration(t, left, false) }), breached: false };
        return { text: t('console:sla.breached', { time: duration(t, -left, true) }), breached: true };
    }
    if (complaint.resolvedAt && complaint.resolvedAt.getTime() > due) {
        return { text: t('console:sla.resolvedLate', { time: duration(t, complaint.resolvedAt.getTime() - due, true) }), breached: true };
    }
    return { text: t('console:sla.metInTime'), breached: false };
}

/** The hidden field carrying the session's CSRF token, for every form that POSTs. */
export function csrfField(ctx: ViewContext): SafeHtml {
    return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken ?? ''}">`;
}

function languageHref(ctx: ViewContext): string {
    const other = otherLanguage(ctx.language);
    if (!ctx.official) return `/console/sign-in?lang=${other}`;
    return `/console/language/${other}?next=${encodeURIComponent(ctx.path)}`;
}

/**
 * The page frame: header with navigation, language switch and sign-out; the flash message; the body.
 * `refreshSeconds` reloads the page by itself (a `<meta http-equiv="refresh">`: there is no script), for live reports.
 */
export function layout(ctx: ViewContext, title: string, body: SafeHtml, options: { refreshSeconds?: number } = {}): string {
    const { t } = ctx;
    const nav = ctx.official
        ? html`<nav aria-label="${t('console:nav.label')}">
<a href="/console" id="nav-queue">${t('console:nav.queue')}</a>
<a href="/console/callbacks" id="nav-callbacks">${t('console:nav.callbacks')}</a>
<a href="/console/conversations" id="nav-conversations">${t('console:nav.conversations')}</a>
<a href="/console/incidents" id="nav-incidents">${t('console:nav.incidents')}</a>
<a href="/console/dashboard" id="nav-dashboard">${t('console:nav.dashboard')}</a>
<a href="/console/broadcasts" id="nav-broadcasts">${t('console:nav.broadcasts')}</a>
<a href="/console/shutdowns" id="nav-shutdowns">${t('console:nav.shutdowns')}</a>
<a href="/console/claims" id="nav-claims">${t('console:nav.claims')}</a>
${worksTriageDesk(ctx.official) ? html`<a href="/console/triage" id="nav-triage">${t('console:nav.triage')}</a>` : ''}
<a href="/console/mobile-requests" id="nav-mobile">${t('console:nav.mobile')}</a>
<a href="${languageHref(ctx)}" id="language-switch" lang="${otherLanguage(ctx.language)}">${t('console:nav.otherLanguage')}</a>
<form method="post" action="/console/sign-out">${csrfField(ctx)}<button type="submit" class="link" id="sign-out">${t('console:nav.signOut')}</button></form>
</nav>
<div class="who">${t('console:nav.signedInAs', { name: ctx.official.name, level: ctx.official.level, unit: ctx.official.unitName })}</div>`
        : html`<nav><a href="${languageHref(ctx)}" id="language-switch" lang="${otherLanguage(ctx.language)}">${t('console:nav.otherLanguage')}</a></nav>`;
    const flash = ctx.flash ? html`<div class="flash ${ctx.flash.kind}" role="status" id="flash">${ctx.flash.text}</div>` : '';
    return html`<!doctype html>
<html lang="${ctx.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
${
    options.refreshSeconds
        ? html`<meta http-equiv="refresh" content="${Math.max(1, Math.round(options.refreshSeconds))}">
`
        : ''
}<link rel="icon" href="data:,">
<title>${title} · ${t('console:appName')}</title>
<link rel="stylesheet" href="/console/console.css?v=${CONSOLE_CSS.version}">
</head>
<body>
<header class="top"><div class="brand">${t('console:appName')}</div>${nav}</header>
<main>
${flash}
${body}
</main>
</body>
</html>
`.value;
}

/** The sign-in page. */
export function signInPage(ctx: ViewContext, form: { username: string; token: string; next: string; notice: Flash | null }): string {
    const { t } = ctx;
    const message = form.notice
        ? html`<div class="flash ${form.notice.kind}" role="${form.notice.kind === 'error' ? 'alert' : 'status'}" id="sign-in-message">${form.notice.text}</div>`
        : '';
    return layout(
        ctx,
        t('console:signIn.title'),
        html`<div class="signin card">
<h1>${t('console:signIn.title')}</h1>
<p class="muted">${t('console:signIn.intro')}</p>
${message}
<form method="post" action="/console/sign-in" id="sign-in-form">
<input type="hidden" name="_csrf" value="${form.token}">
<input type="hidden" name="next" value="${form.next}">
<input type="hidden" name="lang" value="${ctx.language}">
<div><label for="username">${t('console:signIn.username')}</label><input type="text" id="username" name="username" value="${form.username}" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="60" required></div>
<div><label for="password">${t('console:signIn.password')}</label><input type="password" id="password" name="password" autocomplete="current-password" maxlength="200" required></div>
<button type="submit" class="primary" id="sign-in">${t('console:signIn.submit')}</button>
</form>
</div>`
    );
}

/** A `<select>` with `selected` chosen. */
export function select(name: string, id: string, options: Array<{ value: string; label: string }>, selected: string): SafeHtml {
    return html`<select name="${name}" id="${id}">${options.map((o) => html`<option value="${o.value}"${o.value === selected ? raw(' selected') : ''}>${o.label}</option>`)}</select>`;
}

/** The complaint queue with its filters. */
export function queuePage(
    ctx: ViewContext,
    data: {
        scope: ConsoleScope;
        filters: QueueFilters;
        categories: string[];
        rows: ComplaintRow[];
        truncated: boolean;
        limit: number;
        /** Complaints newly given to the official, newest first. */
        notices: Notice[];
    }
): string {
    const { t, now } = ctx;
    const statusOptions = [
        { value: 'open', label: t('console:queue.openStatuses') },
        { value: 'all', label: t('console:queue.allStatuses') },
        ...ALL_STATUSES.map((s) => ({ value: s, label: statusLabel(t, s) })),
    ];
    const categoryOptions = [{ value: '', label: t('console:queue.any') }, ...data.categories.map((c) => ({ value: c, label: categoryLabel(t, c) }))];
    const subdivisionOptions = [{ value: '', label: t('console:queue.any') }, ...data.scope.subdivisions.map((s) => ({ value: s, label: s }))];
    const rows = data.rows.map((row) => {
        const sla = slaText(t, row, now);
        const c = row.complaint;
        const label = (key: string) => t(`console:queue.col.${key}`);
        return html`<tr class="${sla.breached ? 'breached' : ''}" data-ticket="${c.ticket}">
<td class="ticket" data-label="${label('ticket')}"><a href="/console/complaints/${encodeURIComponent(c.ticket)}">${c.ticket}</a></td>
<td data-label="${label('category')}">${categoryLabel(t, c.category)}</td>
<td data-label="${label('subdivision')}">${row.consumer?.subdivision ?? t('console:noSubdivision')}</td>
<td data-label="${label('locality')}" class="locality">${localityOf(row)}</td>
<td data-label="${label('description')}" class="snippet">${snippetOf(c.description)}</td>
<td data-label="${label('status')}"><span class="badge ${c.status}">${statusLabel(t, c.status)}</span></td>
<td data-label="${label('assignee')}">${officialLabel(t, row.assignee)}</td>
<td data-label="${label('level')}">${OFFICIAL_LEVELS[c.escalationLevel] ?? c.escalationLevel}</td>
<td data-label="${label('sla')}" class="${sla.breached ? 'sla-breached' : 'sla-ok'}">${sla.text}</td>
<td data-label="${label('registered')}">${formatDateTime(c.createdAt, ctx.language)}</td>
</tr>`;
    });
    const table =
        data.rows.length === 0
            ? html`<p class="card" id="queue-empty">${t('console:queue.empty')}</p>`
            : html`<div class="table-wrap"><table id="queue" class="cards">
<thead><tr><th>${t('console:queue.col.ticket')}</th><th>${t('console:queue.col.category')}</th><th>${t('console:queue.col.subdivision')}</th><th>${t('console:queue.col.locality')}</th><th>${t('console:queue.col.description')}</th><th>${t('console:queue.col.status')}</th><th>${t('console:queue.col.assignee')}</th><th>${t('console:queue.col.level')}</th><th>${t('console:queue.col.sla')}</th><th>${t('console:queue.col.registered')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
    return layout(
        ctx,
        t('console:queue.title'),
        html`<h1>${t('console:queue.title')}</h1>
<p class="muted">${t('console:queue.scope', { area: data.scope.official.unitName, count: data.scope.subdivisions.length })}</p>
${noticesPanel(ctx, data.notices)}
<form method="get" action="/console" class="filters card" id="filters">
<div><label for="f-status">${t('console:queue.status')}</label>${select('status', 'f-status', statusOptions, data.filters.status)}</div>
<div><label for="f-category">${t('console:queue.category')}</label>${select('category', 'f-category', categoryOptions, data.filters.category ?? '')}</div>
<div><label for="f-subdivision">${t('console:queue.subdivision')}</label>${select('subdivision', 'f-subdivision', subdivisionOptions, data.filters.subdivision ?? '')}</div>
<div><button type="submit" class="primary" id="apply-filters">${t('console:queue.apply')}</button> <a href="/console">${t('console:queue.clear')}</a></div>
</form>
<p id="queue-count">${t('console:queue.count', { count: data.rows.length })}</p>
${data.truncated ? html`<p class="flash error">${t('console:queue.truncated', { limit: data.limit })}</p>` : ''}
${table}`
    );
}

/** What the official typed with a reassignment or escalation: the note after "escalated to SDO Name: ". */
function noticeReason(notice: Notice, official: Official | null): string {
    const note = notice.event.note ?? '';
    if (notice.kind === 'assigned' || !official) return '';
    const prefix = `${notice.kind === 'escalated' ? 'escalated' : 'reassigned'} to ${official.level} ${official.name}: `;
    return note.startsWith(prefix) ? note.slice(prefix.length) : '';
}

/** The notices panel of the queue: complaints assigned, escalated or handed over to the signed-in official. */
function noticesPanel(ctx: ViewContext, notices: Notice[]): SafeHtml {
    const { t, language } = ctx;
    const label = (key: string) => t(`console:notices.col.${key}`);
    const body =
        notices.length === 0
            ? html`<p class="muted" id="notices-empty">${t('console:notices.empty')}</p>`
            : html`<div class="table-wrap"><table class="cards" id="notices-table">
<thead><tr><th>${label('time')}</th><th>${label('ticket')}</th><th>${label('what')}</th><th>${label('by')}</th><th>${label('reason')}</th><th>${label('status')}</th></tr></thead>
<tbody>${notices.map(
                  (n) => html`<tr data-notice="${n.complaint.ticket}" data-kind="${n.kind}">
<td data-label="${label('time')}">${formatDateTime(n.event.createdAt, language)}</td>
<td class="ticket" data-label="${label('ticket')}"><a href="/console/complaints/${encodeURIComponent(n.complaint.ticket)}">${n.complaint.ticket}</a></td>
<td data-label="${label('what')}">${t(`console:notices.kind.${n.kind}`)}</td>
<td data-label="${label('by')}">${n.actor ? t('console:officialName', { name: n.actor.name, level: n.actor.level }) : n.event.actor === 'system' ? t('console:actor.system') : t('console:actor.unknown', { actor: n.event.actor })}</td>
<td data-label="${label('reason')}" class="desc">${noticeReason(n, ctx.official)}</td>
<td data-label="${label('status')}"><span class="badge ${n.complaint.status}">${statusLabel(t, n.complaint.status)}</span></td>
</tr>`
              )}</tbody></table></div>`;
    return html`<section class="card notices" id="notices" aria-labelledby="notices-heading">
<h2 id="notices-heading">${t('console:notices.title')}</h2>
${body}
</section>`;
}

/** Who made a history entry (a complaint's or an incident's): the consumer, the system, or the official. */
export function actorLabel(t: TranslateFn, actor: string, official: Official | null): string {
    if (actor === 'consumer') return t('console:actor.consumer');
    if (actor === 'system') return t('console:actor.system');
    if (official) return t('console:officialName', { name: official.name, level: official.level });
    return t('console:actor.unknown', { actor });
}

/** The complaint detail page with its history and action forms. */
export function detailPage(
    ctx: ViewContext,
    data: {
        row: ComplaintRow;
        history: HistoryEntry[];
        candidates: Official[];
        photos: MediaEntry[];
        /** The officials' after-repair photos of the complaint, oldest first. */
        repairPhotos?: RepairPhoto[];
        /** Largest after-repair photo the resolve form takes, in bytes. */
        photoMaxBytes?: number;
        /** The complaint is assigned to the viewer: account and mobile numbers are shown in full (the view is recorded). */
        fieldView?: boolean;
        /** Showings of the full numbers to officials below the viewer, newest first. */
        numberViews?: NumberViewEntry[];
    }
): string {
    const { t, language, now } = ctx;
    const { complaint: c, consumer, assignee } = data.row;
    const sla = slaText(t, data.row, now);
    const open = OPEN_STATUSES.includes(c.status);
    const base = `/console/complaints/${encodeURIComponent(c.ticket)}`;
    const fact = (label: string, value: SafeHtml | string | null | undefined, id?: string) =>
        value === null || value === undefined || value === '' ? '' : html`<dt>${label}</dt><dd${id ? html` id="${id}"` : ''}>${value}</dd>`;
    const facts = html`<dl class="facts">
${fact(t('console:detail.status'), html`<span class="badge ${c.status}">${statusLabel(t, c.status)}</span>`, 'detail-status')}
${fact(t('console:detail.category'), categoryLabel(t, c.category))}
${fact(t('console:detail.description'), html`<span class="desc">${c.description}</span>`, 'detail-description')}
${fact(t('console:detail.problemSince'), c.problemSince ? formatDateTime(c.problemSince, language) : null, 'detail-problem-since')}
${fact(t('console:detail.registeredAt'), formatDateTime(c.createdAt, language))}
${fact(t('console:detail.dueAt'), c.dueAt ? formatDateTime(c.dueAt, language) : t('console:sla.none'))}
${fact(t('console:detail.sla'), html`<span class="${sla.breached ? 'sla-breached' : 'sla-ok'}">${sla.text}</span>`, 'detail-sla')}
${fact(t('console:detail.level'), levelLabel(t, c.escalationLevel), 'detail-level')}
${fact(t('console:detail.assignee'), officialLabel(t, assignee), 'detail-assignee')}
${fact(t('console:detail.resolvedAt'), c.resolvedAt ? formatDateTime(c.resolvedAt, language) : null)}
${fact(t('console:detail.recheckDueAt'), c.recheckDueAt ? formatDateTime(c.recheckDueAt, language) : null, 'detail-recheck-due')}
${fact(t('console:detail.closedAt'), c.closedAt ? formatDateTime(c.closedAt, language) : null)}
${fact(t('console:detail.rating'), c.rating !== null ? t('console:detail.ratingValue', { rating: c.rating }) : null, 'detail-rating')}
${fact(t('console:detail.ratingReason'), c.ratingReason, 'detail-rating-reason')}
${fact(t('console:detail.recontact'), c.recontactState && c.recontactState !== 'not_selected' ? recontactText(ctx, c.recontactState, c.recontactDueAt) : null, 'detail-recontact')}
${fact(t('console:detail.channel'), c.channel)}
</dl>`;
    const number = (digits: string) => (data.fieldView ? digits : maskDigits(digits));
    const consumerFacts = html`<p class="muted" id="numbers-note">${t(data.fieldView ? 'console:detail.numbersShown' : 'console:detail.numbersMasked')}</p><dl class="facts">
${
    consumer
        ? html`${fact(t('console:detail.consumer'), consumer.name, 'detail-consumer')}
${fact(t('console:detail.account'), number(consumer.accountNumber), 'detail-account')}
${fact(t('console:detail.registeredMobile'), consumer.registeredMobile ? number(consumer.registeredMobile) : null, 'detail-registered-mobile')}
${fact(t('console:detail.address'), consumer.address)}
${fact(t('console:detail.subdivision'), consumer.subdivision, 'detail-subdivision')}
${fact(t('console:detail.division'), consumer.division)}`
        : fact(t('console:detail.account'), c.accountNumber ? number(c.accountNumber) : t('console:detail.noAccount'), 'detail-account')
}
${fact(t('console:detail.complaintAddress'), c.address)}
${c.latitude !== null && c.longitude !== null ? fact(t('console:detail.location'), `${c.latitude.toFixed(5)}, ${c.longitude.toFixed(5)}`) : ''}
${fact(t('console:detail.contactMobile'), c.contactMobile ? number(c.contactMobile) : null, 'detail-contact-mobile')}
</dl>`;
    const views = data.numberViews ?? [];
    const numberViews =
        views.length === 0
            ? ''
            : html`<h2>${t('console:detail.numberViews')}</h2>
<div class="table-wrap"><table id="number-views" class="cards">
<thead><tr><th>${t('console:detail.numberViewTime')}</th><th>${t('console:detail.numberViewBy')}</th></tr></thead>
<tbody>${views.map(
                  (v) => html`<tr data-viewer="${v.view.officialId}">
<td data-label="${t('console:detail.numberViewTime')}">${formatDateTime(v.view.viewedAt, language)}</td>
<td data-label="${t('console:detail.numberViewBy')}">${officialLabel(t, v.official)}</td>
</tr>`
              )}</tbody></table></div>`;
    const history = html`<div class="table-wrap"><table id="history" class="cards">
<thead><tr><th>${t('console:detail.historyTime')}</th><th>${t('console:detail.historyStatus')}</th><th>${t('console:detail.historyActor')}</th><th>${t('console:detail.historyNote')}</th></tr></thead>
<tbody>${data.history.map(
        (entry) => html`<tr>
<td data-label="${t('console:detail.historyTime')}">${formatDateTime(entry.event.createdAt, language)}</td>
<td data-label="${t('console:detail.historyStatus')}">${statusLabel(t, entry.event.status)}</td>
<td data-label="${t('console:detail.historyActor')}">${actorLabel(t, entry.event.actor, entry.official)}</td>
<td data-label="${t('console:detail.historyNote')}" class="desc">${entry.event.note ?? ''}</td>
</tr>`
    )}</tbody></table></div>`;
    const forms: SafeHtml[] = [];
    if (['registered', 'assigned', 'reopened'].includes(c.status)) {
        forms.push(html`<form method="post" action="${base}/acknowledge" id="form-acknowledge">${csrfField(ctx)}
<h3>${t('console:action.acknowledge')}</h3>
<p class="muted">${t('console:action.acknowledgeHelp')}</p>
<label for="acknowledge-note">${t('console:action.optionalNote')}</label><textarea id="acknowledge-note" name="note" maxlength="500"></textarea>
<button type="submit" class="primary" id="acknowledge-submit">${t('console:action.acknowledgeSubmit')}</button></form>`);
    }
    if (open) {
        // Multipart for the optional photo; the CSRF field comes first, so it is read before the file.
        forms.push(html`<form method="post" action="${base}/resolve" id="form-resolve" enctype="multipart/form-data">${csrfField(ctx)}
<h3>${t('console:action.resolve')}</h3>
<label for="resolve-note">${t('console:action.resolveLabel')}</label><textarea id="resolve-note" name="note" maxlength="500" required></textarea>
<label for="resolve-photo">${t('console:action.resolvePhoto', { size: megabytes(data.photoMaxBytes ?? 0) })}</label>
<input type="file" id="resolve-photo" name="photo" accept="image/jpeg,image/png,image/webp">
<p class="muted">${t('console:action.resolvePhotoHelp')}</p>
<button type="submit" class="primary" id="resolve-submit">${t('console:action.resolveSubmit')}</button></form>`);
    }
    if (c.status === 'unconfirmed' && c.recheckDueAt) {
        forms.push(html`<form method="post" action="${base}/recheck" id="form-recheck">${csrfField(ctx)}
<h3>${t('console:action.recheck')}</h3>
<p class="muted">${t('console:action.recheckHelp')}</p>
<label for="recheck-outcome">${t('console:action.recheckOutcome')}</label>${select(
            'outcome',
            'recheck-outcome',
            [
                { value: 'fixed', label: t('console:action.recheckFixed') },
                { value: 'not_fixed', label: t('console:action.recheckNotFixed') },
            ],
            'fixed'
        )}
<label for="recheck-note">${t('console:action.recheckNote')}</label><textarea id="recheck-note" name="note" maxlength="500" required></textarea>
<button type="submit" class="primary" id="recheck-submit">${t('console:action.recheckSubmit')}</button></form>`);
    }
    forms.push(html`<form method="post" action="${base}/note" id="form-note">${csrfField(ctx)}
<h3>${t('console:action.note')}</h3>
<label for="note-text">${t('console:action.noteLabel')}</label><textarea id="note-text" name="note" maxlength="500" required></textarea>
<button type="submit" class="secondary" id="note-submit">${t('console:action.noteSubmit')}</button></form>`);
    if (open) {
        forms.push(
            data.candidates.length > 0
                ? html`<form method="post" action="${base}/reassign" id="form-reassign">${csrfField(ctx)}
<h3>${t('console:action.reassign')}</h3>
<label for="reassign-official">${t('console:action.reassignTo')}</label>
<select id="reassign-official" name="officialId" required>${data.candidates.map((o) => html`<option value="${o.id}">${t('console:officialName', { name: o.name, level: o.level })} · ${o.unitName}</option>`)}</select>
<label for="reassign-note">${t('console:action.optionalNote')}</label><textarea id="reassign-note" name="note" maxlength="400"></textarea>
<button type="submit" class="secondary" id="reassign-submit">${t('console:action.reassignSubmit')}</button></form>`
                : html`<div class="card"><h3>${t('console:action.reassign')}</h3><p class="muted">${t('console:action.noCandidates')}</p></div>`
        );
        const next = OFFICIAL_LEVELS[c.escalationLevel + 1];
        forms.push(
            next
                ? html`<form method="post" action="${base}/escalate" id="form-escalate">${csrfField(ctx)}
<input type="hidden" name="level" value="${c.escalationLevel}">
<h3>${t('console:action.escalate')}</h3>
<label for="escalate-reason">${t('console:action.escalateReason')}</label><textarea id="escalate-reason" name="reason" maxlength="400" required></textarea>
<button type="submit" class="secondary" id="escalate-submit">${t('console:action.escalateSubmit', { level: t(`console:level.${next}`) })}</button></form>`
                : html`<div class="card"><h3>${t('console:action.escalate')}</h3><p class="muted">${t('console:action.atTop')}</p></div>`
        );
    }
    return layout(
        ctx,
        t('console:detail.title', { ticket: c.ticket }),
        html`<p><a href="/console">← ${t('console:detail.back')}</a></p>
<h1>${t('console:detail.title', { ticket: c.ticket })}</h1>
<div class="card">${facts}</div>
${photoGallery(t, base, data.photos)}
${repairGallery(t, base, data.repairPhotos ?? [])}
<h2>${t('console:detail.consumerHeading')}</h2>
<div class="card">${consumerFacts}</div>
<h2>${t('console:detail.actions')}</h2>
<div class="actions">${forms}</div>
<h2>${t('console:detail.history')}</h2>
${history}
${numberViews}`
    );
}

/** Where the random re-contact of a confirmed closure stands ("due on …", "asked", "still working", "not working"). */
function recontactText(ctx: ViewContext, state: string, dueAt: Date | null): string {
    if (state === 'selected') return ctx.t('console:detail.recontactStates.selected', { date: dueAt ? formatDateTime(dueAt, ctx.language) : '' });
    return ctx.t(`console:detail.recontactStates.${state}`);
}

/** Hours as "3.5 h" in the page's language, or a dash. */
export function hoursText(ctx: ViewContext, hours: number | null): string {
    if (hours === null) return ctx.t('console:dashboard.none');
    const formatted = new Intl.NumberFormat(ctx.language === 'hi' ? 'hi-IN' : 'en-IN', { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(hours);
    return ctx.t('console:dashboard.hours', { hours: formatted });
}

function groupTable(ctx: ViewContext, id: string, keyHeading: string, groups: DashboardGroup[], label: (key: string) => string): SafeHtml {
    const { t } = ctx;
    if (groups.length === 0) return html`<p class="card muted">${t('console:dashboard.empty')}</p>`;
    return html`<div class="table-wrap"><table id="${id}">
<thead><tr><th>${keyHeading}</th><th>${t('console:dashboard.col.open')}</th><th>${t('console:dashboard.col.breached')}</th><th>${t('console:dashboard.col.resolved')}</th><th>${t('console:dashboard.col.median')}</th></tr></thead>
<tbody>${groups.map(
        (g) => html`<tr data-key="${g.key}">
<td>${label(g.key)}</td><td data-col="open">${g.open}</td><td data-col="breached">${g.breached}</td><td data-col="resolved">${g.resolved}</td>
<td data-col="median" data-hours="${g.medianHours === null ? '' : g.medianHours.toFixed(2)}">${hoursText(ctx, g.medianHours)}</td>
</tr>`
    )}</tbody></table></div>`;
}

/** The closure-quality part of the dashboard, with the period and order it was asked for. */
export interface ClosureView {
    report: ClosureReport;
    sort: ClosureSort;
    periods: number[];
    sorts: ClosureSort[];
}

/** Rows per closure table at most: an SE or CE with hundreds of JEs sees the worst (or first) ones. */
const CLOSURE_ROWS = 100;

function percent(ctx: ViewContext, part: number, whole: number): string {
    if (whole === 0) return ctx.t('console:dashboard.none');
    return new Intl.NumberFormat(ctx.language === 'hi' ? 'hi-IN' : 'en-IN', { style: 'percent', maximumFractionDigits: 0 }).format(part / whole);
}

function ratingText(ctx: ViewContext, f: ClosureFigures): string {
    if (f.averageRating === null) return ctx.t('console:dashboard.none');
    const average = new Intl.NumberFormat(ctx.language === 'hi' ? 'hi-IN' : 'en-IN', { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(
        f.averageRating
    );
    return ctx.t('console:closure.ratingValue', { average, count: f.ratings });
}

function closureCells(ctx: ViewContext, f: ClosureFigures): SafeHtml {
    return html`<td data-col="claimed">${f.claimed}</td>
<td data-col="confirmed" data-count="${f.confirmed}">${percent(ctx, f.confirmed, f.claimed)}</td>
<td data-col="reopened" data-count="${f.reopened}">${percent(ctx, f.reopened, f.claimed)}</td>
<td data-col="unconfirmed" data-count="${f.unconfirmed}">${percent(ctx, f.unconfirmed, f.claimed)}</td>
<td data-col="median" data-hours="${f.medianHoursToConfirmed === null ? '' : f.medianHoursToConfirmed.toFixed(2)}">${hoursText(ctx, f.medianHoursToConfirmed)}</td>
<td data-col="rating" data-average="${f.averageRating === null ? '' : f.averageRating.toFixed(2)}">${ratingText(ctx, f)}</td>
<td data-col="recontacted">${f.recontacted}</td>
<td data-col="not-working" data-count="${f.notWorking}">${percent(ctx, f.notWorking, f.recontacted)}</td>`;
}

function closureTable(ctx: ViewContext, id: string, keyHeading: string, groups: ClosureGroup[], label: (g: ClosureGroup) => string): SafeHtml {
    const { t } = ctx;
    if (groups.length === 0) return html`<p class="card muted">${t('console:closure.empty')}</p>`;
    const shown = groups.slice(0, CLOSURE_ROWS);
    return html`<div class="table-wrap"><table id="${id}">
<thead><tr><th>${keyHeading}</th><th>${t('console:closure.col.claimed')}</th><th>${t('console:closure.col.confirmed')}</th><th>${t('console:closure.col.reopened')}</th><th>${t('console:closure.col.unconfirmed')}</th><th>${t('console:closure.col.median')}</th><th>${t('console:closure.col.rating')}</th><th>${t('console:closure.col.recontacted')}</th><th>${t('console:closure.col.notWorking')}</th></tr></thead>
<tbody>${shown.map((g) => html`<tr data-key="${g.key}"><td>${label(g)}</td>${closureCells(ctx, g)}</tr>`)}</tbody></table></div>
${groups.length > shown.length ? html`<p class="muted">${t('console:closure.truncated', { shown: shown.length, count: groups.length })}</p>` : ''}`;
}

function closureSection(ctx: ViewContext, view: ClosureView): SafeHtml {
    const { t } = ctx;
    const { report } = view;
    const unitLabel = (g: ClosureGroup) => g.key || t('console:noSubdivision');
    const officialLabelOf = (g: ClosureGroup) =>
        g.official
            ? `${t('console:officialName', { name: g.official.name, level: g.official.level })} · ${g.official.unitName}`
            : t('console:closure.unknownOfficial');
    const chart = barChart(
        'chart-closure',
        t('console:closure.chart'),
        [
            { name: t('console:closure.col.reopened'), color: '#c62828' },
            { name: t('console:closure.col.unconfirmed'), color: '#e69500' },
            { name: t('console:closure.col.notWorking'), color: '#6a1b9a' },
        ],
        report.bySubdivision
            .filter((g) => g.claimed > 0 || g.recontacted > 0)
            .slice(0, 15)
            .map((g) => ({
                label: unitLabel(g),
                values: [g.claimed ? (100 * g.reopened) / g.claimed : 0, g.claimed ? (100 * g.unconfirmed) / g.claimed : 0, 100 * notWorkingShare(g)],
            })),
        (v) => `${Math.round(v)}%`
    );
    const total = report.total;
    return html`<h2 id="closure">${t('console:closure.title')}</h2>
<form method="get" action="/console/dashboard" class="filters" id="closure-filters">
<label for="closure-days">${t('console:closure.period')}</label>${select(
        'days',
        'closure-days',
        view.periods.map((d) => ({ value: String(d), label: t('console:closure.lastDays', { days: d }) })),
        String(report.days)
    )}
<label for="closure-sort">${t('console:closure.sort')}</label>${select(
        'sort',
        'closure-sort',
        view.sorts.map((s) => ({ value: s, label: t(`console:closure.sorts.${s}`) })),
        view.sort
    )}
<button type="submit" class="secondary" id="closure-submit">${t('console:closure.show')}</button></form>
<dl class="stats" id="closure-total">
<div><dt>${t('console:closure.col.claimed')}</dt><dd id="closure-claimed">${total.claimed}</dd></div>
<div><dt>${t('console:closure.col.confirmed')}</dt><dd id="closure-confirmed" data-count="${total.confirmed}">${percent(ctx, total.confirmed, total.claimed)}</dd></div>
<div><dt>${t('console:closure.col.reopened')}</dt><dd id="closure-reopened" data-count="${total.reopened}">${percent(ctx, total.reopened, total.claimed)}</dd></div>
<div><dt>${t('console:closure.col.unconfirmed')}</dt><dd id="closure-unconfirmed" data-count="${total.unconfirmed}">${percent(ctx, total.unconfirmed, total.claimed)}</dd></div>
<div><dt>${t('console:closure.col.median')}</dt><dd id="closure-median" data-hours="${total.medianHoursToConfirmed === null ? '' : total.medianHoursToConfirmed.toFixed(2)}">${hoursText(ctx, total.medianHoursToConfirmed)}</dd></div>
<div><dt>${t('console:closure.col.rating')}</dt><dd id="closure-rating">${ratingText(ctx, total)}</dd></div>
<div><dt>${t('console:closure.col.notWorking')}</dt><dd id="closure-not-working" data-count="${total.notWorking}">${percent(ctx, total.notWorking, total.recontacted)}</dd></div>
</dl>
${report.bySubdivision.some((g) => g.claimed > 0 || g.recontacted > 0) ? chart : ''}
<h3>${t('console:closure.byOfficial')}</h3>
${closureTable(ctx, 'closure-by-official', t('console:closure.col.official'), report.byOfficial, officialLabelOf)}
<h3>${t('console:closure.bySubdivision')}</h3>
${closureTable(ctx, 'closure-by-subdivision', t('console:dashboard.col.subdivision'), report.bySubdivision, unitLabel)}
<h3>${t('console:closure.byDivision')}</h3>
${closureTable(ctx, 'closure-by-division', t('console:closure.col.division'), report.byDivision, unitLabel)}
<p class="muted">${t('console:closure.note', { days: report.days })}</p>`;
}

/** The dashboard: counts, medians by category and subdivision, two bar charts, the answer rates and the closure quality. */
export function dashboardPage(ctx: ViewContext, data: DashboardData, closure?: ClosureView, answers: SafeHtml | string = ''): string {
    const { t } = ctx;
    const subdivisionLabel = (key: string) => key || t('console:noSubdivision');
    const medianChart = barChart(
        'chart-median',
        t('console:dashboard.chartMedian'),
        [{ name: t('console:dashboard.col.median'), color: '#0d3b66' }],
        data.byCategory.filter((g) => g.medianHours !== null).map((g) => ({ label: categoryLabel(t, g.key), values: [g.medianHours ?? 0] })),
        (v) => hoursText(ctx, v)
    );
    const openChart = barChart(
        'chart-open',
        t('console:dashboard.chartOpen'),
        [
            { name: t('console:dashboard.legendOpen'), color: '#3b7dd8' },
            { name: t('console:dashboard.legendBreached'), color: '#c62828' },
        ],
        data.bySubdivision.filter((g) => g.open > 0).map((g) => ({ label: subdivisionLabel(g.key), values: [g.open, g.breached] })),
        (v) => String(v)
    );
    return layout(
        ctx,
        t('console:dashboard.title'),
        html`<h1>${t('console:dashboard.title')}</h1>
<dl class="stats">
<div><dt>${t('console:dashboard.open')}</dt><dd id="stat-open">${data.open}</dd></div>
<div><dt>${t('console:dashboard.breached')}</dt><dd id="stat-breached">${data.breached}</dd></div>
<div><dt>${t('console:dashboard.resolved', { days: data.windowDays })}</dt><dd id="stat-resolved">${data.resolved}</dd></div>
<div><dt>${t('console:dashboard.median')}</dt><dd id="stat-median" data-hours="${data.medianHours === null ? '' : data.medianHours.toFixed(2)}">${hoursText(ctx, data.medianHours)}</dd></div>
</dl>
${data.byCategory.some((g) => g.medianHours !== null) ? medianChart : ''}
${data.bySubdivision.some((g) => g.open > 0) ? openChart : ''}
<h2>${t('console:dashboard.byCategory')}</h2>
${groupTable(ctx, 'by-category', t('console:dashboard.col.category'), data.byCategory, (k) => categoryLabel(t, k))}
<h2>${t('console:dashboard.bySubdivision')}</h2>
${groupTable(ctx, 'by-subdivision', t('console:dashboard.col.subdivision'), data.bySubdivision, subdivisionLabel)}
<p class="muted">${t('console:dashboard.note', { days: data.windowDays })}</p>
<p id="dashboard-outages"><a href="/console/incidents" id="dashboard-incidents">${t('console:dashboard.incidentsLink')}</a> · <a href="/console/reliability" id="dashboard-reliability">${t('console:dashboard.reliabilityLink')}</a></p>
${answers}
${closure ? closureSection(ctx, closure) : ''}`
    );
}

/** A page with just a heading and a message (not found, refused, error). */
export function messagePage(ctx: ViewContext, title: string, message: string): string {
    return layout(
        ctx,
        title,
        html`<h1>${title}</h1><p class="card" id="message">${message}</p>${ctx.official ? html`<p><a href="/console">← ${ctx.t('console:detail.back')}</a></p>` : ''}`
    );
}

/** The officials' after-repair photos, each as a link to the full picture. */
function repairGallery(t: TranslateFn, base: string, photos: RepairPhoto[]): SafeHtml | string {
    if (photos.length === 0) return '';
    const items = photos.map((photo, index) => {
        const src = `${base}/repair-photos/${photo.id}`;
        return html`<li><a href="${src}"><img src="${src}" alt="${t('console:detail.repairPhotoAlt', { number: index + 1 })}" loading="lazy" class="photo"></a></li>`;
    });
    return html`<h2>${t('console:detail.repairPhotos')}</h2>
<ul class="photos" id="repair-photos">${items}</ul>`;
}

/** A size in bytes as megabytes for people ("5 MB"). */
export function megabytes(bytes: number): string {
    return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

/** The consumer's photos, each as a link to the full picture, or why it is not there (yet). */
function photoGallery(t: TranslateFn, base: string, photos: MediaEntry[]): SafeHtml | string {
    if (photos.length === 0) return '';
    const items = photos.map((entry, index) => {
        const label = t('console:detail.photoAlt', { number: index + 1 });
        if (entry.status === 'stored') {
            return html`<li><a href="${base}/photos/${index}"><img src="${base}/photos/${index}" alt="${label}" loading="lazy" class="photo"></a></li>`;
        }
        const reason = t(`console:detail.photoReasons.${PHOTO_REASONS.includes(entry.error ?? '') ? entry.error : 'error'}`);
        const text = entry.status === 'pending' ? t('console:detail.photoPending', { label }) : t('console:detail.photoFailed', { label, reason });
        return html`<li class="muted" id="photo-${index}-status">${text}</li>`;
    });
    return html`<h2>${t('console:detail.photos')}</h2>
<ul class="photos" id="photos">${items}</ul>`;
}

const PHOTO_REASONS = ['too_large', 'not_image', 'not_found', 'refused', 'unavailable', 'integrity', 'not_recorded'];
