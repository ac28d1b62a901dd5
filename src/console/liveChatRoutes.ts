import { Router } from 'express';
import { HUMAN_AGENT_WINDOW_CLOSED } from '../../adapters/shared/humanAgent';
import { In } from 'typeorm';
import { Official } from '../data/entities/Official';
import { bodyOf, ConsoleKit, SignedRequest } from './consoleKit';
import { ConsoleLiveChats, RECENT_DAYS } from './ConsoleLiveChats';
import { LiveChatHours, liveChatPage, liveChatsPage } from './liveChatViews';

/**
 * Live chat: the chats of the official's scope, one chat's transcript, take over, reply and hand back. A chat out of
 * scope answers 404 (pages and POSTs alike); outside live-chat hours nothing is offered and a take-over is refused.
 */
export function mountLiveChatRoutes(router: Router, kit: ConsoleKit): void {
    const { app, context, send, redirect, flash, notFound, now } = kit;
    const chats = new ConsoleLiveChats(app.db);
    const service = app.liveChat;
    const hours = (): LiveChatHours => ({ open: service.isOpen(now()), hours: service.hoursText() });
    const chatId = (req: SignedRequest) => (/^[0-9]{1,9}$/.test(String(req.params.id)) ? Number(req.params.id) : NaN);

    router.get('/conversations', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const live = hours();
        const rows = live.open ? await chats.list(signed.scope, now()) : [];
        send(res, 200, liveChatsPage(context(req, signed.session.language, signed), { rows, live, days: RECENT_DAYS }));
    });

    router.get('/conversations/:id', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const row = await chats.visible(signed.scope, chatId(req));
        if (!row) return notFound(req, res, signed);
        const transcript = await service.transcript(row.chat.id);
        const ids = [...new Set(transcript.map((m) => m.officialId).filter((id): id is number => id !== null))];
        const officials = new Map((ids.length ? await app.db.run((m) => m.getRepository(Official).findBy({ id: In(ids) })) : []).map((o) => [o.id, o]));
        const mine = row.chat.heldBy === signed.official.id;
        const whatsappWindowClosed =
            mine && row.chat.channel === 'whatsapp' && !(await app.channelStore.withinWindow(row.chat.channel, row.chat.channelUserId));
        send(
            res,
            200,
            liveChatPage(context(req, signed.session.language, signed), {
                row,
                transcript,
                officials,
                live: hours(),
                idleMinutes: service.policy.idleMinutes,
                whatsappWindowClosed,
            })
        );
    });

    router.post('/conversations/:id/take-over', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const row = await chats.visible(signed.scope, chatId(req));
        if (!row) return notFound(req, res, signed);
        const result = await service.takeOver(row.chat.id, signed.official);
        if (result === 'taken') flash(signed, 'ok', 'console:flash.liveTaken');
        else if (result === 'closed') flash(signed, 'error', 'console:flash.liveClosed', { hours: service.hoursText() });
        else flash(signed, 'error', 'console:flash.liveHeld');
        redirect(res, `/console/conversations/${row.chat.id}`);
    });

    router.post('/conversations/:id/reply', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const row = await chats.visible(signed.scope, chatId(req));
        if (!row) return notFound(req, res, signed);
        const result = await service.reply(row.chat.id, signed.official, bodyOf(req).text ?? '');
        if (result.sent) flash(signed, 'ok', 'console:flash.liveSent');
        else if (result.reason === 'empty') flash(signed, 'error', 'console:flash.liveEmpty');
        else if (result.reason === 'not_holder') flash(signed, 'error', 'console:flash.liveNotHolder', { minutes: service.policy.idleMinutes });
        else if (result.reason === 'whatsapp_window') flash(signed, 'error', 'console:flash.liveWhatsappWindow');
        else if (result.code === HUMAN_AGENT_WINDOW_CLOSED) flash(signed, 'error', 'console:flash.liveHumanAgentWindow');
        else if (result.detail) flash(signed, 'error', 'console:flash.liveNotDelivered', { detail: result.detail });
        else flash(signed, 'error', 'console:flash.liveNotDeliveredUnknown');
        redirect(res, `/console/conversations/${row.chat.id}`);
    });

    router.post('/conversations/:id/hand-back', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const row = await chats.visible(signed.scope, chatId(req));
        if (!row) return notFound(req, res, signed);
        if (await service.handBack(row.chat.id, signed.official.id)) flash(signed, 'ok', 'console:flash.liveHandedBack');
        else flash(signed, 'error', 'console:flash.liveNotHolder', { minutes: service.policy.idleMinutes });
        redirect(res, `/console/conversations/${row.chat.id}`);
    });
}
