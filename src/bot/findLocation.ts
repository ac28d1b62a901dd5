import { Activity } from 'botbuilder';

/** A point on the map. */
export interface GeoPoint {
    latitude: number;
    longitude: number;
}

/**
 * The location a user shared, if any: a schema.org `GeoCoordinates` entity (or a `Place` whose `geo` is one), as
 * channel adapters put it on the activity.
 */
export function findLocation(activity: Partial<Activity>): GeoPoint | null {
    for (const entity of activity.entities ?? []) {
        const candidate = (entity.type === 'Place' ? (entity as { geo?: unknown }).geo : entity) as
            { type?: string; latitude?: unknown; longitude?: unknown } | undefined;
        if (!candidate || (candidate.type !== undefined && candidate.type !== 'GeoCoordinates')) continue;
        const latitude = Number(candidate.latitude);
        const longitude = Number(candidate.longitude);
        if (Number.isFinite(latitude) && Number.isFinite(longitude) && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180) {
            return { latitude, longitude };
        }
    }
    return null;
}
