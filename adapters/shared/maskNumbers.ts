// Runs of 10 or more digits (account, mobile, +91 numbers), optionally Devanagari, optionally split by spaces or dashes.
// Up to three separator characters between digits ("94150 - 12345", "94150  12345", an en dash), and a line break as a
// JSON log line writes it (\n), still make one number: a single separator let such numbers through unmasked.
const LONG_NUMBER =
    /(?<![0-9\u0966-\u096F])(?:\+?91(?:[\s\-\u2010-\u2015]|\\[nrt]){0,3})?[0-9\u0966-\u096F](?:(?:[\s\-\u2010-\u2015]|\\[nrt]){0,3}[0-9\u0966-\u096F]){9,}(?![0-9\u0966-\u096F])/g;

/**
 * Masks account numbers, mobile numbers and any other run of 10+ digits, keeping the last three digits so support
 * staff can still tell records apart: `9876543210` → `*******210`.
 */
export function maskNumbers(text: string): string {
    return text.replace(LONG_NUMBER, (match) => {
        const digits = match.replace(/[^0-9\u0966-\u096F]/g, '');
        return '*'.repeat(Math.max(0, digits.length - 3)) + digits.slice(-3);
    });
}
