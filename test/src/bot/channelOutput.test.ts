import { strict as assert } from 'assert';
import { Activity } from 'botbuilder';
import { choiceForm, numberedChoices, TEXT_ONLY } from '../../../adapters/shared/choices';
import { renderMessenger } from '../../../adapters/facebook/renderMessenger';
import { renderTwitter } from '../../../adapters/twitter/renderTwitter';
import { renderWhatsApp, WhatsAppPart } from '../../../adapters/whatsapp/renderWhatsApp';
import { ChannelOutput } from '../../../src/bot/ChannelOutput';
import { CHANNELS } from '../../../src/channels';

const titles = (n: number, length = 5) => Array.from({ length: n }, (_, i) => `${String(i + 1).padStart(length, 'x')}`);
const buttons = (list: string[]) => list.map((title) => ({ value: title, title }));

/**
 * One rendering contract: each channel declares what it really shows of choices (its descriptor), the core decides
 * once with `choiceForm` and numbers what does not fit, and a renderer only translates what it is given.
 */
describe('choices: one decision, real capabilities, renderers that translate', () => {
    const output = new ChannelOutput();
    for (const channel of CHANNELS) output.register(channel.id, channel.choices);
    const render = (channel: string, list: string[]) => output.render(channel, 'Pick one', buttons(list));

    it('picks buttons, then a list, then numbered text, never cutting a title or keeping repeated ones', () => {
        const whatsApp = CHANNELS.find((c) => c.id === 'whatsapp')!.choices;
        assert.equal(choiceForm(titles(3), whatsApp), 'buttons');
        assert.equal(choiceForm(titles(4), whatsApp), 'list');
        assert.equal(choiceForm(titles(10), whatsApp), 'list');
        assert.equal(choiceForm(titles(11), whatsApp), 'numbered');
        assert.equal(choiceForm(['a title of twenty-one'], whatsApp), 'list', 'too long for a button (20), fits a row (24)');
        assert.equal(choiceForm(['a row title that is too long'], whatsApp), 'numbered');
        assert.equal(choiceForm(['हाँ', 'हाँ'], whatsApp), 'numbered', 'a tap could not tell them apart');
        assert.equal(choiceForm(['👍'.repeat(20)], whatsApp), 'buttons', 'counted in code points (20), not UTF-16 units (40)');
        assert.equal(choiceForm(titles(2), TEXT_ONLY), 'numbered');
        assert.equal(numberedChoices('Pick one', ['Yes', 'No']), 'Pick one\n\n1. Yes\n2. No');
    });

    it('the core hands a channel only choices it can show, and numbers the rest itself (no channel claims more than it has)', () => {
        assert.equal(render('whatsapp', titles(8)).suggestedActions?.actions.length, 8, 'a WhatsApp list');
        assert.equal(render('whatsapp', titles(11)).suggestedActions, undefined);
        assert.match(render('whatsapp', titles(11)).text ?? '', /\n11\. x{3}11$/);
        assert.equal(render('facebook', titles(13)).suggestedActions?.actions.length, 13);
        assert.equal(render('facebook', titles(14)).suggestedActions, undefined, 'Messenger has thirteen quick replies');
        assert.equal(render('twitter', titles(2)).suggestedActions, undefined, 'X DMs have none');
        assert.equal(render('twitter', titles(2)).text, 'Pick one\n\n1. xxxx1\n2. xxxx2');
        assert.equal(render('some-new-channel', titles(2)).suggestedActions, undefined, 'an unknown channel gets text');
        assert.equal(render('emulator', titles(12)).suggestedActions?.actions.length, 12);
    });

    it('each renderer turns what the core gives it into its platform form, and the same numbered text for anything else', () => {
        const activity = (list: string[]): Partial<Activity> => render('whatsapp', list);
        const kinds = (parts: WhatsAppPart[]) => parts.map((p) => p.kind);
        assert.deepEqual(kinds(renderWhatsApp(activity(titles(3)), { listButton: 'Options' })), ['buttons']);
        assert.deepEqual(kinds(renderWhatsApp(activity(titles(6)), { listButton: 'Options' })), ['list']);
        // A list needs its button label to fit (20): otherwise the same choices go as numbered text.
        assert.deepEqual(kinds(renderWhatsApp(activity(titles(6)), { listButton: 'a label far too long for it' })), ['text']);
        // Another bot may hand the renderer more than fits: the renderer degrades with the same function.
        const foreign: Partial<Activity> = {
            text: 'Pick one',
            suggestedActions: { to: [], actions: titles(14).map((t) => ({ type: 'imBack', title: t, value: t })) },
        };
        const messenger = renderMessenger(foreign);
        assert.deepEqual(
            messenger.map((p) => p.kind),
            ['text']
        );
        assert.equal((messenger[0].message as { text: string }).text, numberedChoices('Pick one', titles(14)));
        assert.equal(renderTwitter(foreign)[0].text, numberedChoices('Pick one', titles(14)));
    });
});
