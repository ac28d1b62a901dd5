import { Activity, ActivityHandler, ConversationState, StatePropertyAccessor, TurnContext } from 'botbuilder';
import { DialogSet, DialogState, DialogTurnStatus } from 'botbuilder-dialogs';
import { MainDialog, MainDialogOptions } from '../../dialogs/MainDialog';
import { Translator } from '../i18n/Translator';
import { Logger } from '../logger';
import { parseMobileNumber } from '../nlu/extractEntities';
import { Recognizer } from '../nlu/IntentRecognizer';
import { IdentityService } from '../services/IdentityService';
import { TurnData } from './TurnData';

/**
 * The sender's phone number as the channel reports it. Channel adapters put it on `from.properties.phoneNumber`
 * (WhatsApp's `wa_id`, say); channels that do not know it leave it out and users verify by one-time code instead.
 */
export function senderPhoneOf(activity: Partial<Activity>): string | null {
    const raw = (activity.from?.properties as { phoneNumber?: unknown } | undefined)?.phoneNumber;
    return typeof raw === 'string' ? parseMobileNumber(raw) : null;
}

/**
 * The bot: prepares each turn (who the user is, their language, what they said), runs the main dialog, and saves
 * conversation state at the end of the turn. Channel-agnostic: adapters only translate payloads to activities.
 */
export class BijliMitraBot extends ActivityHandler {
    private readonly dialogState: StatePropertyAccessor<DialogState>;
    private readonly dialogs: DialogSet;

    constructor(
        private readonly conversationState: ConversationState,
        private readonly mainDialog: MainDialog,
        private readonly identities: IdentityService,
        private readonly recognizer: Recognizer,
        private readonly translator: Translator,
        private readonly logger: Logger
    ) {
        super();
        this.dialogState = conversationState.createProperty<DialogState>('dialogState');
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

    /** Runs the turn and saves conversation state, also when the dialogs threw (so the user is not stuck). */
    override async run(context: TurnContext): Promise<void> {
        try {
            await super.run(context);
        } finally {
            await this.conversationState.saveChanges(context, false);
        }
    }

    private async prepare(context: TurnContext): Promise<void> {
        const activity = context.activity;
        const phone = senderPhoneOf(activity);
        const identity = await this.identities.getOrCreate(activity.channelId, activity.from.id, phone);
        const language = identity.preferredLanguage === 'hi' || identity.preferredLanguage === 'en' ? identity.preferredLanguage : null;
        const recognition = this.recognizer.recognize(typeof activity.text === 'string' ? activity.text : '', language === 'hi' ? 'hi' : 'en');
        new TurnData(identity, language, recognition, phone, this.translator).attach(context);
        this.logger.debug('turn', {
            channel: activity.channelId,
            conversation: activity.conversation?.id,
            intent: recognition.intent,
            score: recognition.score,
            language: recognition.language,
        });
    }

    private async runDialog(context: TurnContext, options?: MainDialogOptions): Promise<void> {
        const dc = await this.dialogs.createContext(context);
        const result = await dc.continueDialog();
        if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.mainDialog.id, options);
    }
}
