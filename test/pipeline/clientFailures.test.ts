/** The client's failure handling: retries, backoff, timeouts, dropped connections, bad JSON, cancel, redaction. */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { ApiError } from '../../src/pipeline/api';
import { CancelledError } from '../../src/pipeline/api';
import { WORKER_RESULT_MAX_BYTES } from '../../src/pipeline/api/client';
import { KEY, testClient } from './helpers/client';
import { json, TestServer, text } from './helpers/server';

void describe('API client: retries, timeouts, failures', () => {
    const srv = new TestServer();
    before(() => srv.start());
    after(() => srv.close());

    void test('429 honours Retry-After, then succeeds', async () => {
        srv.on(
            'GET',
            '/api/v0/deployments/',
            json(429, 'slow down', { 'retry-after': '3' }),
            json(200, { deployments: [] }),
        );
        const { client, sleeps } = testClient(srv.url);
        assert.deepEqual(await client.listDeployments(), []);
        assert.deepEqual(sleeps, [3000]);
    });

    void test('5xx backs off min(2**attempt + U, 5) s and gives up after 5 tries', async () => {
        const before = srv.requests.length;
        srv.on('GET', '/api/v0/deployment/1/', json(503, { msg: 'down' }));
        const { client, sleeps } = testClient(srv.url);
        await assert.rejects(client.showDeployment(1), (e: ApiError) => {
            assert.equal(e.status, 503);
            assert.equal(e.what, 'fetch deployment 1');
            assert.equal(e.attempts, 5);
            assert.match(e.message, /^Failed to fetch deployment 1: HTTP 503 - \{"msg":"down"\} \(after 5 tries\)$/);
            return true;
        });
        assert.equal(srv.requests.length - before, 5);
        assert.deepEqual(sleeps, [2500, 4500, 5000, 5000]);
    });

    void test('4xx other than 408/429 is not retried', async () => {
        srv.on('GET', '/api/v0/deployment/2/', json(404, { error: 'not found' }));
        const { client, sleeps } = testClient(srv.url);
        await assert.rejects(client.showDeployment(2), /HTTP 404/);
        assert.deepEqual(sleeps, []);
    });

    void test('408 is retried', async () => {
        srv.on(
            'GET',
            '/api/v0/deployment/3/',
            json(408, 'timeout'),
            json(200, { deployment: { id: 3, name: 'x', tag: 'default' } }),
        );
        const { client, sleeps } = testClient(srv.url);
        assert.equal((await client.showDeployment(3)).id, 3);
        assert.equal(sleeps.length, 1);
    });

    void test('a dropped connection mid-response is retried', async () => {
        srv.on(
            'GET',
            '/api/v0/deployment/4/',
            (_q, res) => {
                res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
                res.write('{"deploy');
                setTimeout(() => res.socket?.destroy(), 5);
            },
            json(200, { deployment: { id: 4, name: 'x', tag: 'default' } }),
        );
        const { client, logs } = testClient(srv.url);
        assert.equal((await client.showDeployment(4)).id, 4);
        assert.ok(
            logs.some((l) => /failed: .*closed|reset|terminated/i.test(l)),
            logs.join('\n'),
        );
    });

    void test('a timeout is retried then reported as a timeout', async () => {
        srv.on('GET', '/api/v0/deployment/5/', () => undefined);
        const { client } = testClient(srv.url, { timeoutMs: 100, tries: 2 });
        await assert.rejects(client.showDeployment(5), (e: ApiError) => {
            assert.equal(e.kind, 'timeout');
            assert.match(e.message, /^Failed to fetch deployment 5: timed out after 0.1s/);
            assert.doesNotMatch(e.message, /fetch failed/);
            return true;
        });
    });

    void test('connection refused names the step, never "fetch failed"', async () => {
        const { client } = testClient('http://127.0.0.1:1', { tries: 2 });
        await assert.rejects(client.listDeployments(), (e: ApiError) => {
            assert.equal(e.kind, 'transport');
            assert.match(e.message, /^Failed to list deployments: connection refused/);
            return true;
        });
    });

    void test('malformed JSON on 2xx is a clear, non-retried error', async () => {
        srv.on('GET', '/api/v0/deployment/6/', text(200, '<html>oops</html>'));
        const { client, sleeps } = testClient(srv.url);
        await assert.rejects(client.showDeployment(6), (e: ApiError) => {
            assert.equal(e.kind, 'invalid-json');
            assert.match(
                e.message,
                /Invalid JSON from http:\/\/127\.0\.0\.1:\d+\/api\/v0\/deployment\/6\/\?api_key=\*\*\*:\n<html>oops<\/html>/,
            );
            return true;
        });
        assert.deepEqual(sleeps, []);
    });

    void test('cancellation mid-request rejects with CancelledError', async () => {
        srv.on('GET', '/api/v0/deployment/8/', () => undefined);
        const { client } = testClient(srv.url);
        const ctrl = new AbortController();
        setTimeout(() => ctrl.abort(), 50);
        await assert.rejects(client.showDeployment(8, { signal: ctrl.signal }), (e: unknown) => {
            assert.ok(e instanceof CancelledError);
            assert.equal(e.message, 'Cancelled while trying to fetch deployment 8');
            return true;
        });
    });

    void test('cancellation during backoff rejects with CancelledError', async () => {
        srv.on('GET', '/api/v0/deployment/9/', json(503, 'x'));
        const ctrl = new AbortController();
        const { client } = testClient(srv.url, {
            sleep: (_ms, signal) =>
                new Promise((_res, rej) => {
                    ctrl.abort();
                    rej(signal?.reason);
                }),
        });
        await assert.rejects(client.showDeployment(9, { signal: ctrl.signal }), CancelledError);
    });
});

void describe('API client: bounded responses, unsendable keys', () => {
    const srv = new TestServer();
    before(() => srv.start());
    after(() => srv.close());

    void test('a response over the cap fails once, clearly, without reading it all (announced or streamed)', async () => {
        let written = 0;
        const endless = (announce: boolean) => (_req: unknown, res: ServerResponse) => {
            res.writeHead(200, {
                'content-type': 'application/json',
                ...(announce ? { 'content-length': String(1 << 30) } : {}),
            });
            const chunk = Buffer.alloc(64 * 1024, 0x20);
            const pump = () => {
                while (!res.destroyed && written < 1 << 30) {
                    written += chunk.length;
                    if (!res.write(chunk)) return void res.once('drain', pump);
                }
            };
            res.on('close', () => undefined);
            pump();
        };
        for (const announce of [true, false]) {
            written = 0;
            const before = srv.requests.length;
            srv.on('GET', '/api/v0/deployments/', endless(announce));
            const { client } = testClient(srv.url, { maxResponseBytes: 1 << 20 });
            await assert.rejects(client.listDeployments(), (e: ApiError) => {
                assert.equal(e.kind, 'too-large');
                assert.match(
                    e.message,
                    /^Failed to list deployments: the response is larger than 1 MiB; stopped reading it \[/,
                );
                return true;
            });
            assert.equal(srv.requests.length - before, 1, 'not retried');
            assert.ok(written < 64 << 20, `the server got to write only ${written} bytes`);
        }
    });

    void test('the default cap is 64 MiB for the API and 256 MiB for a function result', () => {
        const { client } = testClient('http://127.0.0.1:1');
        assert.equal(client.transport.maxResponseBytes, 64 << 20);
        assert.equal(WORKER_RESULT_MAX_BYTES, 256 << 20);
    });

    void test('a key with a line break is refused before sending, once, without showing the key', async () => {
        const before = srv.requests.length;
        srv.on('GET', '/api/v0/deployments/', json(200, { deployments: [] }));
        for (const [key, what] of [
            [`${KEY}\n`, 'a line break'],
            [`${KEY}\r\n`, 'a line break'],
            [`${KEY}\u0000`, 'a control character'],
        ] as const) {
            const { client, sleeps, logs } = testClient(srv.url, { apiKey: key });
            await assert.rejects(client.listDeployments(), (e: ApiError) => {
                assert.equal(e.kind, 'bad-key');
                assert.equal(
                    e.message,
                    `Failed to list deployments: the API key contains ${what} (check VAST_API_KEY or the key file: a key is one line of letters and digits)`,
                );
                assert.ok(!e.message.includes(KEY));
                return true;
            });
            assert.deepEqual(sleeps, [], 'no retry');
            assert.deepEqual(logs, []);
        }
        assert.equal(srv.requests.length, before, 'nothing was sent');
    });
});

void describe('API client: the key never leaks', () => {
    const srv = new TestServer();
    before(() => srv.start());
    after(() => srv.close());

    void test('server text echoing the key, URLs and logs are scrubbed', async () => {
        srv.on('PUT', '/api/v0/deployments/', (req, res) => {
            res.writeHead(400, { 'content-type': 'text/plain' });
            res.end(`bad key ${KEY} for ${req.path}?api_key=${KEY} Authorization: Bearer ${KEY}`);
        });
        srv.on('GET', '/api/v0/deployment/1/', text(200, `not json ${KEY}`));
        srv.on('GET', '/api/v0/deployment/2/', json(502, { api_key: KEY }));
        const { client, logs } = testClient(srv.url);
        const texts: string[] = [];
        srv.on('POST', '/route/', json(401, { msg: 'bad endpoint key EPKEY-secret-2' }));
        for (const p of [
            () => client.putDeployment({ name: 'x' }),
            () => client.showDeployment(1),
            () => client.showDeployment(2),
            () => client.route('ep', 'EPKEY-secret-2', 0),
        ]) {
            await p().then(
                () => assert.fail('should fail'),
                (e: ApiError) => texts.push(e.message, e.serverMessage ?? '', e.url ?? '', e.stack ?? ''),
            );
        }
        const all = [...texts, ...logs].join('\n');
        assert.ok(!all.includes(KEY), all);
        assert.ok(!all.includes('EPKEY-secret-2'), all);
        assert.match(all, /api_key=\*\*\*/);
        assert.match(texts[0]!, /^Failed to put deployment: HTTP 400 - bad key \*\*\* for/);
    });
});
