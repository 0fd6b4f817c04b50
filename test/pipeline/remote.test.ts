import assert from 'node:assert/strict';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { ApiError } from '../../src/pipeline/api';
import { RemoteCaller, RemoteFunctionError } from '../../src/pipeline/api';
import { makeCerts } from './helpers/certs';
import { KEY, testClient } from './helpers/client';
import { json, TestServer } from './helpers/server';

const EPKEY = 'EPKEY-endpoint-0000111122223333';

function ready(url: string) {
    return json(200, {
        endpoint: 'ep',
        url,
        cost: 100,
        reqnum: 1,
        signature: 'sig',
        request_idx: 42,
        __request_id: 'r1',
    });
}

void describe('remote calls: /route/ + worker', () => {
    const srv = new TestServer();
    before(async () => {
        await srv.start();
        srv.on(
            'GET',
            '/api/v0/endptjobs/9/',
            json(200, { success: true, result: { id: 9, endpoint_name: 'ep', api_key: EPKEY } }),
        );
    });
    after(() => srv.close());

    void test('WAITING polls with the same request_idx, then the worker envelope', async () => {
        srv.on(
            'POST',
            '/route/',
            json(200, { endpoint: 'ep', status: 'Stopped', request_idx: 42 }),
            json(200, { endpoint: 'ep', status: 'Loading' }),
            ready(srv.url),
        );
        srv.on('POST', '/remote/square', json(503, 'busy'), json(200, { result: { ok: 4 } }));
        const { client, sleeps } = testClient(srv.url);
        const waiting: string[] = [];
        const res = await new RemoteCaller(client, 9).invoke('square', { x: 2 }, { onWaiting: (s) => waiting.push(s) });
        assert.equal(res.value, 4);
        assert.deepEqual(waiting, ['Stopped', 'Loading']);
        assert.equal(res.reroutes, 1);
        const routes = srv.to('/route/').map((r) => (r.json as { request_idx: number }).request_idx);
        assert.deepEqual(routes, [0, 42, 42, 0]);
        for (const r of srv.to('/route/')) {
            assert.equal(r.headers.authorization, `Bearer ${EPKEY}`);
            assert.equal(r.query.get('api_key'), EPKEY);
        }
        const worker = srv.to('/remote/square').at(-1)!;
        assert.equal(worker.headers.authorization, `Bearer ${EPKEY}`);
        assert.equal(worker.query.get('api_key'), EPKEY);
        assert.deepEqual(worker.json, {
            auth_data: {
                endpoint: 'ep',
                url: srv.url,
                cost: 100,
                reqnum: 1,
                signature: 'sig',
                request_idx: 42,
                __request_id: 'r1',
            },
            session_id: null,
            payload: { kwargs: { x: 2 } },
        });
        // WAITING polls sleep uniform(0.1, cap); the worker 503 backs off min(2**1 + U, 5).
        assert.equal(sleeps.length, 3);
        assert.equal(sleeps[2], 2500);
        assert.ok(res.routeMs >= 0 && res.workerMs >= 0);
    });

    void test('routeTimeoutMs bounds the WAITING loop with the last status', async () => {
        srv.on('POST', '/route/', json(200, { endpoint: 'ep', status: 'Loading: 2', request_idx: 3 }));
        const { client } = testClient(srv.url);
        await assert.rejects(new RemoteCaller(client, 9).invoke('f', {}, { routeTimeoutMs: 20_000 }), {
            message: /^Failed to route endpoint: no worker became ready in \d+s \(last status: Loading: 2\)$/,
        });
    });

    void test('an exception comes back as a RemoteFunctionError naming the class', async () => {
        srv.on('POST', '/route/', ready(srv.url));
        srv.on(
            'POST',
            '/remote/boom',
            json(200, {
                result: {
                    err: {
                        type: 'obj',
                        module: { type: 'absolute', path: ['builtins'] },
                        class: 'ValueError',
                        contents: {},
                    },
                },
            }),
        );
        const { client } = testClient(srv.url);
        await assert.rejects(new RemoteCaller(client, 9).invoke('boom', {}), (e: unknown) => {
            assert.ok(e instanceof RemoteFunctionError);
            assert.equal(e.exceptionClass, 'ValueError');
            assert.match(e.message, /^Remote function boom raised ValueError/);
            return true;
        });
    });

    void test('a non-retryable worker status fails with the SDK text', async () => {
        srv.on('POST', '/route/', ready(srv.url));
        srv.on('POST', '/remote/bad', json(422, { error: 'missing signature' }));
        const { client } = testClient(srv.url);
        await assert.rejects(new RemoteCaller(client, 9).invoke('bad', {}), {
            message: 'Remote function call failed with status code 422: {"error":"missing signature"}',
        });
    });

    void test('a dead worker re-routes to another', async () => {
        srv.on('POST', '/route/', ready('http://127.0.0.1:1'), ready(srv.url));
        srv.on('POST', '/remote/f', json(200, { result: { ok: { type: 'list', contents: [1] } } }));
        const { client } = testClient(srv.url);
        const res = await new RemoteCaller(client, 9).invoke('f', {});
        assert.deepEqual(res.value, [1]);
        assert.equal(res.reroutes, 1);
    });

    void test('gives up after maxReroutes with a clear message, key-free', async () => {
        srv.on('POST', '/route/', ready('http://127.0.0.1:1'));
        const { client, logs } = testClient(srv.url);
        await assert.rejects(new RemoteCaller(client, 9).invoke('f', {}, { maxReroutes: 2 }), (e: ApiError) => {
            assert.match(e.message, /^Remote function call to f failed after 3 tries: connection refused/);
            assert.ok(!e.message.includes(EPKEY) && !e.message.includes(KEY));
            return true;
        });
        assert.ok(!logs.join('\n').includes(EPKEY));
    });
});

void describe('remote calls: Vast root certificate for https workers', () => {
    const srv = new TestServer();
    const certs = makeCerts();
    let worker: https.Server;
    let workerUrl = '';
    before(async () => {
        await srv.start();
        worker = https.createServer({ key: certs.key, cert: certs.cert }, (req, res) => {
            req.resume();
            req.on('end', () => {
                res.writeHead(200, { 'content-type': 'application/json' });
                res.end(JSON.stringify({ result: { ok: 'secure' } }));
            });
        });
        await new Promise<void>((r) => worker.listen(0, '127.0.0.1', r));
        workerUrl = `https://127.0.0.1:${(worker.address() as AddressInfo).port}`;
        srv.on('GET', '/api/v0/endptjobs/9/', json(200, { result: { id: 9, endpoint_name: 'ep', api_key: EPKEY } }));
        srv.on('GET', '/static/jvastai_root.cer', (_q, res) => {
            res.writeHead(200, { 'content-type': 'application/x-x509-ca-cert' });
            res.end(certs.caDer);
        });
    });
    after(async () => {
        worker.closeAllConnections();
        await new Promise((r) => worker.close(r));
        await srv.close();
    });

    void test('the root cert is fetched once (DER accepted) and trusted for https workers', async () => {
        srv.on('POST', '/route/', ready(workerUrl));
        const { client } = testClient(srv.url);
        const caller = new RemoteCaller(client, 9);
        assert.equal((await caller.invoke('f', {})).value, 'secure');
        assert.equal((await caller.invoke('f', {})).value, 'secure');
        assert.equal(srv.to('/static/jvastai_root.cer').length, 1);
        assert.equal(srv.to('/static/jvastai_root.cer')[0]!.headers.authorization, undefined);
    });

    void test('a worker cert from another CA is refused', async () => {
        const other = makeCerts();
        srv.on('GET', '/static/other.cer', (_q, res) => void res.end(other.caPem));
        srv.on('POST', '/route/', ready(workerUrl));
        const { client } = testClient(srv.url, { rootCertUrl: `${srv.url}/static/other.cer` });
        await assert.rejects(new RemoteCaller(client, 9).invoke('f', {}, { maxReroutes: 0 }), (e: ApiError) => {
            assert.match(e.message, /certificate/i);
            return true;
        });
    });

    void test('a missing root certificate fails clearly', async () => {
        srv.on('POST', '/route/', ready(workerUrl));
        const { client } = testClient(srv.url, { rootCertUrl: `${srv.url}/static/missing.cer` });
        await assert.rejects(new RemoteCaller(client, 9).invoke('f', {}), /Failed to fetch SSL cert: 404/);
    });

    void test('http workers never fetch the certificate', async () => {
        const before = srv.to('/static/jvastai_root.cer').length;
        srv.on('POST', '/route/', ready(srv.url));
        srv.on('POST', '/remote/g', json(200, { result: { ok: 1 } }));
        const { client } = testClient(srv.url);
        await new RemoteCaller(client, 9).invoke('g', {});
        assert.equal(srv.to('/static/jvastai_root.cer').length, before);
    });
});
