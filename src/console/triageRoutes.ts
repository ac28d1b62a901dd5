import { Router } from 'express';
import { In, IsNull, Not } from 'typeorm';
import { Complaint } from '../data/entities/Complaint';
import { LifecycleError } from '../services/ComplaintLifecycle';
import { OPEN_STATUSES } from '../services/complaintStatuses';
import { OfficialDirectory } from '../services/OfficialDirectory';
import { bodyOf, ConsoleKit, SignedRequest } from './consoleKit';
import { triagePage, TriageRow } from './triageViews';

/** Complaints shown on the page at most. */
const TRIAGE_LIMIT = 500;

/**
 * The discom's triage desk (`/console/triage`): complaints nobody could own, and placing each with a JE of the
 * discom. Only triage officials and CEs of the discom may use it; a POST naming anyone outside the list, or a
 * complaint not on this discom's desk, is refused and changes nothing.
 */
export function mountTriageRoutes(router: Router, kit: ConsoleKit): void {
    const { app, context, send, redirect, flash, notFound } = kit;
    const directory = new OfficialDirectory(app.db);
    const districts = app.services.places.districts;

    router.get('/triage', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const { discom } = signed.scope;
        if (!directory.canTriage(signed.official, discom)) return notFound(req, res, signed);
        const complaints = await app.db.run((m) =>
            m.getRepository(Complaint).find({
                where: { discom, assignedOfficialId: IsNull(), triageDueAt: Not(IsNull()), status: In(OPEN_STATUSES) },
                order: { triageDueAt: 'ASC', id: 'ASC' },
                take: TRIAGE_LIMIT,
            })
        );
        const rows: TriageRow[] = complaints.map((complaint) => ({ complaint, district: districts.byIdOf(complaint.district) }));
        const engineers = await directory.subdivisionEngineers(discom);
        send(res, 200, triagePage(context(req, signed.session.language, signed), { discom, rows, engineers }));
    });

    router.post('/triage/:id/place', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        if (!directory.canTriage(signed.official, signed.scope.discom)) return notFound(req, res, signed);
        const id = /^\d{1,9}$/.test(String(req.params.id)) ? Number(req.params.id) : NaN;
        const complaint = Number.isNaN(id) ? null : await app.db.run((m) => m.getRepository(Complaint).findOneBy({ id }));
        // Another discom's complaint is as good as missing here.
        if (!complaint || complaint.discom !== signed.scope.discom) return notFound(req, res, signed);
        const je = String(bodyOf(req).je ?? '');
        try {
            if (!/^\d{1,9}$/.test(je)) throw new LifecycleError('no engineer chosen');
            const placed = await app.lifecycle.place(complaint.id, signed.official.id, Number(je));
            flash(signed, 'ok', 'console:triage.flash.placed', { ticket: placed.ticket });
        } catch (error) {
            if (!(error instanceof LifecycleError)) throw error;
            flash(signed, 'error', 'console:triage.flash.refused', { ticket: complaint.ticket });
            app.logger.info('console triage placing refused', { official: signed.official.id, ticket: complaint.ticket, reason: error.message });
        }
        redirect(res, '/console/triage');
    });
}
