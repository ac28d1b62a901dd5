import { BotAdapter, ConversationReference, TurnContext } from 'botbuilder';
import { joined } from './dialogKit';
import { TestConversation } from './TestBot';

/**
 * Stands in for a channel adapter's proactive turns in dialog tests: a notice or question the bot sends on its own
 * ("is it fixed?", "were you called?") runs in the test conversation its reference names.
 */
export class ProactiveChats {
    private readonly conversations = new Map<string, TestConversation>();

    /** The adapter to hand the proactive notifier (as the `test` channel's). */
    readonly adapter = {
        continueConversationAsync: async (_appId: string, reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>) => {
            const conversation = this.conversations.get(reference.conversation?.id ?? '');
            if (!conversation) throw new Error(`no test conversation ${reference.conversation?.id}`);
            const activity = TurnContext.applyConversationReference({ type: 'event', name: 'continueConversation' }, reference, true);
            await logic(new TurnContext(conversation.adapter, activity));
        },
    } as unknown as BotAdapter;

    /** Lets proactive turns reach `user`'s conversation. */
    track(user: TestConversation): TestConversation {
        this.conversations.set(user.adapter.template.conversation!.id, user);
        return user;
    }

    /** What the bot said in `user`'s chat outside the user's turns since the last look. */
    replies(user: TestConversation): string {
        return joined(user.adapter.activeQueue.splice(0).map((a) => a.text ?? ''));
    }

    /** The tracked conversation a stored conversation reference (JSON) names. */
    of(conversationRef: string): TestConversation {
        const id = (JSON.parse(conversationRef) as Partial<ConversationReference>).conversation?.id ?? '';
        const conversation = this.conversations.get(id);
        if (!conversation) throw new Error(`no test conversation ${id}`);
        return conversation;
    }

    clear(): void {
        this.conversations.clear();
    }
}
