import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { Database } from '../data/Database';
import { isUniqueViolation } from '../data/isUniqueViolation';
import { AccountLink } from '../data/entities/AccountLink';
import { Bill } from '../data/entities/Bill';
import { Broadcast, BroadcastKind } from '../data/entities/Broadcast';
import type { AreaNotice } from '../services/PlannedShutdowns';
import { ChannelIdentity } from '../data/entities/ChannelIdentity';
import { Consumer } from '../data/entities/Consumer';
import { Official, OfficialLevel } from '../data/entities/Official';
import { OrgUnit, OrgUnitKind } from '../data/entities/OrgUnit';
import { OutboundMessage } from '../data/entities/OutboundMessage';
import { QueuedMessage, QueueStatus } from '../data/entities/QueuedMessage';
import { formatDate, formatRupees, maskDigits } from '../i18n/format';
import { Language, Translator, toLanguage } from '../i18n/Translator';
import { OfficialDirectory } from '../services/OfficialDirectory';
import { BroadcastError } from './BroadcastError';

/** What an official posts to an area. */
export interface AnnouncementInput {
    discom: string;
    /** The area: a subdivision, division, circle or zone of the discom. */
    unitKind: OrgUnitKind;
    unitName: string;
    /** 1–1000 characters, as the official wrote it. */
    text: string;
    /** The official's id; null when posted by an operator or a script. */
    createdBy: number | null;
    /** Names the form it came from: a second announcement with the same `submission` is not made; the first is returned. */
    submission?: string | null;
}

/** Progress and delivery of one broadcast, for the console. */
export interface BroadcastReport {
    broadcastId: number;
    kind: BroadcastKind;
    /** Rows queued for it in all. */
    recipients: number;
    /** Waiting for their first send or for a retry. */
    queued: number;
    /** Claimed by a worker right now. */
    sending: number;
    /** Accepted by the platform. */
    sent: number;
    /** Given up: opted out, refused after every attempt, or no way to reach the user. */
    failed: number;
    /** The process stopped mid-send; never resent, because the message may have gone out. */
    unknown: number;
    /** Sent and confirmed delivered by the platform (read messages included). */
    delivered: number;
    /** Sent and confirmed read. */
    read: number;
    /** Sent, then reported failed or undeliverable by the platform's receipt. */
    deliveryFailed: number;
}

/** Settings of {@link BroadcastService}. */
export interface BroadcastServiceOptions {
    /** Recipients selected and queued per transaction (default 500), so SQLite is never held long. */
    batchSize?: number;
    /** Clock for the queued rows' first attempt time (tests). */
    now?: () => Date;
}

const MAX_TEXT = 1000;
const UNIT_KINDS: readonly OrgUnitKind[] = ['subdivision', 'division', 'circle', 'zone'];
// OfficialDirectory.scopeOf works from the level an official heads; this is the level heading each kind of area.
const LEVEL_OF_KIND: Record<OrgUnitKind, OfficialLevel> = { subdivision: 'JE', division: 'XEN', circle: 'SE', zone: 'CE' };
/** Bill reminders cover every discom; `unitName` then holds the run's day, which makes the run idempotent. */
const REMINDER_DISCOM = 'UPPCL';
const REMINDER_UNIT_KIND: OrgUnitKind = 'zone';
/** Serialises bill-reminder runs across PostgreSQL instances (an arbitrary constant key). */
const REMINDER_LOCK_KEY = 7_412_001;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** One identity to queue a message for, as read from the database. */
interface RecipientRow {
    id: number;
    channel: string;
    conversationRef: string;
    preferredLanguage: string | null;
}

/** A recipient's bill due on the reminder day. */
interface ReminderRow extends RecipientRow {
    accountNumber: string;
    amountPaise: number;
    arrearsPaise: number;
    dueDate: string;
}

/**
 * Area announcements and bill-due reminders: picks the consumers who asked for them (subscribed, not opted out,
 * reachable, with an account verified against its current registered mobile) and puts one message per person on the
 * persistent outbound queue, in their language. The {@link OutboundQueueWorker} sends them. The queue's unique key
 * on (broadcast, identity) means nobody is ever queued the same broadcast twice.
 */
export class BroadcastService {
    private readonly batchSize: number;
    private readonly now: () => Date;

    /** `directory` resolves areas to subdivisions (the same one the console uses for officials' scopes). */
    constructor(
        private readonly db: Database,
        private readonly translator: Translator,
        private readonly directory: OfficialDirectory = new OfficialDirectory(db),
        options: BroadcastServiceOptions = {}
    ) {
        this.batchSize = options.batchSize ?? 500;
        if (!Number.isInteger(this.batchSize) || this.batchSize < 1)
            throw new RangeError(`BroadcastService: batchSize must be a positive integer, got ${this.batchSize}`);
        this.now = options.now ?? (() => new Date());
    }

    /**
     * Validates an announcement, records it and queues it for every subscribed consumer linked to an account in the
     * area (each person once, however many of their accounts are there).
     * @returns the broadcast with its number of `recipients`.
     * @throws BroadcastError for empty or over-long text, an unknown kind of area, or an area with no subdivisions.
     */
    async createAnnouncement(input: AnnouncementInput): Promise<Broadcast> {
        const text = cleanText(input.text);
        const length = Array.from(text).length;
        if (length === 0) throw new BroadcastError('The announcement is empty: write the message to send.');
        if (length > MAX_TEXT) throw new BroadcastError(`The announcement has ${length} characters; at most ${MAX_TEXT} are allowed.`);
        if (!UNIT_KINDS.includes(input.unitKind)) throw new BroadcastError(`Unknown kind of area "${input.unitKind}": use ${UNIT_KINDS.join(', ')}.`);
        const discom = input.discom.trim();
        const unitName = input.unitName.trim();
        if (discom === '' || unitName === '') throw new BroadcastError('Choose the area: its discom and the name of the unit are both needed.');
        if (input.createdBy !== null && !Number.isSafeInteger(input.createdBy))
            throw new BroadcastError(`createdBy must be an official's id or null, got ${input.createdBy}`);
        const subdivisions = await this.subdivisionsOf(discom, input.unitKind, unitName);
        if (subdivisions.length === 0) throw new BroadcastError(`There is no ${input.unitKind} "${unitName}" in ${discom}, or it has no subdivisions.`);

        const submission = input.submission ?? null;
        let broadcast: Broadcast;
        try {
            broadcast = await this.db.run((m) =>
                m.getRepository(Broadcast).save(
                    m.getRepository(Broadcast).create({
                        kind: 'announcement',
                        discom,
                        unitKind: input.unitKind,
                        unitName,
                        text,
                        createdBy: input.createdBy,
                        submission,
                        recipients: 0,
                    })
                )
            );
        } catch (error) {
            // Posted before (a double click, a reload, the same form reaching another instance): that one stands.
            if (submission === null || !isUniqueViolation(error)) throw error;
            return this.db.run((m) => m.getRepository(Broadcast).findOneByOrFail({ submission }));
        }
        const texts: Partial<Record<Language, string>> = {};
        const textFor = (language: Language) =>
            (texts[language] ??= [
                this.translator.forLanguage(language)('broadcast:announcement', { area: unitName, discom, text }),
                this.translator.forLanguage(language)('broadcast:footer'),
            ].join('\n\n'));
        await this.queueToArea(broadcast.id, { discom, subdivisions, feederCode: null }, textFor);
        return this.finish(broadcast);
    }

    /**
     * Queues a notice the system writes (a planned shutdown's) for the subscribed consumers of one subdivision, or of
     * one feeder of it: consumers on that feeder and those whose feeder is not known, never those known to be on
     * another. `submission` names the notice: a second call with it (another instance, a pass interrupted halfway)
     * queues only whoever is still missing, so nobody is ever queued the same notice twice.
     * @param textFor the message in a recipient's language (the footer is added).
     * @throws BroadcastError when the subdivision is not known from the hierarchy or a consumer record.
     */
    async queueAreaNotice(input: AreaNotice): Promise<Broadcast> {
        const { discom, subdivision, feederCode, submission } = input;
        if ((await this.subdivisionsOf(discom, 'subdivision', subdivision)).length === 0) {
            throw new BroadcastError(`There is no subdivision "${subdivision}" in ${discom}.`);
        }
        const find = () => this.db.run((m) => m.getRepository(Broadcast).findOneBy({ submission }));
        const create = () =>
            this.db.run((m) =>
                m.getRepository(Broadcast).save(
                    m.getRepository(Broadcast).create({
                        kind: input.kind,
                        discom,
                        unitKind: 'subdivision',
                        unitName: subdivision,
                        text: input.summary.slice(0, MAX_TEXT),
                        createdBy: null,
                        submission,
                        recipients: 0,
                    })
                )
            );
        // Two instances creating it at once: the unique submission keeps one, and the other queues into that one.
        const broadcast =
            (await find()) ??
            (await create().catch(async (error: unknown) => {
                if (!isUniqueViolation(error)) throw error;
                return (await find())!;
            }));
        const texts: Partial<Record<Language, string>> = {};
        const textFor = (language: Language) =>
            (texts[language] ??= [input.textFor(language), this.translator.forLanguage(language)('broadcast:footer')].join('\n\n'));
        await this.queueToArea(broadcast.id, { discom, subdivisions: [subdivision], feederCode }, textFor);
        return this.finish(broadcast);
    }

    /**
     * Queues today's bill reminders: one message per subscribed person linked to accounts whose latest unpaid bill
     * is due exactly `daysBefore` days after `today`, listing each such account with the total payable. One
     * broadcast per day: running it again the same day (another instance, a restart halfway) only adds whoever is
     * missing, never a second reminder.
     * @param today the day of the run, `YYYY-MM-DD` (Indian calendar day; bills' due dates are calendar days).
     * @throws BroadcastError for a malformed date or a negative number of days.
     */
    async queueBillReminders(today: string, daysBefore: number): Promise<Broadcast> {
        if (
            !ISO_DATE.test(today) ||
            Number.isNaN(new Date(`${today}T00:00:00Z`).getTime()) ||
            new Date(`${today}T00:00:00Z`).toISOString().slice(0, 10) !== today
        ) {
            throw new BroadcastError(`The reminder day must be a date as YYYY-MM-DD, got "${today}".`);
        }
        if (!Number.isInteger(daysBefore) || daysBefore < 0 || daysBefore > 60) {
            throw new BroadcastError(`Days before the due date must be a whole number from 0 to 60, got ${daysBefore}.`);
        }
        const dueDate = addDays(today, daysBefore);
        const broadcast = await this.db.transaction(async (m) => {
            // Without it two instances could both find no run for today and each create one.
            if (this.db.isPostgres) await m.query('SELECT pg_advisory_xact_lock($1)', [REMINDER_LOCK_KEY]);
            const repository = m.getRepository(Broadcast);
            const existing = await repository.findOneBy({ kind: 'bill_reminder', unitName: today });
            return (
                existing ??
                repository.save(
                    repository.create({
                        kind: 'bill_reminder',
                        discom: REMINDER_DISCOM,
                        unitKind: REMINDER_UNIT_KIND,
                        unitName: today,
                        text: `Bill reminders for bills due on ${dueDate} (${daysBefore} days ahead)`,
                        createdBy: null,
                        recipients: 0,
                    })
                )
            );
        });

        let after = 0;
        for (;;) {
            const last = await this.db.transaction(async (m) => {
                // Page by person first, so all of one person's accounts land in the same message.
                const ids = (
                    await this.dueBills(m, dueDate)
                        .select('i.id', 'id')
                        .distinct(true)
                        .andWhere('i.id > :after', { after })
                        .orderBy('i.id', 'ASC')
                        .limit(this.batchSize)
                        .getRawMany<{ id: number }>()
                ).map((row) => Number(row.id));
                if (ids.length === 0) return null;
                const rows = await this.dueBills(m, dueDate)
                    .addSelect('c.accountNumber', 'accountNumber')
                    .addSelect('b.amountPaise', 'amountPaise')
                    .addSelect('b.arrearsPaise', 'arrearsPaise')
                    .addSelect('b.dueDate', 'dueDate')
                    .andWhere('i.id IN (:...ids)', { ids })
                    .orderBy('i.id', 'ASC')
                    .addOrderBy('c.accountNumber', 'ASC')
                    .getRawMany<ReminderRow>();
                const byIdentity = new Map<number, ReminderRow[]>();
                for (const row of rows) {
                    const list = byIdentity.get(Number(row.id)) ?? [];
                    // Linked twice to the same account is impossible (unique key), but a repeat line would look broken.
                    if (!list.some((r) => r.accountNumber === row.accountNumber)) list.push(row);
                    byIdentity.set(Number(row.id), list);
                }
                await this.enqueue(
                    m,
                    broadcast.id,
                    [...byIdentity.values()].map((bills) => ({ row: bills[0], text: this.reminderText(bills) }))
                );
                return ids.length < this.batchSize ? null : ids[ids.length - 1];
            });
            if (last === null) break;
            after = last;
        }
        return this.finish(broadcast);
    }

    /**
     * Counts of a broadcast's queue rows by status, and of its sent messages by what the platform's receipts said.
     * @throws BroadcastError when there is no such broadcast.
     */
    async report(broadcastId: number): Promise<BroadcastReport> {
        return this.db.run(async (m) => {
            const broadcast = await m.getRepository(Broadcast).findOneBy({ id: broadcastId });
            if (!broadcast) throw new BroadcastError(`There is no broadcast ${broadcastId}.`);
            const report: BroadcastReport = {
                broadcastId,
                kind: broadcast.kind,
                recipients: 0,
                queued: 0,
                sending: 0,
                sent: 0,
                failed: 0,
                unknown: 0,
                delivered: 0,
                read: 0,
                deliveryFailed: 0,
            };
            const byStatus = await m
                .createQueryBuilder(QueuedMessage, 'q')
                .select('q.status', 'status')
                .addSelect('COUNT(*)', 'count')
                .where('q.broadcastId = :broadcastId', { broadcastId })
                .groupBy('q.status')
                .getRawMany<{ status: QueueStatus; count: string | number }>();
            for (const { status, count } of byStatus) {
                report[status] = Number(count);
                report.recipients += Number(count);
            }
            const receipts = await m
                .createQueryBuilder(QueuedMessage, 'q')
                .innerJoin(OutboundMessage, 'o', 'o.channel = q.channel AND o.platformMessageId = q.platformMessageId')
                .select('o.status', 'status')
                .addSelect('COUNT(DISTINCT q.id)', 'count')
                .where('q.broadcastId = :broadcastId AND q.status = :sent', { broadcastId, sent: 'sent' })
                .groupBy('o.status')
                .getRawMany<{ status: string; count: string | number }>();
            for (const { status, count } of receipts) {
                if (status === 'delivered' || status === 'read') report.delivered += Number(count);
                if (status === 'read') report.read += Number(count);
                if (status === 'failed' || status === 'undeliverable') report.deliveryFailed += Number(count);
            }
            return report;
        });
    }

    /**
     * Queues `broadcastId` for every eligible identity linked to an account in the area (each person once, however
     * many of their accounts are there), a page per transaction. With `feederCode`, accounts known to be on another
     * feeder are left out.
     */
    private async queueToArea(
        broadcastId: number,
        area: { discom: string; subdivisions: string[]; feederCode: string | null },
        textFor: (language: Language) => string
    ): Promise<void> {
        const { discom, subdivisions, feederCode } = area;
        let after = 0;
        for (;;) {
            const page = await this.db.transaction(async (m) => {
                let query = this.eligible(m)
                    .innerJoin(Consumer, 'c', 'c.accountNumber = l.accountNumber AND c.registeredMobile = l.verifiedMobile')
                    .andWhere('c.discom = :discom AND c.subdivision IN (:...subdivisions)', { discom, subdivisions });
                if (feederCode !== null) query = query.andWhere('(c.feederCode = :feederCode OR c.feederCode IS NULL)', { feederCode });
                const rows = await query.andWhere('i.id > :after', { after }).orderBy('i.id', 'ASC').limit(this.batchSize).getRawMany<RecipientRow>();
                // An identity linked to two accounts of the area comes twice, side by side: keep one.
                const unique = rows.filter((row, index) => index === 0 || Number(rows[index - 1].id) !== Number(row.id));
                await this.enqueue(
                    m,
                    broadcastId,
                    unique.map((row) => ({ row, text: textFor(languageOf(row)) }))
                );
                return rows;
            });
            if (page.length === 0) break;
            after = Number(page[page.length - 1].id);
            if (page.length < this.batchSize) break;
        }
    }

    /** The subdivisions of the area; a subdivision must be known from the hierarchy or a consumer record. */
    private async subdivisionsOf(discom: string, kind: OrgUnitKind, unitName: string): Promise<string[]> {
        if (kind === 'subdivision') {
            const known = await this.db.run(
                async (m) =>
                    (await m.getRepository(OrgUnit).existsBy({ discom, kind, name: unitName })) ||
                    m.getRepository(Consumer).existsBy({ discom, subdivision: unitName })
            );
            return known ? [unitName] : [];
        }
        // The directory resolves areas for officials; a stand-in official of the level that heads this kind of unit
        // gets exactly the subdivisions its console scope shows, so broadcasts and the console agree.
        const head = { discom, level: LEVEL_OF_KIND[kind], unitName } as Official;
        return this.directory.scopeOf(head).subdivisions();
    }

    /** Identities that may get broadcasts, joined to their verified links (`l`). */
    private eligible(m: EntityManager): SelectQueryBuilder<ChannelIdentity> {
        return m
            .createQueryBuilder(ChannelIdentity, 'i')
            .select('i.id', 'id')
            .addSelect('i.channel', 'channel')
            .addSelect('i.conversationRef', 'conversationRef')
            .addSelect('i.preferredLanguage', 'preferredLanguage')
            .innerJoin(AccountLink, 'l', 'l.identityId = i.id')
            .where('i.subscribed = :yes AND i.updatesOptOut = :no AND i.conversationRef IS NOT NULL', { yes: true, no: false });
    }

    /** Eligible identities with an account whose latest unpaid bill is due on `dueDate` (`c`, `b`). */
    private dueBills(m: EntityManager, dueDate: string): SelectQueryBuilder<ChannelIdentity> {
        return this.eligible(m)
            .innerJoin(Consumer, 'c', 'c.accountNumber = l.accountNumber AND c.registeredMobile = l.verifiedMobile')
            .innerJoin(Bill, 'b', 'b.accountNumber = c.accountNumber')
            .andWhere('b.paid = :unpaid AND b.dueDate = :dueDate', { unpaid: false, dueDate })
            .andWhere(
                (qb) =>
                    `b.billMonth = ${qb
                        .subQuery()
                        .select('MAX(b2.billMonth)')
                        .from(Bill, 'b2')
                        .where('b2.accountNumber = b.accountNumber AND b2.paid = :unpaid')
                        .getQuery()}`
            );
    }

    private reminderText(bills: ReminderRow[]): string {
        const language = languageOf(bills[0]);
        const t = this.translator.forLanguage(language);
        const lines = bills.map((bill) =>
            t('broadcast:billReminder', {
                // Masked: the text may show on a locked phone's screen.
                account: maskDigits(bill.accountNumber),
                dueDate: formatDate(bill.dueDate, language),
                total: formatRupees(Number(bill.amountPaise) + Number(bill.arrearsPaise), language),
            })
        );
        return [...lines, t('broadcast:footer')].join('\n\n');
    }

    private async enqueue(m: EntityManager, broadcastId: number, items: Array<{ row: RecipientRow; text: string }>): Promise<void> {
        if (items.length === 0) return;
        const nextAttemptAt = this.now();
        // orIgnore: a rerun of the same broadcast (reminders) skips whoever is already queued, by the unique key.
        await m
            .createQueryBuilder()
            .insert()
            .into(QueuedMessage)
            .values(
                items.map(({ row, text }) => ({
                    broadcastId,
                    identityId: Number(row.id),
                    channel: row.channel,
                    conversationRef: row.conversationRef,
                    text,
                    status: 'queued' as const,
                    attempts: 0,
                    nextAttemptAt,
                    lastError: null,
                    platformMessageId: null,
                }))
            )
            .orIgnore()
            .execute();
    }

    /** Stores and returns the broadcast with the number of rows queued for it. */
    private async finish(broadcast: Broadcast): Promise<Broadcast> {
        return this.db.run(async (m) => {
            broadcast.recipients = await m.getRepository(QueuedMessage).countBy({ broadcastId: broadcast.id });
            await m.getRepository(Broadcast).update({ id: broadcast.id }, { recipients: broadcast.recipients });
            return broadcast;
        });
    }
}

function languageOf(row: RecipientRow): Language {
    // Hindi by default, as elsewhere: most consumers who never chose a language wrote in Hindi.
    return toLanguage(row.preferredLanguage) ?? 'hi';
}

/** Trims and drops control characters other than line breaks and tabs, which some channels reject. */
function cleanText(text: string): string {
    return text
        .replace(/\r\n?/g, '\n')
        .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '')
        .trim();
}

/** `YYYY-MM-DD` plus `days`, in UTC so that the host's time zone never shifts a date. */
function addDays(isoDate: string, days: number): string {
    const date = new Date(`${isoDate}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() + days);
    return date.toISOString().slice(0, 10);
}
