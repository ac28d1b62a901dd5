import type { ComplaintStatus } from '../data/entities/Complaint';

/** Statuses in which a complaint is still the utility's to fix, and so can breach and escalate. */
export const OPEN_STATUSES: ComplaintStatus[] = ['registered', 'assigned', 'in_progress', 'reopened'];

/** Statuses in which an official's "resolved" awaits the consumer's answer. */
export const AWAITING_CONFIRMATION: ComplaintStatus[] = ['resolved', 'unconfirmed'];
