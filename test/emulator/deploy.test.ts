/** The emulator as an SDK client sees it: every compat case deployed, routed and called on a real worker. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { call, callRemote, CASES, deploy, packCase, upload, waitFor } from './helpers';

const K1 = 'key-one';
const K2 = 'key-two';

void describe('emulator: deploy and call every compat case', () => {
    let emu: EmulatorHandle;
    before(async () => {
        // Every compat case stays deployed at once here: no emulator-wide cap (tested in workerLimits.test.ts).
        emu = await startEmulator({ apiKeys: [K1, K2], maxWorkersTotal: 1000 });
    });
    after(async () => {
        await emu.stop();
    });

    for (const [name, c] of Object.entries(CASES)) {
        void test(`${name}: PUT created + upload, then /route/ and /remote/${c.fn} returns the result`, async () => {
            const put = await deploy(emu.url, K1, packCase(name));
            assert.equal(put.action, 'created');
            for (const f of ['deployment_id', 'endpoint_id', 'workergroup_id']) assert.equal(typeof put[f], 'number');
            const r = await callRemote(emu.url, K1, put.endpoint_id, c.fn, c.kwargs);
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json, { result: { ok: c.result } });
            const show = await call(emu.url, K1, 'GET', `/api/v0/deployment/${put.deployment_id}/`);
            assert.equal(show.json.deployment.last_healthy_version_id, show.json.deployment.current_version_id);
            const logs = emu.logs(put.endpoint_id).join('\n');
            if (name === 'full-image') {
                assert.match(logs, /skipped pip install transformers==4\.52\.0/);
                assert.match(logs, /skipped apt-get install git/);
                assert.match(logs, /skipped run step 'echo setup && nvidia-smi'/);
            }
            if (name === 'copies') {
                // In the sandbox the worker's `/` is its own folder: /opt/model.bin is at that path; without one it
                // lands under the worker's folder and the log says where.
                if (emu.runtime.sandbox) assert.doesNotMatch(logs, /absolute path \/opt\/model\.bin unpacked to/);
                else assert.match(logs, /absolute path \/opt\/model\.bin unpacked to .*\/root\/opt\/model\.bin/);
            }
        });
    }

    void test('a raised exception comes back as {"result":{"err":...}} with the message lost (SDK behaviour)', async () => {
        const packed = packCase(
            'basic',
            (src) =>
                src +
                '\n\n@app.remote()\nasync def boom(x):\n    raise ValueError("boom")\n\n\n@app.remote()\nasync def flag():\n    return True\n\n\n@app.remote()\ndef plain():\n    return 1\n',
        );
        const put = await deploy(emu.url, K1, packed, { tag: 'boom' });
        const r = await callRemote(emu.url, K1, put.endpoint_id, 'boom', { x: 1 });
        assert.equal(r.status, 200);
        assert.deepEqual(r.json, {
            result: {
                err: {
                    type: 'obj',
                    module: { type: 'absolute', path: ['builtins'] },
                    class: 'ValueError',
                    contents: {},
                },
            },
        });
        // bool is not serializable in the SDK: the TypeError comes back as the error.
        const b = await callRemote(emu.url, K1, put.endpoint_id, 'flag', {});
        assert.equal(b.json.result.err.class, 'TypeError');
        // A plain `def` is awaited by the worker (reference SDK): TypeError as well.
        const p = await callRemote(emu.url, K1, put.endpoint_id, 'plain', {});
        assert.equal(p.json.result.err.class, 'TypeError');
    });

    void test('SDK-serialized arguments (list, dict, bytes) are deserialized for the function', async () => {
        const packed = packCase(
            'basic',
            (src) => src + '\n\n@app.remote()\nasync def shape(xs, d, b):\n    return [len(xs), d["k"], b.decode()]\n',
        );
        const put = await deploy(emu.url, K1, packed, { tag: 'types' });
        const r = await callRemote(emu.url, K1, put.endpoint_id, 'shape', {
            xs: { type: 'list', contents: [1, 2, 3] },
            d: { type: 'dict', contents: [['k', 'v']] },
            b: { type: 'bytes', contents: Buffer.from('hey').toString('base64') },
        });
        assert.deepEqual(r.json, { result: { ok: { type: 'list', contents: [3, 'v', 'hey'] } } });
    });

    void test('worker processes get only the declared env plus what they need (no parent env, no API key)', async () => {
        process.env.EMU_PARENT_SECRET = 'parent-only';
        try {
            const packed = packCase('basic', (src) =>
                src.replace(
                    '    return x * x',
                    '    import os\n    if x == 0:\n        return sorted(os.environ.items())\n    return x * x',
                ),
            );
            const put = await deploy(emu.url, K1, packed, {
                tag: 'envcheck',
                env: packed.put.env + ' -e DECLARED=yes',
            });
            const r = await callRemote(emu.url, K1, put.endpoint_id, 'square', { x: 0 });
            const pairs = (r.json.result.ok.contents as { contents: [string, string] }[]).map((p) => p.contents);
            const env = Object.fromEntries(pairs);
            assert.equal(env.DECLARED, 'yes');
            assert.equal(env.IS_DEPLOYMENT, '1');
            assert.equal(env.DEPLOYMENT_ID, String(put.deployment_id));
            assert.equal(env.REPORT_ADDR, emu.url);
            assert.equal(env.EMU_PARENT_SECRET, undefined);
            assert.ok(!pairs.some(([, v]) => v === K1 || v === K2), 'no console key reaches a worker');
            const allowed = [
                'DECLARED',
                'IS_DEPLOYMENT',
                'DEPLOYMENT_ID',
                'REPORT_ADDR',
                'VAST_API_URL',
                'CONTAINER_API_KEY',
                'CONTAINER_ID',
                'MASTER_TOKEN',
                'TMPDIR',
                'WORKER_ID',
                'PATH',
                'HOME',
                'PYTHONPATH',
                'PYTHONUNBUFFERED',
                'PYTHONDONTWRITEBYTECODE',
                'LANG',
                'LC_CTYPE',
                // A Vast container's own (the SDK's worker reads them): its port and address.
                'WORKER_PORT',
                'WORKER_HTTP_PORT',
                `VAST_TCP_PORT_${env.WORKER_PORT}`,
                'PUBLIC_IPADDR',
                'USE_SSL',
            ];
            // A launcher script in front of the interpreter (a pyenv shim is bash) adds its own variables.
            const launcher = (k: string): boolean => /^_?PYENV/.test(k) || ['PWD', 'SHLVL', '_', 'OLDPWD'].includes(k);
            assert.deepEqual(
                Object.keys(env).filter((k) => !allowed.includes(k) && !launcher(k)),
                [],
            );
        } finally {
            delete process.env.EMU_PARENT_SECRET;
        }
    });

    void test('the worker checks the envelope (422) and the route signature (401)', async () => {
        const put = await deploy(emu.url, K1, packCase('basic'), { name: 'sig-app' }).catch(async () => undefined);
        const depId =
            put?.endpoint_id ??
            (await call(emu.url, K1, 'GET', '/api/v0/deployments/')).json.deployments[0].endpoint_id;
        await callRemote(emu.url, K1, depId, 'square', { x: 1 });
        const ep = (await call(emu.url, K1, 'GET', `/api/v0/endptjobs/${depId}/`)).json.result;
        const auth = (
            await call(emu.url, ep.api_key, 'POST', '/route/', {
                endpoint: ep.endpoint_name,
                api_key: ep.api_key,
                cost: 100,
                request_idx: 0,
                replay_timeout: 60,
            })
        ).json;
        const missing = await call(auth.url, ep.api_key, 'POST', '/remote/square', {
            auth_data: { url: auth.url },
            payload: { kwargs: { x: 1 } },
        });
        assert.equal(missing.status, 422);
        assert.deepEqual(missing.json, {
            auth_data: {
                cost: 'missing parameter',
                endpoint: 'missing parameter',
                reqnum: 'missing parameter',
                request_idx: 'missing parameter',
                signature: 'missing parameter',
            },
        });
        const forged = { ...auth, signature: Buffer.alloc(256, 1).toString('base64') };
        const bad = await call(auth.url, ep.api_key, 'POST', '/remote/square', {
            auth_data: forged,
            session_id: null,
            payload: { kwargs: { x: 1 } },
        });
        assert.equal(bad.status, 401);
        const otherUrl = { ...auth, url: 'http://127.0.0.1:1' };
        const moved = await call(auth.url, ep.api_key, 'POST', '/remote/square', {
            auth_data: otherUrl,
            session_id: null,
            payload: { kwargs: { x: 1 } },
        });
        assert.equal(moved.status, 401);
    });

    void test('keys: missing -> 401, unknown -> 401, endpoint key on the console -> 403, other user sees nothing', async () => {
        const none = await call(emu.url, undefined, 'GET', '/api/v0/deployments/');
        assert.equal(none.status, 401);
        assert.deepEqual(Object.keys(none.json).sort(), ['error', 'msg', 'success']);
        assert.equal(none.json.success, false);
        const wrong = await call(emu.url, 'nope', 'GET', '/api/v0/deployments/');
        assert.equal(wrong.status, 401);
        assert.equal(wrong.json.error, 'not_authorized');
        assert.ok(!wrong.text.includes('nope'), 'the key is not echoed');
        const mine = (await call(emu.url, K1, 'GET', '/api/v0/deployments/')).json.deployments;
        assert.ok(mine.length > 0);
        const ep = (await call(emu.url, K1, 'GET', `/api/v0/endptjobs/${mine[0].endpoint_id}/`)).json.result;
        const epKey = await call(emu.url, ep.api_key, 'GET', '/api/v0/deployments/');
        assert.equal(epKey.status, 403);
        assert.equal(
            epKey.json.msg,
            'Authorization Error. Check that you have proper privileges to perform this action.',
        );
        const theirs = await call(emu.url, K2, 'GET', '/api/v0/deployments/');
        assert.deepEqual(theirs.json, { success: true, deployments: [] });
        assert.equal((await call(emu.url, K2, 'GET', `/api/v0/deployment/${mine[0].id}/`)).status, 404);
        assert.equal((await call(emu.url, K2, 'DELETE', `/api/v0/deployment/${mine[0].id}/`)).status, 404);
        assert.equal((await call(emu.url, K2, 'GET', `/api/v0/endptjobs/${mine[0].endpoint_id}/`)).status, 404);
        const route = await call(emu.url, K2, 'POST', '/route/', {
            endpoint: ep.endpoint_name,
            api_key: K2,
            cost: 100,
            request_idx: 0,
            replay_timeout: 60,
        });
        // Another user's endpoint answers as a missing one (a 401 would say the name exists).
        assert.equal(route.status, 404);
        const workers = await call(emu.url, K2, 'POST', '/get_endpoint_workers/', {
            id: mine[0].endpoint_id,
            api_key: K2,
        });
        assert.ok(workers.json.error_msg);
    });

    void test('requests the service would refuse are refused with 400 invalid_args', async () => {
        const good = packCase('basic').put;
        const bad: [string, Record<string, unknown>][] = [
            ['missing name', { ...good, name: undefined }],
            ['missing image', { ...good, image: undefined }],
            ['missing file_hash', { ...good, file_hash: undefined }],
            ['missing file_size', { ...good, file_size: undefined }],
            ['file_size as string', { ...good, file_size: '520' }],
            ['storage as bool', { ...good, storage: true }],
            ['tag as number', { ...good, tag: 3 }],
            ['cold_workers float', { ...good, cold_workers: 1.5 }],
            ['min_load as string', { ...good, min_load: '1000' }],
            ['bad hash', { ...good, file_hash: 'abc' }],
            ['ttl negative', { ...good, ttl: -5 }],
        ];
        for (const [why, body] of bad) {
            const r = await call(emu.url, K1, 'PUT', '/api/v0/deployments/', body);
            assert.equal(r.status, 400, why);
            assert.equal(r.json.success, false, why);
            assert.equal(r.json.error, 'invalid_args', why);
        }
        const notJson = await fetch(new URL('/api/v0/deployments/', emu.url), {
            method: 'PUT',
            headers: { authorization: `Bearer ${K1}`, 'content-type': 'application/json' },
            body: '{nope',
        });
        assert.equal(notJson.status, 400);
        // What the SDK sends (plus an unknown field) is accepted.
        assert.equal((await call(emu.url, K2, 'PUT', '/api/v0/deployments/', { ...good, extra_field: 1 })).status, 200);
    });

    void test('the upload is checked as S3 checks a presigned POST: size and policy; a hash mismatch only warns', async () => {
        const packed = packCase('query-ops');
        const other = packCase('basic');
        const put = await call(emu.url, K2, 'PUT', '/api/v0/deployments/', packed.put);
        const { upload_url, upload_fields } = put.json;
        const small = await upload(upload_url, upload_fields, packed.tar.subarray(0, packed.tar.length - 1));
        assert.equal(small.status, 400);
        assert.match(small.text, /<Code>EntityTooSmall<\/Code>/);
        const large = await upload(upload_url, upload_fields, Buffer.concat([packed.tar, Buffer.alloc(1)]));
        assert.equal(large.status, 400);
        assert.match(large.text, /<Code>EntityTooLarge<\/Code>/);
        const forged = await upload(upload_url, { ...upload_fields, key: 'deployments/999/1/x.tar.gz' }, packed.tar);
        assert.equal(forged.status, 403);
        assert.match(forged.text, /AccessDenied/);
        const garbage = await upload(upload_url, upload_fields, Buffer.alloc(packed.tar.length, 7));
        assert.equal(garbage.status, 400);
        assert.match(garbage.text, /<Code>InvalidArgument<\/Code>.*not a readable gzip tar archive/s);
        // Nothing stored yet: the next PUT still asks for the blob.
        const again = await call(emu.url, K2, 'PUT', '/api/v0/deployments/', packed.put);
        assert.equal(again.json.action, 'exists');
        assert.ok(again.json.upload_url);
        // Another deployment's tarball padded to the size: S3 takes it (the policy holds); the log says why it may differ.
        const gz = Buffer.concat([other.tar, Buffer.alloc(Math.max(0, packed.tar.length - other.tar.length))]);
        const wrong = await upload(again.json.upload_url, again.json.upload_fields, gz.subarray(0, packed.tar.length));
        assert.equal(wrong.status, 204, wrong.text);
        assert.match(
            emu.logs(put.json.endpoint_id).join('\n'),
            /\[upload\] warning: the uploaded content hashes to [0-9a-f]{64}, not the file_hash/,
        );
        assert.equal((await upload(again.json.upload_url, again.json.upload_fields, packed.tar)).status, 204);
        const third = await call(emu.url, K2, 'PUT', '/api/v0/deployments/', packed.put);
        assert.deepEqual(Object.keys(third.json).sort(), [
            'action',
            'deployment_id',
            'endpoint_id',
            'success',
            'workergroup_id',
        ]);
    });

    void test('update tiers: exists, autoscale_update, soft_update (+update_workers), hard_update, created for a new tag', async () => {
        const v1 = packCase('ignore-changes');
        const first = await deploy(emu.url, K1, v1);
        assert.equal((await callRemote(emu.url, K1, first.endpoint_id, 'double', { n: 2 })).json.result.ok, 4);
        const same = await deploy(emu.url, K1, v1);
        assert.equal(same.action, 'exists');
        assert.equal(same.upload_url, undefined);
        assert.equal(same.deployment_id, first.deployment_id);
        const scaled = await deploy(emu.url, K1, v1, { max_workers: 2 });
        assert.equal(scaled.action, 'autoscale_update');
        assert.equal(scaled.upload_url, undefined);
        // A #!VAST_IGNORE_CHANGES edit keeps the hash: still no upload.
        const ignored = packCase('ignore-changes', (s) =>
            s.replace('x = 1  #   !VAST_IGNORE_CHANGES', 'x = 5  #!VAST_IGNORE_CHANGES'),
        );
        assert.equal(ignored.put.file_hash, v1.put.file_hash);
        const v2 = packCase('ignore-changes', (s) => s.replace('return 2 * n', 'return 3 * n'));
        const soft = await deploy(emu.url, K1, v2, { max_workers: 2 });
        assert.equal(soft.action, 'soft_update');
        assert.ok(soft.upload_url);
        const upd = await call(emu.url, K1, 'POST', '/update_workers/', {
            workergroup_id: soft.workergroup_id,
            api_key: K1,
        });
        assert.equal(upd.status, 200, upd.text);
        const tripled = await waitFor('new code served', async () => {
            const r = await callRemote(emu.url, K1, first.endpoint_id, 'double', { n: 2 });
            return r.json.result.ok === 6 ? r : undefined;
        });
        assert.equal(tripled.json.result.ok, 6);
        const hard = await deploy(emu.url, K1, v2, { max_workers: 2, image: 'vastai/base-image:other' });
        assert.equal(hard.action, 'hard_update');
        assert.equal(hard.upload_url, undefined, 'same code: the stored blob is reused');
        assert.equal((await callRemote(emu.url, K1, first.endpoint_id, 'double', { n: 3 })).json.result.ok, 9);
        const tagged = await deploy(emu.url, K1, v2, { tag: 'canary' });
        assert.equal(tagged.action, 'created');
        assert.notEqual(tagged.deployment_id, first.deployment_id);
        const versions = await call(emu.url, K1, 'GET', `/api/v0/deployment/${first.deployment_id}/versions/`);
        assert.equal(versions.json.success, true);
        assert.deepEqual(
            versions.json.versions.map((v: { action: string }) => v.action),
            ['created', 'soft_update', 'hard_update'],
        );
        const byName = await call(emu.url, K1, 'DELETE', '/api/v0/deployments/', { name: 'ignore-demo' });
        assert.deepEqual([byName.status, byName.json.count], [200, 2]);
        assert.equal((await call(emu.url, K1, 'GET', `/api/v0/deployment/${first.deployment_id}/`)).status, 404);
    });
});
