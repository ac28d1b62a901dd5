import { complaintPhotos } from '../media/photoReferences';
import { Response, Router } from 'express';
import { In } from 'typeorm';
import { Official, OFFICIAL_LEVELS } from '../data/entities/Official';
import { LifecycleError } from '../services/ComplaintLifecycle';
import { ComplaintRow } from './ConsoleQueries';
import { ClosureQualityQueries, ClosureSort } from './ClosureQualityQueries';
import { dashboardPage, detailPage, megabytes, queuePage, statusLabel } from './views';
import { answerRateSection } from './liveChatViews';
import { bodyOf, clean, ConsoleKit, parseFilters, Signed, SignedRequest } from './consoleKit';

/** One action's work on a complaint in scope, with the request (the resolve form's photo). */
type ActionWork = (signed: Signed, row: ComplaintRow, body: Record<string, string>, req: SignedRequest) => Promise<void>;

/** Rows shown on the queue at most. */
const QUEUE_LIMIT = 500;
/** Notices shown on the queue at most. */
const NOTICES_LIMIT = 20;

/** Periods the dashboard's closure figures can cover, in days; the first is the default. */
export const CLOSURE_PERIODS = [30, 7, 90, 365];
const CLOSURE_SORTS: ClosureSort[] = ['worst', 'claimed', 'slowest', 'rating', 'name'];
/** Days the dashboard's answer rates look back. */
const ANSWER_RATE_DAYS = 30;

/** The complaint queue of the official's scope, complaint detail, the dashboard, and the actions on a complaint. */
export function mountComplaintRoutes(router: Router, kit: ConsoleKit): void {
    const { app, now, queries, context, send, redirect, flash, notFound } = kit;
    const closure = new ClosureQualityQueries(app.db);

    router.get('/', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const categories = app.services.categories.all.map((c) => c.id);
        const filters = parseFilters(req, categories, signed.scope);
        const [{ rows, truncated }, notices] = await Promise.all([
            queries.queue(signed.scope, filters, now(), QUEUE_LIMIT),
            queries.notices(signed.official, NOTICES_LIMIT),
        ]);
        const ctx = context(req, signed.session.language, signed);
        send(res, 200, queuePage(ctx, { scope: signed.scope, filters, categories, rows, truncated, limit: QUEUE_LIMIT, notices }));
    });

    router.get('/complaints/:ticket', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const row = await queries.visibleComplaint(signed.scope, String(req.params.ticket));
        if (!row) return notFound(req, res, signed);
        // The owner works the complaint in the field and may need to call: they see the full numbers, and that is recorded.
        const fieldView = row.complaint.assignedOfficialId === signed.official.id;
        if (fieldView) await queries.recordNumberView(row.complaint.id, signed.official, now());
        const [history, candidates, photos, views, repairPhotos] = await Promise.all([
            queries.history(row.complaint.id),
            queries.reassignCandidates(signed.scope, row),
            app.media.entries(row.complaint.channel, complaintPhotos(row.complaint.attachments)),
            queries.numberViews(row.complaint.id),
            app.repairPhotos.forComplaint(row.complaint.id),
        ]);
        const ctx = context(req, signed.session.language, signed);
        // Officials see who below them was shown the numbers; nobody audits their own level or above.
        const rank = (level: string) => OFFICIAL_LEVELS.indexOf(level as (typeof OFFICIAL_LEVELS)[number]);
        const numberViews = views.filter((v) => v.official !== null && rank(v.official.level) < rank(signed.official.level));
        send(res, 200, detailPage(ctx, { row, history, candidates, photos, fieldView, numberViews, repairPhotos, photoMaxBytes: app.repairPhotos.maxBytes }));
    });

    // An official's after-repair photo, for officials who may see the complaint (out of scope: 404).
    router.get('/complaints/:ticket/repair-photos/:id', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const row = await queries.visibleComplaint(signed.scope, String(req.params.ticket));
        const id = /^\d{1,9}$/.test(String(req.params.id)) ? Number(req.params.id) : -1;
        const photo = row && id > 0 ? await app.repairPhotos.read(row.complaint.id, id) : null;
        if (!photo) return notFound(req, res, signed);
        res.status(200).type(photo.contentType).set('Content-Disposition', 'inline').send(photo.bytes);
    });

    // A photo the consumer sent, for officials who may see the complaint (out of scope: 404, as for the complaint).
    router.get('/complaints/:ticket/photos/:index', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const row = await queries.visibleComplaint(signed.scope, String(req.params.ticket));
        const index = /^\d{1,2}$/.test(String(req.params.index)) ? Number(req.params.index) : -1;
        const reference = row ? complaintPhotos(row.complaint.attachments)[index] : undefined;
        const photo = row && reference ? await app.media.read(row.complaint.channel, reference) : null;
        if (!photo) return notFound(req, res, signed);
        res.status(200).type(photo.contentType).set('Content-Disposition', 'inline').send(photo.bytes);
    });

    router.get('/dashboard', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const days = CLOSURE_PERIODS.includes(Number(req.query.days)) ? Number(req.query.days) : CLOSURE_PERIODS[0];
        const sort = CLOSURE_SORTS.find((s) => s === req.query.sort) ?? 'worst';
        const [data, report] = await Promise.all([queries.dashboard(signed.scope, now()), closure.report(signed.scope, now(), days, sort)]);
        // Answer rates of the official and the JEs of their area (see README, "Live chat"), over the last 30 days.
        const { scope } = signed;
        const officials = await app.db.run((m) =>
            m.getRepository(Official).find({
                where: [
                    { id: signed.official.id },
                    ...(scope.subdivisions.length ? [{ discom: scope.discom, level: 'JE' as const, unitName: In(scope.subdivisions) }] : []),
                ],
                order: { id: 'ASC' },
            })
        );
        const rates = await app.liveChat.answerRates(
            officials.map((o) => o.id),
            new Date(now().getTime() - ANSWER_RATE_DAYS * 24 * 3600_000)
        );
        const ctx = context(req, signed.session.language, signed);
        const answers = answerRateSection(ctx, { rates, officials, days: ANSWER_RATE_DAYS, minutes: app.liveChat.policy.answerMinutes });
        send(res, 200, dashboardPage(ctx, data, { report, sort, periods: CLOSURE_PERIODS, sorts: CLOSURE_SORTS }, answers));
    });

    /** Runs one action on a complaint in scope; a complaint out of scope is 404, a LifecycleError a flash message. */
    const action = (work: ActionWork) => async (req: SignedRequest, res: Response) => {
        const signed = req.signed!;
        const row = await queries.visibleComplaint(signed.scope, String(req.params.ticket));
        if (!row) return notFound(req, res, signed);
        try {
            await work(signed, row, bodyOf(req), req);
        } catch (error) {
            if (!(error instanceof LifecycleError)) throw error;
            const current = await queries.visibleComplaint(signed.scope, row.complaint.ticket);
            const status = current?.complaint.status ?? row.complaint.status;
            flash(signed, 'error', 'console:flash.notAllowed', { status: statusLabel(app.translator.forLanguage(signed.session.language), status) });
            app.logger.info('console action refused', { official: signed.official.id, ticket: row.complaint.ticket, reason: error.message });
        }
        const still = await queries.visibleComplaint(signed.scope, row.complaint.ticket);
        if (still) return redirect(res, `/console/complaints/${encodeURIComponent(row.complaint.ticket)}`);
        flash(signed, 'ok', 'console:flash.movedOut', { ticket: row.complaint.ticket });
        redirect(res, '/console');
    };

    router.post(
        '/complaints/:ticket/acknowledge',
        action(async (signed, { complaint }, body) => {
            const note = clean(body.note);
            await app.lifecycle.acknowledge(complaint.id, signed.official.id, note || undefined);
            flash(signed, 'ok', 'console:flash.acknowledged', { ticket: complaint.ticket });
        })
    );

    router.post(
        '/complaints/:ticket/note',
        action(async (signed, { complaint }, body) => {
            const note = clean(body.note);
            if (!note) return flash(signed, 'error', 'console:flash.noteRequired');
            await app.lifecycle.addNote(complaint.id, signed.official.id, note);
            flash(signed, 'ok', 'console:flash.noteAdded', { ticket: complaint.ticket });
        })
    );

    // Resolving, with an optional after-repair photo (multipart; session, CSRF token and scope were checked before the
    // photo is looked at). A photo that is refused refuses the whole resolution: the official meant to send it.
    router.post(
        '/complaints/:ticket/resolve',
        action(async (signed, { complaint }, body, req) => {
            const size = megabytes(app.repairPhotos.maxBytes);
            if (req.uploadProblem === 'too_large') return flash(signed, 'error', 'console:flash.photoTooLarge', { size });
            if (req.uploadProblem) return flash(signed, 'error', 'console:flash.photoBadUpload');
            const note = clean(body.note);
            if (!note) return flash(signed, 'error', 'console:flash.resolveNoteRequired');
            const upload = req.file && req.file.size > 0 ? req.file.buffer : null;
            const refusal = upload ? app.repairPhotos.check(upload) : null;
            if (refusal === 'too_large') return flash(signed, 'error', 'console:flash.photoTooLarge', { size });
            if (refusal) return flash(signed, 'error', 'console:flash.photoNotImage');
            // Kept first, so the consumer's question can carry its address; taken back if the resolution is refused.
            const photo = upload ? await app.repairPhotos.attach(complaint.id, signed.official.id, upload) : null;
            try {
                const shown = photo?.publicUrl ? { url: photo.publicUrl, contentType: photo.contentType } : undefined;
                await app.lifecycle.resolve(complaint.id, signed.official.id, note, shown);
            } catch (error) {
                if (photo) await app.repairPhotos.discard(photo.id);
                throw error;
            }
            flash(signed, 'ok', photo ? 'console:flash.resolvedWithPhoto' : 'console:flash.resolved', { ticket: complaint.ticket });
        })
    );

    // The field re-check of a resolution the consumer did not confirm; it never closes the complaint.
    router.post(
        '/complaints/:ticket/recheck',
        action(async (signed, { complaint }, body) => {
            const note = clean(body.note);
            if (body.outcome !== 'fixed' && body.outcome !== 'not_fixed') return flash(signed, 'error', 'console:flash.recheckOutcomeRequired');
            if (!note) return flash(signed, 'error', 'console:flash.recheckNoteRequired');
            const fixed = body.outcome === 'fixed';
            await app.lifecycle.recordRecheck(complaint.id, signed.official.id, fixed, note);
            flash(signed, 'ok', fixed ? 'console:flash.rechecked' : 'console:flash.recheckReopened', { ticket: complaint.ticket });
        })
    );

    router.post(
        '/complaints/:ticket/reassign',
        action(async (signed, row, body) => {
            const targetId = /^\d{1,9}$/.test(body.officialId ?? '') ? Number(body.officialId) : NaN;
            const candidates = await queries.reassignCandidates(signed.scope, row);
            const target = candidates.find((o) => o.id === targetId);
            if (!target) return flash(signed, 'error', 'console:flash.badOfficial');
            await app.lifecycle.reassign(row.complaint.id, signed.official.id, target.id, clean(body.note, 400) || null);
            flash(signed, 'ok', 'console:flash.reassigned', { ticket: row.complaint.ticket, name: `${target.level} ${target.name}` });
        })
    );

    router.post(
        '/complaints/:ticket/escalate',
        action(async (signed, { complaint }, body) => {
            const reason = clean(body.reason, 400);
            if (!reason) return flash(signed, 'error', 'console:flash.reasonRequired');
            // The level the official saw: a second click (or a colleague's escalation meanwhile) does not climb again.
            const seen = /^\d{1,2}$/.test(body.level ?? '') ? Number(body.level) : complaint.escalationLevel;
            const moved = await app.lifecycle.escalate(complaint.id, { official: signed.official.id }, reason, seen);
            if (!moved) return flash(signed, 'error', 'console:flash.notEscalated');
            const level = OFFICIAL_LEVELS[seen + 1];
            flash(signed, 'ok', 'console:flash.escalated', { ticket: complaint.ticket, level });
        })
    );
}
