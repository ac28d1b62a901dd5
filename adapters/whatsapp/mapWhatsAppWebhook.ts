import { Activity, ActivityTypes, Attachment, Entity } from 'botbuilder';
import { DeliveryUpdate, InboundBatch, MalformedWebhookError } from '../shared/WebhookAdapter';
import { InboundItem } from '../shared/ports';
import { isWireObject, wireDate, wireNumber, wireText } from '../shared/wireValues';

/** Channel id of WhatsApp activities. */
export const WHATSAPP_CHANNEL = 'whatsapp';

interface WaContact {
    profile?: { name?: string; username?: string };
    wa_id?: string;
    user_id?: string;
    parent_user_id?: string;
}
interface WaMessage {
    id?: string;
    from?: string;
    from_user_id?: string;
    from_parent_user_id?: string;
    timestamp?: string;
    type?: string;
    text?: { body?: string };
    interactive?: { type?: string; button_reply?: { id?: string; title?: string }; list_reply?: { id?: string; title?: string; description?: string } };
    button?: { payload?: string; text?: string };
    location?: { latitude?: number; longitude?: number; name?: string; address?: string };
    image?: WaMedia;
    document?: WaMedia;
    audio?: WaMedia;
    video?: WaMedia;
    sticker?: WaMedia;
    system?: WaSystem;
}
/** What a `system` message says changed; the fields of each `type` are described at {@link identityChangeOf}. */
interface WaSystem {
    type?: string;
    body?: string;
    wa_id?: string;
    new_wa_id?: string;
    customer?: string;
    user_id?: string;
    parent_user_id?: string;
    previous_user_id?: string;
    previous_parent_user_id?: string;
}
/** One entry of a `user_id_update` change: `{ previous, current }` pairs of ids. */
interface WaUserIdUpdate {
    wa_id?: string;
    user_id?: { previous?: string; current?: string };
    parent_user_id?: { previous?: string; current?: string };
    timestamp?: string;
}
interface WaMedia {
    id?: string;
    mime_type?: string;
    caption?: string;
    filename?: string;
}
interface WaStatus {
    id?: string;
    status?: string;
    recipient_id?: string;
    recipient_user_id?: string;
    errors?: Array<{ code?: number; title?: string; message?: string }>;
}

/** The ids WhatsApp names a user by: the phone number (`wa_id`), the business-scoped user id and the parent id. */
export interface WhatsAppIds {
    phone?: string;
    user?: string;
    parent?: string;
}

/** WhatsApp reported that a user's ids changed: the ones they had and the ones they have now, at `at` (ms). */
export interface WhatsAppIdentityChange {
    /** `user_changed_number`, `user_changed_user_id`, `customer_changed_number` or `user_id_update`. */
    kind: string;
    previous: WhatsAppIds;
    current: WhatsAppIds;
    at: number;
}

/** A WhatsApp webhook mapped: messages and receipts as every channel has them, plus users' changed ids. */
export interface WhatsAppInboundBatch extends InboundBatch {
    identityChanges: WhatsAppIdentityChange[];
}

const MEDIA_TYPES = ['image', 'document', 'audio', 'video', 'sticker'] as const;
const STATUSES: Record<string, DeliveryUpdate['status'] | undefined> = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed', played: 'read' };

/**
 * Maps a WhatsApp Cloud API webhook body to activities, delivery receipts and identity changes: every message of
 * every change of every entry. Users are keyed on the business-scoped user id (BSUID) when present, falling back to
 * `wa_id`, so users who hide their number work; the conversation is `<phone_number_id>:<user>`. Every id the message
 * carries is kept in `from.properties` (`waId`, `userId`, `parentUserId`): the host may know the person by an earlier
 * one (see `WhatsAppIdentities`). Taps on buttons and list rows arrive as their id, which the renderer sets to the title
 * the user saw; a template's quick-reply button as its payload. `request_welcome` (a first visit) becomes a
 * conversation update that adds the user. A `system` message (a changed number or business-scoped id) and a
 * `user_id_update` change become identity changes, never activities: they are not the user writing.
 */
export function mapWhatsAppWebhook(payload: unknown): WhatsAppInboundBatch {
    const body = payload as { object?: unknown; entry?: unknown };
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new MalformedWebhookError('not a JSON object');
    const batch: WhatsAppInboundBatch = { items: [], deliveries: [], identityChanges: [] };
    // One Meta app may send other products (pages, Instagram) to the same URL: nothing for this adapter.
    if (body.object !== 'whatsapp_business_account') return batch;
    if (!Array.isArray(body.entry)) throw new MalformedWebhookError('entry is not an array');
    for (const entry of body.entry as Array<{ changes?: unknown }>) {
        if (!Array.isArray(entry?.changes)) throw new MalformedWebhookError('entry without changes');
        for (const change of entry.changes as Array<{ field?: string; value?: Record<string, unknown> }>) {
            if (!change?.value || typeof change.value !== 'object') continue;
            const value = change.value as {
                metadata?: { phone_number_id?: string; display_phone_number?: string };
                contacts?: WaContact[];
                messages?: WaMessage[];
                statuses?: WaStatus[];
                user_id_update?: WaUserIdUpdate[];
            };
            if (change.field === 'user_id_update') {
                for (const update of Array.isArray(value.user_id_update) ? value.user_id_update : []) {
                    const identityChange = userIdUpdateOf(update);
                    if (identityChange) batch.identityChanges.push(identityChange);
                }
                continue;
            }
            if (change.field !== 'messages') continue;
            const phoneNumberId = wireText(value.metadata?.phone_number_id);
            const contacts = Array.isArray(value.contacts) ? (value.contacts.filter(isWireObject) as WaContact[]) : [];
            for (const message of Array.isArray(value.messages) ? value.messages : []) {
                if (isWireObject(message) && (message as WaMessage).type === 'system') {
                    const identityChange = identityChangeOf(message as WaMessage);
                    if (identityChange) batch.identityChanges.push(identityChange);
                    continue;
                }
                const item = mapMessage(message, contacts, phoneNumberId, value.metadata ?? {});
                if (item) batch.items.push(item);
            }
            for (const status of Array.isArray(value.statuses) ? value.statuses : []) {
                const mapped = typeof status?.status === 'string' && Object.hasOwn(STATUSES, status.status) ? STATUSES[status.status] : undefined;
                if (!wireText(status?.id) || !mapped) continue;
                const error = Array.isArray(status.errors) && isWireObject(status.errors[0]) ? status.errors[0] : undefined;
                batch.deliveries.push({
                    kind: 'message',
                    platformMessageId: wireText(status.id),
                    status: mapped,
                    errorCode: error?.code !== undefined ? wireText(error.code) : undefined,
                    errorDetail: error ? wireText(error.message ?? error.title) : undefined,
                });
            }
        }
    }
    return batch;
}

function mapMessage(message: WaMessage, contacts: WaContact[], phoneNumberId: string, metadata: object): InboundItem | null {
    if (!message || typeof message !== 'object' || Array.isArray(message) || !wireText(message.id) || typeof message.type !== 'string' || !message.type)
        return null;
    if (message.type === 'system' || message.type === 'reaction') return null;
    const contact =
        contacts.find((c) => message.from_user_id && c.user_id === message.from_user_id) ??
        contacts.find((c) => message.from && c.wa_id === message.from) ??
        (contacts.length === 1 ? contacts[0] : undefined);
    const waId = wireText(message.from) || wireText(contact?.wa_id) || null;
    const userId = wireText(message.from_user_id) || wireText(contact?.user_id);
    const parentUserId = wireText(message.from_parent_user_id) || wireText(contact?.parent_user_id);
    const userKey = userId || waId || parentUserId;
    if (!userKey) return null;
    const ids = { ...(waId ? { waId } : {}), ...(userId ? { userId } : {}), ...(parentUserId ? { parentUserId } : {}) };
    const activity: Partial<Activity> = {
        type: ActivityTypes.Message,
        id: wireText(message.id),
        channelId: WHATSAPP_CHANNEL,
        timestamp: wireDate(wireNumber(message.timestamp) * 1000) ?? new Date(),
        conversation: { id: `${phoneNumberId}:${userKey}`, isGroup: false, conversationType: 'personal', name: '' },
        from: { id: userKey, name: wireText(contact?.profile?.name), role: 'user', properties: ids },
        recipient: { id: phoneNumberId, name: '', role: 'bot' },
        // WhatsApp sends no locale; an Indian number or BSUID hints Hindi-speaking India, the bot decides from the text.
        locale: waId?.startsWith('91') || userKey.startsWith('IN.') ? 'hi-IN' : undefined,
        serviceUrl: 'whatsapp:',
        text: '',
        channelData: { message, contact, metadata },
    };
    switch (message.type) {
        case 'text':
            activity.text = wireText(message.text?.body);
            break;
        case 'interactive': {
            const reply = message.interactive?.button_reply ?? message.interactive?.list_reply;
            activity.text = wireText(reply?.id ?? reply?.title);
            activity.value = reply;
            break;
        }
        case 'button':
            // A template's quick-reply button: the payload is what the business set; the label may be translated.
            activity.text = wireText(message.button?.payload) || wireText(message.button?.text);
            activity.value = message.button;
            break;
        case 'request_welcome':
            // The user opened the chat for the first time and wrote nothing yet: the greeting, as a member joining.
            activity.type = ActivityTypes.ConversationUpdate;
            activity.membersAdded = [{ id: userKey, name: wireText(contact?.profile?.name) }];
            delete activity.text;
            break;
        case 'location':
            activity.entities = locationEntities(message.location);
            break;
        default:
            activity.attachments = [attachmentOf(message)];
            // A photo's caption is the user's words about it; other media get the "text only" answer instead.
            activity.text = message.type === 'image' ? wireText(message.image?.caption) : '';
    }
    // Only a number the platform reported for this signed delivery may verify an account.
    return { activity, trustedPhone: waId };
}

/**
 * The ids a `system` message reports changed. It has no `contacts` array; `from` is the number the user wrote from.
 * - `user_changed_number`: the user moved to a new number, which also gives them a new business-scoped id. `from`
 *   (and `from_user_id`) are the old ones; `system.wa_id` is the new number, `system.user_id` and
 *   `system.parent_user_id` the new ids, `system.previous_user_id` and `system.previous_parent_user_id` the old ids.
 * - `user_changed_user_id`: only the business-scoped id changed, and no number is shared: `system.user_id` (and
 *   `parent_user_id`) are the new ids, `previous_user_id` (and `previous_parent_user_id`) the old; `from`, when
 *   present, is the unchanged number.
 * - `customer_changed_number`: the same as a number change in Cloud API versions before BSUIDs (`new_wa_id` before
 *   v12, `wa_id` after; `customer` the old number).
 * Other types (`customer_identity_changed`: the user reinstalled WhatsApp, their ids unchanged) change no id.
 */
function identityChangeOf(message: WaMessage): WhatsAppIdentityChange | null {
    const system = isWireObject(message.system) ? (message.system as WaSystem) : undefined;
    if (!system) return null;
    const kind = wireText(system.type);
    const from = wireText(message.from);
    const fromUser = wireText(message.from_user_id);
    const current: WhatsAppIds = { user: wireText(system.user_id) || undefined, parent: wireText(system.parent_user_id) || undefined };
    let previous: WhatsAppIds;
    if (kind === 'user_changed_number' || kind === 'customer_changed_number') {
        current.phone = wireText(system.wa_id) || wireText(system.new_wa_id) || undefined;
        previous = {
            phone: from || wireText(system.customer) || undefined,
            user: wireText(system.previous_user_id) || fromUser || undefined,
            parent: wireText(system.previous_parent_user_id) || wireText(message.from_parent_user_id) || undefined,
        };
    } else if (kind === 'user_changed_user_id') {
        current.phone = wireText(system.wa_id) || from || undefined;
        previous = {
            user: wireText(system.previous_user_id) || (fromUser !== current.user ? fromUser : '') || undefined,
            parent: wireText(system.previous_parent_user_id) || undefined,
        };
    } else {
        return null;
    }
    return changeOf(kind, previous, current, message.timestamp);
}

/**
 * An entry of a `user_id_update` change, as WhatsApp described it while BSUIDs rolled out: `user_id` (and
 * `parent_user_id`) as `{ previous, current }`, and `wa_id`, the user's number now. It is no longer a field an app
 * can subscribe to (the `system` message carries the same), but one that arrives is applied all the same.
 */
function userIdUpdateOf(update: WaUserIdUpdate): WhatsAppIdentityChange | null {
    if (!isWireObject(update)) return null;
    const user = isWireObject(update.user_id) ? update.user_id! : {};
    const parent = isWireObject(update.parent_user_id) ? update.parent_user_id! : {};
    return changeOf(
        'user_id_update',
        { user: wireText(user.previous) || undefined, parent: wireText(parent.previous) || undefined },
        { phone: wireText(update.wa_id) || undefined, user: wireText(user.current) || undefined, parent: wireText(parent.current) || undefined },
        update.timestamp
    );
}

/** A change naming at least one id before and one after, each different; null for one that says nothing. */
function changeOf(kind: string, previous: WhatsAppIds, current: WhatsAppIds, timestamp: unknown): WhatsAppIdentityChange | null {
    const before = Object.values(previous).filter(Boolean);
    const after = Object.values(current).filter(Boolean);
    if (before.length === 0 || after.length === 0 || before.every((id) => after.includes(id))) return null;
    const seconds = wireNumber(timestamp);
    return { kind, previous: clean(previous), current: clean(current), at: seconds > 0 && wireDate(seconds * 1000) ? seconds * 1000 : Date.now() };
}

function clean(ids: WhatsAppIds): WhatsAppIds {
    return Object.fromEntries(Object.entries(ids).filter(([, id]) => Boolean(id))) as WhatsAppIds;
}

function locationEntities(location: WaMessage['location']): Entity[] {
    const latitude = wireNumber(location?.latitude);
    const longitude = wireNumber(location?.longitude);
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return [];
    return [
        {
            type: 'GeoCoordinates',
            latitude,
            longitude,
            name: wireText(location?.name) || undefined,
            address: wireText(location?.address) || undefined,
        } as Entity,
    ];
}

function mediaOf(message: WaMessage): WaMedia | undefined {
    const type = MEDIA_TYPES.find((t) => t === message.type);
    return type ? message[type] : undefined;
}

function attachmentOf(message: WaMessage): Attachment {
    const media = mediaOf(message);
    // A sticker is an image technically, but never a photo of a fault.
    if (wireText(media?.id) && message.type !== 'sticker') {
        return {
            contentType: wireText(media!.mime_type) || `${message.type}/*`,
            contentUrl: `whatsapp-media:${wireText(media!.id)}`,
            name: wireText(media!.filename) || message.type!,
        };
    }
    // Contacts, unsupported and future types: the bot explains what it accepts.
    return { contentType: `application/vnd.whatsapp.${message.type}`, name: message.type };
}
