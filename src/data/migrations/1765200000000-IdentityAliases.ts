import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

interface IdentityRow {
    id: number;
    channelUserId: string;
    phoneNumber: string | null;
    conversationRef: string | null;
    preferredLanguage: string | null;
    subscribed: boolean | number;
    updatesOptOut: boolean | number;
}

/**
 * Every id a channel user has had (WhatsApp: number, business-scoped id, parent id) and the person id it names: the id
 * their conversation and records live under. `retiredAt` (when the platform said the id stopped naming them) and
 * `updatedAt` are the platform's timestamps in milliseconds, compared as numbers on both databases.
 *
 * The data part links what the existing rows allow. Every WhatsApp identity names itself. An identity keyed on a
 * business-scoped id whose stored conversation (or reported phone) gives its number also owns that number; when the
 * number has an identity of its own (the user wrote before WhatsApp sent business-scoped ids, and was split in two
 * when it did), that one's complaints, meter readings, callback requests and verified accounts move to the
 * business-scoped identity, which has the conversation in use, and the number names it from now on. Not undone by
 * `down`, which only drops the table.
 */
export class IdentityAliases1765200000000 implements MigrationInterface {
    name = 'IdentityAliases1765200000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.createTable(
            new Table({
                name: 'channel_user_aliases',
                columns: [
                    { name: 'channel', type: 'varchar', length: '30', isPrimary: true },
                    { name: 'alias', type: 'varchar', length: '200', isPrimary: true },
                    { name: 'kind', type: 'varchar', length: '10', isNullable: false },
                    { name: 'personId', type: 'varchar', length: '200', isNullable: false },
                    { name: 'retiredAt', type: 'bigint', isNullable: true },
                    { name: 'updatedAt', type: 'bigint', isNullable: false },
                ],
                indices: [new TableIndex({ columnNames: ['channel', 'personId'] })],
            })
        );
        await linkExistingWhatsAppUsers(queryRunner);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropTable('channel_user_aliases');
    }
}

async function linkExistingWhatsAppUsers(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    const sql = (text: string, params: unknown[] = []) => {
        let index = 0;
        return queryRunner.query(postgres ? text.replace(/\?/g, () => `$${++index}`) : text, params);
    };
    const flag = (value: boolean) => (postgres ? value : value ? 1 : 0);
    // Every identity names itself, in one statement however many there are (numbers are digits; BSUIDs `CC.…`).
    await sql(
        `INSERT INTO "channel_user_aliases" ("channel", "alias", "kind", "personId", "retiredAt", "updatedAt")
         SELECT "channel", "channelUserId", CASE WHEN "channelUserId" LIKE '__.ENT.%' THEN 'parent' WHEN "channelUserId" LIKE '__.%' THEN 'user' ELSE 'phone' END, "channelUserId", NULL, 0
         FROM "channel_identities" WHERE "channel" = ?`,
        ['whatsapp']
    );
    const identities = (await sql(
        'SELECT "id", "channelUserId", "phoneNumber", "conversationRef", "preferredLanguage", "subscribed", "updatesOptOut" FROM "channel_identities" WHERE "channel" = ? ORDER BY "id"',
        ['whatsapp']
    )) as IdentityRow[];
    const byUserId = new Map(identities.map((row) => [row.channelUserId, row]));
    for (const person of identities) {
        if (kindOf(person.channelUserId) === 'phone') continue;
        const number = numberOf(person);
        if (!number || number === person.channelUserId) continue;
        await sql(
            `INSERT INTO "channel_user_aliases" ("channel", "alias", "kind", "personId", "retiredAt", "updatedAt") VALUES (?, ?, 'phone', ?, NULL, 0)
             ON CONFLICT ("channel", "alias") DO UPDATE SET "personId" = excluded."personId"`,
            ['whatsapp', number, person.channelUserId]
        );
        const split = byUserId.get(number);
        if (!split) continue;
        for (const table of ['complaints', 'meter_readings', 'callback_requests']) {
            await sql(`UPDATE "${table}" SET "channelUserId" = ? WHERE "channel" = ? AND "channelUserId" = ?`, [person.channelUserId, 'whatsapp', number]);
        }
        await sql(
            'UPDATE "account_links" SET "identityId" = ? WHERE "identityId" = ? AND "accountNumber" NOT IN (SELECT "accountNumber" FROM "account_links" WHERE "identityId" = ?)',
            [person.id, split.id, person.id]
        );
        // The later of the two reply windows; an opt-out on either stands; the language chosen, if only one was.
        await sql(
            'UPDATE "channel_identities" SET "lastInboundAt" = (SELECT MAX("lastInboundAt") FROM "channel_identities" WHERE "id" IN (?, ?)), "subscribed" = ?, "updatesOptOut" = ?, "preferredLanguage" = ? WHERE "id" = ?',
            [
                person.id,
                split.id,
                flag(Boolean(person.subscribed) || Boolean(split.subscribed)),
                flag(Boolean(person.updatesOptOut) || Boolean(split.updatesOptOut)),
                person.preferredLanguage ?? split.preferredLanguage,
                person.id,
            ]
        );
    }
}

/** The number a business-scoped identity was last reported with: its stored conversation's, else its Indian mobile. */
function numberOf(identity: IdentityRow): string | null {
    try {
        const reference = identity.conversationRef ? (JSON.parse(identity.conversationRef) as { user?: { properties?: { waId?: unknown } } }) : null;
        const waId = reference?.user?.properties?.waId;
        if (typeof waId === 'string' && /^[0-9]{7,15}$/.test(waId)) return waId;
    } catch {
        // A reference that does not parse gives no number.
    }
    return identity.phoneNumber && /^[0-9]{10}$/.test(identity.phoneNumber) ? `91${identity.phoneNumber}` : null;
}

function kindOf(id: string): 'phone' | 'user' | 'parent' {
    if (/^[A-Z]{2}\.ENT\./.test(id)) return 'parent';
    return /^[A-Z]{2}\./.test(id) ? 'user' : 'phone';
}
