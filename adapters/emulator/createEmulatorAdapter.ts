import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';

/** Bot Framework credentials; all empty runs without auth, as the Bot Framework Emulator expects. */
export interface BotFrameworkCredentials {
    microsoftAppId: string;
    microsoftAppPassword: string;
    microsoftAppType: string;
    microsoftAppTenantId: string;
}

/**
 * The `CloudAdapter` behind `POST /api/messages`, used by the Emulator, Web Chat and Azure Bot Service. With no app
 * id it accepts unauthenticated requests and replies without a token: for local development only, never on a
 * public address.
 */
export function createEmulatorAdapter(credentials: BotFrameworkCredentials): CloudAdapter {
    const options: ConfigurationBotFrameworkAuthenticationOptions = credentials.microsoftAppId
        ? {
              MicrosoftAppId: credentials.microsoftAppId,
              MicrosoftAppPassword: credentials.microsoftAppPassword,
              MicrosoftAppType: credentials.microsoftAppType,
              MicrosoftAppTenantId: credentials.microsoftAppTenantId,
          }
        : {};
    return new CloudAdapter(new ConfigurationBotFrameworkAuthentication(options));
}
