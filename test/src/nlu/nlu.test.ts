import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PACKAGE_ROOT } from '../../../src/paths';
import { extractEntities, parseAccountNumber, parseMobileNumber } from '../../../src/nlu/extractEntities';
import { detectLanguage } from '../../../src/nlu/detectLanguage';
import { INTENTS, IntentRecognizer } from '../../../src/nlu/IntentRecognizer';
import { foldForMatching, skeleton } from '../../../src/nlu/normalizeText';
import { FaqMatcher } from '../../../src/nlu/FaqMatcher';
import { Translator } from '../../../src/i18n/Translator';
import { recognizePhoneNumbers } from '../../../src/nlu/hindi/recognizePhoneNumbers';
import { NaiveBayesIntentModel, readCorpus } from '../../../src/nlu/NaiveBayesIntentModel';

interface Example {
    text: string;
    intent: string;
    language: 'en' | 'hi' | 'hi-Latn';
}

const EXAMPLES: Example[] = fs
    .readFileSync(path.join(PACKAGE_ROOT, 'src', 'nlu', 'corpus', 'examples.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Example);

// The corpus was written independently of the lexicon, but the lexicon was then tuned on it: these are
// regression floors for everyday phrasing, not a held-out accuracy (see the closing note of the issue).
const INTENT_FLOOR = 0.97;
const LANGUAGE_FLOOR = 0.97;

describe('intent recognizer', () => {
    const recognizer = new IntentRecognizer();
    // The model learns from this same corpus, so with it the corpus says little; the rules alone must hold on it.
    const rulesAlone = new IntentRecognizer(undefined, undefined, null);

    it('has a labelled corpus covering every intent in all three language forms', () => {
        assert.ok(EXAMPLES.length >= 450, `${EXAMPLES.length} examples`);
        for (const intent of INTENTS) {
            for (const language of ['en', 'hi', 'hi-Latn'] as const) {
                const n = EXAMPLES.filter((e) => e.intent === intent && e.language === language).length;
                assert.ok(n >= 5, `${intent}/${language} has only ${n} examples`);
            }
        }
    });

    for (const language of ['en', 'hi', 'hi-Latn'] as const) {
        it(`classifies ${language} examples at ≥ ${INTENT_FLOOR * 100}% and identifies the language at ≥ ${LANGUAGE_FLOOR * 100}%`, () => {
            const examples = EXAMPLES.filter((e) => e.language === language);
            const misses: string[] = [];
            let languageHits = 0;
            for (const example of examples) {
                const r = rulesAlone.recognize(example.text);
                if (r.intent !== example.intent) misses.push(`${example.intent} ← ${r.intent}: ${example.text}`);
                if (r.language === example.language) languageHits += 1;
            }
            const accuracy = 1 - misses.length / examples.length;
            assert.ok(accuracy >= INTENT_FLOOR, `intent accuracy ${(accuracy * 100).toFixed(1)}%; misses:\n${misses.join('\n')}`);
            assert.ok(languageHits / examples.length >= LANGUAGE_FLOOR, `language accuracy ${((languageHits / examples.length) * 100).toFixed(1)}%`);
        });
    }

    it('reads alerts asked for as a subscription, not the outage they name, and a death by current as a danger', () => {
        assert.equal(recognizer.recognize('pls send me power cut alerts and bill reminder on whatsapp').intent, 'subscribe');
        assert.equal(recognizer.recognize('mujhe area ki bijli katoti ki khabar chahiye').intent, 'subscribe');
        assert.notEqual(recognizer.recognize('alerts band karo').intent, 'subscribe');
        assert.equal(recognizer.recognize('khambe me current aa rha h hamari ek bhains mar gyi, koi sunta hi nhi').intent, 'complaint.line');
    });

    it('does not read cues into near spellings of everyday words', () => {
        assert.notEqual(recognizer.recognize('dukan ka bill batao aur payment ka link bhejo paytm se bhar dunga').intent, 'complaint.billing');
        assert.equal(recognizer.recognize('geyser heater not working, bulbs very dim, low voltage').intent, 'complaint.voltage');
        assert.notEqual(rulesAlone.recognize('thank you sir, light aa gayi').intent, 'complaint.no_supply');
    });

    it('reads a greeting only where a message opens with it', () => {
        assert.equal(rulesAlone.recognize('hi').intent, 'greeting');
        assert.equal(rulesAlone.recognize('namaste ji').intent, 'greeting');
        assert.notEqual(rulesAlone.recognize('ek hi mahine ka do baar paisa kat gaya').intent, 'greeting');
        assert.notEqual(rulesAlone.recognize('AC not starting since evening').intent, 'greeting');
    });

    it('takes the language a consumer asks for, not the one they say they cannot read', () => {
        const cases: Array<[string, string]> = [
            ["please use English, I can't read Hindi", 'language.en'],
            ['मुझे हिंदी पढ़ने में दिक्कत है, English में बताइए', 'language.en'],
            ['mujhe hindi padhne me dikkat h english me bolo', 'language.en'],
            ["I don't understand English, reply in Hindi", 'language.hi'],
            ['english nahi aati, hindi me bolo', 'language.hi'],
            ['hindi se english me karo', 'language.en'],
        ];
        for (const [text, intent] of cases) assert.equal(rulesAlone.recognize(text).intent, intent, text);
    });

    it('joins words written apart ("opt out", "don\'t", "fir bhi") and does not take common English words for misspelt cues', () => {
        assert.equal(rulesAlone.recognize('opt out of updates').intent, 'unsubscribe');
        assert.equal(rulesAlone.recognize("don't send me any more notifications").intent, 'unsubscribe');
        assert.equal(rulesAlone.recognize('maine bhar diya tha fir bhi bakaya dikha raha').intent, 'complaint.billing');
        // "please" once matched "poles" by its consonants, turning any polite message into a fallen-line report.
        assert.equal(rulesAlone.recognize('alerts band kar do please').intent, 'unsubscribe');
        assert.equal(rulesAlone.recognize('can I pay through UPI?').intent, 'bill.pay');
    });

    it('lets the corpus-trained model decide where no rule is sure, at a score that starts a flow but never interrupts one', () => {
        // Wordings no rule covers: "टिमटिमा" (flickering), "ye kaise chalta h" (how does this work).
        for (const [text, intent] of [
            ['बल्ब टिमटिमा रहा है', 'complaint.voltage'],
            ['ye kaise chalta h', 'help'],
        ] as const) {
            assert.equal(rulesAlone.recognize(text).intent, 'none', `rules alone: ${text}`);
            const r = recognizer.recognize(text);
            assert.equal(r.intent, intent, text);
            assert.ok(r.score >= 0.5 && r.score < 0.7, `score ${r.score}`);
        }
        // A sure rule is never overruled.
        assert.equal(recognizer.recognize('transformer jal gaya').intent, 'complaint.transformer');
    });

    it('trains the same model from the same examples, and names the line of a bad corpus file', () => {
        const examples = [
            { text: 'light nahi hai', intent: 'complaint.no_supply' },
            { text: 'bijli gayi', intent: 'complaint.no_supply' },
            { text: 'bill kitna hai', intent: 'bill.query' },
            { text: 'mera bill batao', intent: 'bill.query' },
        ];
        const a = NaiveBayesIntentModel.train(examples);
        const b = NaiveBayesIntentModel.train([...examples]);
        for (const text of ['bijli nahi', 'bill?', 'light gayi kal se']) assert.deepEqual(a.predict(text), b.predict(text));
        assert.equal(a.predict('bijli nahi hai').intent, 'complaint.no_supply');
        assert.equal(a.predict('bill batao').intent, 'bill.query');
        assert.ok(a.predict('bill batao').probability > 0.5);
        assert.throws(() => NaiveBayesIntentModel.train([]), /no examples/);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-'));
        fs.writeFileSync(path.join(dir, 'a.jsonl'), '{"text":"x","intent":"none"}\n{"text":"y"}\n');
        assert.throws(() => readCorpus(dir), /a\.jsonl:2: each line needs "text" and "intent"/);
    });

    it('understands the everyday phrasings the dialogs rely on', () => {
        const cases: Array<[string, string]> = [
            ['bijli nahi aa rahi', 'complaint.no_supply'],
            ['मेरा बिल कितना है', 'bill.query'],
            ['meter kharab hai', 'complaint.meter'],
            ['taar toot kar sadak par gira hai', 'complaint.line'],
            ['hindi me baat karo', 'language.hi'],
            ['English', 'language.en'],
            ['officer se baat karni hai', 'agent'],
            ['cancel', 'cancel'],
            ['stop sending me messages', 'unsubscribe'],
            ['C2611-0042 ka kya hua', 'complaint.status'],
        ];
        for (const [text, intent] of cases) assert.equal(recognizer.recognize(text).intent, intent, text);
    });

    it('gives no intent and a clear score to empty, emoji-only and unrelated text', () => {
        for (const text of ['', '   ', '😀🙏', 'asdf qwerty']) {
            const r = recognizer.recognize(text);
            assert.equal(r.intent, 'none', text);
        }
        assert.doesNotThrow(() => recognizer.recognize('x'.repeat(100_000)));
    });

    it('tolerates spelling variants through skeletons and edit distance', () => {
        assert.equal(skeleton('bijlee'), skeleton('bijli'));
        assert.equal(skeleton('kharaab'), skeleton('khrab'));
        assert.equal(recognizer.recognize('bijlee nahin aa rhi').intent, 'complaint.no_supply');
        assert.equal(recognizer.recognize('transfromer jal gya').intent, 'complaint.transformer');
    });
});

describe('everyday questions (FaqMatcher)', () => {
    const faq = new FaqMatcher(new Translator());

    it('keeps the last vowel of a romanised word: bijli/bijlee meet, katne/kitna do not', () => {
        assert.equal(faq.match('mera bijli ka bill kitna aya h is baar'), null);
        assert.equal(faq.match('kal light katne ka schedule')?.topic, 'planned_shutdown');
    });

    it('prefers a phrase whose words stand together to a longer one gathered from all over the message', () => {
        assert.equal(faq.match('bill kaha kaha jama kr skte h, paytm se ho jayega kya ya office jana padega')?.topic, 'bill_payment');
        const scattered = faq.match('mera smart meter bahut tez bhaag rha h 1000 ka recharge 2 din me khatam ho gya');
        assert.equal(scattered?.close, false);
        assert.equal(faq.match('smart meter recharge kaise karu')?.close, true);
    });
});

describe('language identification', () => {
    it('tells Devanagari, romanised Hindi and English apart, with a fallback for undecidable text', () => {
        assert.equal(detectLanguage('बिजली नहीं आ रही'), 'hi');
        assert.equal(detectLanguage('bijli नहीं आ रही है'), 'hi');
        assert.equal(detectLanguage('kal se light nahi hai'), 'hi-Latn');
        assert.equal(detectLanguage('there is no power since morning'), 'en');
        assert.equal(detectLanguage('1234567890', 'hi'), 'hi');
        assert.equal(detectLanguage('😀', 'en'), 'en');
    });
});

describe('entities', () => {
    it('normalises account numbers written with Devanagari digits, spaces and dashes', () => {
        for (const text of ['१२३४५६७८९०', '12345 67890', '1234-567-890', 'mera account 1234567890 hai']) {
            assert.deepEqual(
                extractEntities(text)
                    .filter((e) => e.type === 'accountNumber')
                    .map((e) => e.value),
                ['1234567890'],
                text
            );
        }
        assert.deepEqual(parseAccountNumber('१२३४५ ६७८९०'), { value: '1234567890' });
        assert.deepEqual(parseAccountNumber('12345'), { error: 'length' });
        assert.deepEqual(parseAccountNumber('12345abcde'), { error: 'letters' });
        assert.deepEqual(parseAccountNumber('  '), { error: 'empty' });
    });

    it('finds ticket numbers in any case and spacing, never as account numbers', () => {
        assert.deepEqual(
            extractEntities('status c2611 - 0042 please').map((e) => [e.type, e.value]),
            [['ticket', 'C2611-0042']]
        );
        assert.deepEqual(
            extractEntities('C2611-12345').map((e) => [e.type, e.value]),
            [['ticket', 'C2611-12345']]
        );
        // "a/c" (account) before an account number is not a ticket's C.
        for (const text of ['a/c 2395917603', 'A/C 2395917603']) {
            assert.deepEqual(
                extractEntities(text).map((e) => [e.type, e.value]),
                [['accountNumber', '2395917603']],
                text
            );
        }
    });

    it('reads numbers with Indian and Western grouping and keeps offsets on the original text', () => {
        const text = 'बिल १,२५,००० आया और 1,234,567 भी';
        const numbers = extractEntities(text).filter((e) => e.type === 'number');
        assert.deepEqual(
            numbers.map((e) => e.value),
            ['125000', '1234567']
        );
        assert.equal(text.slice(numbers[0].start, numbers[0].end), '१,२५,०००');
    });

    it('reads rupee amounts in every common form as one amount, never also as a bare number', () => {
        const forms: Array<[string, string, string]> = [
            ['Rs. 1,250/- ka bill', '1250', 'Rs. 1,250/-'],
            ['₹1,250 bill', '1250', '₹1,250'],
            ['INR 2000 due', '2000', 'INR 2000'],
            ['my bill is 1250 rs', '1250', '1250 rs'],
            ['बिल बारह सौ पचास रुपये आया', '1250', 'बारह सौ पचास रुपये'],
        ];
        for (const [text, value, span] of forms) {
            const found = extractEntities(text).filter((e) => e.type === 'amount' || e.type === 'number');
            assert.deepEqual(
                found.map((e) => [e.type, e.value, text.slice(e.start, e.end)]),
                [['amount', value, span]],
                text
            );
        }
    });

    it('reads Hindi and romanized number words, but not the English verb "do"', () => {
        const values = (text: string, language?: string) =>
            extractEntities(text, language)
                .filter((e) => e.type === 'number')
                .map((e) => e.value);
        assert.deepEqual(values('डेढ़ हज़ार का बिल'), ['1500']);
        assert.deepEqual(values('bill dhai hazaar aaya', 'hi-Latn'), ['2500']);
        assert.deepEqual(values('what do I do', 'en'), []);
    });

    it('reads when the problem began from "since" phrases in Indian time, in Hindi and English, and the recognizer passes them on', () => {
        // Noon in Lucknow; the expected instants are written with their +05:30 offset, so the server's zone does not matter.
        const now = new Date('2026-11-26T12:00:00+05:30');
        const since = (text: string, language = 'hi-Latn') => extractEntities(text, language, now).find((e) => e.type === 'since');
        assert.equal(since('kal raat se light nahi')?.value, new Date('2026-11-25T21:00:00+05:30').toISOString());
        assert.equal(since('3 दिन से बिजली नहीं')?.value, new Date('2026-11-23T00:00:00+05:30').toISOString());
        assert.equal(since('subah se bijli nahi')?.value, new Date('2026-11-26T06:00:00+05:30').toISOString());
        assert.equal(since('light nahi hai'), undefined);
        // English goes through Microsoft's English recognizer, with the span of the phrase.
        const yesterday = since('no power since yesterday in our lane', 'en');
        assert.equal(yesterday?.value, new Date('2026-11-25T00:00:00+05:30').toISOString());
        assert.deepEqual([yesterday?.start, yesterday?.end], [9, 24]);
        assert.equal(since('light gone since last night', 'en')?.value, new Date('2026-11-25T20:00:00+05:30').toISOString());
        assert.equal(since('no electricity for 3 days', 'en')?.value, new Date('2026-11-23T12:00:00+05:30').toISOString());
        assert.equal(since('since 6 am no supply', 'en')?.value, new Date('2026-11-26T06:00:00+05:30').toISOString());
        // "Since Monday" is the Monday gone by, never the next one.
        assert.equal(since('power cut since Monday', 'en')?.value, new Date('2026-11-23T00:00:00+05:30').toISOString());
        assert.equal(since('the meter for my shop is faulty', 'en'), undefined);
        assert.equal(since('I want to pay my bill', 'en'), undefined);
        const recognized = new IntentRecognizer().recognize('teen din se bijli nahi');
        assert.equal(recognized.intent, 'complaint.no_supply');
        assert.ok(recognized.entities.some((e) => e.type === 'since'));
    });

    it('finds phone numbers in text but not short numbers, ids or URL parts', () => {
        const phones = (text: string) => recognizePhoneNumbers(text).map((p) => p.text);
        assert.deepEqual(phones('call 0522-2287525 or +91 94150 12345'), ['0522-2287525', '+91 94150 12345']);
        assert.deepEqual(phones('bill 1500 aaya, meter abc12345678, https://x.in/?q=1234567890abc'), []);
    });

    it('reads Indian mobile numbers with or without +91', () => {
        assert.equal(parseMobileNumber('+91 98765 43210'), '9876543210');
        assert.equal(parseMobileNumber('०९८७६५४३२१०'), '9876543210');
        assert.equal(parseMobileNumber('5876543210'), null);
    });

    it('folds nukta, candrabindu, zero-width characters and repeated letters for matching', () => {
        assert.equal(foldForMatching('ज़्यादा'), foldForMatching('ज्यादा'));
        assert.equal(foldForMatching('हाँ'), foldForMatching('हां'));
        assert.equal(foldForMatching('बि\u200dजली'), 'बिजली');
        assert.equal(foldForMatching('nahiiiii'), 'nahii');
    });
});

describe('nlu command', () => {
    it('answers each JSON line with the recognised intent, language, score and entities', () => {
        const input = [JSON.stringify({ text: 'bijli nahi aa rahi' }), JSON.stringify({ text: 'मेरा खाता १२३४५६७८९० है, बिल कितना है' }), 'not json', ''].join(
            '\n'
        );
        const result = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'bijli-mitra.js'), 'nlu'], { input, encoding: 'utf8' });
        const lines = result.stdout
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l));
        assert.equal(lines.length, 3);
        assert.equal(lines[0].intent, 'complaint.no_supply');
        assert.equal(lines[0].language, 'hi-Latn');
        assert.equal(typeof lines[0].score, 'number');
        assert.equal(lines[1].intent, 'bill.query');
        assert.deepEqual(lines[1].entities, [{ type: 'accountNumber', value: '1234567890' }]);
        assert.ok(lines[2].error, 'a bad line is answered with an error, keeping lines aligned');
        assert.equal(result.status, 1, 'exit code reports the bad line');
    });
});
