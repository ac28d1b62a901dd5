import { Activity, BotAdapter, ConversationReference, TurnContext } from 'botbuilder';
import { Complaint } from '../data/entities/Complaint';
import { Official } from '../data/entities/Official';
import { TranslateFn, Translator, toLanguage } from '../i18n/Translator';
import { Logger } from '../logger';
import { ComplaintNotifier, NoticeText, ResolutionPhoto } from './ComplaintNotifier';
import { CallbackNotifier } from './CallbackNotifier';
import { CallbackRequest } from '../data/entities/CallbackRequest';
import { MobileChangeRequest } from '../data/entities/MobileChangeRequest';
import { MobileChangeNotifier } from './MobileChangeNotifier';
import { reachesByMobile } from '../../adapters/shared/ports';
import type { ConversationSender } from './LiveChatService';
import type { IncidentNotifier } from './IncidentService';
import { Incident } from '../data/entities/Incident';
import { IncidentFollower } from '../data/entities/IncidentFollower';

/**
 * Sends complaint notices as proactive messages through the channel adapters: to the consumer in the conversation
 * they registered from, in their language; to officials on a channel that reaches them by mobile (WhatsApp) when one is on (outside the 24-hour
 * window the WhatsApp adapter sends its template or records why it could not). A notice that cannot be delivered
 * is logged; it never undoes the change it reports.
 */
export class ProactiveNotifier implements ComplaintNotifier, CallbackNotifier, ConversationSender, MobileChangeNotifier, IncidentNotifier {
    /**
     * @param confirmTurn the bot's turn that asks "is it fixed?" in the consumer's conversation (`note` null: the
     * reminder; `photo` the after-repair photo shown with it); without it the consumer gets the resolution notice or
     * reminder as plain text.
     * @param calledTurn the bot's turn that asks "were you called?" about a callback request; without it, plain text.
     * @param stillWorkingTurn the bot's turn that asks "is the supply still working?" (the re-contact); without it, plain text.
     */
    constructor(
        private readonly adapters: Map<string, BotAdapter>,
        private readonly translator: Translator,
        private readonly logger: Logger,
        private readonly botAppId: string,
        private readonly confirmTurn?: (ticket: string, note: string | null, photo?: ResolutionPhoto) => (context: TurnContext) => Promise<void>,
        private readonly calledTurn?: (reference: string) => (context: TurnContext) => Promise<void>,
        private readonly stillWorkingTurn?: (ticket: string) => (context: TurnContext) => Promise<void>
    ) {}

    async toConsumer(complaint: Complaint, text: NoticeText): Promise<void> {
        if (!complaint.conversationRef) return;
        const reference = JSON.parse(complaint.conversationRef) as Partial<ConversationReference>;
        await this.send(reference, this.translator.forLanguage(toLanguage(complaint.language) ?? 'hi'), text, complaint.ticket);
    }

    async askConsumerToConfirm(complaint: Complaint, note: string, photo?: ResolutionPhoto): Promise<void> {
        if (!complaint.conversationRef) return;
        if (!this.confirmTurn) {
            await this.toConsumer(complaint, { key: 'status:notice.resolved', vars: { ticket: complaint.ticket, note } });
            return;
        }
        const reference = JSON.parse(complaint.conversationRef) as Partial<ConversationReference>;
        await this.run(reference, this.confirmTurn(complaint.ticket, note, photo), complaint.ticket);
    }

    async remindConsumerToConfirm(complaint: Complaint): Promise<void> {
        if (!complaint.conversationRef) return;
        if (!this.confirmTurn) {
            await this.toConsumer(complaint, { key: 'status:notice.reminder', vars: { ticket: complaint.ticket } });
            return;
        }
        const reference = JSON.parse(complaint.conversationRef) as Partial<ConversationReference>;
        await this.run(reference, this.confirmTurn(complaint.ticket, null), complaint.ticket);
    }

    /** Goes the same way as the reminder: a proactive turn on the consumer's channel (its adapter keeps the 24-hour window). */
    async askConsumerStillWorking(complaint: Complaint): Promise<void> {
        if (!complaint.conversationRef) return;
        if (!this.stillWorkingTurn) {
            await this.toConsumer(complaint, { key: 'status:recontact.notice', vars: { ticket: complaint.ticket } });
            return;
        }
        const reference = JSON.parse(complaint.conversationRef) as Partial<ConversationReference>;
        await this.run(reference, this.stillWorkingTurn(complaint.ticket), complaint.ticket);
    }

    /** Officials are reached on the first channel that can open a conversation by mobile number (WhatsApp), if any. */
    async toOfficial(official: Official, complaint: Complaint, text: NoticeText): Promise<void> {
        if (!official.mobile) return;
        const channel = [...this.adapters.values()].find(reachesByMobile);
        if (!channel) return;
        const reference = channel.referenceForMobile(official.mobile, official.name);
        await this.send(reference, this.translator.forLanguage(toLanguage(official.language) ?? 'hi'), text, complaint.ticket);
    }

    async toIncidentOfficial(official: Official, incident: Incident, text: NoticeText): Promise<void> {
        if (!official.mobile) return;
        const channel = [...this.adapters.values()].find(reachesByMobile);
        if (!channel) return;
        const reference = channel.referenceForMobile(official.mobile, official.name);
        await this.send(reference, this.translator.forLanguage(toLanguage(official.language) ?? 'hi'), text, incident.reference);
    }

    async toFollower(follower: IncidentFollower, text: NoticeText): Promise<void> {
        const reference = JSON.parse(follower.conversationRef) as Partial<ConversationReference>;
        await this.send(reference, this.translator.forLanguage(toLanguage(follower.language) ?? 'hi'), text, `incident ${follower.incidentId}`);
    }

    async callbackToOfficial(official: Official, request: CallbackRequest, text: NoticeText): Promise<void> {
        if (!official.mobile) return;
        const channel = [...this.adapters.values()].find(reachesByMobile);
        if (!channel) return;
        const reference = channel.referenceForMobile(official.mobile, official.name);
        await this.send(reference, this.translator.forLanguage(toLanguage(official.language) ?? 'hi'), text, request.reference);
    }

    async askConsumerIfCalled(request: CallbackRequest): Promise<void> {
        if (!request.conversationRef) return;
        const reference = JSON.parse(request.conversationRef) as Partial<ConversationReference>;
        if (this.calledTurn) return this.run(reference, this.calledTurn(request.reference), request.reference);
        const t = this.translator.forLanguage(toLanguage(request.language) ?? 'hi');
        await this.send(reference, t, { key: 'handoff:notice.askCalled', vars: { reference: request.reference } }, request.reference);
    }

    /**
     * Sends `activity` in the stored conversation `conversationRef` (an official's live-chat reply, a live-chat notice);
     * resolves with whether the platform took it (adapters answer an empty id for a message not sent or queued).
     */
    async sendToConversation(conversationRef: string, activity: Partial<Activity>, label: string, before?: (context: TurnContext) => void): Promise<boolean> {
        const reference = JSON.parse(conversationRef) as Partial<ConversationReference>;
        let delivered = false;
        await this.run(
            reference,
            async (context) => {
                before?.(context);
                const response = await context.sendActivity(activity);
                delivered = Boolean(response?.id);
            },
            label
        );
        return delivered;
    }

    async mobileRequestToConsumer(request: MobileChangeRequest, text: NoticeText): Promise<void> {
        if (!request.conversationRef) return;
        const reference = JSON.parse(request.conversationRef) as Partial<ConversationReference>;
        await this.send(reference, this.translator.forLanguage(toLanguage(request.language) ?? 'hi'), text, request.reference);
    }

    private async send(reference: Partial<ConversationReference>, t: TranslateFn, text: NoticeText, ticket: string): Promise<void> {
        await this.run(
            reference,
            async (context) => {
                await context.sendActivity(t(text.key, text.vars as never));
            },
            ticket
        );
    }

    private async run(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>, ticket: string): Promise<void> {
        const adapter = this.adapters.get(reference.channelId ?? '') ?? this.adapters.get('*');
        if (!adapter) {
            this.logger.warn('no adapter for a proactive notice', { channel: reference.channelId, ticket });
            return;
        }
        try {
            await adapter.continueConversationAsync(this.botAppId, reference, logic);
        } catch (error) {
            this.logger.warn('proactive notice not delivered', { channel: reference.channelId, ticket, error: error as Error });
        }
    }
}
