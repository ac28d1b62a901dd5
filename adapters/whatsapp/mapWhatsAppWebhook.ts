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
}
interface WaMessage {
    id?: string;
    from?: string;
    from_user_id?: string;
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

const MEDIA_TYPES = ['image', 'document', 'audio', 'video', 'sticker'] as const;
const STATUSES: Record<string, DeliveryUpdate['status'] | undefined> = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed', played: 'read' };

/**
 * Maps a WhatsApp Cloud API webhook body to activities and delivery receipts: every message of every change of
 * every entry. Users are keyed on the business-scoped user id (BSUID) when present, falling back to `wa_id`, so
 * users who hide their number work; the conversation is `<phone_number_id>:<user>`, stable across messages. Taps
 * on buttons and list rows arrive as their id, which the renderer sets to the title the user saw; a template's
 * quick-reply button as its payload. `request_welcome` (a first visit) becomes a conversation update that adds the user.
 */
export function mapWhatsAppWebhook(payload: unknown): InboundBatch {
    const body = payload as { object?: unknown; entry?: unknown };
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new MalformedWebhookError('not a JSON object');
    const batch: InboundBatch = { items: [], deliveries: [] };
    // One Meta app may send other products (pages, Instagram) to the same URL: nothing for this adapter.
    if (body.object !== 'whatsapp_business_account') return batch;
    if (!Array.isArray(body.entry)) throw new MalformedWebhookError('entry is not an array');
    for (const entry of body.entry as Array<{ changes?: unknown }>) {
        if (!Array.isArray(entry?.changes)) throw new MalformedWebhookError('entry without changes');
        for (const change of entry.changes as Array<{ field?: string; value?: Record<string, unknown> }>) {
            if (change?.field !== 'messages' || !change.value || typeof change.value !== 'object') continue;
            const value = change.value as {
                metadata?: { phone_number_id?: string; display_phone_number?: string };
                contacts?: WaContact[];
                messages?: WaMessage[];
                statuses?: WaStatus[];
            };
            const phoneNumberId = wireText(value.metadata?.phone_number_id);
            const contacts = Array.isArray(value.contacts) ? (value.contacts.filter(isWireObject) as WaContact[]) : [];
            for (const message of Array.isArray(value.messages) ? value.messages : []) {
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
    const userKey = wireText(message.from_user_id) || wireText(contact?.user_id) || waId;
    if (!userKey) return null;
    const activity: Partial<Activity> = {
        type: ActivityTypes.Message,
        id: wireText(message.id),
        channelId: WHATSAPP_CHANNEL,
        timestamp: wireDate(wireNumber(message.timestamp) * 1000) ?? new Date(),
        conversation: { id: `${phoneNumberId}:${userKey}`, isGroup: false, conversationType: 'personal', name: '' },
        from: { id: userKey, name: wireText(contact?.profile?.name), role: 'user', properties: waId ? { waId } : undefined },
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
