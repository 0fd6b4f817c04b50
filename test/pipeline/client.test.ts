/** Request shapes of every client call, and the streamed S3 upload. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ApiError } from '../../src/pipeline/api';
import { KEY, testClient } from './helpers/client';
import { json, TestServer, text, type Recorded } from './helpers/server';

function assertAuth(r: Recorded, key = KEY) {
    assert.equal(r.headers.authorization, `Bearer ${key}`);
    assert.equal(r.query.get('api_key'), key);
}

void describe('API client: request shapes', () => {
    const srv = new TestServer();
    before(() => srv.start());
    after(() => srv.close());

    void test('PUT /api/v0/deployments/ drops nulls and sends auth', async () => {
        srv.on(
            'PUT',
            '/api/v0/deployments/',
            json(200, { success: true, action: 'created', deployment_id: 7, endpoint_id: 9 }),
        );
        const { client } = testClient(srv.url);
        const res = await client.putDeployment({ name: 'a', tag: 'default', ttl: null, storage: 16 });
        assert.equal(res.action, 'created');
        const r = srv.to('/api/v0/deployments/', 'PUT').at(-1)!;
        assertAuth(r);
        assert.deepEqual(r.json, { name: 'a', tag: 'default', storage: 16 });
        assert.match(String(r.headers['user-agent']), /vast-deployments/);
    });

    void test('PUT answer without deployment_id is a protocol error', async () => {
        srv.on('PUT', '/api/v0/deployments/', json(200, { success: true, action: 'created', endpoint_id: 9 }));
        const { client } = testClient(srv.url);
        await assert.rejects(
            client.putDeployment({ name: 'a' }),
            /Failed to put deployment: the answer has no "deployment_id"/,
        );
    });

    void test('lifecycle calls hit the documented paths', async () => {
        srv.on(
            'GET',
            '/api/v0/deployment/7/',
            json(200, { success: true, deployment: { id: 7, name: 'a', tag: 'default' } }),
        )
            .on(
                'GET',
                '/api/v0/deployments/',
                json(200, {
                    success: true,
                    deployments: [
                        { id: 7, name: 'a', tag: 'default' },
                        { id: 8, name: 'a', tag: 'v2' },
                    ],
                }),
            )
            .on('GET', '/api/v0/deployment/7/versions/', json(200, { success: true, versions: [{ id: 1 }] }))
            .on('DELETE', '/api/v0/deployment/7/', json(200, { success: true }))
            .on('DELETE', '/api/v0/deployments/', json(200, { success: true, count: 2 }))
            .on('POST', '/api/v0/deployment/7/stop/', json(200, { success: true, endpoint_state: 'stopped' }))
            .on('POST', '/api/v0/deployment/7/start/', json(200, { success: true, endpoint_state: 'active' }))
            .on('POST', '/api/v0/deployment/7/heartbeat/', json(200, { success: true }))
            .on(
                'GET',
                '/api/v0/endptjobs/9/',
                json(200, { success: true, result: { id: 9, endpoint_name: 'ep', api_key: 'EPKEY-abcdef' } }),
            )
            .on('GET', '/api/v0/endptjobs/', json(200, { success: true, results: [{ id: 9, endpoint_name: 'ep' }] }))
            .on('DELETE', '/api/v0/endptjobs/9/', json(200, { success: true, deleted_workers: [] }))
            .on(
                'GET',
                '/api/v0/workergroups/',
                json(200, {
                    results: [
                        { id: 3, endpoint_id: 1 },
                        { id: 4, endpoint_id: 9 },
                    ],
                }),
            )
            .on('POST', '/update_workers/', json(200, { success: true }))
            .on('POST', '/get_endpoint_workers/', json(200, [{ id: 1, status: 'IDLE' }, { id: 2 }]))
            .on('POST', '/get_endpoint_logs/', json(200, { logs: 'line1\nline2' }))
            .on('POST', '/get_workergroup_workers/', json(200, []));
        const { client } = testClient(srv.url);
        assert.equal((await client.showDeployment(7)).name, 'a');
        assert.equal((await client.findDeployments('a', 'v2'))[0]?.id, 8);
        assert.equal((await client.findDeployments('a')).length, 2);
        assert.deepEqual(await client.deploymentVersions(7), [{ id: 1 }]);
        await client.deleteDeployment(7);
        assert.equal((await client.deleteDeploymentsByName('a', 'v2')).count, 2);
        await client.deleteDeploymentsByName('a');
        assert.equal((await client.stopDeployment(7)).endpoint_state, 'stopped');
        await client.startDeployment(7);
        await client.heartbeat(7);
        assert.equal((await client.getEndpoint(9)).endpoint_name, 'ep');
        assert.equal((await client.listEndpoints()).length, 1);
        await client.deleteEndpoint(9);
        assert.equal(await client.findWorkergroupForEndpoint(9), 4);
        assert.equal(await client.findWorkergroupForEndpoint(99), undefined);
        await client.updateWorkers(4);
        const workers = await client.getEndpointWorkers(9);
        assert.deepEqual(
            workers.map((w) => w.status),
            ['IDLE', 'UNKNOWN'],
        );
        assert.deepEqual(await client.getEndpointLogs(9, { tail: 50 }), { logs: 'line1\nline2' });
        await client.getWorkergroupWorkers(4);

        for (const r of srv.requests) {
            if (r.path.endsWith('/heartbeat/')) {
                assert.equal(r.headers.authorization, `Bearer ${KEY}`);
                assert.equal(r.query.get('api_key'), null, 'heartbeat is Bearer only');
                assert.equal(r.body.length, 0);
            } else {
                assertAuth(r);
            }
        }
        assert.deepEqual(
            srv.to('/api/v0/deployments/', 'DELETE').map((r) => r.json),
            [{ name: 'a', tag: 'v2' }, { name: 'a' }],
        );
        assert.equal(srv.to('/api/v0/endptjobs/', 'GET')[0]?.query.get('client_id'), 'me');
        assert.deepEqual(srv.to('/update_workers/')[0]?.json, { workergroup_id: 4, api_key: KEY });
        assert.deepEqual(srv.to('/get_endpoint_workers/')[0]?.json, { id: 9, api_key: KEY });
        assert.deepEqual(srv.to('/get_endpoint_logs/')[0]?.json, { id: 9, tail: 50, api_key: KEY });
    });

    void test('endpoint and workergroup management calls', async () => {
        srv.on('POST', '/api/v0/endptjobs/', json(200, { success: true, result: 21 }))
            .on('PUT', '/api/v0/endptjobs/21/', json(200, { success: true }))
            .on('POST', '/api/v0/workergroups/', json(200, { success: true, id: 31 }))
            .on('DELETE', '/api/v0/workergroups/31/', json(200, { success: true }))
            .on('POST', '/get_autogroup_logs/', json(200, { logs: '' }))
            .on('POST', '/update_workers/', json(200, { success: true }));
        const { client } = testClient(srv.url);
        assert.equal(await client.createEndpoint({ endpoint_name: 'ep', max_workers: 3 }), 21);
        await client.updateEndpoint(21, { endpoint_state: 'suspended' });
        assert.equal(await client.createWorkergroup({ endpoint_id: 21 }), 31);
        await client.deleteWorkergroup(31);
        await client.getWorkergroupLogs(31, { tail: 10 });
        await client.updateWorkers(31, { cancel: true });
        assert.deepEqual(srv.to('/api/v0/endptjobs/', 'POST')[0]!.json, { endpoint_name: 'ep', max_workers: 3 });
        assert.deepEqual(srv.to('/api/v0/endptjobs/21/', 'PUT')[0]!.json, {
            client_id: 'me',
            endptjob_id: 21,
            endpoint_state: 'suspended',
        });
        assert.deepEqual(srv.to('/api/v0/workergroups/', 'POST')[0]!.json, { search_params: '', endpoint_id: 21 });
        assert.deepEqual(srv.to('/get_autogroup_logs/')[0]!.json, { id: 31, tail: 10, api_key: KEY });
        assert.deepEqual(srv.to('/update_workers/').at(-1)!.json, {
            workergroup_id: 31,
            cancel_update: true,
            api_key: KEY,
        });
        for (const r of srv.requests.slice(-6)) assertAuth(r);
    });

    void test('get_endpoint_workers with error_msg means no workers yet', async () => {
        srv.on('POST', '/get_endpoint_workers/', json(200, { error_msg: 'not ready' }));
        const { client } = testClient(srv.url);
        assert.deepEqual(await client.getEndpointWorkers(9), []);
    });

    void test('a failed workergroup lookup is swallowed like the SDK', async () => {
        srv.on('GET', '/api/v0/workergroups/', json(403, { error: 'nope' }));
        const { client } = testClient(srv.url);
        assert.equal(await client.findWorkergroupForEndpoint(9), undefined);
    });

    void test('route sends the endpoint key and the SDK body; one try', async () => {
        srv.on('POST', '/route/', json(500, 'boom'));
        const { client } = testClient(srv.url);
        await assert.rejects(client.route('ep', 'EPKEY-abcdef', 5), (e: ApiError) => {
            assert.equal(e.message, 'Failed to route endpoint: HTTP 500 - boom');
            return true;
        });
        const calls = srv.to('/route/');
        assert.equal(calls.length, 1, 'route is not retried by the transport');
        assertAuth(calls[0]!, 'EPKEY-abcdef');
        assert.deepEqual(calls[0]!.json, {
            endpoint: 'ep',
            api_key: 'EPKEY-abcdef',
            cost: 100,
            request_idx: 5,
            replay_timeout: 60,
        });
    });
});

void describe('API client: upload', () => {
    const srv = new TestServer();
    let dir = '';
    before(async () => {
        await srv.start();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-upload-'));
    });
    after(() => srv.close());

    void test('multipart: fields first, then the file, streamed with a Content-Length', async () => {
        const file = path.join(dir, 'pkg.tar.gz');
        const content = Buffer.alloc(3 * 1024 * 1024 + 7, 0xab);
        fs.writeFileSync(file, content);
        srv.on('POST', '/s3', text(204, ''));
        const { client } = testClient(srv.url);
        let last = 0;
        await client.uploadPackage(`${srv.url}/s3`, { key: 'k/1', policy: 'p"q' }, file, {
            onBytes: (s) => (last = s),
        });
        assert.equal(last, content.length);
        const r = srv.to('/s3')[0]!;
        assert.equal(r.headers.authorization, undefined, 'S3 upload carries no auth');
        assert.equal(r.query.get('api_key'), null);
        assert.equal(Number(r.headers['content-length']), r.body.length);
        const boundary = /boundary=(.+)$/.exec(String(r.headers['content-type']))![1]!;
        const parts = r.body.toString('latin1').split(`--${boundary}`);
        assert.match(parts[1]!, /name="key"\r\n\r\nk\/1\r\n$/);
        assert.match(parts[2]!, /name="policy"\r\n\r\np"q\r\n$/);
        assert.match(parts[3]!, /name="file"; filename="pkg.tar.gz"\r\nContent-Type: application\/gzip\r\n\r\n/);
        const fileBytes = parts[3]!.split('\r\n\r\n').slice(1).join('\r\n\r\n').slice(0, -2);
        assert.equal(fileBytes.length, content.length);
        assert.equal(parts[4], '--\r\n');
    });

    void test('S3 non-2xx gives the SDK message', async () => {
        const file = path.join(dir, 'small.tar.gz');
        fs.writeFileSync(file, 'x');
        srv.on('POST', '/s3-denied', text(403, '<Error>AccessDenied</Error>'));
        const { client } = testClient(srv.url);
        await assert.rejects(client.uploadPackage(`${srv.url}/s3-denied`, {}, file), {
            message: 'S3 upload failed: HTTP 403 - <Error>AccessDenied</Error>',
        });
    });
});
