import { ChannelDescriptor } from '../shared/ChannelDescriptor';
import { WHATSAPP_CHOICES } from './renderWhatsApp';
import { WhatsAppAdapter } from './WhatsAppAdapter';
import { WhatsAppClient } from './WhatsAppClient';
import { checkWhatsAppTemplates, WhatsAppTemplates } from './whatsAppTemplates';

/** The languages Bijli Mitra speaks: a template is needed for each, so no one gets updates in the other language. */
export const TEMPLATE_LANGUAGES = ['hi', 'en'] as const;

/** WhatsApp Cloud API settings; present when the channel is on. */
export interface WhatsAppSettings {
    appSecret: string;
    verifyToken: string;
    accessToken: string;
    phoneNumberId: string;
    /** Graph API base with version; sends go to `${apiUrl}/${phoneNumberId}/messages`. */
    apiUrl: string;
    maxMessagesPerSecond: number;
    /** Templates by language sent outside the 24-hour window (one body parameter: the message), if configured. */
    templates: WhatsAppTemplates | null;
}

/** WhatsApp Business Cloud API: on when its four secrets are set. */
export const whatsAppChannel: ChannelDescriptor<WhatsAppSettings> = {
    id: 'whatsapp',
    label: 'WhatsApp',
    choices: WHATSAPP_CHOICES,
    images: true,
    secretNames: ['WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID'],
    readSettings(env) {
        const secrets = env.required('WhatsApp', whatsAppChannel.secretNames);
        if (!secrets) return null;
        let templates: WhatsAppTemplates | null = null;
        try {
            templates = readTemplates(env.text('WHATSAPP_TEMPLATES'), env.text('WHATSAPP_TEMPLATE_NAME'));
        } catch (error) {
            // Listed with every other configuration problem, so one start names them all.
            env.problem((error as Error).message);
        }
        return {
            appSecret: secrets.WHATSAPP_APP_SECRET,
            verifyToken: secrets.WHATSAPP_VERIFY_TOKEN,
            accessToken: secrets.WHATSAPP_ACCESS_TOKEN,
            phoneNumberId: secrets.WHATSAPP_PHONE_NUMBER_ID,
            apiUrl: env.url('WHATSAPP_API_URL', 'https://graph.facebook.com/v25.0'),
            maxMessagesPerSecond: env.integer('WHATSAPP_MAX_MESSAGES_PER_SECOND', 80, 1, 1000),
            templates,
        };
    },
    sendsPerSecond: (settings) => settings.maxMessagesPerSecond,
    createAdapter(settings, host) {
        return new WhatsAppAdapter({
            ...host.adapter,
            phoneNumberId: settings.phoneNumberId,
            appSecret: settings.appSecret,
            verifyToken: settings.verifyToken,
            templates: settings.templates === null ? undefined : checkWhatsAppTemplates(settings.templates, TEMPLATE_LANGUAGES, 'WhatsApp templates'),
            listButton: host.listButton,
            identityAliases: host.identityAliases,
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

/**
 * `WHATSAPP_TEMPLATES`: a JSON object of templates by language, each `{"name", "language", "body"}`, checked here so
 * a misconfigured start stops with a message naming the problem.
 * @throws Error for JSON that does not parse, a missing language or a body without exactly one `{{1}}`.
 */
function readTemplates(json: string, legacyName: string): WhatsAppTemplates | null {
    if (legacyName) {
        throw new Error(
            'WHATSAPP_TEMPLATE_NAME and WHATSAPP_TEMPLATE_LANGUAGE are replaced by WHATSAPP_TEMPLATES, one template per language: ' +
                'WHATSAPP_TEMPLATES={"hi":{"name":"…","language":"hi","body":"… {{1}}"},"en":{"name":"…","language":"en","body":"… {{1}}"}}'
        );
    }
    if (!json) return null;
    let parsed: unknown;
    try {
        parsed = JSON.parse(json);
    } catch {
        throw new Error('WHATSAPP_TEMPLATES is not valid JSON: write {"hi":{"name":"…","language":"hi","body":"… {{1}}"},"en":{…}}');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('WHATSAPP_TEMPLATES must be a JSON object of templates by language');
    return checkWhatsAppTemplates(parsed as Record<string, object>, TEMPLATE_LANGUAGES, 'WHATSAPP_TEMPLATES');
}
