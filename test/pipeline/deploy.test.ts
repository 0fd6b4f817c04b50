import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CancelledError } from '../../src/pipeline/api';
import type { DeploymentSpec } from '../../src/pipeline/packaging';
import {
    AnalyseError,
    deploy,
    DeployError,
    deployFile,
    loadDeployment,
    waitForReady,
    type DeployProgress,
} from '../../src/pipeline/run';
import { compatCasesDir } from '../helpers/paths';
import { KEY, testClient } from './helpers/client';
import { json, text, TestServer } from './helpers/server';

function put(action: string, extra: Record<string, unknown> = {}) {
    return json(200, { success: true, action, deployment_id: 7, endpoint_id: 9, ...extra });
}

void describe('deploy orchestration (loopback test server)', () => {
    const srv = new TestServer();
    let spec: DeploymentSpec;
    before(async () => {
        await srv.start();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-deploy-'));
        fs.copyFileSync(path.join(compatCasesDir, 'basic', 'app.py'), path.join(dir, 'app.py'));
        spec = await loadDeployment(path.join(dir, 'app.py'));
    });
    after(() => srv.close());

    const upload = () => ({ upload_url: `${srv.url}/s3`, upload_fields: { key: 'blob/1' } });

    void test('created: PUT, upload, no update_workers; progress in step order; temp archive removed', async () => {
        srv.on('PUT', '/api/v0/deployments/', put('created', upload()));
        srv.on('POST', '/s3', text(201, ''));
        const { client } = testClient(srv.url);
        const events: DeployProgress[] = [];
        const before = srv.requests.length;
        const r = await deploy(client, spec, { onProgress: (p) => events.push(p) });
        assert.equal(r.action, 'created');
        assert.equal(r.tier, 4);
        assert.equal(r.uploaded, true);
        assert.equal(r.updateWorkersTriggered, false);
        assert.equal(r.body.file_hash, 'c28f6128e14c9170945fdfba00a5102808c6aef889c62cd24d703f05ef306946');
        assert.equal(r.body.env, `-p 3000:3000/tcp -e REPORT_ADDR=${srv.url} -e VAST_API_URL=${srv.url}`);
        const steps = [...new Set(events.map((e) => e.step))];
        assert.deepEqual(steps, ['package', 'register', 'upload']);
        assert.deepEqual(
            srv.requests.slice(before).map((q) => `${q.method} ${q.path}`),
            ['PUT /api/v0/deployments/', 'POST /s3'],
        );
        const sent = srv.to('/s3').at(-1)!;
        assert.equal(Number(sent.headers['content-length']), sent.body.length);
        assert.ok(sent.body.includes(Buffer.from('name="key"\r\n\r\nblob/1')));
        assert.ok(r.timings.total >= 0 && r.timings.register !== undefined);
    });

    void test('exists: no upload when the server does not ask (upload_url without fields counts as not asked)', async () => {
        srv.on('PUT', '/api/v0/deployments/', put('exists', { upload_url: `${srv.url}/s3`, upload_fields: null }));
        const { client } = testClient(srv.url);
        const before = srv.to('/s3').length;
        const r = await deploy(client, spec);
        assert.equal(r.uploaded, false);
        assert.equal(r.tier, 0);
        assert.equal(srv.to('/s3').length, before);
    });

    void test('soft_update: workergroup from the answer → update_workers', async () => {
        srv.on('PUT', '/api/v0/deployments/', put('soft_update', { ...upload(), workergroup_id: 5 }));
        srv.on('POST', '/s3', text(204, ''));
        srv.on('POST', '/update_workers/', json(200, { success: true }));
        const { client } = testClient(srv.url);
        const r = await deploy(client, spec);
        assert.equal(r.updateWorkersTriggered, true);
        assert.deepEqual(srv.to('/update_workers/').at(-1)!.json, { workergroup_id: 5, api_key: KEY });
    });

    void test('soft_update without workergroup_id looks it up; none found is a warning', async () => {
        srv.on('PUT', '/api/v0/deployments/', put('soft_update'));
        srv.on('GET', '/api/v0/workergroups/', json(200, { results: [{ id: 11, endpoint_id: 9 }] }));
        const { client } = testClient(srv.url);
        assert.equal((await deploy(client, spec)).workergroupId, 11);
        assert.deepEqual(srv.to('/update_workers/').at(-1)!.json, { workergroup_id: 11, api_key: KEY });
        srv.on('GET', '/api/v0/workergroups/', json(200, { results: [] }));
        const r = await deploy(client, spec);
        assert.equal(r.updateWorkersTriggered, false);
        assert.deepEqual(r.warnings, ['soft_update but no workergroup found for endpoint 9, skipping update_workers']);
    });

    void test('a failed upload says what the deployment is left with, as the server tells it', async () => {
        const cases: [string, ReturnType<typeof json>, string][] = [
            ['an earlier version', json(200, { deployment: { id: 7, current_version_id: 3 } }), 'with the old code'],
            [
                'no version ever uploaded',
                json(200, { deployment: { id: 7, current_version_id: null } }),
                'without any code (no upload of it ever succeeded)',
            ],
            ['no answer', json(404, { error: 'not found' }), 'with its previous code, if an earlier upload succeeded'],
        ];
        for (const [what, record, left] of cases) {
            srv.on('PUT', '/api/v0/deployments/', put('soft_update', upload()));
            srv.on('POST', '/s3', text(403, 'AccessDenied'));
            srv.on('GET', '/api/v0/deployment/7/', record);
            const { client } = testClient(srv.url);
            await assert.rejects(deploy(client, spec), (e: unknown) => {
                assert.ok(e instanceof DeployError, what);
                assert.equal(e.step, 'upload');
                assert.equal(e.state, 'registered');
                assert.equal(e.deploymentId, 7);
                assert.equal(
                    e.message,
                    'Deploy failed at upload: S3 upload failed: HTTP 403 - AccessDenied\n' +
                        `Registered but upload failed: deployment 7 exists ${left}; run deploy again.`,
                    what,
                );
                return true;
            });
        }
    });

    void test('no progress is reported after deploy() rejected (an upload refused half way)', async () => {
        // A package big enough that the refusal arrives while its body is still being sent.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-deploy-big-'));
        fs.writeFileSync(
            path.join(dir, 'app.py'),
            fs
                .readFileSync(path.join(compatCasesDir, 'basic', 'app.py'), 'utf8')
                .replace(
                    'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
                    'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)\nimage.copy("weights.bin", "/models/weights.bin")',
                ),
        );
        fs.writeFileSync(path.join(dir, 'weights.bin'), crypto.randomBytes(24 << 20));
        const big = await loadDeployment(path.join(dir, 'app.py'));
        srv.on('PUT', '/api/v0/deployments/', put('created', upload()));
        srv.onRaw('POST', '/s3', (_req, res) => {
            res.writeHead(403, { 'content-type': 'text/plain', connection: 'close' });
            res.end('AccessDenied');
        });
        const { client } = testClient(srv.url);
        let rejected = false;
        const late: DeployProgress[] = [];
        await assert.rejects(
            deploy(client, big, {
                onProgress: (p) => {
                    if (rejected) late.push(p);
                },
            }).finally(() => (rejected = true)),
            DeployError,
        );
        await new Promise((r) => setTimeout(r, 300));
        assert.deepEqual(late, []);
    });

    void test('a failed register leaves nothing changed; a dropped one is "unknown"', async () => {
        srv.on('PUT', '/api/v0/deployments/', json(400, { error: 'bad image' }));
        const { client } = testClient(srv.url);
        await assert.rejects(deploy(client, spec), (e: DeployError) => {
            assert.equal(e.step, 'register');
            assert.equal(e.state, 'unchanged');
            assert.match(
                e.message,
                /^Deploy failed at register: Failed to put deployment: HTTP 400 - \{"error":"bad image"\}\nNothing was changed/,
            );
            return true;
        });
        srv.on('PUT', '/api/v0/deployments/', (_q, res) => void res.socket?.destroy());
        await assert.rejects(deploy(client, spec), (e: DeployError) => {
            assert.equal(e.state, 'unknown');
            assert.match(e.message, /may or may not have registered it/);
            return true;
        });
    });

    void test('a failed update_workers says the workers keep the old code', async () => {
        srv.on('PUT', '/api/v0/deployments/', put('soft_update', { workergroup_id: 5 }));
        srv.on('POST', '/update_workers/', json(404, { error_msg: 'workergroup 5 not found' }));
        const { client } = testClient(srv.url);
        await assert.rejects(deploy(client, spec), (e: DeployError) => {
            assert.equal(e.step, 'update-workers');
            assert.match(e.message, /Failed to trigger worker update for workergroup 5: HTTP 404/);
            assert.match(e.message, /keep the old code until they restart/);
            return true;
        });
    });

    void test('cancel during the upload: DeployError marked cancelled, state registered', async () => {
        srv.on('PUT', '/api/v0/deployments/', put('created', upload()));
        srv.on('POST', '/s3', () => undefined);
        const { client } = testClient(srv.url);
        const ctrl = new AbortController();
        const p = deploy(client, spec, {
            signal: ctrl.signal,
            onProgress: (e) => {
                if (e.step === 'upload') setTimeout(() => ctrl.abort(), 30);
            },
        });
        await assert.rejects(p, (e: DeployError) => {
            assert.equal(e.step, 'upload');
            assert.ok(e.cancelled);
            assert.ok(e.cause instanceof CancelledError);
            assert.match(
                e.message,
                /^Deploy cancelled during upload: Cancelled while trying to upload the package\nRegistered but upload failed: deployment 7 exists without any code/,
            );
            return true;
        });
    });

    void test('cancel before anything is sent', async () => {
        const { client } = testClient(srv.url);
        const before = srv.requests.length;
        await assert.rejects(deploy(client, spec, { signal: AbortSignal.abort() }), (e: DeployError) => {
            assert.equal(e.step, 'package');
            assert.equal(e.state, 'unchanged');
            return true;
        });
        assert.equal(srv.requests.length, before);
    });

    void test('--wait polls workers until one is IDLE, with a status line per poll', async () => {
        srv.on('PUT', '/api/v0/deployments/', put('exists'));
        srv.on(
            'POST',
            '/get_endpoint_workers/',
            json(200, { error_msg: 'not yet' }),
            json(200, [
                { id: 1, status: 'LOADING' },
                { id: 2, status: 'CREATING' },
            ]),
            json(200, [
                { id: 1, status: 'idle' },
                { id: 2, status: 'LOADING' },
            ]),
        );
        const { client, sleeps } = testClient(srv.url);
        const statuses: string[] = [];
        const r = await deploy(client, spec, {
            wait: true,
            pollMs: 1000,
            onProgress: (p) => p.step === 'wait' && statuses.push(p.message),
        });
        assert.deepEqual(statuses, [
            'Waiting for a ready worker: no workers yet',
            'Waiting for a ready worker: 2 workers: 1 being created; 1 loading',
            'Waiting for a ready worker: 2 workers: 1 loading; 1 ready, idle',
        ]);
        assert.equal(r.workers?.length, 2);
        assert.deepEqual(sleeps, [1000, 1000]);
    });

    void test('waiting gives up at the timeout with the deployment reported as deployed', async () => {
        srv.on('PUT', '/api/v0/deployments/', put('exists'));
        srv.on('POST', '/get_endpoint_workers/', json(200, [{ id: 1, status: 'LOADING' }]));
        const { client } = testClient(srv.url);
        await assert.rejects(
            deploy(client, spec, { wait: true, pollMs: 1000, waitTimeoutMs: 5000 }),
            (e: DeployError) => {
                assert.equal(e.step, 'wait');
                assert.equal(e.state, 'deployed');
                assert.match(e.message, /no worker ready after \d+s \(1 worker loading\)/);
                return true;
            },
        );
        // Every worker failed: no waiting for the timeout, the worker's reason instead.
        srv.on('POST', '/get_endpoint_workers/', json(200, [{ id: 1, status: 'ERROR', status_msg: 'boom' }]));
        await assert.rejects(
            deploy(client, spec, { wait: true, pollMs: 1000, waitTimeoutMs: 5000 }),
            (e: DeployError) => {
                assert.match(
                    e.message,
                    /^Deploy failed at wait: worker 1 failed to start: boom\n.*every worker failed/,
                );
                return true;
            },
        );
        await assert.rejects(waitForReady(client, 9, { pollMs: 10, signal: AbortSignal.abort() }), CancelledError);
    });

    void test('deployFile: an undeployable file fails at analyse with the problems, nothing sent', async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-analyse-'));
        const bad = path.join(dir, 'app.py');
        fs.writeFileSync(bad, 'from vastai import Deployment\napp = Deployment(name="x")\n');
        const { client } = testClient(srv.url);
        const before = srv.requests.length;
        const steps: string[] = [];
        await assert.rejects(deployFile(client, bad, { onProgress: (p) => steps.push(p.step) }), (e: AnalyseError) => {
            assert.ok(e instanceof AnalyseError);
            assert.equal(e.step, 'analyse');
            assert.equal(e.state, 'unchanged');
            assert.match(e.message, /Trying to deploy a deployment not yet bound to a Python module/);
            return true;
        });
        assert.deepEqual(steps, ['analyse']);
        assert.equal(srv.requests.length, before);
        srv.on('PUT', '/api/v0/deployments/', put('exists'));
        const ok = await deployFile(client, spec.file);
        assert.equal(ok.action, 'exists');
        assert.equal(typeof ok.timings.analyse, 'number');
    });

    void test('no failure text carries the key', async () => {
        srv.on('PUT', '/api/v0/deployments/', (_q, res) => {
            res.writeHead(500);
            res.end(`internal error for key ${KEY}`);
        });
        const { client, logs } = testClient(srv.url, { tries: 2 });
        const err = await deploy(client, spec).catch((e: Error) => e);
        assert.ok(err instanceof DeployError);
        const all = [err.message, String(err.stack), (err.cause as Error).message, ...logs].join('\n');
        assert.ok(!all.includes(KEY), all);
        assert.match(err.message, /internal error for key \*\*\*/);
    });
});
