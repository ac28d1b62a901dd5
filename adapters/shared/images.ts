import { Activity } from 'botbuilder';

/** An image a message carries: its address and declared type. */
export interface OutboundImage {
    url: string;
    contentType: string;
}

/** The images of an outbound activity: attachments with an `image/*` type and a content URL. */
export function imagesOf(activity: Partial<Activity>): OutboundImage[] {
    return (activity.attachments ?? [])
        .filter((a) => typeof a.contentType === 'string' && a.contentType.startsWith('image/') && typeof a.contentUrl === 'string' && a.contentUrl !== '')
        .map((a) => ({ url: a.contentUrl!, contentType: a.contentType }));
}

/** Whether a platform can fetch `url` itself: the platforms fetch only public HTTPS addresses. */
export function fetchableByPlatform(url: string): boolean {
    try {
        return new URL(url).protocol === 'https:';
    } catch {
        return false;
    }
}

/** `text` with the addresses of images a channel cannot show appended, one a line: the degraded form of an image. */
export function withImageLinks(text: string, images: readonly OutboundImage[]): string {
    const links = images.map((image) => image.url).filter((url) => !text.includes(url));
    return [text, ...links].filter((line) => line !== '').join('\n');
}
