/** Meanings of the WhatsApp Cloud API error codes the adapter acts on or reports. */
export const WHATSAPP_ERRORS: Record<string, string> = {
    '131047': 'more than 24 hours since the user last wrote: only a template may be sent',
    '131026': 'message undeliverable (not on WhatsApp, old app, or terms not accepted)',
    '130429': 'throughput limit reached for this phone number',
    '131056': 'too many messages to this user in a short time (pair rate)',
    '131048': 'spam rate limit: stop bulk sends and check quality',
    '131051': 'unsupported message type',
    '131000': 'unknown error at WhatsApp',
    '131008': 'required parameter missing',
    '100': 'invalid parameter',
    '132000': 'template parameters do not match',
    '132001': 'template does not exist in that language',
    '190': 'access token invalid or expired',
    '368': 'blocked for policy violations',
    '4': 'API call limit reached',
    '80007': 'rate limit of the WhatsApp Business Account reached',
    '130472': 'recipient is part of a Meta experiment',
};

/** The meaning of a WhatsApp error code, for logs. */
export function describeWhatsAppError(code: string | number | undefined): string | undefined {
    return code === undefined ? undefined : WHATSAPP_ERRORS[String(code)];
}
