import { Request, Response, Router } from 'express';
import { In } from 'typeorm';
import { Complaint } from '../data/entities/Complaint';
import { ACTIVE_INCIDENT_STATUSES, Incident, IncidentStatus } from '../data/entities/Incident';
import { Official } from '../data/entities/Official';
import { IncidentError } from '../services/IncidentService';
import { bodyOf, clean, ConsoleKit, Signed, SignedRequest } from './consoleKit';
import { ConsoleScope } from './ConsoleQueries';
import { incidentPage, IncidentRow, incidentsPage, reliabilityPage } from './incidentViews';
import { parseIndiaDateTime } from '../i18n/indiaTime';
import { RELIABILITY_PERIODS, ReliabilityQueries } from './ReliabilityQueries';

/** Active incidents shown at most. */
const ACTIVE_LIMIT = 200;
/** Restored, verified and dismissed incidents shown below the active ones at most. */
const RECENT_LIMIT = 50;
const FINISHED_STATUSES: IncidentStatus[] = ['restored', 'verified', 'dismissed'];

/** One action's work on an incident in the official's area; it may answer with a flash by returning early. */
type IncidentWork = (signed: Signed, incident: Incident, body: Record<string, string>) => Promise<void>;

/**
 * The officials' incidents (`/console/incidents`): the outage incidents of their area, one incident's page with its
 * reports and history, and the one-action changes through the {@link IncidentService} (confirm, dismiss, cause and
 * restoration time, restoring, restored). An incident outside the official's area answers 404, as if it did not
 * exist, for GET and POST alike. Also the reliability figures of the area (`/console/reliability`).
 */
export function mountIncidentRoutes(router: Router, kit: ConsoleKit): void {
    const { app, now, context, send, redirect, flash, notFound } = kit;
    const reliability = new ReliabilityQueries(app.db);

    const inScope = (scope: ConsoleScope, incident: Incident | null): incident is Incident =>
        incident !== null && incident.discom === scope.discom && scope.subdivisions.includes(incident.subdivision);

    const visibleIncident = async (scope: ConsoleScope, reference: string): Promise<Incident | null> => {
        if (!/^[A-Za-z0-9-]{1,20}$/.test(reference)) return null;
        const incident = await app.incidents.byReference(reference);
        return inScope(scope, incident) ? incident : null;
    };

    /** Owners and, for restored incidents, the reporters who confirmed: one query each for the whole list. */
    const rowsOf = async (incidents: Incident[]): Promise<IncidentRow[]> => {
        const ownerIds = [...new Set(incidents.map((i) => i.assignedOfficialId).filter((id): id is number => id !== null))];
        const owners = ownerIds.length ? await app.db.run((m) => m.getRepository(Official).findBy({ id: In(ownerIds) })) : [];
        const restoredIds = incidents.filter((i) => i.status === 'restored').map((i) => i.id);
        const confirmed = new Map<number, number>();
        if (restoredIds.length) {
            const counts = await app.db.run((m) =>
                m
                    .getRepository(Complaint)
                    .createQueryBuilder('c')
                    .select('c.incidentId', 'incidentId')
                    .addSelect('COUNT(*)', 'count')
                    .where('c.incidentId IN (:...ids)', { ids: restoredIds })
                    .andWhere("c.status = 'closed'")
                    .groupBy('c.incidentId')
                    .getRawMany<{ incidentId: number | string; count: number | string }>()
            );
            for (const c of counts) confirmed.set(Number(c.incidentId), Number(c.count));
        }
        const ownerById = new Map(owners.map((o) => [o.id, o]));
        return incidents.map((incident) => ({
            incident,
            owner: incident.assignedOfficialId === null ? null : (ownerById.get(incident.assignedOfficialId) ?? null),
            confirmed: confirmed.get(incident.id) ?? 0,
        }));
    };

    router.get('/incidents', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const { discom, subdivisions } = signed.scope;
        const [active, recent] = subdivisions.length
            ? await Promise.all([
                  app.incidents.list({ discom, subdivisions, statuses: [...ACTIVE_INCIDENT_STATUSES], limit: ACTIVE_LIMIT }),
                  app.incidents.list({ discom, subdivisions, statuses: FINISHED_STATUSES, limit: RECENT_LIMIT }),
              ])
            : [[], []];
        const ctx = context(req, signed.session.language, signed);
        send(res, 200, incidentsPage(ctx, { active: await rowsOf(active), recent: await rowsOf(recent) }));
    });

    router.get('/incidents/:reference', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const incident = await visibleIncident(signed.scope, String(req.params.reference));
        if (!incident) return notFound(req, res, signed);
        const [[row], events, reports, stillOff, followers] = await Promise.all([
            rowsOf([incident]),
            app.incidents.history(incident.id),
            app.incidents.reports(incident.id),
            app.db.run((m) => m.getRepository(Complaint).find({ where: { nestedIncidentId: incident.id }, order: { id: 'ASC' } })),
            app.incidents.followers(incident.id),
        ]);
        // Officials' events carry the official's id as the actor.
        const actorIds = [...new Set(events.map((e) => e.actor).filter((a) => /^\d{1,9}$/.test(a)))].map(Number);
        const actors = actorIds.length ? await app.db.run((m) => m.getRepository(Official).findBy({ id: In(actorIds) })) : [];
        const history = events.map((event) => ({ event, official: actors.find((o) => String(o.id) === event.actor) ?? null }));
        const ctx = context(req, signed.session.language, signed);
        send(res, 200, incidentPage(ctx, { row, history, reports, stillOff, followers: followers.length }));
    });

    /** Runs one action on an incident in scope; out of scope is 404, an IncidentError the flash message saying why. */
    const action = (work: IncidentWork) => async (req: Request, res: Response) => {
        const signed = (req as SignedRequest).signed!;
        const incident = await visibleIncident(signed.scope, String(req.params.reference));
        if (!incident) return notFound(req, res, signed);
        try {
            await work(signed, incident, bodyOf(req));
        } catch (error) {
            if (!(error instanceof IncidentError)) throw error;
            flash(signed, 'error', 'console:incidents.flash.refused', { reference: incident.reference, reason: error.message });
            app.logger.info('console incident action refused', { official: signed.official.id, incident: incident.reference, reason: error.message });
        }
        redirect(res, `/console/incidents/${encodeURIComponent(incident.reference)}`);
    };

    router.post(
        '/incidents/:reference/confirm',
        action(async (signed, incident) => {
            await app.incidents.confirm(incident.id, signed.official.id);
            flash(signed, 'ok', 'console:incidents.flash.confirmed', { reference: incident.reference });
        })
    );

    router.post(
        '/incidents/:reference/dismiss',
        action(async (signed, incident, body) => {
            const note = clean(body.note);
            if (!note) return flash(signed, 'error', 'console:incidents.flash.noteRequired');
            await app.incidents.dismiss(incident.id, signed.official.id, note);
            flash(signed, 'ok', 'console:incidents.flash.dismissed', { reference: incident.reference });
        })
    );

    router.post(
        '/incidents/:reference/details',
        action(async (signed, incident, body) => {
            const cause = clean(body.cause, 200);
            const etrField = (body.etr ?? '').trim();
            const etr = etrField ? parseIndiaDateTime(etrField) : undefined;
            if (etr === null) return flash(signed, 'error', 'console:incidents.flash.badEtr');
            if (etr && etr.getTime() <= now().getTime()) return flash(signed, 'error', 'console:incidents.flash.pastEtr');
            const before = incident.cause;
            const changed = await app.incidents.setDetails(incident.id, signed.official.id, { cause: cause || null, ...(etr ? { etr } : {}) });
            const etrChanged = (changed.etr?.getTime() ?? null) !== (incident.etr?.getTime() ?? null);
            if (!etrChanged && changed.cause === before) return flash(signed, 'ok', 'console:incidents.flash.unchanged');
            flash(signed, 'ok', etrChanged ? 'console:incidents.flash.etrSet' : 'console:incidents.flash.causeSet', { reference: incident.reference });
        })
    );

    router.post(
        '/incidents/:reference/restoring',
        action(async (signed, incident) => {
            await app.incidents.markRestoring(incident.id, signed.official.id);
            flash(signed, 'ok', 'console:incidents.flash.restoring', { reference: incident.reference });
        })
    );

    router.post(
        '/incidents/:reference/restored',
        action(async (signed, incident, body) => {
            const note = clean(body.note);
            if (!note) return flash(signed, 'error', 'console:incidents.flash.noteRequired');
            await app.incidents.markRestored(incident.id, signed.official.id, note);
            flash(signed, 'ok', 'console:incidents.flash.restored', { reference: incident.reference });
        })
    );

    router.get('/reliability', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const days = RELIABILITY_PERIODS.includes(Number(req.query.days)) ? Number(req.query.days) : RELIABILITY_PERIODS[0];
        const report = await reliability.report(signed.scope, now(), days);
        send(res, 200, reliabilityPage(context(req, signed.session.language, signed), report, RELIABILITY_PERIODS));
    });
}
