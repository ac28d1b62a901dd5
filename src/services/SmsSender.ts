/** Sends one text message to an Indian mobile number (10 digits). */
export interface SmsSender {
    send(mobile: string, text: string): Promise<void>;
}
