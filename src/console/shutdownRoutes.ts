import { Response, Router } from 'express';
import { parseIndiaDateTime } from '../i18n/indiaTime';
import { PlannedShutdownError } from '../services/PlannedShutdowns';
import { bodyOf, clean, ConsoleKit, SignedRequest } from './consoleKit';
import { MAX_SHUTDOWN_REASON, ShutdownForm, shutdownsPage } from './shutdownViews';
import { messagePage } from './views';

const EMPTY_FORM: ShutdownForm = { subdivision: '', feederCode: '', startsAt: '', endsAt: '', reason: '', error: null };

/**
 * Planned shutdowns (`/console/shutdowns`): those of the official's subdivisions, adding one in a subdivision of the
 * scope, and cancelling. A POST naming a subdivision outside the scope is refused (403) and a shutdown outside it is
 * as good as missing (404); neither changes anything.
 */
export function mountShutdownRoutes(router: Router, kit: ConsoleKit): void {
    const { app, context, send, redirect, flash, notFound } = kit;

    const page = async (req: SignedRequest, res: Response, status: number, form: ShutdownForm) => {
        const signed = req.signed!;
        const { discom, subdivisions } = signed.scope;
        const shutdowns = await app.shutdowns.listForScope({ discom, subdivisions });
        const ctx = { ...context(req, signed.session.language, signed), path: '/console/shutdowns' };
        send(res, status, shutdownsPage(ctx, { discom, subdivisions, shutdowns, form }));
    };

    router.get('/shutdowns', async (req: SignedRequest, res) => {
        await page(req, res, 200, EMPTY_FORM);
    });

    router.post('/shutdowns', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const body = bodyOf(req);
        const form: ShutdownForm = {
            subdivision: clean(body.subdivision, 80),
            feederCode: clean(body.feederCode, 30),
            startsAt: clean(body.startsAt, 30),
            endsAt: clean(body.endsAt, 30),
            reason: clean(body.reason, 4 * MAX_SHUTDOWN_REASON),
            error: null,
        };
        // Checked here, whatever the form offered: a crafted POST cannot reach beyond the official's scope.
        if (!signed.scope.subdivisions.includes(form.subdivision)) {
            app.logger.warn('console shutdown outside the scope refused', { official: signed.official.id, subdivision: form.subdivision.slice(0, 80) });
            const ctx = context(req, signed.session.language, signed);
            return send(res, 403, messagePage(ctx, ctx.t('console:error.forbiddenTitle'), ctx.t('console:error.areaForbidden')));
        }
        const t = app.translator.forLanguage(signed.session.language);
        try {
            const startsAt = parseIndiaDateTime(form.startsAt);
            const endsAt = parseIndiaDateTime(form.endsAt);
            if (!startsAt || !endsAt) throw new PlannedShutdownError('badTime', 'Give the start and the end as a date and time.');
            const shutdown = await app.shutdowns.create(
                { discom: signed.scope.discom, subdivision: form.subdivision, feederCode: form.feederCode, startsAt, endsAt, reason: form.reason },
                signed.official.id
            );
            app.logger.info('console shutdown entered', { official: signed.official.id, reference: shutdown.reference });
            flash(signed, 'ok', 'console:shutdowns.flash.created', { reference: shutdown.reference });
            redirect(res, '/console/shutdowns');
        } catch (error) {
            if (!(error instanceof PlannedShutdownError)) throw error;
            app.logger.info('console shutdown refused', { official: signed.official.id, reason: error.message });
            await page(req, res, 422, { ...form, error: t(`console:shutdowns.errors.${error.code}`, { max: MAX_SHUTDOWN_REASON }) });
        }
    });

    router.post('/shutdowns/:id/cancel', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const id = /^\d{1,9}$/.test(String(req.params.id)) ? Number(req.params.id) : NaN;
        try {
            const cancelled = await app.shutdowns.cancel(id, signed.official.id);
            app.logger.info('console shutdown cancelled', { official: signed.official.id, reference: cancelled.reference });
            flash(signed, 'ok', 'console:shutdowns.flash.cancelled', { reference: cancelled.reference });
        } catch (error) {
            if (!(error instanceof PlannedShutdownError)) throw error;
            // Another area's shutdown is as good as missing here.
            if (error.code === 'notFound' || error.code === 'outOfScope') return notFound(req, res, signed);
            flash(signed, 'error', `console:shutdowns.errors.${error.code}`);
        }
        redirect(res, '/console/shutdowns');
    });
}
