import { isUniqueViolation } from '../data/isUniqueViolation';
import { Database } from '../data/Database';
import { AccountLink, VerificationMethod } from '../data/entities/AccountLink';
import { ChannelIdentity } from '../data/entities/ChannelIdentity';
import type { Language } from '../i18n/Translator';

/** Channel users, their chosen language and the accounts they have proved they hold. */
export class IdentityService {
    constructor(private readonly db: Database) {}

    /**
     * The identity of `channelUserId` on `channel`, created on first contact. A phone number the channel reports is
     * stored (and updated) so verification can compare it with the registered mobile.
     */
    async getOrCreate(channel: string, channelUserId: string, phoneNumber: string | null): Promise<ChannelIdentity> {
        return this.db.run(async (m) => {
            const repository = m.getRepository(ChannelIdentity);
            // Every turn asks this: one statement read straight from the driver (TypeORM only to create one).
            let identity: ChannelIdentity | null =
                (
                    await this.db.entities(ChannelIdentity, 'SELECT * FROM "channel_identities" WHERE "channel" = ? AND "channelUserId" = ?', [
                        channel,
                        channelUserId,
                    ])
                )[0] ?? null;
            if (!identity) {
                try {
                    identity = await repository.save(repository.create({ channel, channelUserId, phoneNumber, preferredLanguage: null }));
                } catch (error) {
                    // Two first messages raced (several instances on PostgreSQL); the other one created the row.
                    if (!isUniqueViolation(error)) throw error;
                    identity = await repository.findOneByOrFail({ channel, channelUserId });
                }
            } else if (phoneNumber && identity.phoneNumber !== phoneNumber) {
                identity.phoneNumber = phoneNumber;
                await repository.update({ id: identity.id }, { phoneNumber });
            }
            return identity;
        });
    }

    /** Remembers the reply language of an identity. */
    async setLanguage(identity: ChannelIdentity, language: Language): Promise<void> {
        identity.preferredLanguage = language;
        await this.db.sql('UPDATE "channel_identities" SET "preferredLanguage" = ?, "updatedAt" = CURRENT_TIMESTAMP WHERE "id" = ?', [language, identity.id]);
    }

    /**
     * Opts the user in to area announcements and bill reminders, or out of them and every other proactive update.
     * Opting out is immediate and lasts until they opt in again.
     */
    async setSubscribed(identity: ChannelIdentity, subscribed: boolean): Promise<void> {
        identity.subscribed = subscribed;
        identity.updatesOptOut = !subscribed;
        await this.db.run((m) => m.getRepository(ChannelIdentity).update({ id: identity.id }, { subscribed, updatesOptOut: !subscribed }));
    }

    /** Remembers where to reach the user for announcements (their latest conversation), when it changed. */
    async rememberConversation(identity: ChannelIdentity, conversationRef: string): Promise<void> {
        if (identity.conversationRef === conversationRef) return;
        identity.conversationRef = conversationRef;
        await this.db.sql('UPDATE "channel_identities" SET "conversationRef" = ?, "updatedAt" = CURRENT_TIMESTAMP WHERE "id" = ?', [
            conversationRef,
            identity.id,
        ]);
    }

    /**
     * Accounts this identity has verified against their current registered mobile, oldest first: when the utility
     * records a new mobile for an account, the links proved against the old one no longer count for anything (bills,
     * "my complaints", closing or reopening, area news).
     */
    async verifiedAccounts(identityId: number): Promise<string[]> {
        const { rows } = await this.db.sql<{ accountNumber: string }>(
            `SELECT l."accountNumber" FROM "account_links" l
             JOIN "consumers" c ON c."accountNumber" = l."accountNumber" AND c."registeredMobile" = l."verifiedMobile"
             WHERE l."identityId" = ? ORDER BY l."id" ASC`,
            [identityId]
        );
        return rows.map((row) => row.accountNumber);
    }

    /** Whether this identity has verified `accountNumber` against its current registered mobile. */
    async isVerified(identityId: number, accountNumber: string, registeredMobile: string): Promise<boolean> {
        const { rows } = await this.db.sql(
            'SELECT 1 AS "found" FROM "account_links" WHERE "identityId" = ? AND "accountNumber" = ? AND "verifiedMobile" = ? LIMIT 1',
            [identityId, accountNumber, registeredMobile]
        );
        return rows.length > 0;
    }

    /** Records a verified link against `registeredMobile`; linking again refreshes it. */
    async link(identityId: number, accountNumber: string, method: VerificationMethod, registeredMobile: string): Promise<void> {
        await this.db.run((m) =>
            m
                .createQueryBuilder()
                .insert()
                .into(AccountLink)
                .values({ identityId, accountNumber, method, verifiedMobile: registeredMobile })
                .orUpdate(['method', 'verifiedMobile'], ['identityId', 'accountNumber'])
                .execute()
        );
    }
}
