import { Recognition } from '../src/nlu/IntentRecognizer';

/** What a flow tells the main dialog when it ends. */
export interface FlowResult {
    /** Show the main menu next. */
    showMenu?: boolean;
    /** The user's last message asked for something else ("meter details" after a bill): act on it. */
    followUp?: boolean;
    /** Registered complaint's ticket, when the flow registered one. */
    ticket?: string;
}

/** Whether `intent` reports a fault (a complaint of some kind), as opposed to asking after one. */
export function isFault(intent: string): boolean {
    return intent.startsWith('complaint.') && intent !== 'complaint.status';
}

/** Whether a message asks for something the bot does (a flow, an officer, an opt-out), as opposed to chit-chat. */
export function isRequest(r: Pick<Recognition, 'intent' | 'score'>): boolean {
    return (
        r.score >= 0.5 &&
        (r.intent.startsWith('complaint.') ||
            r.intent.startsWith('bill.') ||
            r.intent.startsWith('meter.') ||
            r.intent === 'agent' ||
            r.intent === 'mobile.update' ||
            r.intent === 'subscribe' ||
            r.intent === 'unsubscribe')
    );
}
