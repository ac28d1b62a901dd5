import { strict as assert } from 'assert';
import { recognizeCurrency, recognizeNumbers, recognizeOrdinals } from '../../../src/nlu/hindi/recognizeNumbers';

function oneCurrency(text: string): { text: string; start: number; end: number; value: number | null; unit: string; isoCurrency?: string } {
    const r = recognizeCurrency(text);
    assert.equal(r.length, 1, `${text}: ${JSON.stringify(r)}`);
    return r[0];
}

describe('Hindi numbers: rupee amounts', () => {
    const cases: Array<[string, string, number]> = [
        ['₹1,250', '₹1,250', 1250],
        ['बिल ₹ 1,250.50 आया', '₹ 1,250.50', 1250.5],
        ['Rs 1250', 'Rs 1250', 1250],
        ['rs 500 bhare', 'rs 500', 500],
        ['Rs. 1250/-', 'Rs. 1250/-', 1250],
        ['Rs.500', 'Rs.500', 500],
        ['INR 2000', 'INR 2000', 2000],
        ['1250 रुपये', '1250 रुपये', 1250],
        ['मेरा बिल १२५० रुपये है', '१२५० रुपये', 1250],
        ['बारह सौ पचास रुपए', 'बारह सौ पचास रुपए', 1250],
        ['1250 rs', '1250 rs', 1250],
        ['bill 1500 rupaye aaya', '1500 rupaye', 1500],
        ['Rs 12,34,567', 'Rs 12,34,567', 1234567],
        ['डेढ़ लाख रुपये', 'डेढ़ लाख रुपये', 150000],
        ['do hazaar rupaye', 'do hazaar rupaye', 2000],
        ['35 lakh rupees', '35 lakh rupees', 3500000],
    ];
    for (const [input, text, value] of cases) {
        it(`${input} → ${value} INR`, () => {
            const r = oneCurrency(input);
            assert.equal(r.text, text);
            assert.equal(input.slice(r.start, r.end + 1), text);
            assert.equal(r.value, value);
            assert.equal(r.isoCurrency, 'INR');
        });
    }
});

describe('Hindi numbers: grouping, digits and words', () => {
    const cases: Array<[string, number]> = [
        ['12,34,567', 1234567],
        ['1,234,567', 1234567],
        ['१२,३४,५६७', 1234567],
        ['12,34,567.89', 1234567.89],
        ['65,55,45,70,113', 65554570113],
        ['1250', 1250],
        ['१२५०', 1250],
        ['4.5', 4.5],
        ['दो हजार पांच सौ', 2500],
        ['दो हज़ार पाँच सौ', 2500],
        ['एक करोड़', 10000000],
        ['तीन लाख', 300000],
        ['डेढ़ सौ', 150],
        ['ढाई हजार', 2500],
        ['सवा लाख', 125000],
        ['साढ़े तीन सौ', 350],
        ['पौने दो सौ', 175],
        ['do hazaar paanch sau', 2500],
        ['dedh lakh', 150000],
        ['dhai sau', 250],
        ['ek crore', 10000000],
        ['teen', 3],
    ];
    for (const [input, value] of cases) {
        it(`${input} → ${value}`, () => {
            const r = recognizeNumbers(input);
            assert.equal(r.length, 1, JSON.stringify(r));
            assert.equal(r[0].value, value);
            assert.equal(r[0].start, 0);
            assert.equal(r[0].end, input.length - 1);
        });
    }

    it('keeps offsets into the original text with nukta and Devanagari digits', () => {
        const input = 'मुझे ५ हज़ार चाहिए';
        const [r] = recognizeNumbers(input);
        assert.equal(r.text, '५ हज़ार');
        assert.equal(input.slice(r.start, r.end + 1), r.text);
        assert.equal(r.value, 5000);
    });

    it('does not read digits glued to a unit word as numbers', () => {
        assert.deepEqual(recognizeNumbers('वह 180मिलि लिक्विड'), []);
    });

    it('recognizes ordinals', () => {
        assert.equal(recognizeOrdinals('दूसरा मीटर')[0].resolution.value, '2');
        assert.equal(recognizeOrdinals('21वां')[0].resolution.value, '21');
        assert.equal(recognizeOrdinals('आखिरी बिल')[0].typeName, 'ordinal.relative');
    });
});
