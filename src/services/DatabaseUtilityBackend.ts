import { Database } from '../data/Database';
import { Bill } from '../data/entities/Bill';
import { Consumer } from '../data/entities/Consumer';
import { Meter } from '../data/entities/Meter';
import { MeterReading } from '../data/entities/MeterReading';
import { BillRecord, ConsumerRecord, MeterRecord, ReadingSource, UtilityBackend } from './UtilityBackend';

/** {@link UtilityBackend} on the project's own tables, which `bijli-mitra import` fills from CSV. */
export class DatabaseUtilityBackend implements UtilityBackend {
    constructor(private readonly db: Database, private readonly today: () => string = () => new Date().toISOString().slice(0, 10)) {}

    async findConsumer(accountNumber: string): Promise<ConsumerRecord | null> {
        return this.db.run((m) => m.getRepository(Consumer).findOneBy({ accountNumber }));
    }

    async findMeter(accountNumber: string): Promise<MeterRecord | null> {
        return this.db.run((m) => m.getRepository(Meter).findOne({ where: { accountNumber }, order: { lastReadingDate: 'DESC' } }));
    }

    async listBills(accountNumber: string, limit: number): Promise<BillRecord[]> {
        return this.db.run((m) => m.getRepository(Bill).find({ where: { accountNumber }, order: { billMonth: 'DESC' }, take: limit }));
    }

    async submitMeterReading(accountNumber: string, meterNumber: string, reading: number, source: ReadingSource): Promise<void> {
        await this.db.transaction(async (manager) => {
            await manager.getRepository(MeterReading).insert({ accountNumber, meterNumber, reading, channel: source.channel, channelUserId: source.channelUserId });
            // The next submission is checked against this one, so a consumer cannot walk the reading backwards.
            await manager.getRepository(Meter).update({ meterNumber }, { lastReading: reading, lastReadingDate: this.today() });
        });
    }
}
