import { Database } from '../data/Database';
import { CallbackRequest } from '../data/entities/CallbackRequest';
import { ReferenceNumbers } from './ReferenceNumbers';

/** What a consumer gave when asking for an officer. */
export interface NewCallbackRequest {
    accountNumber: string | null;
    contactMobile: string | null;
    channel: string;
    channelUserId: string;
    /** The consumer's conversation (JSON), to ask later whether they were called. */
    conversationRef?: string | null;
    /** The consumer's reply language. */
    language?: string | null;
}

/** Records requests to talk to an officer, each with a readable reference (`R2611-0007`); {@link CallbackLifecycle} owns them from there. */
export class HandoffService {
    private readonly references: ReferenceNumbers;

    constructor(
        private readonly db: Database,
        references?: ReferenceNumbers
    ) {
        this.references = references ?? new ReferenceNumbers(db);
    }

    /** Saves an open callback request. */
    async request(input: NewCallbackRequest): Promise<CallbackRequest> {
        const reference = await this.references.next('R');
        return this.db.run((m) => m.getRepository(CallbackRequest).save(m.getRepository(CallbackRequest).create({ ...input, reference, status: 'open' })));
    }
}
