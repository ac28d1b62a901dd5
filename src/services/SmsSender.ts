/** Sends one text message to an Indian mobile number (10 digits). */
export interface SmsSender {
    /** Sends `text` to `mobile`; rejects when the message could not be handed to the gateway. */
    send(mobile: string, text: string): Promise<void>;
}
