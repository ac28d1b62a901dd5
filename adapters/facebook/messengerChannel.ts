import { ChannelDescriptor, SettingsReader } from '../shared/ChannelDescriptor';
import { MESSENGER_CHOICES } from './renderMessenger';
import { DEPRECATED_TAGS } from './messengerErrors';
import { MessengerAdapter } from './MessengerAdapter';
import { MessengerClient } from './MessengerClient';
import { MessengerUtilityTemplates, UtilityTemplateSetting } from './MessengerUtilityTemplates';

/** Facebook Messenger settings; present when the channel is on. */
export interface MessengerSettings {
    appSecret: string;
    verifyToken: string;
    pageAccessToken: string;
    /** Graph API base with version; sends go to `${apiUrl}/me/messages`. */
    apiUrl: string;
    /** The Meta app's id, which tells the bot's own echoes from a person answering in the Page inbox; '' when unset. */
    appId?: string;
    /** A utility template (Page message template) per reply language, for updates outside the 24-hour window. */
    utilityTemplates?: { hi?: UtilityTemplateSetting; en?: UtilityTemplateSetting };
    /** The named placeholder the utility templates carry the update in (`update` for `{{update}}`). */
    utilityParameter?: string;
    /** Minutes a person's reply from the Page inbox silences the bot in that conversation. */
    humanPauseMinutes?: number;
}

const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
const LANGUAGE_CODE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
const PARAMETER_NAME = /^[a-z][a-z0-9_]*$/;

/** Facebook Messenger (a Page's inbox): on when its three secrets are set. */
export const messengerChannel: ChannelDescriptor<MessengerSettings> = {
    id: 'facebook',
    label: 'Facebook Messenger',
    choices: MESSENGER_CHOICES,
    images: true,
    secretNames: ['FACEBOOK_APP_SECRET', 'FACEBOOK_VERIFY_TOKEN', 'FACEBOOK_PAGE_ACCESS_TOKEN'],
    readSettings(env) {
        const secrets = env.required('Facebook Messenger', messengerChannel.secretNames);
        if (!secrets) return null;
        refuseMessageTag(env);
        const appId = env.text('FACEBOOK_APP_ID');
        if (appId && !/^[0-9]+$/.test(appId)) env.problem(`FACEBOOK_APP_ID must be the Meta app's numeric id (got "${appId}")`);
        const utilityParameter = env.text('FACEBOOK_UTILITY_PARAMETER', 'update');
        if (!PARAMETER_NAME.test(utilityParameter)) {
            env.problem(`FACEBOOK_UTILITY_PARAMETER must be a placeholder name of lowercase letters, digits and underscores (got "${utilityParameter}")`);
        }
        return {
            appSecret: secrets.FACEBOOK_APP_SECRET,
            verifyToken: secrets.FACEBOOK_VERIFY_TOKEN,
            pageAccessToken: secrets.FACEBOOK_PAGE_ACCESS_TOKEN,
            apiUrl: env.url('FACEBOOK_API_URL', 'https://graph.facebook.com/v25.0'),
            appId,
            utilityTemplates: {
                hi: utilityTemplate(env, 'FACEBOOK_UTILITY_TEMPLATE_HI', 'hi'),
                en: utilityTemplate(env, 'FACEBOOK_UTILITY_TEMPLATE_EN', 'en'),
            },
            utilityParameter,
            humanPauseMinutes: env.integer('FACEBOOK_HUMAN_PAUSE_MINUTES', 30, 1, 24 * 60),
        };
    },
    createAdapter(settings, host) {
        const client = new MessengerClient({
            apiUrl: settings.apiUrl,
            pageAccessToken: settings.pageAccessToken,
            logger: host.logger,
            onRetry: (status, code) => host.onRetry?.('facebook', status, code),
            timeoutMs: host.timeoutMs,
        });
        const templates = settings.utilityTemplates ?? {};
        return new MessengerAdapter({
            ...host.adapter,
            appSecret: settings.appSecret,
            verifyToken: settings.verifyToken,
            client,
            utility:
                templates.hi || templates.en
                    ? new MessengerUtilityTemplates(client, {
                          templates: { hi: templates.hi, en: templates.en },
                          parameter: settings.utilityParameter ?? 'update',
                      })
                    : undefined,
            appId: settings.appId || undefined,
            takeovers: host.takeovers,
            humanPauseMs: (settings.humanPauseMinutes ?? 30) * 60_000,
        });
    },
};

/**
 * `FACEBOOK_MESSAGE_TAG` is no longer read: the tags for automated updates are retired (Graph refuses them) and
 * `HUMAN_AGENT` is for replies a person writes. Any value stops the start with what to do instead.
 */
function refuseMessageTag(env: SettingsReader): void {
    const tag = env.text('FACEBOOK_MESSAGE_TAG');
    if (!tag) return;
    const instead =
        'Updates outside the 24-hour window go as utility messages: unset FACEBOOK_MESSAGE_TAG and set FACEBOOK_UTILITY_TEMPLATE_HI and ' +
        'FACEBOOK_UTILITY_TEMPLATE_EN to approved Page message templates with the {{update}} placeholder (README, Facebook Messenger)';
    if (DEPRECATED_TAGS.has(tag.toUpperCase())) {
        env.problem(
            `FACEBOOK_MESSAGE_TAG=${tag}: Meta retired this tag on 27 April 2026 and Graph refuses every message that carries it ((#100) Invalid parameter). ${instead}`
        );
    } else if (tag.toUpperCase() === 'HUMAN_AGENT') {
        env.problem(
            `FACEBOOK_MESSAGE_TAG=${tag}: HUMAN_AGENT may only tag a reply a person wrote, within 7 days of the user's message; the bot never tags its own messages. ${instead}`
        );
    } else {
        env.problem(`FACEBOOK_MESSAGE_TAG=${tag} is not used: the bot sends no message tags. ${instead}`);
    }
}

/** `name` or `name:language_code`; the language code defaults to the bot's language (`hi`, `en`). */
function utilityTemplate(env: SettingsReader, variable: string, language: string): UtilityTemplateSetting | undefined {
    const value = env.text(variable);
    if (!value) return undefined;
    const [name, code = language, ...rest] = value.split(':').map((part) => part.trim());
    if (rest.length > 0 || !TEMPLATE_NAME.test(name) || !LANGUAGE_CODE.test(code)) {
        env.problem(
            `${variable} must be a template name of lowercase letters, digits and underscores, optionally ":<language code>" such as ${language} (got "${value}")`
        );
        return undefined;
    }
    return { name, language: code };
}
