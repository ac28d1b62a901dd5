import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { findLocation, GeoPoint } from '../src/bot/findLocation';
import { AskAnswer, AskPrompt } from './AskPrompt';
import { DialogServices } from './DialogServices';

/** Options of {@link PlaceDialog}: what the consumer already gave. */
export interface PlaceDialogOptions {
    /** The locality or address they wrote; a district named there is not asked again. */
    text: string | null;
    /** A location they shared; one near a known subdivision needs no district. */
    location: GeoPoint | null;
}

/** The district the consumer named (null when a shared location placed them), or that they gave up. */
export type PlaceResult = { kind: 'placed'; district: string | null; location: GeoPoint | null } | { kind: 'gaveUp' };

const FLOW = 'place.flow';
/** The district question's id, so a flow around it can let a shared location through to it. */
export const ASK_DISTRICT = 'place.district';

/**
 * Where a consumer without an account is, in one way for complaints and callbacks: a shared location near a known
 * subdivision places them; else the district named with the locality; else the district is asked, in Hindi or
 * English, and checked against the 75 districts of Uttar Pradesh (`src/up-districts.json`), whose discom then owns
 * the complaint or callback.
 */
export class PlaceDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'placeDialog';

    constructor(private readonly services: DialogServices) {
        super(PlaceDialog.id);
        this.addDialog(
            new AskPrompt(
                ASK_DISTRICT,
                services.output,
                async (answer, context) => {
                    const location = findLocation(context.activity);
                    if (location) return (await services.places.near(location.latitude, location.longitude)) ? true : { key: 'place:retry.locationFar' };
                    return services.places.districtIn(answer.text) ? true : { key: 'place:retry.district' };
                },
                { freeText: true }
            )
        );
        this.addDialog(new WaterfallDialog(FLOW, [this.askDistrict.bind(this), this.done.bind(this)]));
        this.initialDialogId = FLOW;
    }

    private async askDistrict(step: WaterfallStepContext) {
        const { text, location } = (step.options ?? {}) as PlaceDialogOptions;
        if (location && (await this.services.places.near(location.latitude, location.longitude))) {
            return step.endDialog({ kind: 'placed', district: null, location } satisfies PlaceResult);
        }
        const named = text ? this.services.places.districtIn(text) : null;
        if (named) return step.endDialog({ kind: 'placed', district: named.id, location } satisfies PlaceResult);
        return step.prompt(ASK_DISTRICT, AskPrompt.options(location ? 'place:askDistrictLocationFar' : 'place:askDistrict'));
    }

    private async done(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        if (answer.gaveUp) return step.endDialog({ kind: 'gaveUp' } satisfies PlaceResult);
        const location = findLocation(step.context.activity);
        if (location) return step.endDialog({ kind: 'placed', district: null, location } satisfies PlaceResult);
        const district = this.services.places.districtIn(answer.text)!;
        const { t } = TurnData.of(step.context);
        await step.context.sendActivity(t('place:districtNoted', { district: TurnData.of(step.context).language === 'en' ? district.en : district.hi }));
        const given = ((step.options ?? {}) as PlaceDialogOptions).location;
        return step.endDialog({ kind: 'placed', district: district.id, location: given } satisfies PlaceResult);
    }
}
