import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CsvImporter } from '../../../src/data/CsvImporter';
import { Consumer } from '../../../src/data/entities/Consumer';
import { MobileChangeRequest } from '../../../src/data/entities/MobileChangeRequest';
import { Official } from '../../../src/data/entities/Official';
import { RecordingMobileChangeNotifier } from '../../../src/services/MobileChangeNotifier';
import { TestBot } from '../../support/TestBot';

const HEADER =
    'account_number,name,registered_mobile,address,discom,division,subdivision,tariff_category,area_class,meter_number,meter_type,last_reading,last_reading_date,prepaid_balance';
const APPROVED = '9876543210';

/** The Lucknow demo consumer's row of a billing export, with `mobile` as its registered mobile. */
function exportWith(mobile: string): string {
    const file = path.join(os.tmpdir(), `mobile-import-${process.pid}-${Math.random().toString(36).slice(2)}.csv`);
    const row = `1234567890,Rajesh Kumar Srivastava,${mobile},"B-2/145, Vibhuti Khand, Gomti Nagar, Lucknow 226010",MVVNL,EUDD Gomti Nagar,Vibhuti Khand,LMV-1,city,UPM10234567,postpaid,14532,2026-10-28,`;
    fs.writeFileSync(file, `${HEADER}\n${row}\n`);
    return file;
}

/**
 * What a consumers import does with a mobile approved in the console: an export that still has the old number keeps
 * the approved one; the first export that carries the approved number settles it; later exports set the mobile again.
 */
describe('consumers import and an approved mobile change', function () {
    this.timeout(30_000);
    let bot: TestBot;

    beforeEach(async () => {
        bot = await TestBot.create({ overrides: { mobileNotifier: new RecordingMobileChangeNotifier() } });
    });
    afterEach(async () => {
        await bot.close();
    });

    const mobileNow = async () => (await bot.dataSource.getRepository(Consumer).findOneByOrFail({ accountNumber: '1234567890' })).registeredMobile;

    it('keeps the approved number over a stale export, settles it when an export carries it, then follows the exports', async () => {
        const identity = await bot.app.services.identities.getOrCreate('test', 'import-user', null);
        const { request } = await bot.app.services.mobileChanges.request({
            identity,
            channel: 'test',
            channelUserId: 'import-user',
            conversationRef: null,
            language: 'en',
            accountNumber: '1234567890',
            newMobile: APPROVED,
            holderProof: 'knowledge',
            newMobileProof: 'otp',
        });
        const importer = new CsvImporter(bot.dataSource);
        // Pending: an import sets the mobile as always.
        await importer.importConsumers(exportWith('9415012345'));
        assert.equal(await mobileNow(), '9415012345');
        const sdo = await bot.dataSource.getRepository(Official).findOneByOrFail({ username: 'sdo.gomtinagar' });
        await bot.app.services.mobileChanges.approve(request.id, sdo);
        assert.equal(await mobileNow(), APPROVED);

        const stale = await importer.importConsumers(exportWith('9415012345'));
        assert.equal(stale.rejected.length, 0);
        assert.equal(await mobileNow(), APPROVED, 'a stale export does not bring the old number back');
        assert.equal((await bot.dataSource.getRepository(MobileChangeRequest).findOneByOrFail({ id: request.id })).settledAt, null);

        await importer.importConsumers(exportWith(APPROVED));
        assert.notEqual((await bot.dataSource.getRepository(MobileChangeRequest).findOneByOrFail({ id: request.id })).settledAt, null, 'settled');

        await importer.importConsumers(exportWith('9123456789'));
        assert.equal(await mobileNow(), '9123456789', 'after that the billing data decides again');
    });
});
