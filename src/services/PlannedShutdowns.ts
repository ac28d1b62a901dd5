import { EntityManager, IsNull } from 'typeorm';
import { CsvImporter, ImportReport, ShutdownRow } from '../data/CsvImporter';
import { Database } from '../data/Database';
import { Consumer } from '../data/entities/Consumer';
import type { BroadcastKind } from '../data/entities/Broadcast';
import { OrgUnit } from '../data/entities/OrgUnit';
import { PlannedShutdown } from '../data/entities/PlannedShutdown';
import { formatDateTime } from '../i18n/format';
import { Language, Translator } from '../i18n/Translator';
import { OfficialDirectory } from './OfficialDirectory';
import { ReferenceNumbers } from './ReferenceNumbers';

const HOUR = 3_600_000;
/** Longest shutdown accepted: a longer one is several days' work, entered day by day. */
export const MAX_SHUTDOWN_HOURS = 24;
const MAX_REASON = 200;
/** A start this far in the past is still accepted: the form has minutes, and an official may enter one as it begins. */
const START_GRACE_MS = 5 * 60_000;
/** How far ahead the public list reaches. */
const PUBLIC_DAYS = 7;
/** Feeder codes as the consumer import stores them (see CsvImporter's `feeder_code`). */
const FEEDER_CODE = /^[A-Z0-9][A-Z0-9/_.-]{0,29}$/;

/** Where a consumer is supplied, for matching shutdowns: a shutdown of another feeder misses only a known other feeder. */
export interface ShutdownArea {
    discom: string;
    subdivision: string;
    /** The consumer's feeder, or null when not known (then every shutdown of the subdivision covers them). */
    feederCode: string | null;
}

/** A shutdown as an official enters it. */
export interface PlannedShutdownInput {
    discom: string;
    subdivision: string;
    /** Empty or null: the whole subdivision. */
    feederCode?: string | null;
    startsAt: Date;
    endsAt: Date;
    reason: string;
}

/** A shutdown as the public may see it: the area and the schedule, nothing of who entered it. */
export interface PublicShutdown {
    reference: string;
    discom: string;
    subdivision: string;
    feederCode: string | null;
    startsAt: Date;
    endsAt: Date;
    reason: string;
    /** Under way at the time asked for. */
    current: boolean;
}

/** Why a shutdown was refused: the console shows its own text for each code. */
export type PlannedShutdownProblem =
    | 'badTime'
    | 'endBeforeStart'
    | 'tooLong'
    | 'inPast'
    | 'reasonRequired'
    | 'reasonTooLong'
    | 'badFeeder'
    | 'unknownSubdivision'
    | 'outOfScope'
    | 'duplicate'
    | 'notFound'
    | 'alreadyCancelled'
    | 'over';

/** A shutdown refused or an action not allowed, with a clear English message and a `code` for translated text. */
export class PlannedShutdownError extends Error {
    constructor(
        readonly code: PlannedShutdownProblem,
        message: string
    ) {
        super(message);
        this.name = 'PlannedShutdownError';
    }
}

/** Settings of {@link PlannedShutdowns}. */
export interface PlannedShutdownOptions {
    /** A shutdown starting within this many hours gets its notice (SHUTDOWN_NOTICE_HOURS, default 36). */
    noticeHours: number;
}

/**
 * Where shutdown notices go out (the broadcast service, given by the composition root): queued once per submission
 * key to the subscribed consumers of an area, in each one's language.
 */
export interface AreaNoticeQueue {
    queueAreaNotice(input: AreaNotice): Promise<{ recipients: number }>;
}

/** One notice to the subscribed consumers of an area (a subdivision, or one feeder of it). */
export interface AreaNotice {
    kind: BroadcastKind;
    discom: string;
    subdivision: string;
    feederCode: string | null;
    /** What the console shows for it (English). */
    summary: string;
    /** Queued once per submission key, however often it is asked for. */
    submission: string;
    textFor: (language: Language) => string;
}

/**
 * Planned shutdowns of a subdivision or one of its feeders: officials enter and cancel them in the console (within
 * their scope) or import them from CSV; subscribed consumers of the area are told the day before through the broadcast
 * queue; the conversation answers "will the power go tomorrow?" and no-supply reports from them, and the public
 * status page lists them. Time comes from `now`, or the `now` given to a call.
 */
export class PlannedShutdowns {
    private readonly references: ReferenceNumbers;

    constructor(
        private readonly db: Database,
        private readonly directory: OfficialDirectory,
        private readonly broadcasts: AreaNoticeQueue,
        private readonly translator: Translator,
        private readonly options: PlannedShutdownOptions,
        private readonly now: () => Date = () => new Date()
    ) {
        this.references = new ReferenceNumbers(db, now);
    }

    /**
     * Records a shutdown an official enters.
     * @throws PlannedShutdownError when the times are wrong (end not after start, longer than 24 hours, already
     * begun), the reason is empty or too long, the feeder code is malformed, the subdivision is unknown or outside the
     * official's scope (or the official is inactive), or the same shutdown is already there.
     */
    async create(input: PlannedShutdownInput, officialId: number): Promise<PlannedShutdown> {
        const row = this.checked(input);
        await this.checkScope(officialId, row);
        if (!(await this.subdivisionKnown(row.discom, row.subdivision)))
            throw new PlannedShutdownError('unknownSubdivision', `There is no subdivision "${row.subdivision}" in ${row.discom}.`);
        const existing = await this.db.run((m) => this.sameShutdown(m, row));
        if (existing) throw new PlannedShutdownError('duplicate', `This shutdown is already entered as ${existing.reference}.`);
        return this.insert(row, officialId);
    }

    /**
     * Cancels a shutdown not yet over. Consumers already told of it are told it is cancelled.
     * @throws PlannedShutdownError when there is no such shutdown, it is outside the official's scope, already
     * cancelled, or over.
     */
    async cancel(id: number, officialId: number): Promise<PlannedShutdown> {
        const shutdown = Number.isSafeInteger(id) ? await this.db.run((m) => m.getRepository(PlannedShutdown).findOneBy({ id })) : null;
        if (!shutdown) throw new PlannedShutdownError('notFound', `There is no planned shutdown ${id}.`);
        await this.checkScope(officialId, shutdown);
        if (shutdown.cancelledAt) throw new PlannedShutdownError('alreadyCancelled', `Shutdown ${shutdown.reference} is already cancelled.`);
        const now = this.now();
        if (shutdown.endsAt <= now) throw new PlannedShutdownError('over', `Shutdown ${shutdown.reference} is already over.`);
        // Compare-and-set: of two cancellations at once, one wins and the other is told it was already done.
        const result = await this.db.run((m) =>
            m.getRepository(PlannedShutdown).update({ id, cancelledAt: IsNull() }, { cancelledAt: now, cancelledBy: officialId })
        );
        if (!result.affected) throw new PlannedShutdownError('alreadyCancelled', `Shutdown ${shutdown.reference} is already cancelled.`);
        const cancelled = { ...shutdown, cancelledAt: now, cancelledBy: officialId };
        if (shutdown.noticeQueuedAt) await this.queueNotice(cancelled, 'cancelled');
        return cancelled;
    }

    /**
     * Imports shutdowns from CSV (columns discom, subdivision, feeder_code (optional), starts_at, ends_at, reason;
     * times ISO or `2026-12-08 10:00` India time). A line with any problem is rejected with its reasons; a shutdown
     * already there (same area, start and end, cancelled ones too) is not added again, so a re-run adds nothing twice.
     */
    async importCsv(file: string): Promise<ImportReport> {
        let skipped = 0;
        const accepted: ShutdownRow[] = [];
        // The importer holds its transaction only to read; rows are added after, each with its reference.
        const report = await new CsvImporter(this.db.dataSource).importShutdowns(file, async (manager, batch) => {
            const rejected: Array<{ line: number; reason: string }> = [];
            const now = this.now();
            for (const { line, value } of batch) {
                const problem = windowProblem(value.startsAt, value.endsAt, now);
                if (problem) rejected.push({ line, reason: problem.message });
                else if (!(await subdivisionKnownIn(manager, value.discom, value.subdivision)))
                    rejected.push({ line, reason: `subdivision "${value.subdivision}" is not known in ${value.discom} (import it with "import org-units")` });
                else if (await this.sameShutdown(manager, value, true)) skipped++;
                else accepted.push(value);
            }
            return rejected;
        });
        for (const row of accepted) await this.insert(row, null);
        report.imported -= skipped;
        report.skipped = skipped;
        return report;
    }

    /** The shutdown under way for `area` at `now`, if any (the one ending last when several overlap). */
    async coveringNow(area: ShutdownArea, now: Date = this.now()): Promise<PlannedShutdown | null> {
        const rows = await this.active(area, now, now);
        const current = rows.filter((s) => s.startsAt <= now);
        return current.sort((a, b) => b.endsAt.getTime() - a.endsAt.getTime())[0] ?? null;
    }

    /** Shutdowns for `area` under way or starting within `withinHours`, soonest first. */
    async upcomingFor(area: ShutdownArea, withinHours: number, now: Date = this.now()): Promise<PlannedShutdown[]> {
        return this.active(area, now, new Date(now.getTime() + withinHours * HOUR));
    }

    /** Shutdowns under way or starting in the next 7 days, area-level only, for the public status page. */
    async listPublic(now: Date = this.now()): Promise<PublicShutdown[]> {
        const rows = await this.db.run((m) =>
            m
                .getRepository(PlannedShutdown)
                .createQueryBuilder('s')
                .where('s.cancelledAt IS NULL AND s.endsAt > :now AND s.startsAt <= :until', { now, until: new Date(now.getTime() + PUBLIC_DAYS * 24 * HOUR) })
                .orderBy('s.startsAt', 'ASC')
                .addOrderBy('s.id', 'ASC')
                .getMany()
        );
        return rows.map((s) => ({
            reference: s.reference,
            discom: s.discom,
            subdivision: s.subdivision,
            feederCode: s.feederCode,
            startsAt: s.startsAt,
            endsAt: s.endsAt,
            reason: s.reason,
            current: s.startsAt <= now,
        }));
    }

    /** Shutdowns not yet over in the subdivisions of `scope` (cancelled ones too, marked), soonest first, for the console. */
    async listForScope(scope: { discom: string; subdivisions: string[] }, now: Date = this.now()): Promise<PlannedShutdown[]> {
        if (scope.subdivisions.length === 0) return [];
        return this.db.run((m) =>
            m
                .getRepository(PlannedShutdown)
                .createQueryBuilder('s')
                .where('s.discom = :discom AND s.subdivision IN (:...subdivisions) AND s.endsAt > :now', { ...scope, now })
                .orderBy('s.startsAt', 'ASC')
                .addOrderBy('s.id', 'ASC')
                .take(500)
                .getMany()
        );
    }

    /**
     * Queues the day-before notice of every shutdown starting within the notice hours whose notice is not yet queued,
     * to the subscribed consumers of its area. Each shutdown's notice is one broadcast named after it, and the queue
     * keeps one row per broadcast and person, so two instances passing at once (or a pass interrupted halfway and run
     * again) never queue anyone twice; `noticeQueuedAt` is then set by compare-and-set.
     */
    async queueDayBeforeNotices(now: Date = this.now()): Promise<{ notices: number; recipients: number }> {
        const due = await this.db.run((m) =>
            m
                .getRepository(PlannedShutdown)
                .createQueryBuilder('s')
                .where('s.noticeQueuedAt IS NULL AND s.cancelledAt IS NULL')
                .andWhere('s.startsAt > :now AND s.startsAt <= :until', { now, until: new Date(now.getTime() + this.options.noticeHours * HOUR) })
                .orderBy('s.startsAt', 'ASC')
                .getMany()
        );
        let notices = 0;
        let recipients = 0;
        for (const shutdown of due) {
            const broadcast = await this.queueNotice(shutdown, 'notice');
            const marked = await this.db.run((m) =>
                m.getRepository(PlannedShutdown).update({ id: shutdown.id, noticeQueuedAt: IsNull() }, { noticeQueuedAt: now })
            );
            if (marked.affected) {
                notices++;
                recipients += broadcast.recipients;
            }
        }
        return { notices, recipients };
    }

    /** The area's words for people: the subdivision, and the feeder when only one is off. */
    areaText(shutdown: Pick<PlannedShutdown, 'subdivision' | 'feederCode'>, language: Language): string {
        const t = this.translator.forLanguage(language);
        return shutdown.feederCode
            ? t('shutdowns:area.feeder', { feeder: shutdown.feederCode, subdivision: shutdown.subdivision })
            : t('shutdowns:area.subdivision', { subdivision: shutdown.subdivision });
    }

    private async queueNotice(shutdown: PlannedShutdown, which: 'notice' | 'cancelled') {
        return this.broadcasts.queueAreaNotice({
            kind: 'planned_shutdown',
            discom: shutdown.discom,
            subdivision: shutdown.subdivision,
            feederCode: shutdown.feederCode,
            summary: `${which === 'notice' ? 'Planned shutdown' : 'Cancelled: planned shutdown'} ${shutdown.reference}: ${shutdown.reason}`,
            submission: `shutdown-${which}:${shutdown.id}`,
            textFor: (language) =>
                this.translator.forLanguage(language)(`shutdowns:${which}`, {
                    area: this.areaText(shutdown, language),
                    start: formatDateTime(shutdown.startsAt, language),
                    end: formatDateTime(shutdown.endsAt, language),
                    reason: shutdown.reason,
                    reference: shutdown.reference,
                }),
        });
    }

    /** Not cancelled, covering `area`, not over at `from` and starting by `until`; soonest first. */
    private async active(area: ShutdownArea, from: Date, until: Date): Promise<PlannedShutdown[]> {
        // Every outage report asks this: one statement, straight to the driver. A consumer whose feeder is not known
        // may be on any feeder of the subdivision.
        return this.db.entities(
            PlannedShutdown,
            `SELECT * FROM "planned_shutdowns" WHERE "discom" = ? AND "subdivision" = ? AND "cancelledAt" IS NULL AND "endsAt" > ? AND "startsAt" <= ?
             ${area.feederCode ? 'AND ("feederCode" IS NULL OR "feederCode" = ?)' : ''} ORDER BY "startsAt" ASC, "id" ASC`,
            [area.discom, area.subdivision, from, until, ...(area.feederCode ? [area.feederCode] : [])]
        );
    }

    /** The input trimmed and checked for what needs no database. */
    private checked(input: PlannedShutdownInput): ShutdownRow {
        const reason = input.reason.replace(/\s+/g, ' ').trim();
        if (reason === '') throw new PlannedShutdownError('reasonRequired', 'Give the reason for the shutdown (consumers are told it).');
        if (reason.length > MAX_REASON)
            throw new PlannedShutdownError('reasonTooLong', `The reason has ${reason.length} characters; at most ${MAX_REASON} are allowed.`);
        const feederCode = (input.feederCode ?? '').trim().toUpperCase() || null;
        if (feederCode !== null && !FEEDER_CODE.test(feederCode))
            throw new PlannedShutdownError(
                'badFeeder',
                'A feeder code is up to 30 letters, digits, "-", "/", "_" or "." (leave it empty for the whole subdivision).'
            );
        const problem = windowProblem(input.startsAt, input.endsAt, this.now());
        if (problem) throw problem;
        return { discom: input.discom.trim(), subdivision: input.subdivision.trim(), feederCode, startsAt: input.startsAt, endsAt: input.endsAt, reason };
    }

    private async checkScope(officialId: number, area: { discom: string; subdivision: string }): Promise<void> {
        const official = await this.directory.findById(officialId);
        if (!official?.active || !(await this.directory.covers(official, area))) {
            throw new PlannedShutdownError('outOfScope', `Subdivision "${area.subdivision}" of ${area.discom} is outside your area.`);
        }
    }

    private subdivisionKnown(discom: string, subdivision: string): Promise<boolean> {
        return this.db.run((m) => subdivisionKnownIn(m, discom, subdivision));
    }

    /** The shutdown of the same area, start and end; cancelled ones count only when `includeCancelled`. */
    private sameShutdown(m: EntityManager, row: ShutdownRow, includeCancelled = false): Promise<PlannedShutdown | null> {
        return m.getRepository(PlannedShutdown).findOneBy({
            discom: row.discom,
            subdivision: row.subdivision,
            feederCode: row.feederCode ?? IsNull(),
            startsAt: row.startsAt,
            endsAt: row.endsAt,
            ...(includeCancelled ? {} : { cancelledAt: IsNull() }),
        });
    }

    private async insert(row: ShutdownRow, createdBy: number | null): Promise<PlannedShutdown> {
        const reference = await this.references.next('P');
        return this.db.run((m) => m.getRepository(PlannedShutdown).save(m.getRepository(PlannedShutdown).create({ ...row, reference, createdBy })));
    }
}

/** What is wrong with a shutdown's times at `now`, or null. */
function windowProblem(startsAt: Date, endsAt: Date, now: Date): PlannedShutdownError | null {
    if (Number.isNaN(startsAt.getTime()) || Number.isNaN(endsAt.getTime()))
        return new PlannedShutdownError('badTime', 'Give the start and the end as a date and time.');
    if (endsAt <= startsAt) return new PlannedShutdownError('endBeforeStart', 'The end must be after the start.');
    if (endsAt.getTime() - startsAt.getTime() > MAX_SHUTDOWN_HOURS * HOUR)
        return new PlannedShutdownError('tooLong', `A shutdown may last at most ${MAX_SHUTDOWN_HOURS} hours; enter a longer one day by day.`);
    if (startsAt.getTime() < now.getTime() - START_GRACE_MS) return new PlannedShutdownError('inPast', 'The start is in the past.');
    return null;
}

/** A subdivision is known from the hierarchy or from a consumer record, as for broadcasts. */
async function subdivisionKnownIn(m: EntityManager, discom: string, subdivision: string): Promise<boolean> {
    return (
        (await m.getRepository(OrgUnit).existsBy({ discom, kind: 'subdivision', name: subdivision })) ||
        m.getRepository(Consumer).existsBy({ discom, subdivision })
    );
}
