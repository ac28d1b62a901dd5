import { isWireObject, wireText } from '../shared/wireValues';

/** A failure WhatsApp reported in a webhook: for one message (a `failed` status) or for the number (`value.errors[]`). */
export interface WhatsAppFailure {
    /** The error code as text (`131047`). */
    code: string;
    /** The wamid of the message that failed; absent for errors of the number or app (`value.errors[]`). */
    messageId?: string;
    /** How the message was addressed (`to:<wa_id>` or `recipient:<BSUID>`), when the status says. */
    recipient?: string;
    /** Meta's `error_data.details`, else its message or title. */
    detail?: string;
}

interface WaError {
    code?: unknown;
    title?: unknown;
    message?: unknown;
    error_data?: { details?: unknown };
}

/**
 * The failures a WhatsApp webhook body reports for `phoneNumberId`: every error of every `failed` status, and every
 * entry of `value.errors[]` (system, app or account errors, which name no message). Pure; anything not of that shape
 * is skipped.
 */
export function mapWhatsAppFailures(payload: unknown, phoneNumberId: string): WhatsAppFailure[] {
    const failures: WhatsAppFailure[] = [];
    const body = payload as { object?: unknown; entry?: unknown };
    if (!isWireObject(body) || body.object !== 'whatsapp_business_account' || !Array.isArray(body.entry)) return failures;
    for (const entry of body.entry as Array<{ changes?: unknown }>) {
        if (!isWireObject(entry) || !Array.isArray(entry.changes)) continue;
        for (const change of entry.changes as Array<{ field?: unknown; value?: unknown }>) {
            if (!isWireObject(change) || change.field !== 'messages' || !isWireObject(change.value)) continue;
            const value = change.value as { metadata?: { phone_number_id?: unknown }; statuses?: unknown; errors?: unknown };
            if (wireText(value.metadata?.phone_number_id) !== phoneNumberId) continue;
            for (const error of errorsOf(value.errors)) failures.push(failureOf(error));
            for (const status of Array.isArray(value.statuses) ? value.statuses : []) {
                if (!isWireObject(status) || status.status !== 'failed' || !wireText(status.id)) continue;
                const recipientUser = wireText(status.recipient_user_id);
                const recipientPhone = wireText(status.recipient_id);
                const recipient = recipientPhone ? `to:${recipientPhone}` : recipientUser ? `recipient:${recipientUser}` : undefined;
                for (const error of errorsOf(status.errors)) failures.push({ ...failureOf(error), messageId: wireText(status.id), recipient });
            }
        }
    }
    return failures.filter((failure) => failure.code !== '');
}

function errorsOf(errors: unknown): WaError[] {
    return Array.isArray(errors) ? (errors.filter(isWireObject) as WaError[]) : [];
}

function failureOf(error: WaError): WhatsAppFailure {
    const detail = wireText(error.error_data?.details) || wireText(error.message) || wireText(error.title);
    return { code: wireText(error.code), detail: detail || undefined };
}
