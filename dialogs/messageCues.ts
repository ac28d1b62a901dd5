import { TurnData } from '../src/bot/TurnData';
import { Recognition } from '../src/nlu/IntentRecognizer';
import { foldForMatching, tokenize } from '../src/nlu/normalizeText';
import { isFault } from './FlowResult';

// A fault report this sure keeps its capitals ("WIRE gira hai, supply STOP karo" is no opt-out).
const SURE_FAULT = 0.85;

/**
 * What a whole message says beyond its intent, read with the word lists in `locales/`: a command said alone, a
 * cancel opening the message, small talk. One place for these, so every dialog reads them the same way.
 */

/** Whether `text` is exactly one of `words` (folded: case, nukta, Devanagari digits). */
export function saidOneOf(words: string[], text: string): boolean {
    const folded = foldForMatching(text);
    return folded !== '' && words.some((w) => foldForMatching(w) === folded);
}

/**
 * "STOP" / "START" and their other forms said alone, or the command written in capitals inside a sentence as the bot
 * tells people to send it ("arre galti se bheja, messages aate rehne do. START"): turn area news off or on.
 */
export function subscriptionIn(turn: TurnData, text: string): 'on' | 'off' | null {
    if (saidOneOf(turn.wordList('common:words.unsubscribe'), text)) return 'off';
    if (saidOneOf(turn.wordList('common:words.subscribe'), text)) return 'on';
    // Capitals count only beside lower-case or Devanagari words (an all-capitals message is shouting, not a command),
    // and not in a fault report ("WIRE gira hai, supply STOP karo").
    if (!/[A-Z]{4}/.test(text) || !/[a-z]|\p{Script=Devanagari}/u.test(text)) return null;
    const r = turn.recognition;
    if (isFault(r.intent) && r.score >= SURE_FAULT) return null;
    const capitals = (key: string) =>
        turn.wordList(key).some((w) => /^[a-z]+$/.test(w) && new RegExp(`(?<![\\p{L}])${w.toUpperCase()}(?![\\p{L}])`, 'u').test(text));
    if (capitals('common:words.unsubscribe')) return 'off';
    return capitals('common:words.subscribe') ? 'on' : null;
}

/**
 * Whether one of the first three clauses of `text` is (or, unless `whole`, opens with) one of `phrases`, after any of
 * `fillers`:
 * "rehne do bhai, ...", "ek min... rehne do baad me karta hu", "forget it, voltage is ok now", "actually leave it",
 * "wait... light has come just now. no need, cancel it".
 */
export function startsWithOneOf(phrases: string[], text: string, fillers: ReadonlySet<string> = new Set(), whole = false): boolean {
    const clauses = text
        .split(/[,.!?।;:\n]+/u)
        .map((c) =>
            foldForMatching(c)
                .replace(/[^\p{L}\p{M}\p{N} ]/gu, '')
                .trim()
        )
        .filter(Boolean)
        .slice(0, 3);
    return clauses.some((clause) => {
        const words = clause.split(' ');
        let start = 0;
        while (start < words.length - 1 && fillers.has(words[start])) start += 1;
        const opening = words.slice(start).join(' ');
        return phrases.some((p) => {
            const phrase = foldForMatching(p);
            // A clause that opens with the phrase says it, whatever follows ("rehne do baad me karta hu", "chhodo yaar"),
            // unless `whole` asks for the phrase alone ("kuch nahi" cancels; "kuch nahi chal raha" is no power).
            if (clause === phrase || opening === phrase) return true;
            return !whole && (clause.startsWith(`${phrase} `) || opening.startsWith(`${phrase} `));
        });
    });
}

/**
 * Whether `text` opens, after any fillers, with a small-talk word or phrase ("ok", "thank you so much", "बस इतना ही")
 * followed by more.
 */
export function startsWithSmallTalk(turn: TurnData, text: string): boolean {
    const words = tokenize(foldForMatching(text));
    const fillers = turn.wordSet('common:words.filler');
    const single = turn.wordSet('common:words.smallTalk');
    const phrases = turn.phrases('common:words.smallTalk');
    // The first word, or any word after fillers only ("ok", "bas" are both).
    for (let start = 0; start < words.length; start++) {
        if (single.has(words[start]) || phrases.some((p) => p.every((w, k) => words[start + k] === w))) return true;
        if (!fillers.has(words[start])) return false;
    }
    return false;
}

/** Thanks, ok, bye and the like, alone (fillers allowed): answered briefly, with no menu. */
export function isSmallTalk(turn: TurnData, text: string): boolean {
    const words = tokenize(foldForMatching(text));
    if (words.length === 0) return /^(?:[\s\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}]|\uFE0F)+$/u.test(text) && text.trim() !== '';
    const fillers = turn.wordSet('common:words.filler');
    const phrases = turn.phrases('common:words.smallTalk');
    // The whole message is small-talk phrases and fillers, with at least one phrase ("ok thank u", "धन्यवाद भैया").
    const reach: Array<'no' | 'fillers' | 'phrase'> = ['fillers', ...words.map(() => 'no' as const)];
    for (let i = 0; i < words.length; i++) {
        if (reach[i] === 'no') continue;
        for (const p of phrases) if (p.every((w, k) => words[i + k] === w)) reach[i + p.length] = 'phrase';
        if (fillers.has(words[i]) && reach[i + 1] !== 'phrase') reach[i + 1] = reach[i];
    }
    return reach[words.length] === 'phrase';
}

// The greeting rule's weight; below it the statistical model guessed.
const GREETING_RULE = 0.7;

/** A greeting with no thanks or goodbye in it ("good morning ji 🙏"): greeted back, not told "you're welcome". */
export function greetsOnly(turn: TurnData, r: Recognition): boolean {
    // (Only a greeting rule's word counts: the model's guess at "ओके जी" is no greeting.)
    if (turn.mentions('common:words.closing', r.text) || turn.mentions('common:words.howAreYou', r.text)) return false;
    return r.intent === 'greeting' && r.score >= GREETING_RULE;
}

/** Whether `text` is nothing but politeness words ("भाई साहब", "sir ji"). */
export function onlyFillers(turn: TurnData, text: string): boolean {
    const fillers = turn.wordSet('common:words.filler');
    const words = tokenize(foldForMatching(text));
    return words.length > 0 && words.every((w) => fillers.has(w));
}
