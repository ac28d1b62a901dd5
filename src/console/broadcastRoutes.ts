import { Response, Router } from 'express';
import { BroadcastError } from '../broadcast/BroadcastError';
import { randomToken } from './ConsoleSessions';
import { messagePage } from './views';
import { AnnouncementForm, areaLabel, broadcastPage, broadcastsPage, MAX_ANNOUNCEMENT } from './broadcastViews';
import { areaValue, ConsoleBroadcasts, parseAreaValue } from './ConsoleBroadcasts';
import { bodyOf, ConsoleKit, SignedRequest } from './consoleKit';

/** Area announcements: the form with recent ones, posting (once per form), and a broadcast's report. */
export function mountBroadcastRoutes(router: Router, kit: ConsoleKit): void {
    const { app, consoleBroadcasts, context, send, redirect } = kit;

    const broadcastsForm = async (req: SignedRequest, res: Response, status: number, form: AnnouncementForm) => {
        const signed = req.signed!;
        const areas = await consoleBroadcasts.areasOf(signed.scope);
        const recent = await consoleBroadcasts.recent(signed.scope, areas);
        const ctx = { ...context(req, signed.session.language, signed), path: '/console/broadcasts' };
        send(res, status, broadcastsPage(ctx, { areas, recent, form: { ...form, area: form.area || (areas[0] ? areaValue(areas[0]) : '') } }));
    };

    router.get('/broadcasts', async (req: SignedRequest, res) => {
        await broadcastsForm(req, res, 200, { area: '', text: '', submission: randomToken(), error: null });
    });

    router.post('/broadcasts', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const body = bodyOf(req);
        const t = app.translator.forLanguage(signed.session.language);
        const areas = await consoleBroadcasts.areasOf(signed.scope);
        // The area is checked here, whatever the form offered: a crafted POST cannot reach beyond the official's scope.
        const area = ConsoleBroadcasts.find(areas, parseAreaValue(body.area));
        if (!area) {
            app.logger.warn('console broadcast to an area outside the scope refused', {
                official: signed.official.id,
                area: String(body.area ?? '').slice(0, 120),
            });
            const ctx = context(req, signed.session.language, signed);
            return send(res, 403, messagePage(ctx, ctx.t('console:error.forbiddenTitle'), ctx.t('console:error.areaForbidden')));
        }
        const text = (body.text ?? '').replace(/\r\n?/g, '\n');
        const again = (key: string, vars?: Record<string, unknown>) =>
            broadcastsForm(req, res, 422, { area: areaValue(area), text: text.slice(0, 4 * MAX_ANNOUNCEMENT), submission: randomToken(), error: t(key, vars) });
        const length = Array.from(text.trim()).length;
        if (length === 0) return again('console:broadcasts.textRequired');
        if (length > MAX_ANNOUNCEMENT) return again('console:broadcasts.textTooLong', { max: MAX_ANNOUNCEMENT, length });

        // The same form posted twice (double click, a reload of the POST, the two copies reaching two instances) makes
        // one broadcast: the form's token is stored with it, and the second is shown the first's report.
        const submission = /^[A-Za-z0-9_-]{20,64}$/.test(body.submission ?? '') ? `${signed.official.id}:${body.submission}` : null;
        let id: number;
        try {
            id = (
                await app.broadcasts.createAnnouncement({
                    discom: signed.scope.discom,
                    unitKind: area.kind,
                    unitName: area.name,
                    text,
                    createdBy: signed.official.id,
                    submission,
                })
            ).id;
        } catch (error) {
            if (!(error instanceof BroadcastError)) throw error;
            app.logger.info('console broadcast refused', { official: signed.official.id, reason: error.message });
            return again('console:broadcasts.failed', { area: areaLabel(t, area) });
        }
        app.logger.info('console broadcast queued', { official: signed.official.id, broadcast: id, area: `${area.kind}:${area.name}` });
        redirect(res, `/console/broadcasts/${id}`);
    });

    router.get('/broadcasts/:id', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const raw = String(req.params.id);
        const id = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
        const areas = await consoleBroadcasts.areasOf(signed.scope);
        const row = Number.isSafeInteger(id) ? await consoleBroadcasts.visible(signed.scope, areas, id) : null;
        if (!row) {
            const ctx = { ...context(req, signed.session.language, signed), path: '/console/broadcasts' };
            return send(res, 404, messagePage(ctx, ctx.t('console:error.notFoundTitle'), ctx.t('console:error.broadcastNotFound')));
        }
        send(res, 200, broadcastPage(context(req, signed.session.language, signed), row));
    });
}
