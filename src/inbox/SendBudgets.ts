import { randomBytes } from 'crypto';
import type { SendBudget, SendWindow } from '../../adapters/shared/ports';
import type { Database } from '../data/Database';

/** What an exhausted window records as used: more than any limit. */
const EXHAUSTED = 1_000_000_000_000;

/**
 * Platform send allowances in the database (`send_budgets`), so every instance draws on one allowance per account: X
 * counts the DMs of the bot account, not of each process. A window is a row (`<key>:<name>`) that starts at its first
 * send; taking from it is one statement that either counts the send or leaves the row as it was, and says which by the
 * grant id it returns, so two instances cannot both take the last send.
 */
export class SendBudgets implements SendBudget {
    constructor(private readonly db: Database) {}

    async take(key: string, windows: readonly SendWindow[], now: number): Promise<number> {
        const taken: Array<{ id: string; endsAt: number }> = [];
        for (const window of windows) {
            const id = `${key}:${window.name}`.slice(0, 200);
            const grant = randomBytes(12).toString('base64url');
            const { rows } = await this.db.sql<{ windowEndsAt: string | number; grantId: string }>(
                `INSERT INTO "send_budgets" ("key", "windowEndsAt", "used", "grantId") VALUES (?, CAST(? AS BIGINT), 1, ?)
                 ON CONFLICT ("key") DO UPDATE SET
                   "used" = CASE WHEN "send_budgets"."windowEndsAt" <= CAST(? AS BIGINT) THEN 1
                     WHEN "send_budgets"."used" < CAST(? AS BIGINT) THEN "send_budgets"."used" + 1 ELSE "send_budgets"."used" END,
                   "grantId" = CASE WHEN "send_budgets"."windowEndsAt" <= CAST(? AS BIGINT) OR "send_budgets"."used" < CAST(? AS BIGINT)
                     THEN excluded."grantId" ELSE "send_budgets"."grantId" END,
                   "windowEndsAt" = CASE WHEN "send_budgets"."windowEndsAt" <= CAST(? AS BIGINT) THEN excluded."windowEndsAt"
                     ELSE "send_budgets"."windowEndsAt" END
                 RETURNING "windowEndsAt", "grantId"`,
                [id, now + window.periodMs, grant, now, window.limit, now, window.limit, now]
            );
            const row = rows[0];
            if (row.grantId === grant) {
                taken.push({ id, endsAt: Number(row.windowEndsAt) });
                continue;
            }
            // This window is full: give back what the others counted, so a refused send costs nothing.
            for (const earlier of taken) {
                await this.db.sql('UPDATE "send_budgets" SET "used" = "used" - 1 WHERE "key" = ? AND "windowEndsAt" = CAST(? AS BIGINT) AND "used" > 0', [
                    earlier.id,
                    earlier.endsAt,
                ]);
            }
            return Math.max(1, Number(row.windowEndsAt) - now);
        }
        return 0;
    }

    async exhaust(key: string, name: string, until: number, now: number): Promise<void> {
        // X's reset time stands, except that two refusals at once (a 15-minute and a daily one) keep the later.
        await this.db.sql(
            `INSERT INTO "send_budgets" ("key", "windowEndsAt", "used", "grantId") VALUES (?, CAST(? AS BIGINT), CAST(? AS BIGINT), 'exhausted')
             ON CONFLICT ("key") DO UPDATE SET "used" = excluded."used", "grantId" = excluded."grantId",
               "windowEndsAt" = CASE WHEN "send_budgets"."used" >= excluded."used" AND "send_budgets"."windowEndsAt" > excluded."windowEndsAt"
                 AND "send_budgets"."windowEndsAt" > CAST(? AS BIGINT) THEN "send_budgets"."windowEndsAt" ELSE excluded."windowEndsAt" END`,
            [`${key}:${name}`.slice(0, 200), until, EXHAUSTED, now]
        );
    }
}
