import { District, Districts } from './Districts';
import { OfficialDirectory, ServiceArea } from './OfficialDirectory';

/** Where a consumer without an account says (or shows) they are. */
export interface PlaceGiven {
    /** A district id from {@link Districts}, when the consumer named one. */
    district: string | null;
    /** The locality or address they wrote (a subdivision named there places it). */
    locality: string | null;
    latitude?: number | null;
    longitude?: number | null;
}

/** Where the bot placed it: the discom (null only when nothing says it) and the subdivision, when one was found. */
export interface Placement {
    discom: string | null;
    area: ServiceArea | null;
}

/**
 * Places a complaint or callback without an account: a shared location → the nearest subdivision within
 * `radiusKm`; else the district's discom, and a subdivision of that discom named in the locality. Never a
 * subdivision of another discom than the district's.
 */
export class PlaceFinder {
    constructor(
        private readonly directory: OfficialDirectory,
        readonly districts: Districts,
        private readonly radiusKm: number
    ) {}

    /** The district `text` names, or null. */
    districtIn(text: string): District | null {
        return this.districts.findIn(text);
    }

    /** The subdivision nearest to a shared location, within the configured radius, or null. */
    async near(latitude: number, longitude: number): Promise<ServiceArea | null> {
        return this.directory.nearestSubdivision(latitude, longitude, this.radiusKm);
    }

    /** Where `given` places it (see the class). */
    async place(given: PlaceGiven): Promise<Placement> {
        if (typeof given.latitude === 'number' && typeof given.longitude === 'number') {
            const area = await this.near(given.latitude, given.longitude);
            if (area) return { discom: area.discom, area };
        }
        const district = this.districts.byIdOf(given.district) ?? (given.locality ? this.districts.findIn(given.locality) : null);
        if (district) {
            const area = given.locality ? await this.directory.subdivisionNamedIn(given.locality, district.discom) : null;
            return { discom: district.discom, area };
        }
        // No district at all (a complaint from before districts were asked): a subdivision named anywhere.
        const area = given.locality ? await this.directory.subdivisionNamedIn(given.locality) : null;
        return { discom: area?.discom ?? null, area };
    }
}
