import { toAsciiDigits } from '../src/nlu/normalizeText';

/** The six-digit one-time code in a reply, also inside a sentence ("otp 297148 hai", "code is 297 148"); null when none. */
export function oneTimeCodeIn(text: string): string | null {
    return (
        toAsciiDigits(text)
            .match(/(?<![0-9])[0-9](?:[\s-]?[0-9]){5}(?![\s-]?[0-9])/)?.[0]
            .replace(/[\s-]/g, '') ?? null
    );
}
