import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { formatDateTime, maskDigits } from '../src/i18n/format';
import { toAsciiDigits } from '../src/nlu/normalizeText';
import { DialogServices } from './DialogServices';

/** Options of {@link MobileRequestStatusDialog}. */
export interface MobileRequestStatusOptions {
    /** The request's reference (`M2612-0001`). */
    reference: string;
}

const REFERENCE = /(?<![\p{L}\p{N}/])[Mm]\s?-?\s?([0-9]{4})\s?-?\s?([0-9]{4,6})(?![0-9])/u;

/** The mobile change reference in `text` ("status M2612-0001", "m 2612 0001 ka kya hua"), in canonical form, or null. */
export function mobileReferenceIn(text: string): string | null {
    const match = toAsciiDigits(text).match(REFERENCE);
    return match ? `M${match[1]}-${match[2]}` : null;
}

/**
 * A mobile change request by its `M…` reference. The chat that asked is told the state, the account and new mobile
 * masked, the due time, and a refusal's reason; anyone else only that it exists and its state, as for tickets.
 */
export class MobileRequestStatusDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'mobileRequestStatusDialog';

    constructor(private readonly services: DialogServices) {
        super(MobileRequestStatusDialog.id);
        this.addDialog(new WaterfallDialog('mobileStatus.flow', [this.show.bind(this)]));
        this.initialDialogId = 'mobileStatus.flow';
    }

    private async show(step: WaterfallStepContext) {
        const { reference } = step.options as MobileRequestStatusOptions;
        const { t, language } = TurnData.of(step.context);
        const request = await this.services.mobileChanges.findByReference(reference);
        if (!request) {
            await step.context.sendActivity(t('mobile:status.unknown', { reference }));
            return step.endDialog();
        }
        const late = this.services.mobileChanges.isLate(request);
        const state = t(`mobile:states.${late ? 'late' : request.status}`);
        const activity = step.context.activity;
        // References are sequential, so anyone can type one: a stranger learns only that it exists and its state.
        if (request.channel !== activity.channelId || request.channelUserId !== activity.from.id) {
            await step.context.sendActivity(t('mobile:status.brief', { reference: request.reference, status: state }));
            return step.endDialog();
        }
        const lines = [
            t('mobile:status.detail', {
                reference: request.reference,
                status: state,
                account: maskDigits(request.accountNumber),
                mobile: maskDigits(request.newMobile, 2),
                time: formatDateTime(request.createdAt, language ?? 'en'),
            }),
        ];
        if (request.status === 'pending') lines.push(t('mobile:status.due', { time: formatDateTime(request.dueAt, language ?? 'en') }));
        if (request.status === 'refused') lines.push(t('mobile:status.refused', { reason: request.refusalReason ?? '' }));
        if (request.status === 'approved') lines.push(t('mobile:status.approved'));
        await step.context.sendActivity(lines.join('\n'));
        return step.endDialog();
    }
}
