import { AliasKind, IdentityAlias, IdentityAliases } from './ports';

/** {@link IdentityAliases} in memory: for one process that may forget them in a restart (tests, prototypes). */
export class InMemoryIdentityAliases implements IdentityAliases {
    private readonly rows = new Map<string, IdentityAlias>();

    async find(channel: string, aliases: readonly string[]): Promise<IdentityAlias[]> {
        return aliases.map((alias) => this.rows.get(key(channel, alias))).filter((row): row is IdentityAlias => row !== undefined);
    }

    async ofPerson(channel: string, personId: string): Promise<IdentityAlias[]> {
        return [...this.rows.entries()]
            .filter(([k, row]) => k.startsWith(`${channel}\u0000`) && row.personId === personId && row.retiredAt === null)
            .map(([, row]) => row);
    }

    async personExists(channel: string, personId: string): Promise<boolean> {
        return [...this.rows.entries()].some(([k, row]) => k.startsWith(`${channel}\u0000`) && row.personId === personId);
    }

    async claim(channel: string, alias: string, kind: AliasKind, personId: string, at: number): Promise<string> {
        const row = this.rows.get(key(channel, alias));
        if (row && (row.retiredAt === null || row.retiredAt > at)) return row.personId;
        this.rows.set(key(channel, alias), { alias, kind, personId, retiredAt: null, updatedAt: row ? at : 0 });
        return personId;
    }

    async assign(channel: string, alias: string, kind: AliasKind, personId: string, at: number): Promise<void> {
        const row = this.rows.get(key(channel, alias));
        if (row && row.updatedAt > at) return;
        this.rows.set(key(channel, alias), { alias, kind, personId, retiredAt: null, updatedAt: at });
    }

    async retire(channel: string, alias: string, personId: string, at: number): Promise<void> {
        const row = this.rows.get(key(channel, alias));
        if (row && row.personId === personId && row.updatedAt <= at) this.rows.set(key(channel, alias), { ...row, retiredAt: at, updatedAt: at });
    }
}

function key(channel: string, alias: string): string {
    return `${channel}\u0000${alias}`;
}
