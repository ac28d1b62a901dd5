import { strict as assert } from 'assert';
import { HttpSmsSender } from '../../../src/services/HttpSmsSender';
import { SmsGatewayStandIn } from '../../support/SmsGatewayStandIn';
import { TestBot } from '../../support/TestBot';

describe('one-time codes through an HTTP SMS gateway', () => {
    let gateway: SmsGatewayStandIn;
    let bot: TestBot;

    beforeEach(async () => {
        gateway = new SmsGatewayStandIn();
        await gateway.start();
        bot = await TestBot.create({ overrides: { sms: new HttpSmsSender(gateway.url, 'secret-token') } });
    });
    afterEach(async () => {
        await bot.close();
        await gateway.stop();
    });

    async function askForBill(): Promise<string> {
        const user = bot.conversation();
        await user.say('English');
        await user.say('my bill');
        const asked = (await user.say('1234567890')).join('\n');
        return asked;
    }

    it('sends the code to the registered mobile with the bearer token, and the code verifies', async () => {
        const user = bot.conversation();
        await user.say('English');
        await user.say('my bill');
        assert.match((await user.say('1234567890')).join('\n'), /6-digit code by SMS to the registered mobile \*{8}45/);
        assert.equal(gateway.requests.length, 1);
        const [request] = gateway.requests;
        assert.equal(request.authorization, 'Bearer secret-token');
        assert.equal(request.body.to, '919415012345');
        const code = request.body.text?.match(/\b([0-9]{6})\b/)?.[1];
        assert.ok(code, request.body.text);
        const bill = (await user.say(code)).join('\n');
        assert.match(bill, /verified/);
        assert.match(bill, /Bill for/);
    });

    it('tells the user when the gateway fails, and shows nothing private', async () => {
        gateway.status = 503;
        const replies = await askForBill();
        assert.match(replies, /could not send the code/);
        assert.doesNotMatch(replies, /Bill for|₹/);
        assert.equal(gateway.requests.length, 1);
    });
});
