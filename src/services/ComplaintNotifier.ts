import { Complaint } from '../data/entities/Complaint';
import { Official } from '../data/entities/Official';
import type { Incident } from '../data/entities/Incident';
import type { IncidentFollower } from '../data/entities/IncidentFollower';

/** A text from `locales/` with its variables, rendered in the recipient's language when sent. */
export interface NoticeText {
    key: string;
    vars?: Record<string, unknown>;
}

/** The official's after-repair photo shown with "is it fixed?": a public, expiring address and its type. */
export interface ResolutionPhoto {
    url: string;
    contentType: string;
}

/**
 * Delivers complaint notices: to the consumer on the channel they used, and to officials (WhatsApp, console).
 * Failures are the notifier's to record; they never undo a lifecycle change.
 */
export interface ComplaintNotifier {
    /** Tells the consumer who registered `complaint`. */
    toConsumer(complaint: Complaint, text: NoticeText): Promise<void>;
    /** Tells an official about `complaint` (a new assignment or escalation). */
    toOfficial(official: Official, complaint: Complaint, text: NoticeText): Promise<void>;
    /**
     * Tells the consumer an official resolved `complaint` (with the official's note and, when given, the after-repair
     * photo) and asks whether it is fixed.
     */
    askConsumerToConfirm(complaint: Complaint, note: string, photo?: ResolutionPhoto): Promise<void>;
    /** Asks the consumer again, a while after the resolution, whether `complaint` is fixed (they have not answered). */
    remindConsumerToConfirm(complaint: Complaint): Promise<void>;
    /** Asks the consumer, days after they confirmed `complaint` fixed, whether the supply is still working (the random re-contact). */
    askConsumerStillWorking(complaint: Complaint): Promise<void>;
}

/** A notifier that only remembers what it was asked to send (tests, and deployments without channels). */
export class RecordingNotifier implements ComplaintNotifier {
    /** Every notice, oldest first. */
    readonly sent: Array<{ to: 'consumer' | 'official'; complaintId: number; officialId?: number; text: NoticeText }> = [];

    async toConsumer(complaint: Complaint, text: NoticeText): Promise<void> {
        this.sent.push({ to: 'consumer', complaintId: complaint.id, text });
    }

    async toOfficial(official: Official, complaint: Complaint, text: NoticeText): Promise<void> {
        this.sent.push({ to: 'official', complaintId: complaint.id, officialId: official.id, text });
    }

    async askConsumerToConfirm(complaint: Complaint, note: string, photo?: ResolutionPhoto): Promise<void> {
        const vars = photo ? { ticket: complaint.ticket, note, photo: photo.url } : { ticket: complaint.ticket, note };
        this.sent.push({ to: 'consumer', complaintId: complaint.id, text: { key: 'status:askFixed', vars } });
    }

    async remindConsumerToConfirm(complaint: Complaint): Promise<void> {
        this.sent.push({ to: 'consumer', complaintId: complaint.id, text: { key: 'status:askFixedReminder', vars: { ticket: complaint.ticket } } });
    }

    async askConsumerStillWorking(complaint: Complaint): Promise<void> {
        this.sent.push({ to: 'consumer', complaintId: complaint.id, text: { key: 'status:askStillWorking', vars: { ticket: complaint.ticket } } });
    }

    /** Incident news to a chat that follows it without a ticket (recorded with complaintId 0 and its channel user). */
    readonly followers: Array<{ channelUserId: string; incidentId: number; text: NoticeText }> = [];

    async toFollower(follower: IncidentFollower, text: NoticeText): Promise<void> {
        this.followers.push({ channelUserId: follower.channelUserId, incidentId: follower.incidentId, text });
    }

    async toIncidentOfficial(official: Pick<Official, 'id'>, incident: Incident, text: NoticeText): Promise<void> {
        this.sent.push({ to: 'official', complaintId: 0, officialId: official.id, text: { key: text.key, vars: { ...text.vars, incidentId: incident.id } } });
    }
}
