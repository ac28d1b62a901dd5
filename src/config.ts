import { DailyHours, parseDailyHours } from './services/dailyHours';
import * as fs from 'fs';
import * as path from 'path';
import * as dotenv from 'dotenv';
import { SettingsReader } from '../adapters/shared/ChannelDescriptor';
import { CHANNELS } from './channels';
import { isLoopback } from './serviceUrlPolicy';

/** Which SMS sender delivers one-time codes. */
export type SmsSenderKind = 'log' | 'http';

/** Validated runtime configuration of Bijli Mitra. Every value comes from the environment (or `.env`). */
export interface AppConfig {
    /** HTTP port of the bot server. */
    port: number;
    /**
     * The address the server listens on (`HOST`): loopback unless a channel, an app id or production is configured,
     * when it is every address. `/api/messages` takes unauthenticated activities only on loopback (see server).
     */
    host: string;
    /** `NODE_ENV=production`: a public deployment, whatever else is set. */
    production: boolean;
    /** Bearer token `/metrics` asks for (`METRICS_TOKEN`); empty leaves it open (keep it off the public path then). */
    metricsToken: string;
    /**
     * Which reverse proxies are trusted to say the client's address in `X-Forwarded-For` (`TRUST_PROXY`: `loopback`,
     * a number of hops, or addresses and subnets, as express takes them); empty trusts none, so the header is ignored.
     */
    trustProxy: string | number | null;
    /**
     * Hosts a Bot Framework activity's `serviceUrl` may name (`BOT_SERVICE_URL_HOSTS`; `*.` allows subdomains): the
     * server POSTs replies there, so any other address is refused before a connection is made.
     */
    serviceUrlHosts: string[];
    /** `sqlite:<path>` or a `postgres://` URL. */
    databaseUrl: string;
    /**
     * Whether the demo world (consumers, bills, officials with published passwords) is loaded at start: `auto` only
     * into an empty SQLite database of a deployment that is not public (see {@link isPublicDeployment}), `on` always,
     * `off` never.
     */
    demoData: 'auto' | 'on' | 'off';
    /** Bot Framework app id; empty runs `/api/messages` without auth, as the Emulator expects. */
    microsoftAppId: string;
    microsoftAppPassword: string;
    microsoftAppType: string;
    microsoftAppTenantId: string;
    /** Payment link; `{account}` is replaced by the account number. */
    paymentUrlTemplate: string;
    smsSender: SmsSenderKind;
    smsHttpUrl: string;
    smsHttpToken: string;
    /** Seconds a one-time code stays valid. */
    otpTtlSeconds: number;
    /** Wrong codes allowed before a code is void. */
    otpMaxAttempts: number;
    /** Codes that may be sent for one account and channel user per hour. */
    otpMaxSendsPerHour: number;
    /** Highest plausible consumption between two readings, in kWh, for self meter-reading. */
    meterReadingMaxJump: number;
    logLevel: 'debug' | 'info' | 'warn' | 'error';
    /** Hours between escalations once a complaint is past its due time. */
    escalationIntervalHours: number;
    /** Hours after an official's "resolved" at which a consumer who has not answered is asked again. */
    confirmReminderHours: number;
    /** Hours of consumer silence after which a resolved complaint becomes unconfirmed (never closed) for a re-check. */
    unconfirmedAfterHours: number;
    /** Hours field staff have to re-check an unconfirmed resolution. */
    recheckHours: number;
    /** Share (0 to 1) of confirmed closures drawn at random to be re-contacted ("is the supply still working?"). */
    recontactShare: number;
    /** Days after the consumer's confirmation at which a drawn closure is re-contacted. */
    recontactAfterDays: number;
    /** Days officials have to decide a compensation claim; after that it counts as not decided (the consumer may go to the CGRF). */
    claimDecisionDays: number;
    /** Minutes within which a hazard (a fallen wire) must be acknowledged before it goes to the XEN. */
    hazardAckMinutes: number;
    /** Hours within which the owner of a callback request must call (clock hours; escalates when late). */
    callbackDueHours: number;
    /** Daily hours (India time) in which officers return calls; the callback due time counts only these. */
    callbackHours: DailyHours | null;
    /** Live chat hours in India time, minutes after midnight (`to` before `from`: past midnight); null: live chat off. */
    liveChatHours: DailyHours | null;
    /** Minutes without a reply from the official holding a live chat after which it goes back to the bot. */
    liveChatIdleMinutes: number;
    /** Minutes within which an official's reply counts as answering a consumer's message in a live chat (answer rate). */
    liveChatAnswerMinutes: number;
    /** Hours a discom's triage desk has to give an unplaced complaint to a JE before its senior officials are told. */
    triageDueHours: number;
    /** Kilometres within which a shared location places a complaint in the nearest subdivision with a location. */
    placeRadiusKm: number;
    /** K: no-supply reports of one transformer, feeder or locality that make a suspected outage incident. */
    incidentReports: number;
    /** T: …within this many minutes. */
    incidentWindowMinutes: number;
    /** Shared locations this close (metres) count as one locality for outage grouping. */
    incidentRadiusMeters: number;
    /** Share of an incident's reporters who must confirm the power is back before it is verified. */
    incidentVerifyShare: number;
    /** Hours a restored (not yet verified) incident stays on the public status page. */
    statusPageRestoredHours: number;
    /** Seconds the public status page reuses what it read, so a burst of reloads costs one query. */
    statusPageCacheSeconds: number;
    /** Hours within which the subdivision should decide a mobile change request; later it shows as late. */
    mobileRequestDueHours: number;
    /** Wrong answers to the account-knowledge questions allowed per requester (and three times that per account) in a day. */
    mobileProofMaxAttempts: number;
    /** Seconds between scheduler passes (escalation, confirmation reminders, unconfirmed resolutions). */
    schedulerIntervalSeconds: number;
    /** Days before a bill's due date that subscribed consumers are reminded. */
    billReminderDaysBefore: number;
    /** A planned shutdown starting within this many hours is announced to its area's subscribed consumers. */
    shutdownNoticeHours: number;
    /** Messages a sender may send at once before their turns are spaced out. */
    rateLimitBurst: number;
    /** Sustained messages per minute per sender; 0 turns the limit off. */
    rateLimitPerMinute: number;
    /** Seconds a SIGTERM waits for running turns and sends before exiting anyway. */
    shutdownTimeoutSeconds: number;
    /** Milliseconds one platform API request may take; a send that times out is not repeated (it may have arrived). */
    platformTimeoutMs: number;
    /**
     * Hours after which a webhook message (by the platform's timestamp) is a replay, acknowledged and not run; at most
     * 168 (7 days, as long as platforms retry), which the duplicate record outlasts.
     */
    webhookMaxAgeHours: number;
    /** Directory where photos users send are kept once downloaded. */
    mediaDir: string;
    /** Largest photo kept, in bytes (also the largest after-repair photo an official may upload). */
    mediaMaxBytes: number;
    /**
     * The bot's public address (`https://host[/prefix]`, no trailing slash), where platforms fetch the after-repair
     * photo; empty: the photo is kept for the console and not sent to the consumer.
     */
    publicBaseUrl: string;
    /** Hours an after-repair photo's public address works. */
    repairPhotoLinkHours: number;
    /** Mark console cookies Secure (the console is served over HTTPS): on unless explicitly off for local use. */
    consoleSecureCookies: boolean;
    /**
     * The settings of each platform channel that is on (its secrets are configured), by channel id; each channel's
     * descriptor (`src/channels.ts`) reads and types its own.
     */
    channels: Record<string, unknown>;
}

/** Where Azure Bot Service's channels (Web Chat, Direct Line, Teams…) send activities from. */
const DEFAULT_SERVICE_URL_HOSTS = 'botframework.com,*.botframework.com,smba.trafficmanager.net,*.botframework.azure.us';

/** Thrown when the environment does not describe a usable configuration; lists every problem at once. */
export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`Configuration is not valid:\n  - ${problems.join('\n  - ')}\nSee .env.example for every variable.`);
        this.name = 'ConfigError';
    }
}

/**
 * Reads and validates configuration from `env`; when `envFile` exists its values fill in what `env` lacks.
 * Throws {@link ConfigError} naming each bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile: string | null = path.resolve('.env')): AppConfig {
    const merged: Record<string, string | undefined> = {};
    if (envFile && fs.existsSync(envFile)) {
        Object.assign(merged, dotenv.parse(fs.readFileSync(envFile)));
    }
    Object.assign(merged, env);
    const problems: string[] = [];
    const str = (name: string, fallback = ''): string => (merged[name] ?? fallback).trim();
    const int = (name: string, fallback: number, min: number, max: number): number => {
        const raw = str(name);
        if (raw === '') return fallback;
        const value = Number(raw);
        if (!Number.isInteger(value) || value < min || value > max) {
            problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
            return fallback;
        }
        return value;
    };
    const share = (name: string, fallback: number): number => {
        const raw = str(name);
        if (raw === '') return fallback;
        const value = Number(raw);
        if (!/^[0-9.]+$/.test(raw) || !Number.isFinite(value) || value < 0 || value > 1) {
            problems.push(`${name} must be a share from 0 to 1, such as 0.1 for one in ten (got "${raw}")`);
            return fallback;
        }
        return value;
    };
    const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
        const raw = str(name, fallback).toLowerCase();
        if (!(allowed as readonly string[]).includes(raw)) {
            problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
            return fallback;
        }
        return raw as T;
    };

    const databaseUrl = str('DATABASE_URL', 'sqlite:./data/bijli-mitra.sqlite');
    if (!/^sqlite:.+/.test(databaseUrl) && !/^postgres(ql)?:\/\/.+/.test(databaseUrl)) {
        problems.push(`DATABASE_URL must be "sqlite:<file path>" or a "postgres://" URL (got "${databaseUrl}")`);
    }
    const smsSender = oneOf('SMS_SENDER', ['log', 'http'] as const, 'log');
    const smsHttpUrl = str('SMS_HTTP_URL');
    if (smsSender === 'http' && !/^https?:\/\/.+/.test(smsHttpUrl)) {
        problems.push('SMS_HTTP_URL must be an http(s) URL when SMS_SENDER=http');
    }
    const paymentUrlTemplate = str('PAYMENT_URL_TEMPLATE', 'https://www.uppclonline.com/dispatch/Portal/appmanager/uppcl/wss?account={account}');
    if (!/^https?:\/\/.+/.test(paymentUrlTemplate)) {
        problems.push('PAYMENT_URL_TEMPLATE must be an http(s) URL; {account} is replaced by the account number');
    }
    const publicBaseUrl = str('PUBLIC_BASE_URL').replace(/\/+$/, '');
    if (publicBaseUrl !== '' && !validBaseUrl(publicBaseUrl)) {
        problems.push(`PUBLIC_BASE_URL must be an http(s) URL without query or fragment, e.g. https://bot.example.in (got "${publicBaseUrl}")`);
    }
    const microsoftAppId = str('MicrosoftAppId');
    const production = str('NODE_ENV').toLowerCase() === 'production';
    const anyChannel = CHANNELS.some((c) => c.secretNames.some((n) => str(n) !== ''));
    // What isPublicDeployment says of the finished configuration, read from the variables themselves.
    const publicDeployment = microsoftAppId !== '' || anyChannel || production;
    // The log sender writes one-time codes into the log: anyone who reads the log could verify as anyone.
    if (publicDeployment && smsSender === 'log') {
        problems.push(
            'SMS_SENDER=log only writes one-time codes to the log; with a channel, MicrosoftAppId or NODE_ENV=production set (a real deployment) set SMS_SENDER=http and SMS_HTTP_URL'
        );
    }
    const microsoftAppPassword = str('MicrosoftAppPassword');
    if (microsoftAppId && !microsoftAppPassword && str('MicrosoftAppType', 'MultiTenant') !== 'UserAssignedMSI') {
        problems.push('MicrosoftAppPassword is required when MicrosoftAppId is set');
    }
    const serviceUrlHosts = str('BOT_SERVICE_URL_HOSTS', DEFAULT_SERVICE_URL_HOSTS)
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean);
    for (const host of serviceUrlHosts) {
        if (!/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host))
            problems.push(`BOT_SERVICE_URL_HOSTS must list host names such as *.botframework.com (got "${host}")`);
    }
    // The old name promised that silence closes a complaint; nothing does any more, so a setting made under that
    // promise is stopped rather than silently given a new meaning.
    if (str('AUTO_CLOSE_HOURS') !== '') {
        problems.push(
            'AUTO_CLOSE_HOURS is no longer used: silence never closes a complaint. Set UNCONFIRMED_AFTER_HOURS (hours after "resolved" at which an unanswered complaint goes to a field re-check) and unset AUTO_CLOSE_HOURS'
        );
    }
    const config: AppConfig = {
        port: int('PORT', 3978, 0, 65535),
        host: str('HOST', publicDeployment ? '0.0.0.0' : '127.0.0.1'),
        production,
        metricsToken: str('METRICS_TOKEN'),
        trustProxy: trustProxyOf(str('TRUST_PROXY')),
        serviceUrlHosts,
        databaseUrl,
        demoData: oneOf('DEMO_DATA', ['auto', 'on', 'off'] as const, 'auto'),
        microsoftAppId,
        microsoftAppPassword,
        microsoftAppType: str('MicrosoftAppType', 'MultiTenant'),
        microsoftAppTenantId: str('MicrosoftAppTenantId'),
        paymentUrlTemplate,
        smsSender,
        smsHttpUrl,
        smsHttpToken: str('SMS_HTTP_TOKEN'),
        otpTtlSeconds: int('OTP_TTL_SECONDS', 600, 60, 3600),
        otpMaxAttempts: int('OTP_MAX_ATTEMPTS', 3, 1, 10),
        otpMaxSendsPerHour: int('OTP_MAX_SENDS_PER_HOUR', 3, 1, 20),
        meterReadingMaxJump: int('METER_READING_MAX_JUMP', 5000, 10, 1000000),
        logLevel: oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
        escalationIntervalHours: int('ESCALATION_INTERVAL_HOURS', 4, 1, 720),
        confirmReminderHours: int('CONFIRM_REMINDER_HOURS', 24, 1, 720),
        unconfirmedAfterHours: int('UNCONFIRMED_AFTER_HOURS', 72, 2, 2160),
        recheckHours: int('RECHECK_HOURS', 24, 1, 720),
        recontactShare: share('RECONTACT_SHARE', 0.1),
        recontactAfterDays: int('RECONTACT_AFTER_DAYS', 3, 1, 60),
        hazardAckMinutes: int('HAZARD_ACK_MINUTES', 30, 5, 240),
        claimDecisionDays: int('CLAIM_DECISION_DAYS', 30, 1, 365),
        callbackDueHours: int('CALLBACK_DUE_HOURS', 2, 1, 168),
        callbackHours: parseDailyHours('CALLBACK_HOURS', str('CALLBACK_HOURS', '08:00-20:00'), problems),
        liveChatHours: parseDailyHours('LIVE_CHAT_HOURS', str('LIVE_CHAT_HOURS', '08:00-20:00'), problems),
        liveChatIdleMinutes: int('LIVE_CHAT_IDLE_MINUTES', 15, 2, 240),
        liveChatAnswerMinutes: int('LIVE_CHAT_ANSWER_MINUTES', 5, 1, 120),
        triageDueHours: int('TRIAGE_DUE_HOURS', 4, 1, 168),
        placeRadiusKm: int('PLACE_RADIUS_KM', 10, 1, 100),
        incidentReports: int('INCIDENT_REPORTS', 3, 1, 100),
        incidentWindowMinutes: int('INCIDENT_WINDOW_MINUTES', 30, 5, 720),
        incidentRadiusMeters: int('INCIDENT_RADIUS_M', 500, 50, 5000),
        incidentVerifyShare: share('INCIDENT_VERIFY_SHARE', 0.5),
        statusPageRestoredHours: int('STATUS_PAGE_RESTORED_HOURS', 3, 1, 48),
        statusPageCacheSeconds: int('STATUS_PAGE_CACHE_SECONDS', 10, 1, 300),
        mobileRequestDueHours: int('MOBILE_REQUEST_DUE_HOURS', 48, 1, 720),
        mobileProofMaxAttempts: int('MOBILE_PROOF_MAX_ATTEMPTS', 3, 1, 10),
        schedulerIntervalSeconds: int('SCHEDULER_INTERVAL_SECONDS', 60, 5, 3600),
        billReminderDaysBefore: int('BILL_REMINDER_DAYS_BEFORE', 3, 1, 30),
        shutdownNoticeHours: int('SHUTDOWN_NOTICE_HOURS', 36, 1, 168),
        rateLimitBurst: int('RATE_LIMIT_BURST', 20, 1, 10000),
        rateLimitPerMinute: int('RATE_LIMIT_PER_MINUTE', 60, 0, 100000),
        shutdownTimeoutSeconds: int('SHUTDOWN_TIMEOUT_SECONDS', 25, 1, 600),
        platformTimeoutMs: int('PLATFORM_TIMEOUT_MS', 10000, 100, 120000),
        webhookMaxAgeHours: int('WEBHOOK_MAX_AGE_HOURS', 168, 1, 168),
        mediaDir: path.resolve(str('MEDIA_DIR', 'data/media')),
        mediaMaxBytes: int('MEDIA_MAX_BYTES', 5 * 1024 * 1024, 100 * 1024, 25 * 1024 * 1024),
        publicBaseUrl: validBaseUrl(publicBaseUrl) ? publicBaseUrl : '',
        repairPhotoLinkHours: int('REPAIR_PHOTO_LINK_HOURS', 168, 1, 720),
        consoleSecureCookies:
            oneOf('CONSOLE_SECURE_COOKIES', ['auto', 'on', 'off'] as const, 'auto') !== 'off' &&
            (str('CONSOLE_SECURE_COOKIES', 'auto').toLowerCase() === 'on' || microsoftAppId !== '' || anyChannel),
        channels: {},
    };
    // A channel is on when all its secrets are set; some but not all is a mistake worth stopping for.
    const channel = (label: string, names: readonly string[]): Record<string, string> | null => {
        const values = Object.fromEntries(names.map((n) => [n, str(n)]));
        const missing = names.filter((n) => !values[n]);
        if (missing.length === names.length) return null;
        if (missing.length > 0) {
            problems.push(`${label} is half configured: set ${missing.join(', ')} too (or unset ${names.filter((n) => values[n]).join(', ')})`);
            return null;
        }
        return values;
    };
    const url = (name: string, fallback: string): string => {
        const value = str(name, fallback).replace(/\/+$/, '');
        if (!/^https?:\/\/.+/.test(value)) problems.push(`${name} must be an http(s) URL (got "${value}")`);
        return value;
    };
    const reader: SettingsReader = { required: channel, text: str, integer: int, url, problem: (message) => problems.push(message) };
    for (const descriptor of CHANNELS) {
        const settings = descriptor.readSettings(reader);
        if (settings !== null) config.channels[descriptor.id] = settings;
    }
    if (config.confirmReminderHours >= config.unconfirmedAfterHours) {
        problems.push(
            `CONFIRM_REMINDER_HOURS (${config.confirmReminderHours}) must be less than UNCONFIRMED_AFTER_HOURS (${config.unconfirmedAfterHours}), or the reminder never goes out`
        );
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return config;
}

/** Whether `config` describes a deployment strangers can reach: a channel, a Bot Framework app id, or production. */
export function isPublicDeployment(config: AppConfig): boolean {
    return config.production || config.microsoftAppId !== '' || Object.keys(config.channels).length > 0;
}

/**
 * Whether `/api/messages` takes activities without Bot Framework authentication: only where nobody else can send them,
 * on loopback (`host`, where the server listens) of a deployment that is not public.
 */
export function acceptsUnauthenticated(config: AppConfig, host: string = config.host): boolean {
    return !isPublicDeployment(config) && isLoopback(host);
}

/** `TRUST_PROXY` as express's `trust proxy` setting: hops as a number, anything else as given; empty is none. */
function trustProxyOf(value: string): string | number | null {
    if (value === '' || value.toLowerCase() === 'false') return null;
    return /^[0-9]+$/.test(value) ? Number(value) : value;
}

/** Whether `url` can be the public base URL: http(s), a host, no credentials, query or fragment. */
function validBaseUrl(url: string): boolean {
    try {
        const parsed = new URL(url);
        return (
            (parsed.protocol === 'https:' || parsed.protocol === 'http:') &&
            parsed.host !== '' &&
            !parsed.username &&
            !parsed.search &&
            !parsed.hash &&
            !url.includes('#')
        );
    } catch {
        return false;
    }
}
