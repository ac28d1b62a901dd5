import { Activity, ActivityTypes, Attachment } from 'botbuilder';
import { InboundBatch, MalformedWebhookError, UnreadableEvent } from '../shared/WebhookAdapter';
import { InboundItem } from '../shared/ports';
import { wireDate, wireNumber } from '../shared/wireValues';

/** Channel id of X (Twitter) activities; `twitter` is the id Bot Framework has always used for the platform. */
export const TWITTER_CHANNEL = 'twitter';

/** One `direct_message_events[]` element (Account Activity shape, also the X Activity API's inner payload). */
interface XDmEvent {
    type?: unknown;
    id?: unknown;
    created_timestamp?: unknown;
    message_create?: MessageCreate;
}

interface MessageCreate {
    target?: { recipient_id?: unknown };
    sender_id?: unknown;
    source_app_id?: unknown;
    message_data?: MessageData;
}

interface MessageData {
    text?: unknown;
    quick_reply_response?: { type?: unknown; metadata?: unknown };
    attachment?: { type?: unknown; media?: XMedia };
}

interface XMedia {
    id_str?: unknown;
    media_url_https?: unknown;
    /** The t.co link X appends to the DM text for the media. */
    url?: unknown;
    type?: unknown;
}

/** The sender's profile as the webhook carries it: AAA `{name, screen_name}`, XAA `{data: {name, username}}`. */
interface XUser {
    name?: unknown;
    screen_name?: unknown;
    username?: unknown;
    data?: { name?: unknown; username?: unknown };
}

/** What both shapes reduce to: the events, the users map and the account the events were delivered for. */
interface DmPayload {
    events: unknown[];
    users: Record<string, XUser>;
    /** `for_user_id` (AAA) or `data.filter.user_id` (XAA): events sent by this account are echoes. */
    forUserId?: string;
    /** XAA `event_uuid` of the envelope, kept in channelData for tracing replays. */
    eventUuid?: string;
}

/** X Chat event types the bot knows by name (the metrics label); others of the family count as `chat.other`. */
const CHAT_EVENTS = new Set(['chat.received', 'chat.sent', 'chat.conversation_join']);

/**
 * Maps an X webhook body to activities: every `message_create` of `direct_message_events`, in the Account Activity
 * API shape (`{for_user_id, direct_message_events, users}`) or the X Activity API shape (`{data: {event_type:
 * 'dm.received', filter, payload: {direct_message_events, users}}}`, which replaces AAA at its end of life on
 * 2027-01-01). The bot's own DMs come back as echoes (`dm.sent`, or a sender equal to the bot or the subscribed
 * account) and are dropped, as are mark-read and typing events and other XAA event types. The conversation is
 * `<botUserId>:<sender_id>`, stable per user. A quick-reply tap arrives as its metadata. X sends no delivery
 * receipts for DMs here, so `deliveries` is always empty.
 *
 * Encrypted X Chat events (`chat.received`, `chat.sent`, `chat.conversation_join`, and a `dm.received` that carries an
 * `encoded_event` instead of `direct_message_events`) hold only ciphertext, which needs the account's private chat
 * keys: they become `unreadable`, for the adapter to log and count, and are never answered.
 *
 * @throws MalformedWebhookError for a body of neither shape.
 */
export function mapTwitterWebhook(payload: unknown, botUserId: string): InboundBatch {
    const batch: InboundBatch = { items: [], deliveries: [] };
    const encrypted = encryptedChat(payload);
    if (encrypted) {
        batch.unreadable = [encrypted];
        return batch;
    }
    const dms = dmPayload(payload);
    if (!dms) return batch;
    for (const event of dms.events) {
        const item = mapEvent(event as XDmEvent, dms, botUserId);
        if (item) batch.items.push(item);
    }
    return batch;
}

/** An encrypted X Chat event of the X Activity API envelope, or null for anything else. */
function encryptedChat(payload: unknown): UnreadableEvent | null {
    if (!isObject(payload) || !isObject(payload.data)) return null;
    const envelope = payload.data;
    const type = envelope.event_type;
    if (typeof type !== 'string') return null;
    const inner = isObject(envelope.payload) ? envelope.payload : {};
    const chat = type.startsWith('chat.');
    const cipherDm = type === 'dm.received' && !Array.isArray(inner.direct_message_events) && typeof inner.encoded_event === 'string';
    if (!chat && !cipherDm) return null;
    return {
        kind: cipherDm ? 'dm.encrypted' : CHAT_EVENTS.has(type) ? type : 'chat.other',
        eventId: idOf(envelope.event_uuid),
        senderId: idOf(inner.sender_id),
    };
}

/** The DM events of either shape; null for valid bodies that carry none for the bot (other XAA events, echoes). */
function dmPayload(payload: unknown): DmPayload | null {
    if (!isObject(payload)) throw new MalformedWebhookError('not an X webhook body');
    const envelope = payload.data;
    if (isObject(envelope) && typeof envelope.event_type === 'string') {
        // `dm.sent` is the bot's own DM; other types (mentions, follows, typing, reads) are no dialog input.
        if (envelope.event_type !== 'dm.received') return null;
        const inner = envelope.payload;
        if (!isObject(inner) || !Array.isArray(inner.direct_message_events)) {
            throw new MalformedWebhookError('dm.received event without direct_message_events');
        }
        return {
            events: inner.direct_message_events,
            users: isObject(inner.users) ? (inner.users as Record<string, XUser>) : {},
            forUserId: idOf(isObject(envelope.filter) ? envelope.filter.user_id : undefined),
            eventUuid: idOf(envelope.event_uuid),
        };
    }
    if (typeof payload.for_user_id === 'string') {
        // Other AAA event arrays (mark-read, typing, tweets, follows) are valid bodies with nothing to answer.
        if (payload.direct_message_events === undefined) return null;
        if (!Array.isArray(payload.direct_message_events)) throw new MalformedWebhookError('direct_message_events is not an array');
        return {
            events: payload.direct_message_events,
            users: isObject(payload.users) ? (payload.users as Record<string, XUser>) : {},
            forUserId: payload.for_user_id,
        };
    }
    // Neither API's envelope (a future event shape, a signature test vector): valid JSON with nothing to answer.
    return null;
}

function mapEvent(event: XDmEvent, dms: DmPayload, botUserId: string): InboundItem | null {
    if (!isObject(event) || event.type !== 'message_create' || !isObject(event.message_create)) return null;
    const id = idOf(event.id);
    const create: MessageCreate = event.message_create;
    const senderId = idOf(create.sender_id);
    if (!id || !senderId) return null;
    if (senderId === botUserId || senderId === dms.forUserId) return null;
    // A subscription may cover several accounts; a DM to another one must not be answered from the bot's account.
    const recipientId = idOf(isObject(create.target) ? create.target.recipient_id : undefined);
    if (recipientId && recipientId !== botUserId) return null;

    const user: XUser | undefined = Object.hasOwn(dms.users, senderId) ? dms.users[senderId] : undefined;
    const profile = isObject(user?.data) ? user.data : user;
    const name = typeof profile?.name === 'string' ? profile.name : '';
    const username = typeof profile?.username === 'string' ? profile.username : typeof user?.screen_name === 'string' ? user.screen_name : undefined;
    const data: MessageData = isObject(create.message_data) ? create.message_data : {};
    const media = data.attachment?.type === 'media' && isObject(data.attachment.media) ? data.attachment.media : undefined;
    let text = typeof data.text === 'string' ? data.text : '';
    // X appends the media's t.co link to the text; without it a photo-only DM has no text, as on other channels.
    if (media && typeof media.url === 'string' && media.url !== '') text = text.split(media.url).join('').trim();
    const metadata = data.quick_reply_response?.metadata;
    const timestamp = wireNumber(event.created_timestamp);

    const activity: Partial<Activity> = {
        type: ActivityTypes.Message,
        id,
        channelId: TWITTER_CHANNEL,
        timestamp: (timestamp > 0 ? wireDate(timestamp) : null) ?? new Date(),
        conversation: { id: `${botUserId}:${senderId}`, isGroup: false, conversationType: 'personal', name: '' },
        from: { id: senderId, name, role: 'user', properties: username ? { username } : undefined },
        recipient: { id: botUserId, name: '', role: 'bot' },
        serviceUrl: 'twitter:',
        // The tapped option's value, so the prompts recognise it exactly as if typed.
        text: typeof metadata === 'string' && metadata !== '' ? metadata : text,
        value: typeof metadata === 'string' && metadata !== '' ? { metadata } : undefined,
        channelData: { event, user, eventUuid: dms.eventUuid },
    };
    if (media) activity.attachments = [attachmentOf(media)];
    // X sends no phone number: nothing here may verify an account automatically.
    return { activity, trustedPhone: null };
}

function attachmentOf(media: XMedia): Attachment {
    const url = typeof media.media_url_https === 'string' ? media.media_url_https : undefined;
    const id = idOf(media.id_str);
    const kind = typeof media.type === 'string' ? media.type : 'media';
    // X converts GIFs to MP4, so only photos are images; DM media URLs need the account's credentials to fetch.
    const contentType =
        kind === 'photo'
            ? url?.toLowerCase().endsWith('.png')
                ? 'image/png'
                : 'image/jpeg'
            : kind === 'video' || kind === 'animated_gif'
              ? 'video/mp4'
              : `application/vnd.twitter.${kind}`;
    return { contentType, contentUrl: url ?? (id ? `twitter-media:${id}` : undefined), name: kind };
}

/** String ids only: X's numeric ids (some nested media ids) exceed 2^53 and are lossy as JSON numbers. */
function idOf(value: unknown): string | undefined {
    return typeof value === 'string' && value !== '' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
