import { formatDateTime } from '../src/i18n/format';
import { dailyHoursText } from '../src/services/dailyHours';
import { TurnContext } from 'botbuilder';
import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { maskDigits } from '../src/i18n/format';
import { findMobileNumber } from '../src/nlu/extractEntities';
import { AccountDialog, AccountResult } from './AccountDialog';
import { AskAnswer, AskPrompt } from './AskPrompt';
import { sayGaveUp } from './sayGaveUp';
import { DialogServices } from './DialogServices';
import { PlaceDialog, PlaceDialogOptions, PlaceResult } from './PlaceDialog';

const ASK_MOBILE = 'handoff.mobile';
const ASK_PLACE = 'handoff.place';
// The callback table keeps 300 characters of the place.
const MAX_PLACE = 300;

interface HandoffValues {
    account: string | null;
    place: string | null;
    /** The district id the consumer named (asked when the place did not name one). */
    district: string | null;
}

/**
 * "Talk to an officer": records a callback request attached to the consumer's account when they have one (without
 * one, the locality and district place it), with the number to call; the JE of that area owns it from then on with
 * a due time. Tells them what happens next and what to do in an emergency.
 */
export class HandoffDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'handoffDialog';

    constructor(private readonly services: DialogServices) {
        super(HandoffDialog.id);
        this.addDialog(new AccountDialog(services));
        this.addDialog(new PlaceDialog(services));
        this.addDialog(
            new AskPrompt(
                ASK_MOBILE,
                services.output,
                async (answer, context) => (this.mobileIn(TurnData.of(context), answer) ? true : { key: 'handoff:retry.mobile' }),
                { freeText: true }
            )
        );
        this.addDialog(
            new AskPrompt(
                ASK_PLACE,
                services.output,
                async (answer) => {
                    if (answer.text.length > MAX_PLACE) return { key: 'handoff:retry.placeLong', vars: { max: MAX_PLACE } };
                    return /\p{L}{3}/u.test(answer.text) ? true : { key: 'handoff:retry.place' };
                },
                { freeText: true }
            )
        );
        this.addDialog(
            new WaterfallDialog('handoff.flow', [
                async (step: WaterfallStepContext) => {
                    await step.context.sendActivity(TurnData.of(step.context).t('handoff:intro'));
                    return step.beginDialog(AccountDialog.id, { allowNoAccount: true });
                },
                this.askPlace.bind(this),
                this.askDistrict.bind(this),
                this.askMobile.bind(this),
                this.record.bind(this),
            ])
        );
        this.initialDialogId = 'handoff.flow';
    }

    /** Without an account, where the consumer is: the subdivision named there owns the request. */
    private async askPlace(step: WaterfallStepContext) {
        const result = step.result as AccountResult;
        if (result.kind === 'gaveUp') return sayGaveUp(step);
        const values = step.values as HandoffValues;
        values.account = result.kind === 'account' ? result.consumer.accountNumber : null;
        values.place = null;
        values.district = null;
        if (values.account) return step.next();
        return step.prompt(ASK_PLACE, AskPrompt.options('handoff:askPlace'));
    }

    /** The district, unless the place named it (the same question, in the same words, as for complaints). */
    private async askDistrict(step: WaterfallStepContext) {
        const values = step.values as HandoffValues;
        if (values.account) return step.next();
        const answer = step.result as AskAnswer;
        if (answer.gaveUp) return sayGaveUp(step);
        values.place = answer.text.trim();
        return step.beginDialog(PlaceDialog.id, { text: values.place, location: null } satisfies PlaceDialogOptions);
    }

    private async askMobile(step: WaterfallStepContext) {
        const values = step.values as HandoffValues;
        if (!values.account) {
            const result = step.result as PlaceResult;
            if (result.kind === 'gaveUp') return sayGaveUp(step);
            values.district = result.district;
        }
        const phone = TurnData.of(step.context).senderPhone;
        const choices = phone ? [{ value: 'this', label: { key: 'handoff:useThisNumber', vars: { mobile: maskDigits(phone) } } }] : undefined;
        return step.prompt(ASK_MOBILE, AskPrompt.options('handoff:askMobile', undefined, choices));
    }

    /** The number to call: typed, or the one writing ("isi number par call kar dijiye", the button). */
    private mobileIn(turn: TurnData, answer: AskAnswer): string | null {
        const thisOne = answer.choice === 'this' || turn.mentions('common:words.thisNumber', answer.text);
        return (thisOne ? turn.senderPhone : null) ?? findMobileNumber(answer.text);
    }

    private async record(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        const turn = TurnData.of(step.context);
        if (answer.gaveUp) return sayGaveUp(step);
        const mobile = this.mobileIn(turn, answer);
        const { account, place, district } = step.values as HandoffValues;
        const activity = step.context.activity;
        const recorded = await this.services.handoff.request({
            accountNumber: account,
            contactMobile: mobile,
            channel: activity.channelId,
            channelUserId: activity.from.id,
            conversationRef: JSON.stringify(TurnContext.getConversationReference(activity)),
            language: turn.language,
        });
        const request = await this.services.callbacks.start(recorded, place, district);
        // During live-chat hours an official may also answer here: the console lists the chat as waiting for a person.
        const live = (await this.services.liveChat?.markWaiting(request)) ?? false;
        const { callbackDueHours: hours, callbackHours: open } = this.services.settings;
        const due = formatDateTime(request.dueAt ?? new Date(), turn.language ?? 'en');
        const text = turn.t(account ? 'handoff:recorded' : 'handoff:recordedNoAccount', {
            reference: request.reference,
            mobile: mobile ? maskDigits(mobile) : '',
            account: account ? maskDigits(account) : '',
            when: open ? turn.t('handoff:when.openHours', { hours, due, window: dailyHoursText(open) }) : turn.t('handoff:when.within', { hours, due }),
        });
        await step.context.sendActivity(live ? `${text}\n\n${turn.t('handoff:live.waiting', { hours: this.services.liveChat!.hoursText() })}` : text);
        return step.endDialog();
    }
}
