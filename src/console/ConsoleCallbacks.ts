import { Brackets, In } from 'typeorm';
import { Database } from '../data/Database';
import { CallbackRequest } from '../data/entities/CallbackRequest';
import { Official } from '../data/entities/Official';
import { OPEN_CALLBACK_STATUSES } from '../services/CallbackLifecycle';
import { ConsoleScope } from './ConsoleQueries';

/** A callback request with the official who owns it. */
export interface CallbackRow {
    request: CallbackRequest;
    owner: Official | null;
}

/**
 * The console's reads of callback requests, with the complaint pages' scope: those of the official's subdivisions,
 * those assigned to them, and (for SDO and above) those nobody could place.
 */
export class ConsoleCallbacks {
    constructor(private readonly db: Database) {}

    /** Callbacks in scope: open ones first, the most overdue first; then the latest finished ones. At most `limit`. */
    async list(scope: ConsoleScope, openOnly: boolean, limit = 200): Promise<CallbackRow[]> {
        const requests = await this.db.run((m) => {
            const qb = m.getRepository(CallbackRequest).createQueryBuilder('r');
            qb.where(
                new Brackets((w) => {
                    w.where('r.assignedOfficialId = :me', { me: scope.official.id });
                    if (scope.subdivisions.length > 0) {
                        w.orWhere('(r.discom = :discom AND r.subdivision IN (:...subdivisions))', { discom: scope.discom, subdivisions: scope.subdivisions });
                    }
                    // An unplaced request shows to the officials of its district's discom (of any, when no district was given).
                    if (scope.official.level !== 'JE')
                        w.orWhere('(r.subdivision IS NULL AND r.assignedOfficialId IS NULL AND (r.discom IS NULL OR r.discom = :unplacedDiscom))', {
                            unplacedDiscom: scope.discom,
                        });
                })
            );
            if (openOnly) qb.andWhere('r.status IN (:...open)', { open: OPEN_CALLBACK_STATUSES });
            return qb.orderBy('r.dueAt', 'ASC').addOrderBy('r.id', 'ASC').take(limit).getMany();
        });
        const open = requests.filter((r) => OPEN_CALLBACK_STATUSES.includes(r.status));
        const done = requests.filter((r) => !OPEN_CALLBACK_STATUSES.includes(r.status)).sort((a, b) => b.id - a.id);
        return this.withOwners([...open, ...done]);
    }

    /** The request with `reference` if the official of `scope` may see it; null otherwise (as if it did not exist). */
    async visible(scope: ConsoleScope, reference: string): Promise<CallbackRow | null> {
        const request = await this.db.run((m) => m.getRepository(CallbackRequest).findOneBy({ reference }));
        if (!request) return null;
        const mine = request.assignedOfficialId === scope.official.id;
        const inArea = request.discom === scope.discom && request.subdivision !== null && scope.subdivisions.includes(request.subdivision);
        const unplaced =
            scope.official.level !== 'JE' &&
            request.subdivision === null &&
            request.assignedOfficialId === null &&
            (request.discom === null || request.discom === scope.discom);
        if (!mine && !inArea && !unplaced) return null;
        return (await this.withOwners([request]))[0];
    }

    private async withOwners(requests: CallbackRequest[]): Promise<CallbackRow[]> {
        const ids = [...new Set(requests.map((r) => r.assignedOfficialId).filter((id): id is number => id !== null))];
        const owners = ids.length ? await this.db.run((m) => m.getRepository(Official).findBy({ id: In(ids) })) : [];
        const byId = new Map(owners.map((o) => [o.id, o]));
        return requests.map((request) => ({ request, owner: request.assignedOfficialId === null ? null : (byId.get(request.assignedOfficialId) ?? null) }));
    }
}
