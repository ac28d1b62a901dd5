import { Activity, ActivityTypes, Attachment, Entity } from 'botbuilder';
import { DeliveryUpdate, InboundBatch, MalformedWebhookError } from '../shared/WebhookAdapter';
import { InboundItem } from '../shared/ports';
import { wireDate, wireNumber, wireText } from '../shared/wireValues';

/** Channel id of Messenger activities (Bot Framework's own name for the channel). */
export const MESSENGER_CHANNEL = 'facebook';

interface FbAttachment {
    type?: string;
    payload?: { url?: string; sticker_id?: number | string; coordinates?: { lat?: number; long?: number }; title?: string } | null;
    title?: string;
}
interface FbMessage {
    mid?: string;
    text?: string;
    is_echo?: boolean;
    sticker_id?: number | string;
    quick_reply?: { payload?: string };
    attachments?: FbAttachment[];
}
interface FbPostback {
    mid?: string;
    title?: string;
    payload?: string;
    referral?: unknown;
}
interface FbEvent {
    sender?: { id?: string | number };
    recipient?: { id?: string | number };
    timestamp?: number;
    message?: FbMessage;
    postback?: FbPostback;
    delivery?: { mids?: string[]; watermark?: number };
    read?: { watermark?: number };
}

// Media Messenger hosts at a URL: the dialogs keep image URLs as complaint photos and explain the rest.
const MEDIA_TYPES: Record<string, string | undefined> = {
    image: 'image/*',
    audio: 'audio/*',
    video: 'video/*',
    file: 'application/octet-stream',
};

/**
 * Maps a Messenger webhook body (`object: "page"`) to activities and delivery receipts: every messaging event of
 * every entry (`standby` events belong to another app that owns the thread and are skipped). The conversation is
 * `<page_id>:<PSID>`, stable across messages. Quick-reply taps and postbacks arrive as their payload, which the
 * renderer sets to the title the user saw, so a tap works exactly like typing the choice. The bot's own echoes
 * and reactions are not dialog input.
 */
export function mapMessengerWebhook(payload: unknown): InboundBatch {
    const body = payload as { object?: unknown; entry?: unknown };
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new MalformedWebhookError('not a JSON object');
    const batch: InboundBatch = { items: [], deliveries: [] };
    // One Meta app may send other products (Instagram, WhatsApp) to the same URL: nothing for this adapter.
    if (body.object !== 'page') return batch;
    if (!Array.isArray(body.entry)) throw new MalformedWebhookError('entry is not an array');
    for (const entry of body.entry as Array<{ id?: string | number; messaging?: unknown }>) {
        if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw new MalformedWebhookError('entry is not an object');
        // Entries with only `standby` (or `changes` of other subscriptions) have nothing for this bot.
        if (!Array.isArray(entry.messaging)) continue;
        for (const event of entry.messaging as FbEvent[]) {
            if (!event || typeof event !== 'object') continue;
            const psid = wireText(event.sender?.id);
            if (!psid) continue;
            const pageId = wireText(entry.id ?? event.recipient?.id);
            if (event.delivery) {
                batch.deliveries.push(...deliveryUpdates(psid, event.delivery));
            } else if (event.read) {
                const watermark = wireDate(wireNumber(event.read.watermark));
                if (watermark) batch.deliveries.push({ kind: 'watermark', recipient: psid, watermark, status: 'read' });
            } else {
                const item = mapEvent(event, psid, pageId);
                if (item) batch.items.push(item);
            }
        }
    }
    return batch;
}

function deliveryUpdates(psid: string, delivery: NonNullable<FbEvent['delivery']>): DeliveryUpdate[] {
    const updates: DeliveryUpdate[] = [];
    for (const mid of Array.isArray(delivery.mids) ? delivery.mids : []) {
        if (wireText(mid)) updates.push({ kind: 'message', platformMessageId: wireText(mid), status: 'delivered' });
    }
    // `mids` is optional: the watermark alone says everything sent before it arrived.
    const watermark = wireDate(wireNumber(delivery.watermark));
    if (watermark) updates.push({ kind: 'watermark', recipient: psid, watermark, status: 'delivered' });
    return updates;
}

function mapEvent(event: FbEvent, psid: string, pageId: string): InboundItem | null {
    const message = event.message;
    const postback = event.postback;
    // Echoes are the Page's own sends (this bot, or a person in the Page inbox), never the user's words.
    if (message?.is_echo) return null;
    if (!message && !postback) return null; // reactions, optins, referrals, handovers…
    const timestamp = wireNumber(event.timestamp);
    // Postbacks carry a mid only since Graph v11.0; sender + timestamp identifies older ones for de-duplication.
    const id = message ? wireText(message.mid) : wireText(postback?.mid) || (Number.isFinite(timestamp) ? `${psid}:${timestamp}` : '');
    if (!id) return null;
    const activity: Partial<Activity> = {
        type: ActivityTypes.Message,
        id,
        channelId: MESSENGER_CHANNEL,
        timestamp: wireDate(timestamp) ?? new Date(),
        conversation: { id: `${pageId}:${psid}`, isGroup: false, conversationType: 'personal', name: '' },
        from: { id: psid, name: '', role: 'user' },
        recipient: { id: pageId, name: '', role: 'bot' },
        // Messenger sends no locale; the bot uses the stored language or detects it from the text.
        locale: undefined,
        serviceUrl: 'facebook:',
        text: '',
        channelData: event,
    };
    if (postback) {
        activity.text = wireText(postback.payload ?? postback.title);
        activity.value = postback;
        return { activity };
    }
    if (message!.quick_reply) {
        activity.text = wireText(message!.quick_reply.payload ?? message!.text);
        activity.value = message!.quick_reply;
        return { activity };
    }
    activity.text = wireText(message!.text);
    const entities: Entity[] = [];
    const attachments: Attachment[] = [];
    for (const attachment of Array.isArray(message!.attachments) ? message!.attachments : []) {
        const location = attachment?.type === 'location' ? coordinatesOf(attachment) : null;
        if (location) entities.push(location);
        else if (attachment && attachment.type !== 'location') attachments.push(attachmentOf(attachment, message!));
    }
    if (entities.length > 0) activity.entities = entities;
    if (attachments.length > 0) activity.attachments = attachments;
    // No trusted phone: Messenger never tells the bot the user's number.
    return { activity };
}

function coordinatesOf(attachment: FbAttachment): Entity | null {
    const latitude = wireNumber(attachment.payload?.coordinates?.lat);
    const longitude = wireNumber(attachment.payload?.coordinates?.long);
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return null;
    return { type: 'GeoCoordinates', latitude, longitude, name: wireText(attachment.title) || undefined } as Entity;
}

function attachmentOf(attachment: FbAttachment, message: FbMessage): Attachment {
    const type = wireText(attachment.type) || 'unknown';
    // A sticker (the thumbs-up too) arrives as an `image` with a sticker id: it is not a photo of a fault.
    const sticker = attachment.payload?.sticker_id !== undefined || message.sticker_id !== undefined;
    // Own keys only: a type such as "toString" must not find Object.prototype's.
    const mediaType = sticker || !Object.hasOwn(MEDIA_TYPES, type) ? undefined : MEDIA_TYPES[type];
    if (mediaType && wireText(attachment.payload?.url)) {
        return { contentType: mediaType, contentUrl: wireText(attachment.payload?.url), name: type };
    }
    // Stickers, shared links (`fallback`), templates and future types: the bot explains what it accepts.
    return { contentType: `application/vnd.facebook.${sticker ? 'sticker' : type}`, name: sticker ? 'sticker' : type };
}
