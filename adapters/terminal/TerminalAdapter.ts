import { randomUUID } from 'crypto';
import { continuationLogic } from '../shared/continuationLogic';
import { Activity, ActivityTypes, BotAdapter, ConversationReference, ResourceResponse, TurnContext } from 'botbuilder';
import type { ClaimsIdentity } from 'botframework-connector';
import { vouchForSenderPhone, withIndianCountryCode } from '../shared/senderPhone';

/** Where the terminal adapter writes the bot's messages. */
export interface TerminalOutput {
    write(text: string): void;
}

/** Options of {@link TerminalAdapter}. */
export interface TerminalAdapterOptions {
    /** Reported as the sender's phone, to try automatic verification (e.g. a demo consumer's mobile). */
    phoneNumber?: string;
    userId?: string;
    locale?: string;
}

/**
 * A channel for the terminal: each line typed becomes a message activity on channel `terminal`; replies are
 * printed, with buttons as a numbered list that the prompts accept by number. Needs no credentials.
 */
export class TerminalAdapter extends BotAdapter {
    private readonly reference: ConversationReference;
    /** Button titles of the last bot message, so a typed number can be sent as the title the bot expects. */
    private lastButtons: string[] = [];

    constructor(
        private readonly out: TerminalOutput,
        private readonly options: TerminalAdapterOptions = {}
    ) {
        super();
        const userId = options.userId ?? 'terminal-user';
        this.reference = {
            channelId: 'terminal',
            serviceUrl: 'terminal://local',
            conversation: { id: `terminal-${userId}`, isGroup: false, conversationType: 'personal', name: 'terminal' },
            user: { id: userId, name: 'You', role: 'user' },
            bot: { id: 'bijli-mitra', name: 'Bijli Mitra', role: 'bot' },
            locale: options.locale,
        };
    }

    /** Starts the conversation as a channel would when a user opens the chat. */
    async start(logic: (context: TurnContext) => Promise<void>): Promise<void> {
        await this.receive(
            {
                type: ActivityTypes.ConversationUpdate,
                membersAdded: [this.reference.user!, this.reference.bot!],
            },
            logic
        );
    }

    /** Runs one turn for a line the user typed. */
    async say(line: string, logic: (context: TurnContext) => Promise<void>): Promise<void> {
        const trimmed = line.trim();
        // A number picks the button with that position, exactly as tapping it would.
        const index = /^[0-9]{1,2}$/.test(trimmed) ? Number(trimmed) - 1 : -1;
        const text = index >= 0 && index < this.lastButtons.length ? this.lastButtons[index] : line;
        await this.receive({ type: ActivityTypes.Message, text }, logic);
    }

    private async receive(partial: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
        const activity = TurnContext.applyConversationReference({ ...partial, id: randomUUID(), timestamp: new Date() }, this.reference, true) as Activity;
        const context = new TurnContext(this, activity);
        // The terminal is local: the developer's --phone stands for what a platform like WhatsApp would vouch for.
        if (this.options.phoneNumber) vouchForSenderPhone(context, withIndianCountryCode(this.options.phoneNumber));
        await this.runMiddleware(context, logic);
    }

    /** Prints each message, with its buttons as a numbered list. */
    async sendActivities(_context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
        const responses: ResourceResponse[] = [];
        for (const activity of activities) {
            if (activity.type === ActivityTypes.Message) {
                const buttons = (activity.suggestedActions?.actions ?? []).map((a) => String(a.title ?? a.value));
                this.lastButtons = buttons;
                const list = buttons.map((title, i) => `  ${i + 1}. ${title}`).join('\n');
                this.out.write(`${activity.text ?? ''}${list ? `\n${list}` : ''}`);
            }
            responses.push({ id: randomUUID() });
        }
        return responses;
    }

    /** Not possible in a terminal; throws. */
    async updateActivity(): Promise<void> {
        throw new Error('TerminalAdapter cannot edit a message that was already printed');
    }

    /** Not possible in a terminal; throws. */
    async deleteActivity(): Promise<void> {
        throw new Error('TerminalAdapter cannot delete a message that was already printed');
    }

    /** Runs `logic` as a proactive turn in the terminal conversation. */
    async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
        const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
        await this.runMiddleware(new TurnContext(this, activity), logic);
    }

    /** Same as {@link continueConversation}; the app id or claims are not needed locally. */
    override async continueConversationAsync(
        _botAppIdOrClaims: string | ClaimsIdentity,
        reference: Partial<ConversationReference>,
        logicOrAudience: ((context: TurnContext) => Promise<void>) | string,
        maybeLogic?: (context: TurnContext) => Promise<void>
    ): Promise<void> {
        const logic = continuationLogic(logicOrAudience, maybeLogic);
        await this.continueConversation(reference, logic);
    }
}
