import { EntityManager } from 'typeorm';
import { Database } from '../data/Database';
import { Bill } from '../data/entities/Bill';
import { Consumer } from '../data/entities/Consumer';
import { Meter } from '../data/entities/Meter';
import { MeterReading } from '../data/entities/MeterReading';
import { BillRecord, ConsumerRecord, MeterRecord, ReadingSource, UtilityBackend } from './UtilityBackend';

/** {@link UtilityBackend} on the project's own tables, which `bijli-mitra import` fills from CSV. */
export class DatabaseUtilityBackend implements UtilityBackend {
    constructor(private readonly db: Database) {}

    async findConsumer(accountNumber: string): Promise<ConsumerRecord | null> {
        const [consumer] = await this.db.entities(Consumer, 'SELECT * FROM "consumers" WHERE "accountNumber" = ?', [accountNumber]);
        return consumer ?? null;
    }

    async findConsumersByMobile(mobile: string): Promise<ConsumerRecord[]> {
        return this.db.run((m) => m.getRepository(Consumer).find({ where: { registeredMobile: mobile }, take: 5 }));
    }

    async findMeter(accountNumber: string): Promise<MeterRecord | null> {
        return this.db.run((m) => m.getRepository(Meter).findOne({ where: { accountNumber }, order: { lastReadingDate: 'DESC' } }));
    }

    async listBills(accountNumber: string, limit: number): Promise<BillRecord[]> {
        return this.db.run((m) => m.getRepository(Bill).find({ where: { accountNumber }, order: { billMonth: 'DESC' }, take: limit }));
    }

    async lastSubmittedReading(meterNumber: string): Promise<number | null> {
        return this.db.run((m) => this.highestSubmitted(m, meterNumber));
    }

    async submitMeterReading(accountNumber: string, meterNumber: string, reading: number, source: ReadingSource) {
        return this.db.transaction(async (manager) => {
            const meter = await manager.getRepository(Meter).findOneByOrFail({ meterNumber });
            const floor = Math.max(meter.lastReading, (await this.highestSubmitted(manager, meterNumber)) ?? 0);
            if (reading < floor) return { accepted: false as const, floor };
            await manager
                .getRepository(MeterReading)
                .insert({ accountNumber, meterNumber, reading, channel: source.channel, channelUserId: source.channelUserId });
            return { accepted: true as const };
        });
    }

    private async highestSubmitted(manager: EntityManager, meterNumber: string): Promise<number | null> {
        const row = await manager
            .getRepository(MeterReading)
            .createQueryBuilder('r')
            .select('MAX(r.reading)', 'max')
            .where('r.meterNumber = :meterNumber', { meterNumber })
            .getRawOne<{ max: number | string | null }>();
        return row?.max === null || row?.max === undefined ? null : Number(row.max);
    }
}
