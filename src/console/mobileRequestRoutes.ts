import { Router } from 'express';
import { In } from 'typeorm';
import { MobileChangeRequest } from '../data/entities/MobileChangeRequest';
import { Official } from '../data/entities/Official';
import { MobileChangeError, MobileChangeService } from '../services/MobileChangeService';
import { bodyOf, clean, ConsoleKit, Signed, SignedRequest } from './consoleKit';
import { mobileRequestPage, mobileRequestsPage } from './mobileRequestViews';

/**
 * Mobile change requests of the official's area (the account's subdivision: its JE sees them, and everyone above),
 * each request's page, and the decision, which only SDO and above may take. Out of scope answers 404, as for
 * complaints; a JE's crafted POST is refused and changes nothing.
 */
export function mountMobileRequestRoutes(router: Router, kit: ConsoleKit): void {
    const { app, context, send, redirect, flash, notFound } = kit;
    const changes = app.services.mobileChanges;

    const visible = async (signed: Signed, reference: string): Promise<MobileChangeRequest | null> => {
        if (!/^M[0-9]{4}-[0-9]{4,6}$/.test(reference)) return null;
        const request = await changes.findByReference(reference);
        if (!request || request.discom !== signed.scope.discom || !signed.scope.subdivisions.includes(request.subdivision)) return null;
        return request;
    };

    router.get('/mobile-requests', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const requests = await changes.listIn(signed.scope.discom, signed.scope.subdivisions);
        send(
            res,
            200,
            mobileRequestsPage(context(req, signed.session.language, signed), { requests, canDecide: MobileChangeService.canDecide(signed.official) })
        );
    });

    router.get('/mobile-requests/:reference', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const request = await visible(signed, String(req.params.reference));
        if (!request) return notFound(req, res, signed);
        const canDecide = MobileChangeService.canDecide(signed.official);
        // The deciding official may need to call both numbers; everyone else sees them masked. Every showing is audited.
        const full = canDecide && request.status === 'pending';
        if (full) await changes.recordView(request, signed.official);
        const events = await changes.events(request.id);
        const ids = [...new Set(events.map((e) => e.officialId).filter((id): id is number => id !== null))];
        const officials = ids.length ? await app.db.run((m) => m.getRepository(Official).findBy({ id: In(ids) })) : [];
        const byId = new Map(officials.map((o) => [o.id, o]));
        send(
            res,
            200,
            mobileRequestPage(context(req, signed.session.language, signed), {
                request,
                full,
                canDecide,
                events: events.map((event) => ({ event, official: event.officialId === null ? null : (byId.get(event.officialId) ?? null) })),
            })
        );
    });

    router.post('/mobile-requests/:reference/decide', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const request = await visible(signed, String(req.params.reference));
        if (!request) return notFound(req, res, signed);
        const body = bodyOf(req);
        const reference = request.reference;
        try {
            if (body.action === 'approve') await changes.approve(request.id, signed.official);
            else if (body.action === 'refuse') await changes.refuse(request.id, signed.official, clean(body.reason, 500));
            else throw new MobileChangeError('state', 'unknown action');
            flash(signed, 'ok', `console:mobile.flash.${body.action}`, { reference });
        } catch (error) {
            if (!(error instanceof MobileChangeError)) throw error;
            flash(signed, 'error', `console:mobile.flash.error.${error.code}`, { reference });
            app.logger.info('console mobile decision refused', { official: signed.official.id, reference, reason: error.message });
        }
        redirect(res, `/console/mobile-requests/${encodeURIComponent(reference)}`);
    });
}
