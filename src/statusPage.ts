import { createHash } from 'crypto';
import { Incident, IncidentScope, IncidentStatus } from './data/entities/Incident';
import { html, raw, SafeHtml } from './console/html';
import { formatDateTime } from './i18n/format';
import { Language, TranslateFn, Translator } from './i18n/Translator';
import type { Logger } from './logger';
import type { IncidentService } from './services/IncidentService';
import type { PublicShutdown as PlannedPublicShutdown } from './services/PlannedShutdowns';

/** The fields of a planned shutdown the page shows (PlannedShutdowns.listPublic gives more). */
export type PublicShutdown = Pick<PlannedPublicShutdown, 'discom' | 'subdivision' | 'feederCode' | 'startsAt' | 'endsAt' | 'reason'>;

/** Where the status page reads planned shutdowns: current and coming ones, public fields only. */
export interface PublicShutdowns {
    listPublic(now: Date): Promise<PublicShutdown[]>;
}

/** The incident statuses the page shows; verified and dismissed ones are over. */
export type PublicIncidentStatus = Extract<IncidentStatus, 'suspected' | 'confirmed' | 'restoring' | 'restored'>;

/**
 * An incident as the public sees it: the area and the fault, never who reported it. Built field by field from the
 * incident (never spread), so a column added to incidents later cannot reach the page by accident; the locality
 * words are left out on purpose, as they come from reporters' addresses.
 */
export interface PublicIncident {
    reference: string;
    discom: string;
    subdivision: string;
    scope: IncidentScope;
    feederCode: string | null;
    dtCode: string | null;
    status: PublicIncidentStatus;
    reports: number;
    since: Date;
    /** As an official set it. */
    cause: string | null;
    etr: Date | null;
    /** Whether the restoration time is an engineer's estimate or the regulator's time limit. */
    etrSource: 'official' | 'standard' | null;
    restoredAt: Date | null;
}

/** A discom and/or subdivision to show (case-insensitive); null shows all. */
export interface StatusFilter {
    discom: string | null;
    subdivision: string | null;
}

/** A rendered answer and its strong ETag. */
export interface StatusAnswer {
    body: string;
    etag: string;
}

/** What the status page reads and how. */
export interface StatusPageSources {
    incidents: Pick<IncidentService, 'activeOrRestoredSince'>;
    /** Planned shutdowns, when that part is present; without it the page has no shutdown section. */
    shutdowns?: PublicShutdowns;
    translator: Translator;
    logger: Logger;
    now: () => Date;
    /** Hours a restored incident stays listed. */
    restoredHours: number;
    /** Seconds a read is reused before the database is asked again. */
    cacheSeconds: number;
}

/**
 * Live updates by `<meta http-equiv="refresh">` rather than a script polling `/status.json`: it works without
 * JavaScript and on the simplest phone browsers, keeps the page's policy free of scripts, and each reload is a
 * conditional request answered 304 while nothing changed. One minute: faults change on that scale, not faster.
 */
export const STATUS_REFRESH_SECONDS = 60;

/** Rendered variants kept per read (language × filter × format); filters come from anyone's query string. */
const MAX_RENDERED = 200;
/** The most incidents one page lists (a bad storm on a whole discom); oldest faults first. */
const MAX_INCIDENTS = 500;

const STATUS_CSS =
    'body{margin:0 auto;max-width:40em;padding:10px 12px;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Devanagari",sans-serif;' +
    'color:#1b1b1b;background:#f5f5f2;overflow-wrap:anywhere}' +
    'h1{font-size:1.3em;margin:4px 0}h2{font-size:1.1em;margin:18px 0 8px}h3{font-size:1em;margin:0}p{margin:4px 0}a{color:#0b4fa8}' +
    '.lang{float:right;margin:6px 0 0 8px}.muted{color:#555;font-size:.9em}' +
    '.areas a{display:inline-block;margin:0 12px 6px 0;padding:4px 0}.areas a[aria-current]{color:#1b1b1b;font-weight:bold;text-decoration:none}' +
    '.card{background:#fff;border:1px solid #d8d8d8;border-left:6px solid #b71c1c;border-radius:6px;padding:8px 10px;margin:0 0 10px}' +
    '.state{font-weight:bold}.suspected{border-left-color:#e65100}.restoring{border-left-color:#0d47a1}.restored{border-left-color:#2e7d32}' +
    '.shutdown{border-left-color:#6a1b9a}';

/** The page's own policy: its one inline stylesheet (by hash) and nothing else, no script, no framing. */
export const STATUS_CSP = [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(STATUS_CSS).digest('base64')}'`,
    // The empty icon (data:) spares a phone the favicon request on every refresh.
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
].join('; ');

/** One read of the database: what every variant of the page is rendered from. */
interface Snapshot {
    readAt: number;
    /** When the content last differed from the read before: the page's "last change", and what keeps ETags stable. */
    changedAt: Date;
    fingerprint: string;
    incidents: PublicIncident[];
    shutdowns: PublicShutdown[] | null;
}

/**
 * The public status page `GET /status` and `/status.json`: area-level known faults (active ones, and those restored
 * in the last {@link StatusPageSources.restoredHours} hours as "restored – being confirmed") and planned shutdowns,
 * in Hindi or English, with no personal data. A burst of reloads is cheap: the database is read at most once every
 * {@link StatusPageSources.cacheSeconds} (one read at a time, shared by everyone waiting), and each language and
 * filter is rendered once per change of content.
 */
export class StatusPage {
    private snapshot: Snapshot | null = null;
    private reading: Promise<Snapshot> | null = null;
    private readonly rendered = new Map<string, StatusAnswer>();

    constructor(private readonly sources: StatusPageSources) {}

    /** The HTML page for `filter` in `language`. Throws when nothing could be read at all. */
    async page(filter: StatusFilter, language: Language): Promise<StatusAnswer> {
        const snapshot = await this.current();
        return this.memo(`html|${language}|${filterKey(filter)}`, () => this.renderPage(snapshot, filter, language));
    }

    /** The same data as JSON (times in ISO 8601, statuses as codes), for other sites and apps. */
    async json(filter: StatusFilter): Promise<StatusAnswer> {
        const snapshot = await this.current();
        return this.memo(`json|${filterKey(filter)}`, () => {
            const { incidents, shutdowns } = applyFilter(snapshot, filter);
            return JSON.stringify({
                lastChange: snapshot.changedAt.toISOString(),
                refreshSeconds: STATUS_REFRESH_SECONDS,
                filter,
                incidents,
                ...(shutdowns ? { plannedShutdowns: shutdowns } : {}),
            });
        });
    }

    /** A short page saying the status cannot be read now (database down before the first read). */
    unavailable(language: Language): string {
        const t = this.t(language);
        return page(language, t('status-page:unavailableTitle'), html`<h1>${t('status-page:unavailableTitle')}</h1><p>${t('status-page:unavailable')}</p>`);
    }

    private t(language: Language): TranslateFn {
        return this.sources.translator.forLanguage(language);
    }

    private memo(key: string, render: () => string): StatusAnswer {
        let answer = this.rendered.get(key);
        if (!answer) {
            if (this.rendered.size >= MAX_RENDERED) this.rendered.clear();
            const body = render();
            answer = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
            this.rendered.set(key, answer);
        }
        return answer;
    }

    /** The last read while it is fresh; otherwise one new read, shared by every request waiting for it. */
    private async current(): Promise<Snapshot> {
        const now = this.sources.now().getTime();
        const fresh = this.snapshot && now >= this.snapshot.readAt && now - this.snapshot.readAt < this.sources.cacheSeconds * 1000;
        if (fresh) return this.snapshot!;
        this.reading ??= this.read(new Date(now)).finally(() => {
            this.reading = null;
        });
        return this.reading;
    }

    private async read(now: Date): Promise<Snapshot> {
        let incidents: Incident[];
        let shutdowns: PublicShutdown[] | null;
        try {
            [incidents, shutdowns] = await Promise.all([
                this.sources.incidents.activeOrRestoredSince(new Date(now.getTime() - this.sources.restoredHours * 3600_000), MAX_INCIDENTS),
                this.sources.shutdowns ? this.sources.shutdowns.listPublic(now) : Promise.resolve(null),
            ]);
        } catch (error) {
            // A page a little old is better than none while the database is away; without one the caller answers 503.
            this.sources.logger.error('status page: could not read incidents or shutdowns', { error: error as Error });
            if (this.snapshot) return this.snapshot;
            throw error;
        }
        const content = {
            incidents: incidents.map(publicIncident).sort(byAreaThenSince),
            shutdowns:
                shutdowns
                    ?.filter((s) => s.endsAt.getTime() > now.getTime())
                    .map(publicShutdown)
                    .sort(
                        (a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.discom.localeCompare(b.discom) || a.subdivision.localeCompare(b.subdivision)
                    ) ?? null,
        };
        const fingerprint = createHash('sha256').update(JSON.stringify(content)).digest('base64url');
        if (this.snapshot?.fingerprint === fingerprint) {
            this.snapshot = { ...this.snapshot, readAt: now.getTime() };
            return this.snapshot;
        }
        this.rendered.clear();
        this.snapshot = { readAt: now.getTime(), changedAt: now, fingerprint, ...content };
        return this.snapshot;
    }

    private renderPage(snapshot: Snapshot, filter: StatusFilter, language: Language): string {
        const t = this.t(language);
        const when = (date: Date) => formatDateTime(date, language);
        const other: Language = language === 'hi' ? 'en' : 'hi';
        const { incidents, shutdowns, area } = applyFilter(snapshot, filter);
        const link = (to: Partial<StatusFilter> & { lang?: Language }) => statusHref({ lang: language, discom: null, subdivision: null, ...to });

        // Area links from what is listed now: discoms, and the subdivisions of the chosen one.
        const listed = [...snapshot.incidents, ...(snapshot.shutdowns ?? [])];
        const discoms = [...new Set(listed.map((x) => x.discom))].sort();
        const chosenDiscom = area.discom;
        const subdivisions = chosenDiscom ? [...new Set(listed.filter((x) => sameText(x.discom, chosenDiscom)).map((x) => x.subdivision))].sort() : [];
        const current = (selected: boolean) => (selected ? raw(' aria-current="page"') : '');
        const areaLinks = [
            html`<a href="${link({})}"${current(!area.discom && !area.subdivision)}>${t('status-page:allAreas')}</a>`,
            ...discoms.map((d) => html`<a href="${link({ discom: d })}"${current(!!chosenDiscom && sameText(d, chosenDiscom) && !area.subdivision)}>${d}</a>`),
            ...subdivisions.map(
                (s) => html`<a href="${link({ discom: chosenDiscom, subdivision: s })}"${current(!!area.subdivision && sameText(s, area.subdivision))}>${s}</a>`
            ),
        ];
        const areaName = area.subdivision ? `${area.subdivision}${area.discom ? ` (${area.discom})` : ''}` : area.discom;

        const faultCards = incidents.map((incident) => {
            const where =
                incident.scope === 'locality' ? t('status-page:where.locality') : t(`status-page:where.${incident.scope}`, { code: placeCode(incident) });
            const etr =
                incident.status === 'restored'
                    ? t('status-page:restoredAt', { time: when(incident.restoredAt ?? snapshot.changedAt) })
                    : incident.etr
                      ? t(incident.etrSource === 'official' ? 'status-page:etrOfficial' : 'status-page:etrStandard', { time: when(incident.etr) })
                      : t('status-page:etrUnknown');
            return html`<article class="card ${incident.status}"><h3>${incident.subdivision} (${incident.discom})</h3>
<p class="state">${t(`status-page:state.${incident.status}`)}</p>
<p>${where}</p><p>${t('status-page:since', { time: when(incident.since) })} · ${t('status-page:reports', { count: incident.reports })}</p>
${incident.cause ? html`<p>${t('status-page:cause', { cause: incident.cause })}</p>` : ''}<p>${etr}</p>
<p class="muted">${t('status-page:reference', { reference: incident.reference })}</p></article>`;
        });
        const shutdownCards = (shutdowns ?? []).map(
            (s) => html`<article class="card shutdown"><h3>${s.subdivision} (${s.discom})</h3>
${s.feederCode ? html`<p>${t('status-page:shutdownFeeder', { code: s.feederCode })}</p>` : ''}<p class="state">${t('status-page:shutdownWindow', { from: when(s.startsAt), to: when(s.endsAt) })}</p>
${s.reason ? html`<p>${t('status-page:shutdownReason', { reason: s.reason })}</p>` : ''}</article>`
        );
        const empty = (plain: string, filtered: string) => html`<p>${areaName ? t(filtered, { area: areaName }) : t(plain)}</p>`;
        const body = html`<p class="lang"><a href="${link({ lang: other, discom: area.discom, subdivision: area.subdivision })}" hreflang="${other}" lang="${other}">${t('status-page:switchLanguage')}</a></p>
<h1>${t('status-page:title')}</h1><p>${t('status-page:intro')}</p>
<nav class="areas" aria-label="${t('status-page:areas')}"><h2>${t('status-page:areas')}</h2>${areaLinks}</nav>
<section id="faults"><h2>${t('status-page:faults')}</h2>${faultCards.length ? faultCards : empty('status-page:noFaults', 'status-page:noFaultsFiltered')}</section>
${shutdowns ? html`<section id="shutdowns"><h2>${t('status-page:shutdowns')}</h2>${shutdownCards.length ? shutdownCards : empty('status-page:noShutdowns', 'status-page:noShutdownsFiltered')}</section>` : ''}
<footer><p>${t('status-page:report')}</p><p class="muted">${t('status-page:lastChange', { time: when(snapshot.changedAt) })}</p></footer>`;
        return page(language, areaName ? `${t('status-page:title')}: ${areaName}` : t('status-page:title'), body, true);
    }
}

/** The address of the status page for a language and filter. */
export function statusHref(to: StatusFilter & { lang: Language }): string {
    const query = new URLSearchParams({ lang: to.lang });
    if (to.discom) query.set('discom', to.discom);
    if (to.subdivision) query.set('subdivision', to.subdivision);
    return `/status?${query.toString()}`;
}

/** A filter value from a query string: the first value, trimmed and bounded; null when absent or empty. */
export function filterValue(value: unknown): string | null {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first !== 'string') return null;
    const text = first.replace(/\s+/g, ' ').trim().slice(0, 80);
    return text === '' ? null : text;
}

function page(language: Language, title: string, body: SafeHtml, refresh = false): string {
    return html`<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${refresh ? html`<meta http-equiv="refresh" content="${STATUS_REFRESH_SECONDS}">` : ''}<link rel="icon" href="data:,"><title>${title}</title><style>${raw(STATUS_CSS)}</style></head>
<body>${body}</body></html>`.toString();
}

function publicIncident(incident: Incident): PublicIncident {
    return {
        reference: incident.reference,
        discom: incident.discom,
        subdivision: incident.subdivision,
        scope: incident.scope,
        feederCode: incident.scope === 'locality' ? null : incident.feederCode,
        dtCode: incident.scope === 'transformer' ? incident.dtCode : null,
        status: incident.status as PublicIncidentStatus,
        reports: incident.reportCount,
        since: incident.startedAt,
        cause: incident.cause,
        etr: incident.etr,
        etrSource: incident.etr ? (incident.etrFromOfficial ? 'official' : 'standard') : null,
        restoredAt: incident.status === 'restored' ? incident.restoredAt : null,
    };
}

function publicShutdown(shutdown: PublicShutdown): PublicShutdown {
    return {
        discom: shutdown.discom,
        subdivision: shutdown.subdivision,
        feederCode: shutdown.feederCode ?? null,
        startsAt: shutdown.startsAt,
        endsAt: shutdown.endsAt,
        reason: shutdown.reason,
    };
}

/** Faults still off before restored ones; then by area and the oldest first. */
function byAreaThenSince(a: PublicIncident, b: PublicIncident): number {
    const restored = Number(a.status === 'restored') - Number(b.status === 'restored');
    return restored || a.discom.localeCompare(b.discom) || a.subdivision.localeCompare(b.subdivision) || a.since.getTime() - b.since.getTime();
}

function placeCode(incident: PublicIncident): string {
    return (incident.scope === 'transformer' ? incident.dtCode : incident.feederCode) ?? '';
}

function sameText(a: string, b: string): boolean {
    return a.localeCompare(b, 'en', { sensitivity: 'base' }) === 0;
}

function filterKey(filter: StatusFilter): string {
    return `${filter.discom?.toLowerCase() ?? ''}|${filter.subdivision?.toLowerCase() ?? ''}`;
}

/** The listed items of `filter`, and the area named as the data spells it (or as asked, when nothing matches). */
function applyFilter(snapshot: Snapshot, filter: StatusFilter) {
    const matches = (item: { discom: string; subdivision: string }) =>
        (!filter.discom || sameText(item.discom, filter.discom)) && (!filter.subdivision || sameText(item.subdivision, filter.subdivision));
    const incidents = snapshot.incidents.filter(matches);
    const shutdowns = snapshot.shutdowns?.filter(matches) ?? null;
    const known = [...snapshot.incidents, ...(snapshot.shutdowns ?? [])];
    const spelt = (value: string | null, field: 'discom' | 'subdivision') => (value ? (known.find((x) => sameText(x[field], value))?.[field] ?? value) : null);
    return { incidents, shutdowns, area: { discom: spelt(filter.discom, 'discom'), subdivision: spelt(filter.subdivision, 'subdivision') } };
}
