import { Router } from 'express';
import { ClaimDecision, ClaimError, CompensationClaimService } from '../services/CompensationClaimService';
import { ClaimRow, claimsPage } from './claimViews';
import { bodyOf, clean, ConsoleKit, SignedRequest } from './consoleKit';

/** Claims shown on the page at most. */
const CLAIMS_LIMIT = 500;

/** The compensation claims queue of the official's scope, the discom's report, and the decisions (SDO and above). */
export function mountClaimRoutes(router: Router, kit: ConsoleKit): void {
    const { app, now, queries, context, send, redirect, flash, notFound } = kit;
    const claims = app.services.claims;

    router.get('/claims', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const at = now();
        const inDiscom = await claims.listIn(signed.scope.discom, CLAIMS_LIMIT);
        const rows: ClaimRow[] = [];
        // The same rule as the complaint queue: a claim is seen by those who may see its complaint.
        for (const claim of inDiscom) {
            if (await queries.visibleComplaint(signed.scope, claim.ticket)) rows.push({ claim, overdue: claims.notDecidedInTime(claim, at) });
        }
        const report = await claims.report(signed.scope.discom, at);
        send(
            res,
            200,
            claimsPage(context(req, signed.session.language, signed), { rows, report, canDecide: CompensationClaimService.canDecide(signed.official) })
        );
    });

    router.post('/claims/:id/decide', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const id = /^\d{1,9}$/.test(String(req.params.id)) ? Number(req.params.id) : NaN;
        const claim = Number.isNaN(id) ? null : (await claims.listIn(signed.scope.discom, CLAIMS_LIMIT)).find((c) => c.id === id);
        if (!claim || !(await queries.visibleComplaint(signed.scope, claim.ticket))) return notFound(req, res, signed);
        const body = bodyOf(req);
        let decision: ClaimDecision | null = null;
        const amount = /^[0-9]{1,7}$/.test(clean(body.amount, 7)) ? { amountInr: Number(clean(body.amount, 7)) } : {};
        if (body.action === 'approve') decision = { action: 'approve', ...amount };
        if (body.action === 'credit') decision = { action: 'credit', billMonth: clean(body.billMonth, 7), ...amount };
        if (body.action === 'refuse') decision = { action: 'refuse', reason: clean(body.reason, 500) };
        try {
            if (!decision) throw new ClaimError('action', 'unknown action');
            await claims.decide(claim.id, signed.official, decision);
            flash(signed, 'ok', `console:claims.flash.${decision.action}`, { ticket: claim.ticket });
        } catch (error) {
            if (!(error instanceof ClaimError)) throw error;
            flash(signed, 'error', `console:claims.flash.error.${error.code}`, { ticket: claim.ticket });
            app.logger.info('console claim decision refused', { official: signed.official.id, ticket: claim.ticket, reason: error.message });
        }
        redirect(res, '/console/claims');
    });
}
