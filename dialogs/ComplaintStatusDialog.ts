import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnContext } from 'botbuilder';
import { TurnData } from '../src/bot/TurnData';
import { formatDateTime } from '../src/i18n/format';
import { extractEntities } from '../src/nlu/extractEntities';
import { ComplaintWithHistory } from '../src/services/ComplaintService';
import { AskAnswer, AskChoice, AskPrompt, yesNoChoices } from './AskPrompt';
import { AWAITING_CONFIRMATION, OPEN_STATUSES } from '../src/services/complaintStatuses';
import { FIXED_PHRASES, sayFixedLater } from './confirmFixedWords';
import { ConfirmFixedDialog, ConfirmFixedOptions } from './ConfirmFixedDialog';
import { StillWorkingDialog, StillWorkingOptions } from './StillWorkingDialog';
import { complaintProgress } from './complaintProgress';
import { knownFaultText } from './KnownFaultDialog';
import { ACTIVE_INCIDENT_STATUSES } from '../src/data/entities/Incident';
import { Complaint } from '../src/data/entities/Complaint';
import { sayGaveUp } from './sayGaveUp';
import { DialogServices } from './DialogServices';
import { complaintAccess } from './complaintAccess';

/** Options of {@link ComplaintStatusDialog}. */
export interface ComplaintStatusOptions {
    /** A ticket number found in the user's message. */
    ticket?: string;
    /** The message that asked, so "my complaints" goes straight to the list. */
    text?: string;
    /** Show the newest open complaint of this chat without asking which. */
    latest?: boolean;
}

/** Whether `text` asks by when ("kab tak", "when will", "कब तक"): locale list status:words.when, anywhere. */
export function asksWhen(turn: TurnData, text: string): boolean {
    return turn.mentions('status:words.when', text);
}

const ASK_HOW = 'status.how';
const ASK_TICKET = 'status.ticket';
const ASK_TICKET_AGAIN = 'status.ticketAgain';
const ASK_FIXED = 'status.fixed';
const MY_COMPLAINTS_LIMIT = 5;

/**
 * Complaint status by ticket number, or "my complaints": those this channel user registered and those of accounts
 * they verified. A ticket shows category, status, time and history to the chat that registered it and to those verified
 * for its account, never personal details; to anyone else only that it exists and its state.
 */
export class ComplaintStatusDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'complaintStatusDialog';
    private readonly howPrompt: AskPrompt;

    constructor(private readonly services: DialogServices) {
        super(ComplaintStatusDialog.id);
        this.howPrompt = new AskPrompt(ASK_HOW, services.output, async (answer) =>
            answer.choice || ticketIn(answer.text) ? true : { key: 'common:retry.pickOne', vars: { count: 2 } }
        );
        this.addDialog(this.howPrompt);
        this.addDialog(
            new AskPrompt(
                ASK_TICKET,
                services.output,
                async (answer) => {
                    const ticket = ticketIn(answer.text);
                    if (!ticket) return { key: 'status:retry.format' };
                    return (await this.services.complaints.findByTicket(ticket)) ? true : { key: 'status:retry.unknown', vars: { ticket } };
                },
                { freeText: true, numeric: true }
            )
        );
        this.addDialog(new AskPrompt(ASK_FIXED, services.output, undefined, { strictYes: true, answerPhrases: FIXED_PHRASES }));
        this.addDialog(new ConfirmFixedDialog(services));
        this.addDialog(new StillWorkingDialog(services));
        this.addDialog(new WaterfallDialog('status.flow', [this.how.bind(this), this.ticket.bind(this), this.show.bind(this), this.confirmFixed.bind(this)]));
        this.addDialog(
            new WaterfallDialog(ASK_TICKET_AGAIN, [
                async (step: WaterfallStepContext) =>
                    step.prompt(ASK_TICKET, AskPrompt.options('status:retry.unknown', { ticket: (step.options as { ticket: string }).ticket })),
                this.show.bind(this),
                this.confirmFixed.bind(this),
            ])
        );
        this.initialDialogId = 'status.flow';
    }

    private async how(step: WaterfallStepContext) {
        const options = (step.options ?? {}) as ComplaintStatusOptions;
        if (options.ticket) return step.next({ text: options.ticket, choice: 'ticket' } satisfies AskAnswer);
        // "kab tak theek hoga?", "my complaint ka kya hua": the newest open complaint of this chat, if there is one.
        const latest = await this.latestOpen(step.context);
        if (latest && (options.latest || (options.text && asksWhen(TurnData.of(step.context), options.text)))) {
            return step.next({ text: latest.ticket, choice: 'ticket' } satisfies AskAnswer);
        }
        // Someone who registered complaints here is shown them rather than asked how to find them.
        if (latest || (await this.hasAny(step.context))) return step.next({ text: '', choice: 'mine' } satisfies AskAnswer);
        const choices: AskChoice[] = [
            { value: 'ticket', label: { key: 'status:byTicket' } },
            { value: 'mine', label: { key: 'status:mine' }, synonymsKey: 'status:words.mine' },
        ];
        if (options.text && this.howPrompt.matchButton(TurnData.of(step.context), options.text, choices) === 'mine') {
            return step.next({ text: options.text, choice: 'mine' } satisfies AskAnswer);
        }
        return step.prompt(ASK_HOW, AskPrompt.options('status:askHow', undefined, choices));
    }

    private async ticket(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        if (answer.gaveUp) return sayGaveUp(step);
        const typed = ticketIn(answer.text);
        if (typed) return step.next({ text: typed, choice: null } satisfies AskAnswer);
        if (answer.choice === 'mine') {
            await this.showMine(step.context);
            return step.endDialog();
        }
        return step.prompt(ASK_TICKET, AskPrompt.options('status:askTicket'));
    }

    private async show(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        if (answer.gaveUp) return sayGaveUp(step);
        const ticket = ticketIn(answer.text);
        const found = ticket ? await this.services.complaints.findByTicket(ticket) : null;
        if (!found) {
            // Only a ticket from the opening message gets here unchecked: ask for it again, saying why.
            return step.replaceDialog(ASK_TICKET_AGAIN, { ticket: ticket ?? '' });
        }
        const { complaint } = found;
        // Tickets are sequential, so anyone can type one: a stranger learns only that it exists and its state; the
        // problem, history and time limits are for the chat that registered it and those verified for its account.
        const theirs = await this.isTheirs(step, complaint);
        if (!theirs) {
            const { t } = TurnData.of(step.context);
            await step.context.sendActivity(t('status:brief', { ticket: complaint.ticket, status: t(`status:states.${complaint.status}`) }));
            return step.endDialog();
        }
        // "C2612-0042 taar abhi bhi sadak par hai": what follows the ticket is news for the complaint, not a new one.
        const said = (step.options as ComplaintStatusOptions | undefined)?.text ?? '';
        const news = said.replace(/[Cc]\s?-?\s?[0-9]{4}\s?-?\s?[0-9]{4,6}/g, ' ').trim();
        const added = news.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length >= 3 && !this.asksAfter(step.context, news);
        if (added) await this.services.lifecycle.addNote(complaint.id, 'consumer', news.slice(0, 500));
        const joined = await this.services.incidents.forComplaint(found.complaint.id);
        // A complaint joined to a fault is answered with the fault too: its restoration time is the one that matters.
        const fault =
            joined && ACTIVE_INCIDENT_STATUSES.includes(joined.incident.status)
                ? `\n\n${knownFaultText(TurnData.of(step.context), joined.incident, found.complaint.ticket, this.services.settings.statusPageUrl)}`
                : '';
        await step.context.sendActivity(
            this.describe(step.context, found) + fault + (added ? `\n\n${TurnData.of(step.context).t('complaint:detailsAdded')}` : '')
        );
        // The one who registered it (or holds its account) may confirm or dispute an official's "resolved" here too,
        // e.g. when the question came while they were busy with something else.
        if (AWAITING_CONFIRMATION.includes(complaint.status)) {
            (step.values as { confirming: string }).confirming = complaint.ticket;
            return step.prompt(ASK_FIXED, AskPrompt.options('status:askFixedAgain', { ticket: complaint.ticket }, yesNoChoices()));
        }
        // A re-contact ("still working?") that came while they were busy is answered here.
        if (complaint.status === 'closed' && complaint.recontactState === 'asked') {
            return step.replaceDialog(StillWorkingDialog.id, { ticket: complaint.ticket } satisfies StillWorkingOptions);
        }
        return step.endDialog();
    }

    private async confirmFixed(step: WaterfallStepContext) {
        const id = (step.values as { confirming?: string }).confirming;
        const answer = step.result as AskAnswer | undefined;
        if (id === undefined || !answer) return step.endDialog();
        if (answer.gaveUp) return sayGaveUp(step);
        if (answer.choice === 'later') return sayFixedLater(step, id);
        return step.beginDialog(ConfirmFixedDialog.id, { ticket: id, fixed: answer.choice === 'yes' } satisfies ConfirmFixedOptions);
    }

    private async isTheirs(step: WaterfallStepContext, complaint: Complaint): Promise<boolean> {
        return (await complaintAccess(this.services, step.context, complaint)) !== null;
    }

    /** Whether this chat registered any complaint. */
    async hasAny(context: TurnContext): Promise<boolean> {
        return (await this.services.complaints.listForChannelUser(context.activity.channelId, context.activity.from.id, 1)).length > 0;
    }

    /** The newest open complaint registered from this chat or on an account the user verified. */
    async latestOpen(context: TurnContext): Promise<Complaint | null> {
        const turn = TurnData.of(context);
        const accounts = await this.services.identities.verifiedAccounts(turn.identity.id);
        const mine = [
            ...(await this.services.complaints.listForChannelUser(context.activity.channelId, context.activity.from.id, MY_COMPLAINTS_LIMIT)),
            ...(await this.services.complaints.listForAccounts(accounts, MY_COMPLAINTS_LIMIT)),
        ];
        return mine.filter((c) => OPEN_STATUSES.includes(c.status) || AWAITING_CONFIRMATION.includes(c.status)).sort((a, b) => b.id - a.id)[0] ?? null;
    }

    private async showMine(context: TurnContext): Promise<void> {
        const turn = TurnData.of(context);
        const accounts = await this.services.identities.verifiedAccounts(turn.identity.id);
        const byAccount = await this.services.complaints.listForAccounts(accounts, MY_COMPLAINTS_LIMIT);
        const byUser = await this.services.complaints.listForChannelUser(context.activity.channelId, context.activity.from.id, MY_COMPLAINTS_LIMIT);
        const merged = [...new Map([...byAccount, ...byUser].map((c) => [c.id, c])).values()].sort((a, b) => b.id - a.id).slice(0, MY_COMPLAINTS_LIMIT);
        if (merged.length === 0) {
            await context.sendActivity(turn.t('status:noneFound'));
            return;
        }
        const lines = merged.map((c) =>
            turn.t('status:line', {
                ticket: c.ticket,
                category: turn.t(`complaint:categories.${c.category}`),
                status: turn.t(`status:states.${c.status}`),
                time: formatDateTime(c.createdAt, turn.language ?? 'en'),
            })
        );
        await context.sendActivity(`${turn.t('status:mineHeader', { count: merged.length })}\n\n${lines.join('\n')}\n\n${turn.t('status:mineFooter')}`);
    }

    private describe(context: TurnContext, found: ComplaintWithHistory): string {
        const turn = TurnData.of(context);
        const language = turn.language ?? 'en';
        const { complaint, history } = found;
        // The consumer sees changes of state; notes and desk moves within one state are the officials' detail.
        const changes = history.filter((event, i) => i === 0 || event.status !== history[i - 1].status);
        const steps = changes.map((event) =>
            turn.t('status:historyLine', {
                status: turn.t(`status:states.${event.status}`),
                time: formatDateTime(event.createdAt, language),
            })
        );
        const detail = turn.t('status:detail', {
            ticket: complaint.ticket,
            category: turn.t(`complaint:categories.${complaint.category}`),
            status: turn.t(`status:states.${complaint.status}`),
            time: formatDateTime(complaint.createdAt, language),
            history: steps.join('\n'),
        });
        const progress = complaintProgress(turn, complaint);
        return progress ? `${detail}\n\n${progress}` : detail;
    }

    /** Whether `text` only asks after the complaint ("kya hua", "kab tak theek hoga") rather than adding news. */
    private asksAfter(context: TurnContext, text: string): boolean {
        return asksWhen(TurnData.of(context), text) || (TurnData.of(context).recognition.intent === 'complaint.status' && text.split(/\s+/).length <= 4);
    }
}

function ticketIn(text: string): string | null {
    return extractEntities(text).find((e) => e.type === 'ticket')?.value ?? null;
}
