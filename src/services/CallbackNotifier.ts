import { CallbackRequest } from '../data/entities/CallbackRequest';
import { Official } from '../data/entities/Official';
import { NoticeText } from './ComplaintNotifier';

/** Delivers callback notices: to the owning official, and to the consumer in the chat that asked for the call. */
export interface CallbackNotifier {
    /** Tells an official about `request` (a new one, an escalation, or the consumer's "nobody called"). */
    callbackToOfficial(official: Official, request: CallbackRequest, text: NoticeText): Promise<void>;
    /** Asks the consumer whether they were called (an official recorded the call). */
    askConsumerIfCalled(request: CallbackRequest): Promise<void>;
}

/** A callback notifier that only remembers what it was asked to send (tests, and deployments without channels). */
export class RecordingCallbackNotifier implements CallbackNotifier {
    /** Every notice, oldest first. */
    readonly sent: Array<{ to: 'consumer' | 'official'; reference: string; officialId?: number; text: NoticeText }> = [];

    async callbackToOfficial(official: Official, request: CallbackRequest, text: NoticeText): Promise<void> {
        this.sent.push({ to: 'official', reference: request.reference, officialId: official.id, text });
    }

    async askConsumerIfCalled(request: CallbackRequest): Promise<void> {
        this.sent.push({ to: 'consumer', reference: request.reference, text: { key: 'handoff:askCalled', vars: { reference: request.reference } } });
    }
}
