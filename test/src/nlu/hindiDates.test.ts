import { strict as assert } from 'assert';
import { extractDates, parseDates, sinceWhen } from '../../../src/nlu/hindiDates';

// Wednesday 12 June 2024, 14:30 local time
const REF = new Date(2024, 5, 12, 14, 30);
const at = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min).getTime();
const one = (text: string) => {
    const r = parseDates(text, REF);
    assert.equal(r.length, 1, `${text}: ${JSON.stringify(r)}`);
    return r[0];
};

describe('hindiDates: कल / परसों by tense', () => {
    const cases: Array<[string, string, string]> = [
        ['मैं कल वापस जाऊंगा', 'कल', '2024-06-13'],
        ['कल बिजली गई थी', 'कल', '2024-06-11'],
        ['कल मीटर रीडिंग होगी', 'कल', '2024-06-13'],
        ['कल लाइट नहीं थी', 'कल', '2024-06-11'],
        ['कल से बिजली नहीं है', 'कल', '2024-06-11'],
        ['kal se light nahi', 'kal', '2024-06-11'],
        ['kal light aayegi?', 'kal', '2024-06-13'],
        ['kal bill aaya tha', 'kal', '2024-06-11'],
        ['परसों बिजली चली गई थी', 'परसों', '2024-06-10'],
        ['परसों आएगा', 'परसों', '2024-06-14'],
        ['नरसों आएगा', 'नरसों', '2024-06-15'],
        ['aaj light nahi hai', 'aaj', '2024-06-12'],
    ];
    for (const [text, word, date] of cases) {
        it(`${text} → ${date}`, () => {
            const r = one(text);
            assert.equal(r.text, word);
            assert.equal(r.timex, date);
            assert.equal(r.past.date, date);
        });
    }
});

describe('hindiDates: sinceWhen', () => {
    const cases: Array<[string, number]> = [
        ['कल से बिजली नहीं है', at(2024, 6, 11)],
        ['kal se light nahi hai', at(2024, 6, 11)],
        ['दो दिन से बिजली नहीं है', at(2024, 6, 10)],
        ['3 din se light nahi', at(2024, 6, 9)],
        ['३ दिन से बिजली गायब', at(2024, 6, 9)],
        ['सुबह से बिजली नहीं', at(2024, 6, 12, 6)],
        ['subah se bijli nahi aayi', at(2024, 6, 12, 6)],
        ['कल रात से लाइट नहीं', at(2024, 6, 11, 21)],
        ['kal raat se light nahi', at(2024, 6, 11, 21)],
        ['raat se light nahi', at(2024, 6, 11, 21)],
        ['2 ghante se light nahi', at(2024, 6, 12, 12, 30)],
        ['somvar se light nahi', at(2024, 6, 10)],
        ['सोमवार से बिजली नहीं', at(2024, 6, 10)],
        ['5 तारीख से बिजली नहीं', at(2024, 6, 5)],
        ['21/04/2024 से बिजली नहीं', at(2024, 4, 21)],
    ];
    for (const [text, expected] of cases) {
        it(text, () => {
            const got = sinceWhen(text, REF);
            assert.ok(got, `no start found in ${text}`);
            assert.equal(got.getTime(), expected, `${text}: ${got.toString()}`);
        });
    }
    it('returns null without a since-when phrase', () => {
        assert.equal(sinceWhen('मेरा बिल 1500 आया', REF), null);
        assert.equal(sinceWhen('bijli nahi hai', REF), null);
    });
});

describe('hindiDates: numeric dates (DD/MM/YYYY)', () => {
    it('reads DD/MM/YYYY, DD-MM-YY and DD.MM.YYYY day first', () => {
        assert.equal(one('मेरा बिल 05/03/2024 को आया').timex, '2024-03-05');
        assert.equal(one('bill 05-03-24 ko aaya').timex, '2024-03-05');
        assert.equal(one('13.5.2015 ko').timex, '2015-05-13');
    });
    it('reads Devanagari digits with offsets into the original text', () => {
        const r = one('बिल २१/०४/२०२४ को आया');
        assert.deepEqual([r.text, r.start, r.length, r.timex], ['२१/०४/२०२४', 4, 10, '2024-04-21']);
    });
    it('reads YYYY/MM/DD and swaps an impossible month (9-18-15)', () => {
        assert.equal(one('2015/08/12').timex, '2015-08-12');
        assert.equal(one('9-18-15 को').timex, '2015-09-18');
    });
    it('DD/MM without a year resolves to the next and previous occurrence', () => {
        const r = one('22/04 को');
        assert.deepEqual([r.timex, r.future.date, r.past.date], ['XXXX-04-22', '2025-04-22', '2024-04-22']);
    });
    it('rejects fractions, invalid dates and plain numbers', () => {
        assert.deepEqual(parseDates('6 1/4% बढ़ा', REF), []);
        assert.deepEqual(parseDates('31/02/2024', REF), []);
        assert.deepEqual(parseDates('बिल 1500 रुपये', REF), []);
    });
});

describe('hindiDates: other expressions', () => {
    it('weekdays and months with spelling variants, Devanagari and romanised', () => {
        assert.equal(one('मैं शुक्रवार को आऊंगा').timex, 'XXXX-WXX-5');
        assert.equal(one('guruwar ko aaunga').timex, 'XXXX-WXX-4');
        assert.equal(one('22 अप्रील को').timex, 'XXXX-04-22');
        assert.equal(one('22 अप्रैल 2024 को').timex, '2024-04-22');
        assert.equal(one('5 सितम्बर').timex, 'XXXX-09-05');
    });
    it('N दिन पहले / बाद and relative weeks', () => {
        assert.equal(one('दो दिन पहले बिजली गई थी').timex, '2024-06-10');
        assert.equal(one('3 din baad aayega').timex, '2024-06-15');
        assert.equal(one('अगले हफ्ते सोमवार को').timex, '2024-06-17');
        assert.equal(one('पिछले सोमवार').timex, '2024-06-03');
    });
    it('offsets survive nukta and ZWJ in the input', () => {
        const text = 'मैं अगले हफ़्ते शुक्रवार को';
        const [r] = extractDates(text, REF);
        assert.equal(text.substr(r.start, r.length), r.text);
        assert.equal(r.text, 'अगले हफ़्ते शुक्रवार');
    });
});
