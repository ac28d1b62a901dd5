import { MAX_JSON_DEPTH, nestedDeeperThan } from '../adapters/shared/jsonDepth';

type Fields = Record<string, unknown>;

const OPTIONAL_STRINGS = [
    'id',
    'text',
    'locale',
    'textFormat',
    'replyToId',
    'name',
    'deliveryMode',
    'inputHint',
    'speak',
    'summary',
    'localTimezone',
    'callerId',
    'action',
    'topicName',
    'label',
    'valueType',
    'attachmentLayout',
    'importance',
] as const;
const OPTIONAL_DATES = ['timestamp', 'localTimestamp', 'expiration'] as const;

function isObject(value: unknown): value is Fields {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
    return typeof value === 'string' && value !== '';
}

/** What is wrong with a channel account (`from`, `recipient`, a member), or null. */
function accountProblem(value: unknown, name: string): string | null {
    if (!isObject(value) || !isNonEmptyString(value.id)) return `"${name}" must be an object with a non-empty string "id"`;
    for (const field of ['name', 'role', 'aadObjectId']) {
        if (value[field] !== undefined && value[field] !== null && typeof value[field] !== 'string') return `"${name}.${field}" must be a string`;
    }
    return null;
}

/** What is wrong with an optional array of objects, each checked by `item`, or null. */
function listProblem(value: unknown, name: string, item: (element: Fields) => boolean, what: string): string | null {
    if (value === undefined || value === null) return null;
    if (!Array.isArray(value) || !value.every((element) => isObject(element) && item(element))) return `"${name}" must be an array of ${what}`;
    return null;
}

const optionalString = (value: unknown) => value === undefined || value === null || typeof value === 'string';

/**
 * Why a parsed `/api/messages` body is not an activity the bot can take, or null when it is. CloudAdapter checks only
 * that the body is an object with a type: a wrongly typed field (a numeric conversation, an object as text, a missing
 * serviceUrl) fails later, inside the connector or a dialog, as a 500 and possibly after state was written.
 */
export function activityProblem(body: unknown): string | null {
    if (!isObject(body) || !isNonEmptyString(body.type)) return 'expected a Bot Framework activity (JSON object with a "type")';
    if (nestedDeeperThan(body)) return `nested more than ${MAX_JSON_DEPTH} levels deep`;
    if (!isNonEmptyString(body.channelId)) return '"channelId" must be a non-empty string';
    if (typeof body.serviceUrl !== 'string' || !/^https?:\/\/[^\s]+$/i.test(body.serviceUrl) || !URL.canParse(body.serviceUrl)) {
        return '"serviceUrl" must be an http(s) URL';
    }
    if (!isObject(body.conversation) || !isNonEmptyString(body.conversation.id)) return '"conversation" must be an object with a non-empty string "id"';
    const from = accountProblem(body.from, 'from');
    if (from) return from;
    if (body.recipient !== undefined) {
        const recipient = accountProblem(body.recipient, 'recipient');
        if (recipient) return recipient;
    }
    for (const field of OPTIONAL_STRINGS) {
        if (!optionalString(body[field])) return `"${field}" must be a string`;
    }
    for (const field of OPTIONAL_DATES) {
        const value = body[field];
        if (value !== undefined && value !== null && (typeof value !== 'string' || Number.isNaN(Date.parse(value))))
            return `"${field}" must be an ISO date string`;
    }
    return (
        listProblem(body.membersAdded, 'membersAdded', (m) => accountProblem(m, 'member') === null, 'accounts with a string "id"') ??
        listProblem(body.membersRemoved, 'membersRemoved', (m) => accountProblem(m, 'member') === null, 'accounts with a string "id"') ??
        listProblem(
            body.attachments,
            'attachments',
            (a) => typeof a.contentType === 'string' && optionalString(a.contentUrl) && optionalString(a.name),
            'objects with a string "contentType"'
        ) ??
        listProblem(body.entities, 'entities', (e) => typeof e.type === 'string', 'objects with a string "type"')
    );
}
