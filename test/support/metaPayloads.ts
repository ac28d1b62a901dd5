import * as fs from 'fs';
import * as path from 'path';
import { signSha256 } from '../../adapters/shared/webhookSignature';
import { PACKAGE_ROOT } from '../../src/paths';

/**
 * The channel fixtures (`test/fixtures/channels`, provenance and licences in its SOURCES.md), or wherever
 * BIJLI_FIXTURES points.
 */
export const FIXTURES = process.env.BIJLI_FIXTURES ? path.resolve(process.env.BIJLI_FIXTURES) : path.join(PACKAGE_ROOT, 'test', 'fixtures', 'channels');

/** A fixture file parsed. */
export function fixture(relative: string): any {
    return JSON.parse(fs.readFileSync(path.join(FIXTURES, relative), 'utf8'));
}

/** JSON as Meta puts it on the wire: every non-ASCII character escaped as \uXXXX (lowercase hex). */
export function metaWireJson(body: unknown): Buffer {
    const json = JSON.stringify(body).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return Buffer.from(json, 'utf8');
}

/** Headers of a webhook POST signed as Meta signs it. */
export function metaHeaders(raw: Buffer, appSecret: string): Record<string, string> {
    return { 'content-type': 'application/json', 'x-hub-signature-256': signSha256(appSecret, raw, 'hex') };
}

let sequence = 0;

/** A WhatsApp webhook body with one text message from `waId` (and its BSUID, when given). */
export function whatsAppText(phoneNumberId: string, waId: string, text: string, options: { id?: string; bsuid?: string; name?: string } = {}): object {
    return whatsAppMessages(phoneNumberId, [
        { waId, bsuid: options.bsuid, name: options.name, message: { id: options.id ?? `wamid.test${++sequence}`, type: 'text', text: { body: text } } },
    ]);
}

/** A WhatsApp webhook body carrying several messages (of several users) in one change. */
export function whatsAppMessages(
    phoneNumberId: string,
    messages: Array<{ waId: string; bsuid?: string; name?: string; message: Record<string, unknown> }>
): object {
    return {
        object: 'whatsapp_business_account',
        entry: [
            {
                id: 'WABA1',
                changes: [
                    {
                        field: 'messages',
                        value: {
                            messaging_product: 'whatsapp',
                            metadata: { display_phone_number: '915220000000', phone_number_id: phoneNumberId },
                            contacts: messages.map((m) => ({
                                profile: { name: m.name ?? 'Consumer' },
                                wa_id: m.waId,
                                ...(m.bsuid ? { user_id: m.bsuid } : {}),
                            })),
                            messages: messages.map((m) => ({
                                from: m.waId,
                                ...(m.bsuid ? { from_user_id: m.bsuid } : {}),
                                timestamp: String(Math.floor(Date.now() / 1000)),
                                ...m.message,
                            })),
                        },
                    },
                ],
            },
        ],
    };
}
