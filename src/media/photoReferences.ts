import type { Activity } from 'botbuilder';

/** The platform references (media ids, CDN links) of the photos in a message: image attachments with a content URL. */
export function photoReferences(activity: Partial<Pick<Activity, 'attachments'>>): string[] {
    return (activity.attachments ?? []).filter((a) => a.contentType?.startsWith('image/') && a.contentUrl).map((a) => a.contentUrl!);
}

/** The photo references a complaint keeps (its `attachments` JSON); an empty list when there are none or it is unreadable. */
export function complaintPhotos(attachments: string | null): string[] {
    try {
        const parsed: unknown = attachments ? JSON.parse(attachments) : [];
        return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
    } catch {
        return [];
    }
}
