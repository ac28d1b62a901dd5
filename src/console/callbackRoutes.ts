import { Router } from 'express';
import { CALLBACK_OUTCOMES, CallbackOutcome, OPEN_CALLBACK_STATUSES } from '../services/CallbackLifecycle';
import { LifecycleError } from '../services/ComplaintLifecycle';
import { callbacksPage } from './callbackViews';
import { ConsoleCallbacks } from './ConsoleCallbacks';
import { bodyOf, clean, ConsoleKit, SignedRequest } from './consoleKit';

/** Callback requests of the official's scope, and recording an outcome (out of scope: 404, as for complaints). */
export function mountCallbackRoutes(router: Router, kit: ConsoleKit): void {
    const { app, context, send, redirect, flash, notFound } = kit;
    const callbacks = new ConsoleCallbacks(app.db);

    router.get('/callbacks', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const showAll = req.query.show === 'all';
        const rows = await callbacks.list(signed.scope, !showAll);
        send(res, 200, callbacksPage({ ...context(req, signed.session.language, signed), path: req.originalUrl }, { rows, showAll }));
    });

    router.post('/callbacks/:reference/outcome', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const row = await callbacks.visible(signed.scope, String(req.params.reference));
        if (!row) return notFound(req, res, signed);
        const body = bodyOf(req);
        const outcome = body.outcome as CallbackOutcome;
        const note = clean(body.note, 400);
        const reference = row.request.reference;
        if (!CALLBACK_OUTCOMES.includes(outcome)) flash(signed, 'error', 'console:flash.callbackOutcomeRequired');
        else if (!note) flash(signed, 'error', 'console:flash.callbackNoteRequired');
        else {
            try {
                await app.callbacks.recordOutcome(row.request.id, signed.official.id, outcome, note, clean(body.ticket, 20) || null);
                flash(signed, 'ok', 'console:flash.callbackRecorded', {
                    reference,
                    outcome: app.translator.forLanguage(signed.session.language)(`console:callbacks.outcomes.${outcome}`),
                });
            } catch (error) {
                if (!(error instanceof LifecycleError)) throw error;
                // Still open: the outcome itself was wrong (a converted call without a known ticket); else someone recorded one first.
                const still = await callbacks.visible(signed.scope, reference);
                const open = still !== null && OPEN_CALLBACK_STATUSES.includes(still.request.status);
                flash(signed, 'error', open ? 'console:flash.callbackBadTicket' : 'console:flash.callbackNotOpen', { reference });
                app.logger.info('console callback outcome refused', { official: signed.official.id, reference, reason: error.message });
            }
        }
        redirect(res, '/console/callbacks');
    });
}
