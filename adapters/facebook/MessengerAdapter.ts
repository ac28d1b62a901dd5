import { Activity, ActivityTypes, ChannelAccount, ResourceResponse, TurnContext } from 'botbuilder';
import { conversationKeyOf } from '../shared/conversationKey';
import { fetchBinary } from '../shared/fetchBinary';
import { HUMAN_AGENT_WINDOW_CLOSED, HumanAgentMark, humanAgentOf } from '../shared/humanAgent';
import { InMemoryConversationTakeovers } from '../shared/InMemoryConversationTakeovers';
import { MediaFetchError } from '../shared/MediaFetchError';
import { PlatformApiError } from '../shared/PlatformApiError';
import { ConversationTakeovers, FetchedMedia, MediaSource } from '../shared/ports';
import { InboundBatch, OutboundPart, TurnLogic } from '../shared/WebhookAdapter';
import { MetaWebhookAdapter, MetaWebhookAdapterOptions } from '../shared/MetaWebhookAdapter';
import { mapMessengerWebhook, MESSENGER_CHANNEL, TAKEOVER_EVENT, TakeoverValue } from './mapMessengerWebhook';
import { isThrottlingCode, OUTSIDE_WINDOW } from './messengerErrors';
import { MessagingType, MessengerClient } from './MessengerClient';
import { MessengerUtilityTemplates } from './MessengerUtilityTemplates';
import { MessengerPart, renderMessenger } from './renderMessenger';

/** Time a CDN download may take. */
const MEDIA_TIMEOUT_MS = 30_000;

/** Settings of {@link MessengerAdapter}. */
export interface MessengerAdapterOptions extends MetaWebhookAdapterOptions {
    client: MessengerClient;
    /**
     * Utility templates for updates outside the 24-hour window (Meta retired the message tags that once carried
     * them). Without them, or without one for the user's language, such updates are recorded as undeliverable.
     */
    utility?: MessengerUtilityTemplates;
    /**
     * The bot's Meta app id: echoes of its own sends are ignored, and an echo of anyone else's (a person answering
     * from the Page inbox or Meta Business Suite, another app) pauses the bot in that conversation. Without it
     * echoes are ignored and nothing pauses the bot.
     */
    appId?: string;
    /** Where pauses are kept (the host's database, shared by its instances); in memory by default. */
    takeovers?: ConversationTakeovers;
    /** How long a person's reply silences the bot in that conversation, unless the thread is passed back sooner (default 30 minutes). */
    humanPauseMs?: number;
    /** How long nothing is sent after Graph still says "slow down" once the retries are spent (default 60 s). */
    throttleCooldownMs?: number;
    /** Longest a turn's first reply waits for its `mark_seen`/`typing_on` to be answered (default 1500 ms). */
    senderActionWaitMs?: number;
    /** The clock of pauses and the cool-down (tests). */
    now?: () => Date;
}

/** The delivery record kind of a utility message. */
const UTILITY_KIND = 'utility';

/** A rendered part of a person's reply (a live chat): sent as `HUMAN_AGENT` when outside the 24-hour window. */
type HumanPart = MessengerPart & { humanAgent?: HumanAgentMark };

/**
 * Facebook Messenger adapter, usable by any botbuilder bot: `GET`/`POST` on its webhook route go to
 * {@link handshake} and {@link handleWebhook}; replies go out through {@link MessengerClient}.
 *
 * Replies in a turn are `RESPONSE`s; proactive updates are `UPDATE`s while the user's 24-hour window is open and
 * utility messages (a Page template per language) after it, or when Meta says it has closed. A turn shows the user
 * their message was seen and a reply is being typed. Echoes of someone else answering pause the bot in that
 * conversation. When Graph keeps saying "slow down", sends stop for a cool-down and are recorded as failed, so the
 * outbound queue tries them again later.
 */
export class MessengerAdapter extends MetaWebhookAdapter implements MediaSource {
    readonly channelId = MESSENGER_CHANNEL;
    private readonly takeovers: ConversationTakeovers;
    private readonly now: () => Date;
    /** The in-flight `mark_seen` + `typing_on` of each user whose turn is running. */
    private readonly signals = new Map<string, Promise<void>>();
    private throttled: { until: number; code: string } | null = null;
    private templatesChecked = false;

    constructor(private readonly options: MessengerAdapterOptions) {
        super(options);
        this.takeovers = options.takeovers ?? new InMemoryConversationTakeovers();
        this.now = options.now ?? (() => new Date());
    }

    /** Also looks the utility templates up on the Page, once, and logs any that cannot be used. */
    override async resumeUnprocessed(logic: TurnLogic, olderThanMs = 0): Promise<number> {
        if (!this.templatesChecked && this.options.utility) {
            this.templatesChecked = true;
            for (const problem of await this.options.utility.verify()) {
                this.logger.error('Messenger updates outside the 24-hour window will not be sent', { channel: this.channelId, reason: problem });
            }
        }
        return super.resumeUnprocessed(logic, olderThanMs);
    }

    protected mapInbound(payload: unknown): InboundBatch {
        return mapMessengerWebhook(payload, { appId: this.options.appId });
    }

    protected render(activity: Partial<Activity>): MessengerPart[] {
        const humanAgent = humanAgentOf(activity);
        const parts = renderMessenger(activity);
        return humanAgent ? parts.map((part): HumanPart => ({ ...part, humanAgent })) : parts;
    }

    /**
     * Takeover events pause or resume the bot and go no further. A user's turn runs only when no person is
     * answering them; it starts by marking their message seen and showing the typing indicator, without waiting.
     */
    protected override async runMiddleware(context: TurnContext, next: (revocableContext: TurnContext) => Promise<void>): Promise<void> {
        const activity = context.activity;
        const conversation = conversationKeyOf(activity.conversation?.id ?? '');
        if (activity.type === ActivityTypes.Event && activity.name === TAKEOVER_EVENT) {
            await this.takeover(conversation, activity.value as TakeoverValue, activity.timestamp);
            return;
        }
        const user = activity.from?.role === 'user' ? activity.from.id : '';
        if (!user || (activity.type !== ActivityTypes.Message && activity.type !== ActivityTypes.ConversationUpdate)) {
            return super.runMiddleware(context, next);
        }
        const until = await this.takeovers.pausedUntil(this.channelId, conversation, this.now());
        if (until) {
            this.logger.info('a person is answering this conversation; the bot stays silent', {
                channel: this.channelId,
                conversation,
                until: until.toISOString(),
            });
            return;
        }
        this.signals.set(user, this.showTyping(user));
        try {
            await super.runMiddleware(context, next);
        } finally {
            this.signals.delete(user);
        }
    }

    /** Downloads a user's photo from the Messenger CDN link of the attachment (links expire, so soon after receipt). */
    async fetchMedia(contentUrl: string, maxBytes: number): Promise<FetchedMedia> {
        if (!/^https?:\/\//.test(contentUrl)) throw new MediaFetchError('refused', 'not a Messenger attachment link', false);
        return fetchBinary(contentUrl, { maxBytes, timeoutMs: MEDIA_TIMEOUT_MS });
    }

    /** Replies in a turn are `RESPONSE`s; proactive messages inside the window are `UPDATE`s. */
    protected async sendPart(user: ChannelAccount, part: OutboundPart, proactive: boolean): Promise<string> {
        const { message, humanAgent } = part as HumanPart;
        if (proactive && humanAgent) {
            // A person's reply: an UPDATE inside the 24-hour window, the HUMAN_AGENT tag after it (Meta allows that up
            // to 7 days after the user's last message, and refuses it later: see onSendRefused).
            const type: Exclude<MessagingType, 'UTILITY'> = (await this.store.withinWindow(this.channelId, user.id)) ? 'UPDATE' : 'MESSAGE_TAG';
            return this.options.client.send(user.id, message, type, type === 'MESSAGE_TAG' ? humanAgent : undefined);
        }
        if (proactive) return this.options.client.send(user.id, message, 'UPDATE');
        await this.typingShown(user.id);
        return this.options.client.send(user.id, message, 'RESPONSE');
    }

    /**
     * Nothing goes out during a throttling cool-down, and outside the 24-hour window no free-form message is tried:
     * the utility template goes instead, or the update is recorded as undeliverable with the reason.
     */
    protected override async deliver(context: TurnContext, activity: Partial<Activity>, proactive: boolean): Promise<ResourceResponse> {
        const user = activity.recipient ?? context.activity.from;
        const now = this.now().getTime();
        if (this.throttled && now < this.throttled.until) {
            // Replies wait in the host's queue for the end of the cool-down; a send the queue itself runs fails and is
            // retried by it.
            if (this.canQueue(context)) {
                const conversationId = activity.conversation?.id ?? context.activity.conversation.id;
                return this.queueReply(context, activity, conversationId, new Date(this.throttled.until), `throttled:${this.throttled.code}`);
            }
            await this.store.recordOutbound({
                ...this.recordOf(context, activity, 'text'),
                platformMessageId: null,
                status: 'failed',
                errorCode: this.throttled.code,
                errorDetail: `not sent: Graph asked to slow down (rate limited); sends resume at ${new Date(this.throttled.until).toISOString()}`,
            });
            this.shared.observer?.sendResult?.(this.channelId, 'failed', this.throttled.code);
            return { id: '' };
        }
        // A person's reply is never turned into a utility template: it goes tagged (see sendPart).
        if (proactive && !humanAgentOf(activity) && !(await this.store.withinWindow(this.channelId, user.id))) {
            return this.outsideWindow(context, activity, 'window_closed');
        }
        return super.deliver(context, activity, proactive);
    }

    /**
     * Meta's clock decides: 10/2018278 means the window has closed, so the utility message goes instead. A rate
     * limit still in force after the retries starts the cool-down; the send itself is recorded as failed.
     */
    protected override async onSendRefused(context: TurnContext, activity: Partial<Activity>, error: PlatformApiError): Promise<boolean> {
        if (error.code === OUTSIDE_WINDOW.code && error.subcode === OUTSIDE_WINDOW.subcode && humanAgentOf(activity)) {
            // Past the HUMAN_AGENT window too: nothing may carry a person's words now; recorded so the console says so.
            await this.store.recordOutbound({
                ...this.recordOf(context, activity, 'text'),
                platformMessageId: null,
                status: 'undeliverable',
                errorCode: HUMAN_AGENT_WINDOW_CLOSED,
                errorDetail: "Messenger refused a person's reply: more than 7 days since the user last wrote (HUMAN_AGENT window)",
            });
            return true;
        }
        if (error.code === OUTSIDE_WINDOW.code && error.subcode === OUTSIDE_WINDOW.subcode) {
            await this.outsideWindow(context, activity, `${OUTSIDE_WINDOW.code}/${OUTSIDE_WINDOW.subcode}`);
            return true;
        }
        this.noteThrottling(error);
        return false;
    }

    /** A throttled reply goes to the queue: the cool-down starts all the same. */
    protected override onSendDeferred(error: PlatformApiError): void {
        this.noteThrottling(error);
    }

    /** A rate limit that outlasted the retries: nothing more is sent until the cool-down ends. */
    private noteThrottling(error: PlatformApiError): void {
        if (!isThrottlingCode(error.code)) return;
        const until = this.now().getTime() + (this.options.throttleCooldownMs ?? 60_000);
        this.throttled = { until, code: error.code! };
        this.logger.warn('Messenger is rate limiting this Page; sends pause', {
            channel: this.channelId,
            code: error.code,
            until: new Date(until).toISOString(),
        });
    }

    private async outsideWindow(context: TurnContext, activity: Partial<Activity>, reason: string): Promise<ResourceResponse> {
        const user = activity.recipient ?? context.activity.from;
        const record = this.recordOf(context, activity, UTILITY_KIND);
        const language = languageOf(activity);
        const plan = this.options.utility
            ? await this.options.utility.prepare(language, this.plainText(activity))
            : { ok: false as const, reason: 'no Messenger utility templates configured' };
        if (!plan.ok) {
            await this.store.recordOutbound({
                ...record,
                platformMessageId: null,
                status: 'undeliverable',
                errorCode: reason,
                errorDetail: `outside the 24-hour window: ${plan.reason}`,
            });
            this.logger.warn('update not sent: outside the 24-hour window', {
                channel: this.channelId,
                conversation: record.conversationId,
                reason: plan.reason,
            });
            return { id: '' };
        }
        try {
            const id = await this.options.client.sendUtility(user.id, plan.message);
            this.shared.observer?.sendResult?.(this.channelId, 'sent');
            await this.store.recordOutbound({
                ...record,
                platformMessageId: id,
                status: 'sent',
                errorDetail: `utility message "${plan.message.name}" (${plan.message.language}) sent instead of free-form text (${reason})`,
            });
            return { id };
        } catch (error) {
            if (!(error instanceof PlatformApiError)) throw error;
            this.noteThrottling(error);
            await this.recordFailure(record, this.errorCodeOf(error), error.message);
            return { id: '' };
        }
    }

    /** Everything the user would have seen of `activity` as one line: its text chunks and, numbered, its choices. */
    private plainText(activity: Partial<Activity>): string {
        const parts = this.render(activity);
        // A utility message carries no image: its address goes as a link.
        const text = parts
            .map((part) => String(part.message.text ?? (part.message.attachment as { payload?: { url?: string } } | undefined)?.payload?.url ?? ''))
            .join(' ');
        const replies = parts.flatMap((part) => (part.message.quick_replies as Array<{ title: string }> | undefined) ?? []);
        return replies.length === 0 ? text : `${text} ${replies.map((reply, i) => `${i + 1}. ${reply.title}`).join(' ')}`;
    }

    private recordOf(context: TurnContext, activity: Partial<Activity>, kind: string) {
        const user = activity.recipient ?? context.activity.from;
        return { channel: this.channelId, conversationId: activity.conversation?.id ?? context.activity.conversation.id, recipient: user.id, kind };
    }

    private async takeover(conversation: string, value: TakeoverValue | undefined, at: Date | undefined): Promise<void> {
        if (value?.action === 'resume') {
            await this.takeovers.resume(this.channelId, conversation);
            this.logger.info('the conversation was handed back to the bot', { channel: this.channelId, conversation });
            return;
        }
        // From the echo's own time: a late or replayed echo pauses for what is left of the pause, if anything.
        const from = Math.min(at ? new Date(at).getTime() : Infinity, this.now().getTime());
        const until = new Date(from + (this.options.humanPauseMs ?? 30 * 60_000));
        if (until.getTime() <= this.now().getTime()) return;
        await this.takeovers.pause(this.channelId, conversation, until);
        this.logger.info('a person answered this conversation; the bot pauses there', {
            channel: this.channelId,
            conversation,
            by: value?.appId,
            until: until.toISOString(),
        });
    }

    /** `mark_seen` and `typing_on`, one request each, side by side; failures are logged and forgotten. */
    private showTyping(user: string): Promise<void> {
        const signal = async (action: 'mark_seen' | 'typing_on') => {
            try {
                await this.options.client.senderAction(user, action);
            } catch (error) {
                this.logger.debug('Messenger sender action not shown', { channel: this.channelId, action, error: (error as Error).message });
            }
        };
        return Promise.all([signal('mark_seen'), signal('typing_on')]).then(() => undefined);
    }

    /**
     * The turn's first reply waits (briefly) for its indicators, so that `typing_on` cannot land after the reply and
     * leave the dots showing; later replies do not wait.
     */
    private async typingShown(user: string): Promise<void> {
        const pending = this.signals.get(user);
        if (!pending) return;
        this.signals.delete(user);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([pending, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.senderActionWaitMs ?? 1500)))]);
        clearTimeout(timer);
    }
}

/** The reply language of an outgoing activity: its locale when set, else Hindi when written in Devanagari. */
function languageOf(activity: Partial<Activity>): string {
    const locale = (activity.locale ?? '').toLowerCase();
    if (locale.startsWith('hi')) return 'hi';
    if (locale.startsWith('en')) return 'en';
    return /[\u0900-\u097f]/.test(activity.text ?? '') ? 'hi' : 'en';
}
