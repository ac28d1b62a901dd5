import { DataSource } from 'typeorm';
import { CallbackRequest } from '../data/entities/CallbackRequest';
import { ReferenceNumbers } from './ReferenceNumbers';

/** What a consumer gave when asking for an officer. */
export interface NewCallbackRequest {
    accountNumber: string | null;
    contactMobile: string | null;
    channel: string;
    channelUserId: string;
}

/** Records requests to talk to an officer, each with a readable reference (`R2611-0007`). */
export class HandoffService {
    private readonly references: ReferenceNumbers;

    constructor(private readonly dataSource: DataSource, references?: ReferenceNumbers) {
        this.references = references ?? new ReferenceNumbers(dataSource);
    }

    /** Saves an open callback request. */
    async request(input: NewCallbackRequest): Promise<CallbackRequest> {
        const reference = await this.references.next('R');
        const repository = this.dataSource.getRepository(CallbackRequest);
        return repository.save(repository.create({ ...input, reference, status: 'open' }));
    }
}
