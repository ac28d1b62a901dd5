import { strict as assert } from 'assert';
import { runOutageBurst } from './outageBurst';

/**
 * The outage burst of `npm run bench` (outage.bench.ts) with 30 users: the real server on SQLite, signed WhatsApp
 * deliveries from a separate process, all users on one transformer writing at once.
 */
describe('outage burst (smoke run of the benchmark, 30 users on one transformer)', function () {
    // Seeding the demo data and starting the server take most of it: about 15 s on an idle 2-core machine.
    this.timeout(120_000);

    it('makes one incident, joins every report to it, and answers every reporter', async () => {
        const users = 30;
        const { load, check } = await runOutageBurst({ users, senders: 30, postgres: false, timeoutSeconds: 60 });

        assert.equal(load.stalled, 0, `users left waiting: ${JSON.stringify(load.stalls)}`);
        assert.equal(check.activeIncidents, 1, JSON.stringify(check.incidents));
        assert.equal(check.complaints, users);
        assert.equal(check.accounts, users, 'one complaint per account');
        assert.equal(check.joined, users, 'every report joined to the incident');
        // Only reports registered before the incident existed (fewer than INCIDENT_REPORTS) end with a ticket alone.
        assert.ok(load.singleComplaint < 3, `${load.singleComplaint} single-house tickets`);
        assert.equal(load.knownFault + load.singleComplaint, users);
        const active = check.incidents.find((i) => i.status !== 'dismissed')!;
        assert.deepEqual(load.references, [active.reference]);
    });
});
