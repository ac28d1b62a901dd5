import { MobileChangeRequest } from '../data/entities/MobileChangeRequest';
import { NoticeText } from './ComplaintNotifier';

/** Tells the consumer who asked for a mobile change what was decided, in the chat they asked from. */
export interface MobileChangeNotifier {
    /** Sends `text` to the chat that made `request`, in its language. */
    mobileRequestToConsumer(request: MobileChangeRequest, text: NoticeText): Promise<void>;
}

/** A mobile change notifier that only remembers what it was asked to send (tests, and deployments without channels). */
export class RecordingMobileChangeNotifier implements MobileChangeNotifier {
    /** Every notice, oldest first. */
    readonly sent: Array<{ reference: string; text: NoticeText }> = [];

    async mobileRequestToConsumer(request: MobileChangeRequest, text: NoticeText): Promise<void> {
        this.sent.push({ reference: request.reference, text });
    }
}
