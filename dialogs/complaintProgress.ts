import { TurnData } from '../src/bot/TurnData';
import { Complaint } from '../src/data/entities/Complaint';
import { OFFICIAL_LEVELS } from '../src/data/entities/Official';
import { formatDateTime } from '../src/i18n/format';
import { OPEN_STATUSES } from '../src/services/complaintStatuses';

/**
 * By when an open complaint should be fixed and who has it now, in the user's language: the promise the bot made
 * at registration, repeated wherever a consumer asks after it ("kab tak theek hoga?"). Empty for a closed complaint.
 */
export function complaintProgress(turn: TurnData, complaint: Complaint, now = new Date()): string {
    if (!OPEN_STATUSES.includes(complaint.status)) return '';
    // On the discom's triage desk there is no resolution time yet: only by when an engineer gets it.
    if (complaint.triageDueAt && complaint.assignedOfficialId === null) {
        const vars = { discom: complaint.discom ?? '', time: formatDateTime(complaint.triageDueAt, turn.language ?? 'en') };
        return turn.t(complaint.triageEscalatedAt ? 'status:progress.triageLate' : 'status:progress.triage', vars);
    }
    if (!complaint.dueAt) return '';
    const time = formatDateTime(complaint.dueAt, turn.language ?? 'en');
    const level = OFFICIAL_LEVELS[Math.min(complaint.escalationLevel ?? 0, OFFICIAL_LEVELS.length - 1)];
    if (complaint.dueAt > now) return turn.t('status:progress.dueBy', { time });
    return complaint.escalationLevel > 0
        ? turn.t('status:progress.escalated', { time, level: turn.t(`status:levels.${level}`) })
        : turn.t('status:progress.overdue', { time });
}
