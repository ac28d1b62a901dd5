import { Logger } from '../logger';
import { SmsSender } from './SmsSender';

/**
 * Development sender: writes the message to the server log instead of sending it, so one-time codes can be tried
 * without an SMS gateway. The mobile is masked like every number in the log; the text is shown in full.
 */
export class LogSmsSender implements SmsSender {
    /** Every message sent, newest last; tests and the terminal chat read codes from here. */
    readonly sent: Array<{ mobile: string; text: string }> = [];

    constructor(
        private readonly logger: Logger,
        private readonly onSend?: (mobile: string, text: string) => void
    ) {}

    async send(mobile: string, text: string): Promise<void> {
        this.sent.push({ mobile, text });
        if (this.sent.length > 100) this.sent.shift();
        this.logger.info('sms (development sender, not delivered)', { to: mobile, text });
        this.onSend?.(mobile, text);
    }
}
