import { ActivityHandler, ActivityTypes, ConversationState, StatePropertyAccessor, TurnContext } from 'botbuilder';
import { Dialog, DialogSet, DialogState, DialogTurnStatus } from 'botbuilder-dialogs';
import { toLanguage, Translator } from '../i18n/Translator';
import { Logger } from '../logger';
import { Recognizer } from '../nlu/IntentRecognizer';
import { IdentityService } from '../services/IdentityService';
import { trustedSenderPhone } from './trustedSenderPhone';
import { OutageTopic, TurnData } from './TurnData';

// How long "what time exactly?" still asks about the outage answered before (a fault's or a shutdown's time).
const OUTAGE_TOPIC_MS = 2 * 3600_000;
import { ChannelOutput } from './ChannelOutput';
import type { ResolutionPhoto } from '../services/ComplaintNotifier';

/**
 * The bot: prepares each turn (who the user is, their language, what they said), runs the main dialog, and saves
 * conversation state at the end of the turn. Channel-agnostic: adapters only translate payloads to activities.
 */
/** What the bot asks of its root dialog when it begins one: a welcome, or the "is it fixed?" question. */
export interface RootDialogOptions {
    /** A new conversation: greet, then the menu (or the language choice for a new user). */
    welcome?: boolean;
    /** A proactive turn: an official resolved this complaint; ask the consumer whether it is fixed (`note` null: again). */
    confirmResolution?: { ticket: string; note: string | null };
    /** A proactive turn: an official recorded calling about this callback reference; ask whether they were called. */
    askCalled?: string;
    /** A proactive turn: this closed complaint was drawn for the re-contact; ask whether the supply is still working. */
    stillWorking?: string;
}

export class BijliMitraBot extends ActivityHandler {
    private readonly dialogState: StatePropertyAccessor<DialogState>;
    private readonly dialogs: DialogSet;
    /** The everyday question answered on the last turn: a follow-up ("kaise hoga?") is about it. */
    private readonly lastFaq: StatePropertyAccessor<string | null>;
    private readonly lastOutage: StatePropertyAccessor<OutageTopic | null>;
    private readonly languageChosen: StatePropertyAccessor<boolean>;

    constructor(
        private readonly conversationState: ConversationState,
        /** The root dialog (MainDialog), given by the composition root: the bot knows only its options. */
        private readonly mainDialog: Dialog<RootDialogOptions>,
        private readonly identities: IdentityService,
        private readonly recognizer: Recognizer,
        private readonly translator: Translator,
        private readonly logger: Logger,
        /** How each channel shows an image (the after-repair photo): as an image, or as a link. */
        private readonly output: ChannelOutput = new ChannelOutput()
    ) {
        super();
        this.dialogState = conversationState.createProperty<DialogState>('dialogState');
        this.lastFaq = conversationState.createProperty<string | null>('lastFaq');
        this.lastOutage = conversationState.createProperty<OutageTopic | null>('lastOutage');
        this.languageChosen = conversationState.createProperty<boolean>('languageChosen');
        this.dialogs = new DialogSet(this.dialogState);
        this.dialogs.add(mainDialog);

        this.onMessage(async (context, next) => {
            await this.prepare(context);
            await this.runDialog(context);
            await next();
        });
        this.onMembersAdded(async (context, next) => {
            const joined = (context.activity.membersAdded ?? []).filter((m) => m.id !== context.activity.recipient?.id);
            if (joined.length > 0 && context.activity.from?.id) {
                await this.prepare(context);
                await this.runDialog(context, { welcome: true });
            }
            await next();
        });
    }

    /**
     * Runs the turn and saves conversation state. When the dialogs throw, the conversation starts afresh (a stack
     * that threw once would throw again) and the user is told, all inside the turn, so under the conversation's
     * lock: a recovery outside it could wipe state the next queued turn is already using.
     */
    override async run(context: TurnContext): Promise<void> {
        try {
            await super.run(context);
            await this.conversationState.saveChanges(context, false);
        } catch (error) {
            this.logger.error('turn failed; conversation reset', {
                channel: context.activity.channelId,
                conversation: context.activity.conversation?.id,
                error: error as Error,
            });
            await this.conversationState.delete(context);
            const t = TurnData.find(context)?.t ?? this.translator.forLanguage(toLanguage(context.activity.locale) ?? 'en');
            await context.sendActivity(t('common:error'));
        }
    }

    /**
     * Prepares `context` for the dialogs (who the user is, their language, what they said). {@link run} does this;
     * a host that runs the root dialog (MainDialog) in its own DialogSet calls it once per turn first.
     */
    async prepareTurn(context: TurnContext): Promise<void> {
        await this.prepare(context);
    }

    /**
     * A proactive turn in a consumer's conversation: an official resolved their complaint, so ask "is it fixed?"
     * (`note` null: the reminder, asking again). If the consumer is in the middle of something, the question waits:
     * they get the notice as text instead, and can answer through the complaint's status.
     */
    async askToConfirm(context: TurnContext, ticket: string, note: string | null, photo?: ResolutionPhoto): Promise<void> {
        await this.prepare(context);
        // The official's after-repair photo comes just before the question, as the channel can show it.
        if (photo) {
            const caption = TurnData.of(context).t('status:repairPhoto', { ticket });
            await context.sendActivity(this.output.renderImage(context.activity.channelId, caption, photo.url, photo.contentType));
        }
        const dc = await this.dialogs.createContext(context);
        if (dc.activeDialog) {
            const { t } = TurnData.of(context);
            await context.sendActivity(note === null ? t('status:notice.reminder', { ticket }) : t('status:notice.resolved', { ticket, note }));
        } else {
            await dc.beginDialog(this.mainDialog.id, { confirmResolution: { ticket, note } } satisfies RootDialogOptions);
        }
        await this.conversationState.saveChanges(context, false);
    }

    /**
     * Proactive turn: asks the consumer whether the officer called about `reference`. With a question already open in
     * the chat, it comes as text that says how to answer later ("status R…").
     */
    async askIfCalled(context: TurnContext, reference: string): Promise<void> {
        await this.prepare(context);
        const dc = await this.dialogs.createContext(context);
        if (dc.activeDialog) {
            await context.sendActivity(TurnData.of(context).t('handoff:notice.askCalled', { reference }));
        } else {
            await dc.beginDialog(this.mainDialog.id, { askCalled: reference } satisfies RootDialogOptions);
        }
        await this.conversationState.saveChanges(context, false);
    }

    /**
     * Proactive turn: the random re-contact of a confirmed closure ("is the supply still working?"). With a question
     * already open in the chat, it comes as text that says how to answer later ("status C…").
     */
    async askStillWorking(context: TurnContext, ticket: string): Promise<void> {
        await this.prepare(context);
        const dc = await this.dialogs.createContext(context);
        if (dc.activeDialog) {
            await context.sendActivity(TurnData.of(context).t('status:recontact.notice', { ticket }));
        } else {
            await dc.beginDialog(this.mainDialog.id, { stillWorking: ticket } satisfies RootDialogOptions);
        }
        await this.conversationState.saveChanges(context, false);
    }

    private async prepare(context: TurnContext): Promise<void> {
        const activity = context.activity;
        const phone = trustedSenderPhone(context);
        const identity = await this.identities.getOrCreate(activity.channelId, activity.from.id, phone);
        const language = identity.preferredLanguage === 'hi' || identity.preferredLanguage === 'en' ? identity.preferredLanguage : null;
        const recognition = this.recognizer.recognize(typeof activity.text === 'string' ? activity.text : '', language === 'hi' ? 'hi' : 'en');
        if (activity.type === ActivityTypes.Message) {
            // Without the activity id, which changes every turn and which proactive messages do not need, the stored
            // reference is rewritten only when the conversation really changes.
            const { activityId: _activityId, ...reference } = TurnContext.getConversationReference(activity);
            await this.identities.rememberConversation(identity, JSON.stringify(reference));
        }
        const turn = new TurnData(
            identity,
            language,
            recognition,
            phone,
            this.translator,
            await this.lastFaq.get(context, null),
            await this.languageChosen.get(context, false)
        );
        const outage = await this.lastOutage.get(context, null);
        turn.previousOutage = outage && Date.now() - outage.at < OUTAGE_TOPIC_MS ? outage : null;
        turn.attach(context);
        // Adapters render buttons and lists per language (a list's "Options" label): tell them which.
        context.onSendActivities(async (_context, activities, next) => {
            for (const activity of activities) activity.locale = turn.language === 'hi' ? 'hi-IN' : 'en-IN';
            return next();
        });
        this.logger.debug('turn', {
            channel: activity.channelId,
            conversation: activity.conversation?.id,
            intent: recognition.intent,
            score: recognition.score,
            language: recognition.language,
        });
    }

    private async runDialog(context: TurnContext, options?: RootDialogOptions): Promise<void> {
        const dc = await this.dialogs.createContext(context);
        if (options?.welcome && dc.activeDialog) {
            // The user reopened a chat that is waiting for an answer: ask the open question again.
            await dc.repromptDialog();
            return;
        }
        const result = await dc.continueDialog();
        if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.mainDialog.id, options);
        const turn = TurnData.of(context);
        await this.lastFaq.set(context, turn.answeredFaq);
        if (turn.answeredOutage) await this.lastOutage.set(context, turn.answeredOutage);
        await this.languageChosen.set(context, turn.languageChosen);
    }
}
