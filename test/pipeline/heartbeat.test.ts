import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startHeartbeat } from '../../src/pipeline/api';
import { logLines, newLines } from '../../src/cli/commands/manage';
import { KEY, testClient } from './helpers/client';
import { json, TestServer } from './helpers/server';

void describe('heartbeat for ttl', () => {
    const srv = new TestServer();
    before(() => srv.start());
    after(() => srv.close());

    void test('first beat at once, Bearer only, errors reported, stop ends it', async () => {
        srv.on('POST', '/api/v0/deployment/7/heartbeat/', json(200, { success: true }));
        const { client } = testClient(srv.url, { tries: 1 });
        const errors: unknown[] = [];
        // ttl 2 s → one beat per second.
        const hb = startHeartbeat(client, 7, 2, { onError: (e) => errors.push(e) });
        const deadline = Date.now() + 15_000;
        while (hb.beats < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        hb.stop();
        const count = srv.to('/api/v0/deployment/7/heartbeat/').length;
        await new Promise((r) => setTimeout(r, 1200));
        const beats = srv.to('/api/v0/deployment/7/heartbeat/');
        assert.ok(count >= 2);
        assert.equal(beats.length, count, 'no beat after stop()');
        assert.equal(beats[0]!.headers.authorization, `Bearer ${KEY}`);
        assert.equal(beats[0]!.query.get('api_key'), null);
        srv.on('POST', '/api/v0/deployment/8/heartbeat/', json(404, { error: 'gone' }));
        const hb2 = startHeartbeat(client, 8, 100, { onError: (e) => errors.push(e) });
        const deadline2 = Date.now() + 15_000;
        while (errors.length === 0 && Date.now() < deadline2) await new Promise((r) => setTimeout(r, 50));
        hb2.stop();
        assert.equal(errors.length, 1);
        assert.match(String((errors[0] as Error).message), /^Failed to send the heartbeat: HTTP 404/);
    });
});

void describe('logs helpers', () => {
    void test('logLines reads every answer shape', () => {
        assert.deepEqual(logLines('a\nb\n'), ['a', 'b']);
        assert.deepEqual(logLines({ logs: 'a\r\nb' }), ['a', 'b']);
        assert.deepEqual(logLines({ lines: ['x', 'y'] }), ['x', 'y']);
        assert.deepEqual(logLines(['p\nq', { t: 1 }]), ['p', 'q', '{"t":1}']);
        assert.deepEqual(logLines(null), []);
        assert.throws(() => logLines({ error_msg: 'bad key' }), /The autoscaler refused the logs: bad key/);
    });

    void test('newLines prints only what follows the last printed tail', () => {
        assert.deepEqual(newLines([], ['a']), ['a']);
        assert.deepEqual(newLines(['a', 'b', 'c'], ['b', 'c', 'd', 'e']), ['d', 'e']);
        assert.deepEqual(newLines(['a', 'b'], ['a', 'b']), []);
        assert.deepEqual(newLines(['a'], ['x', 'y']), ['x', 'y']);
    });
});
