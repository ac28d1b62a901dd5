import type { AreaClass } from '../data/entities/Consumer';
import type { MeterType } from '../data/entities/Meter';

/** A consumer as the dialogs need it. */
export interface ConsumerRecord {
    accountNumber: string;
    name: string;
    registeredMobile: string | null;
    address: string;
    discom: string;
    division: string;
    subdivision: string;
    tariffCategory: string;
    areaClass: AreaClass;
    /** The feeder and distribution transformer that supply it, when the consumer import carries them. */
    feederCode?: string | null;
    dtCode?: string | null;
}

/** A meter as the dialogs need it; money in paise. */
export interface MeterRecord {
    meterNumber: string;
    accountNumber: string;
    meterType: MeterType;
    lastReading: number;
    lastReadingDate: string;
    prepaidBalancePaise: number | null;
}

/** A monthly bill; money in paise, dates ISO. */
export interface BillRecord {
    billMonth: string;
    units: number;
    amountPaise: number;
    arrearsPaise: number;
    dueDate: string;
    paid: boolean;
    paymentDate: string | null;
}

/** Where a self-submitted reading came from. */
export interface ReadingSource {
    channel: string;
    channelUserId: string;
}

/**
 * The discom's billing system as the dialogs see it. The default reads this project's own tables; a discom with a
 * billing API implements this interface and passes it to the composition root.
 */
export interface UtilityBackend {
    /** The consumer with this 10-digit account number, or null. */
    findConsumer(accountNumber: string): Promise<ConsumerRecord | null>;
    /** The account's meter, or null when none is on record. */
    /** Accounts whose registered mobile is `mobile` (a consumer may type their mobile where the account is asked). */
    findConsumersByMobile(mobile: string): Promise<ConsumerRecord[]>;
    findMeter(accountNumber: string): Promise<MeterRecord | null>;
    /** Up to `limit` bills, newest month first. */
    listBills(accountNumber: string, limit: number): Promise<BillRecord[]>;
    /** The highest reading consumers have submitted for this meter (not yet checked by the discom), or null. */
    lastSubmittedReading(meterNumber: string): Promise<number | null>;
    /**
     * Records a consumer's own reading for the discom to check; the official reading is not changed. Refused (with
     * the reading it must not be below) when it is lower than the official or an earlier submitted reading, checked
     * atomically so two submissions cannot walk the reading backwards.
     */
    submitMeterReading(
        accountNumber: string,
        meterNumber: string,
        reading: number,
        source: ReadingSource
    ): Promise<{ accepted: true } | { accepted: false; floor: number }>;
}
