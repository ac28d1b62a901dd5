import { strict as assert } from 'assert';
import { Activity } from 'botbuilder';
import { EntityTarget, ObjectLiteral } from 'typeorm';
import { DEMO_BILLS, DEMO_CONSUMERS, DEMO_METERS } from '../../src/data/demoData';
import { Complaint } from '../../src/data/entities/Complaint';
import { TestBot, TestConversation } from './TestBot';

/** Shared helpers for the dialog tests: demo facts, conversation set-up and assertions on replies. */

/** Format of complaint tickets and callback references. */
export const TICKET_FORMAT = /^C\d{4}-\d{4,}$/;
export const REFERENCE_FORMAT = /^R\d{4}-\d{4,}$/;

/** A demo consumer with what a test needs to know about it, read from the demo data (never from the bot). */
export interface DemoFacts {
    account: string;
    name: string;
    address: string;
    mobile: string | null;
    meterNumber: string;
    meterType: string;
    lastReading: number;
    latestBill: { month: string; amountPaise: number; arrearsPaise: number; units: number; dueDate: string; paid: boolean };
    billCount: number;
}

export function demo(account: string): DemoFacts {
    const consumer = DEMO_CONSUMERS.find((c) => c.accountNumber === account);
    const meter = DEMO_METERS.find((m) => m.accountNumber === account);
    const bills = DEMO_BILLS.filter((b) => b.accountNumber === account).sort((a, b) => b.billMonth.localeCompare(a.billMonth));
    assert.ok(consumer && meter && bills.length > 0, `demo account ${account} exists`);
    const latest = bills[0];
    return {
        account,
        name: consumer.name,
        address: consumer.address,
        mobile: consumer.registeredMobile,
        meterNumber: meter.meterNumber,
        meterType: meter.meterType,
        lastReading: meter.lastReading,
        latestBill: {
            month: latest.billMonth,
            amountPaise: latest.amountPaise,
            arrearsPaise: latest.arrearsPaise,
            units: latest.units,
            dueDate: latest.dueDate,
            paid: latest.paid,
        },
        billCount: bills.length,
    };
}

/** Lucknow, postpaid, latest bill unpaid, registered mobile 9415012345. */
export const LUCKNOW = demo('1234567890');
/** Meerut, smart prepaid. */
export const MEERUT = demo('2468013579');
/** Varanasi, rural postpaid. */
export const VARANASI = demo('3692581470');
/** An account number that is well-formed but not in the demo data. */
export const UNKNOWN_ACCOUNT = '9999999999';

/** `145600` paise → `1,456` (Indian grouping, no currency sign), computed here rather than by the bot. */
export function rupees(paise: number): string {
    const whole = Math.floor(paise / 100);
    const digits = String(whole);
    const last3 = digits.slice(-3);
    const rest = digits.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',');
    const grouped = rest ? `${rest},${last3}` : last3;
    return paise % 100 === 0 ? grouped : `${grouped}.${String(paise % 100).padStart(2, '0')}`;
}

/** Every text of every reply so far. */
export function transcriptText(user: TestConversation): string[] {
    return user.transcript.map((a) => a.text ?? '');
}

export function joined(replies: string[]): string {
    return replies.join('\n');
}

/** The first ticket number in `text`, or null. */
export function ticketIn(text: string): string | null {
    return text.match(/C\d{4}-\d{4,}/)?.[0] ?? null;
}

/** The first callback reference in `text`, or null. */
export function referenceIn(text: string): string | null {
    return text.match(/R\d{4}-\d{4,}/)?.[0] ?? null;
}

const DEVANAGARI = /[\u0900-\u097F]/g;
const LATIN = /[A-Za-z]/g;

/** Mostly Devanagari letters: a Hindi reply. */
export function isHindi(text: string): boolean {
    return (text.match(DEVANAGARI) ?? []).length > (text.match(LATIN) ?? []).length;
}

/** Mostly Latin letters: an English reply. */
export function isEnglish(text: string): boolean {
    return (text.match(LATIN) ?? []).length > (text.match(DEVANAGARI) ?? []).length;
}

export function assertAllHindi(replies: string[], context = ''): void {
    assert.ok(replies.length > 0, `expected replies ${context}`);
    for (const reply of replies) assert.ok(isHindi(reply), `reply should be in Devanagari Hindi ${context}: ${reply}`);
}

export function assertAllEnglish(replies: string[], context = ''): void {
    assert.ok(replies.length > 0, `expected replies ${context}`);
    for (const reply of replies) assert.ok(isEnglish(reply), `reply should be in English ${context}: ${reply}`);
}

/** The generic error text (common:error) in either language. */
export const ERROR_REPLY = /something went wrong|कुछ गड़बड़ हो गई/i;

/** No reply is the generic error and no turn failed in the log. */
export function assertNoFailure(bot: TestBot, replies: string[]): void {
    for (const reply of replies) assert.doesNotMatch(reply, ERROR_REPLY);
    const failed = bot.logLines.filter((line) => line.includes('turn failed'));
    assert.deepEqual(failed, [], 'no turn failed');
}

export async function count<T extends ObjectLiteral>(bot: TestBot, entity: EntityTarget<T>): Promise<number> {
    return bot.dataSource.getRepository(entity).count();
}

export async function complaints(bot: TestBot): Promise<Complaint[]> {
    return bot.dataSource.getRepository(Complaint).find({ order: { id: 'ASC' } });
}

/** A user who opened the chat and chose English; the menu is showing. */
export async function englishUser(bot: TestBot, options: Parameters<TestBot['conversation']>[0] = {}): Promise<TestConversation> {
    const user = bot.conversation(options);
    await user.open();
    const replies = await user.say('English');
    assert.match(joined(replies), /What would you like to do/);
    return user;
}

/** A user who opened the chat and chose हिंदी; the menu is showing. */
export async function hindiUser(bot: TestBot, options: Parameters<TestBot['conversation']>[0] = {}): Promise<TestConversation> {
    const user = bot.conversation(options);
    await user.open();
    const replies = await user.say('हिंदी');
    assert.match(joined(replies), /आप क्या करना चाहेंगे/);
    return user;
}

/**
 * Another conversation of the same channel user (same user id, new conversation id), as a channel starts when the
 * user comes back another day. The harness derives the conversation id from the user id, so it is replaced here.
 */
export function laterConversation(bot: TestBot, userId: string, conversationId: string, options: { phoneNumber?: string } = {}): TestConversation {
    const user = bot.conversation({ userId, ...options });
    user.adapter.template.conversation = { ...user.adapter.template.conversation!, id: conversationId };
    return user;
}

/** Sends each input in turn and returns the replies of the last one. */
export async function sayAll(user: TestConversation, inputs: Array<string | Partial<Activity>>): Promise<string[]> {
    let replies: string[] = [];
    for (const input of inputs) replies = await user.say(input);
    return replies;
}

/** Types the code from the last SMS. */
export async function sayCode(bot: TestBot, user: TestConversation): Promise<string[]> {
    const code = bot.lastCode();
    assert.ok(code, 'a code was sent by SMS');
    return user.say(code);
}

/** Titles of the buttons of the last reply that has buttons. */
export function buttonsOf(activities: Partial<Activity>[]): string[] {
    const withButtons = activities.filter((a) => a.suggestedActions?.actions?.length);
    return withButtons[withButtons.length - 1]?.suggestedActions?.actions.map((a) => String(a.title)) ?? [];
}
