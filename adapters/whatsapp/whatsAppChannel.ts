import { ChannelDescriptor } from '../shared/ChannelDescriptor';
import { WHATSAPP_CHOICES } from './renderWhatsApp';
import { WhatsAppAdapter } from './WhatsAppAdapter';
import { WhatsAppClient } from './WhatsAppClient';

/** WhatsApp Cloud API settings; present when the channel is on. */
export interface WhatsAppSettings {
    appSecret: string;
    verifyToken: string;
    accessToken: string;
    phoneNumberId: string;
    /** Graph API base with version; sends go to `${apiUrl}/${phoneNumberId}/messages`. */
    apiUrl: string;
    maxMessagesPerSecond: number;
    /** Template sent outside the 24-hour window (one body parameter: the message), if configured. */
    template: { name: string; language: string } | null;
}

/** WhatsApp Business Cloud API: on when its four secrets are set. */
export const whatsAppChannel: ChannelDescriptor<WhatsAppSettings> = {
    id: 'whatsapp',
    label: 'WhatsApp',
    choices: WHATSAPP_CHOICES,
    secretNames: ['WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID'],
    readSettings(env) {
        const secrets = env.required('WhatsApp', whatsAppChannel.secretNames);
        if (!secrets) return null;
        const templateName = env.text('WHATSAPP_TEMPLATE_NAME');
        return {
            appSecret: secrets.WHATSAPP_APP_SECRET,
            verifyToken: secrets.WHATSAPP_VERIFY_TOKEN,
            accessToken: secrets.WHATSAPP_ACCESS_TOKEN,
            phoneNumberId: secrets.WHATSAPP_PHONE_NUMBER_ID,
            apiUrl: env.url('WHATSAPP_API_URL', 'https://graph.facebook.com/v25.0'),
            maxMessagesPerSecond: env.integer('WHATSAPP_MAX_MESSAGES_PER_SECOND', 80, 1, 1000),
            template: templateName ? { name: templateName, language: env.text('WHATSAPP_TEMPLATE_LANGUAGE', 'hi') } : null,
        };
    },
    sendsPerSecond: (settings) => settings.maxMessagesPerSecond,
    createAdapter(settings, host) {
        return new WhatsAppAdapter({
            ...host.adapter,
            phoneNumberId: settings.phoneNumberId,
            appSecret: settings.appSecret,
            verifyToken: settings.verifyToken,
            template: settings.template ?? undefined,
            listButton: host.listButton,
            client: new WhatsAppClient({
                apiUrl: settings.apiUrl,
                accessToken: settings.accessToken,
                phoneNumberId: settings.phoneNumberId,
                maxMessagesPerSecond: settings.maxMessagesPerSecond,
                logger: host.logger,
                onRetry: (status, code) => host.onRetry?.('whatsapp', status, code),
                timeoutMs: host.timeoutMs,
            }),
        });
    },
};
