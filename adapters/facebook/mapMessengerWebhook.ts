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
    /** On echoes: the app that sent the message (a Page inbox reply carries the inbox's, or none). */
    app_id?: number | string;
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
    pass_thread_control?: { new_owner_app_id?: string | number; previous_owner_app_id?: string | number | null };
    take_thread_control?: { previous_owner_app_id?: string | number; new_owner_app_id?: string | number };
}

/** Options of {@link mapMessengerWebhook}. */
export interface MessengerMappingOptions {
    /**
     * The bot's Meta app id. Echoes it sent are skipped; an echo sent by anyone else (a person in the Page inbox or
     * Meta Business Suite, another app) becomes a {@link TAKEOVER_EVENT}. Without it every echo is skipped.
     */
    appId?: string;
}

/** Name of the event activity that says a person took over a conversation, or handed it back. */
export const TAKEOVER_EVENT = 'messenger.takeover';

/** The `value` of a {@link TAKEOVER_EVENT}. */
export interface TakeoverValue {
    /** `pause`: someone else answered (or took the thread); `resume`: the thread was passed back to the bot. */
    action: 'pause' | 'resume';
    /** The app that answered or passed the thread, when Meta names it. */
    appId?: string;
}

/** The payload the Page's Get Started button sends (set it so in the Page's Messenger profile). */
export const GET_STARTED_PAYLOAD = 'GET_STARTED';

// Media Messenger hosts at a URL: the dialogs keep image URLs as complaint photos and explain the rest.
const MEDIA_TYPES: Record<string, string | undefined> = {
    image: 'image/*',
    audio: 'audio/*',
    video: 'video/*',
    file: 'application/octet-stream',
};

/**
 * Maps a Messenger webhook body (`object: "page"`) to activities and delivery receipts: every messaging event of
 * every entry. The conversation is `<page_id>:<PSID>`, stable across messages. Quick-reply taps and postbacks arrive
 * as their payload, never their label; the Get Started button is a new conversation (a `conversationUpdate` adding
 * the user), as a greeting starts. The bot's own echoes and reactions are not dialog input; echoes of anyone else,
 * and the thread passed back to the bot, become {@link TAKEOVER_EVENT}s (also from `standby`, where they arrive
 * while another app owns the thread; nothing else in `standby` is the bot's).
 */
export function mapMessengerWebhook(payload: unknown, options: MessengerMappingOptions = {}): InboundBatch {
    const body = payload as { object?: unknown; entry?: unknown };
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new MalformedWebhookError('not a JSON object');
    const batch: InboundBatch = { items: [], deliveries: [] };
    // One Meta app may send other products (Instagram, WhatsApp) to the same URL: nothing for this adapter.
    if (body.object !== 'page') return batch;
    if (!Array.isArray(body.entry)) throw new MalformedWebhookError('entry is not an array');
    for (const entry of body.entry as Array<{ id?: string | number; messaging?: unknown; standby?: unknown }>) {
        if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw new MalformedWebhookError('entry is not an object');
        for (const event of Array.isArray(entry.standby) ? (entry.standby as FbEvent[]) : []) {
            if (!event || typeof event !== 'object' || !event.message?.is_echo) continue;
            const item = takeoverOfEcho(event, wireText(entry.id ?? event.sender?.id), options);
            if (item) batch.items.push(item);
        }
        // Entries with only `standby` (or `changes` of other subscriptions) have nothing more for this bot.
        if (!Array.isArray(entry.messaging)) continue;
        for (const event of entry.messaging as FbEvent[]) {
            if (!event || typeof event !== 'object') continue;
            if (event.message?.is_echo) {
                const item = takeoverOfEcho(event, wireText(entry.id ?? event.sender?.id), options);
                if (item) batch.items.push(item);
                continue;
            }
            const psid = wireText(event.sender?.id);
            if (!psid) continue;
            const pageId = wireText(entry.id ?? event.recipient?.id);
            if (event.delivery) {
                batch.deliveries.push(...deliveryUpdates(psid, event.delivery));
            } else if (event.read) {
                const watermark = wireDate(wireNumber(event.read.watermark));
                if (watermark) batch.deliveries.push({ kind: 'watermark', recipient: psid, watermark, status: 'read' });
            } else if (event.pass_thread_control || event.take_thread_control) {
                const item = takeoverOfHandover(event, psid, pageId, options);
                if (item) batch.items.push(item);
            } else {
                const item = mapEvent(event, psid, pageId);
                if (item) batch.items.push(item);
            }
        }
    }
    return batch;
}

/**
 * An echo of a message the Page sent: the bot's own (its app id) is nothing; anyone else's means a person (or
 * another app) is answering this user, so the bot pauses there.
 */
function takeoverOfEcho(event: FbEvent, pageId: string, options: MessengerMappingOptions): InboundItem | null {
    const psid = wireText(event.recipient?.id);
    const mid = wireText(event.message?.mid);
    if (!options.appId || !psid || !mid) return null;
    const appId = wireText(event.message?.app_id);
    if (appId === options.appId) return null;
    return takeover(mid, event, psid, pageId, { action: 'pause', appId: appId || undefined });
}

/** The thread passed to the bot ends a pause; the thread taken from it starts one. */
function takeoverOfHandover(event: FbEvent, psid: string, pageId: string, options: MessengerMappingOptions): InboundItem | null {
    if (!options.appId) return null;
    const timestamp = wireNumber(event.timestamp);
    if (!Number.isFinite(timestamp)) return null;
    const passed = event.pass_thread_control;
    if (passed && wireText(passed.new_owner_app_id) === options.appId) {
        return takeover(`${psid}:${timestamp}:pass`, event, psid, pageId, { action: 'resume', appId: wireText(passed.previous_owner_app_id) || undefined });
    }
    const taken = event.take_thread_control;
    if (taken && wireText(taken.previous_owner_app_id) === options.appId) {
        return takeover(`${psid}:${timestamp}:take`, event, psid, pageId, { action: 'pause', appId: wireText(taken.new_owner_app_id) || undefined });
    }
    return null;
}

function takeover(id: string, event: FbEvent, psid: string, pageId: string, value: TakeoverValue): InboundItem {
    const activity: Partial<Activity> = {
        type: ActivityTypes.Event,
        name: TAKEOVER_EVENT,
        id,
        channelId: MESSENGER_CHANNEL,
        timestamp: wireDate(wireNumber(event.timestamp)) ?? new Date(),
        conversation: { id: `${pageId}:${psid}`, isGroup: false, conversationType: 'personal', name: '' },
        // Not the user's words: no sender, so the user's reply window is not touched.
        from: { id: '', name: '', role: 'bot' },
        recipient: { id: psid, name: '', role: 'user' },
        serviceUrl: 'facebook:',
        value,
        channelData: event,
    };
    return { activity };
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
    if (!message && !postback) return null; // reactions, optins, referrals…
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
        if (wireText(postback.payload) === GET_STARTED_PAYLOAD) {
            // The first tap on a Page's Messenger: a new conversation, greeted as one, not the words "GET_STARTED".
            return {
                activity: {
                    ...activity,
                    type: ActivityTypes.ConversationUpdate,
                    text: undefined,
                    membersAdded: [{ id: psid, name: '', role: 'user' }],
                    value: postback,
                },
            };
        }
        activity.text = wireText(postback.payload) || wireText(postback.title);
        activity.value = postback;
        return { activity };
    }
    if (message!.quick_reply) {
        activity.text = wireText(message!.quick_reply.payload) || wireText(message!.text);
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
