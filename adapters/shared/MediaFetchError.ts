/** Why a platform's media could not be fetched. */
export type MediaFetchFailure = 'too_large' | 'not_found' | 'refused' | 'unavailable' | 'integrity';

/** A media download that failed; `retryable` says whether trying again later may help. */
export class MediaFetchError extends Error {
    constructor(
        readonly reason: MediaFetchFailure,
        message: string,
        readonly retryable: boolean
    ) {
        super(message);
        this.name = 'MediaFetchError';
    }
}
