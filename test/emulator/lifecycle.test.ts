/** Worker lifecycle on the emulator: errors, restarts, state across restarts, teardown, faults, trust. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import {
    call,
    callRemote,
    deploy,
    failedCallLogs,
    packCase,
    pidAlive,
    routeOnce,
    tmpDir,
    upload,
    waitFor,
} from './helpers';

const K = 'life-key';

async function workerState(
    emu: EmulatorHandle,
    endpointId: number,
    state: string,
): Promise<{ msg: string | null; pid?: number }> {
    return waitFor(`a worker in ${state}`, () =>
        emu.workers().find((w) => w.endpointId === endpointId && w.state === state),
    );
}

void describe('emulator: worker lifecycle', () => {
    let emu: EmulatorHandle;
    before(async () => {
        emu = await startEmulator({ apiKeys: [K] });
    });
    after(async () => {
        await emu.stop();
    });

    void test('an import error in user code puts the worker in ERROR with the traceback in its logs', async () => {
        const put = await deploy(
            emu.url,
            K,
            packCase('basic', (s) => `import not_a_module_xyz\n${s}`),
            { tag: 'broken' },
        );
        const w = await workerState(emu, put.endpoint_id, 'ERROR');
        assert.match(w.msg ?? '', /ModuleNotFoundError: No module named 'not_a_module_xyz'/);
        const workers = await call(emu.url, K, 'POST', '/get_endpoint_workers/', { id: put.endpoint_id, api_key: K });
        assert.equal(workers.json[0].status, 'ERROR');
        const logs = await call(emu.url, K, 'POST', '/get_endpoint_logs/', { id: put.endpoint_id, api_key: K });
        assert.match(logs.json.logs, /not_a_module_xyz/);
        const { route } = await routeOnce(emu.url, K, put.endpoint_id);
        assert.deepEqual(Object.keys(route.json).sort(), ['endpoint', 'request_idx', 'status']);
        assert.match(route.json.status, /Error: 1/);
        assert.ok(route.json.request_idx > 0);
    });

    void test('the exactly-one-benchmark rule fails the worker with the SDK texts', async () => {
        const two = packCase(
            'basic',
            (s) => `${s}\n\n@app.remote(benchmark_dataset=[{"y": 1}])\nasync def other(y):\n    return y\n`,
        );
        const p2 = await deploy(emu.url, K, two, { tag: 'two-bench' });
        assert.equal(
            (await workerState(emu, p2.endpoint_id, 'ERROR')).msg,
            'Cannot define BenchmarkConfig for more than one EndpointHandler!',
        );
        const none = packCase('basic', (s) => s.replace('@app.remote(benchmark_dataset=[{"x": 2}])', '@app.remote()'));
        const p0 = await deploy(emu.url, K, none, { tag: 'no-bench' });
        assert.equal(
            (await workerState(emu, p0.endpoint_id, 'ERROR')).msg,
            'Missing EndpointHandler with BenchmarkConfig',
        );
    });

    void test('a dataset benchmark uses only the LAST item (the SDK dict-comprehension bug); contexts are entered', async () => {
        const packed = packCase('basic', (s) =>
            s
                .replace('benchmark_dataset=[{"x": 2}]', 'benchmark_dataset=[{"x": 2}, {"x": 3}]')
                .replace('    return x * x', '    print(f"bench-called-with-{x}", flush=True)\n    return x * x'),
        );
        const put = await deploy(emu.url, K, packed, { tag: 'dataset' });
        await workerState(emu, put.endpoint_id, 'IDLE');
        const logs = emu.logs(put.endpoint_id).join('\n');
        assert.match(logs, /bench-called-with-3/);
        assert.doesNotMatch(logs, /bench-called-with-2/);
        const full = await deploy(
            emu.url,
            K,
            packCase('full-image', (s) =>
                s.replace('return prompt[:max_tokens]', 'return [str(model.ready), prompt[:max_tokens]]'),
            ),
        );
        const r = await callRemote(emu.url, K, full.endpoint_id, 'generate', { prompt: 'abcdef', max_tokens: 2 });
        assert.deepEqual(r.json.result.ok, { type: 'list', contents: ['True', 'ab'] });
    });

    void test('a function that always raises fails the startup benchmark, with its traceback in the log', async () => {
        const put = await deploy(
            emu.url,
            K,
            packCase('basic', (s) => s.replace('    return x * x', '    raise ValueError(f"bad input {x}")')),
            { tag: 'raises' },
        );
        const w = await workerState(emu, put.endpoint_id, 'ERROR');
        assert.match(w.msg ?? '', /^No successful responses from benchmark/);
        const logs = emu.logs(put.endpoint_id).join('\n');
        assert.match(logs, /Error in remote function square:/);
        assert.match(logs, /File ".*deployment\.py", line 9, in square/);
        assert.match(logs, /ValueError: bad input 2/);
        assert.doesNotMatch(logs, /workload\/s/);
    });

    void test('a failed call leaves its full traceback in the worker log', async () => {
        const logs = await failedCallLogs(emu.url, K, (id) => emu.logs(id));
        assert.match(logs, /File ".*deployment\.py", line 10, in square/);
    });

    void test('an env value that is not a string fails the worker as on Vast (env(PORT=8080))', async () => {
        const config = { name: 'my-app', pip_installs: [], apt_gets: [], envs: [['PORT', 8080]], runs: [] };
        const put = await deploy(emu.url, K, packCase('basic', undefined, config), { tag: 'int-env' });
        const w = await workerState(emu, put.endpoint_id, 'ERROR');
        assert.match(w.msg ?? '', /Exporting environment variable 'PORT' failed: TypeError: str expected, not int/);
    });

    void test('a killed worker is noticed and restarted; routing works again', async () => {
        const put = await deploy(emu.url, K, packCase('basic'), { tag: 'kill' });
        assert.equal((await callRemote(emu.url, K, put.endpoint_id, 'square', { x: 3 })).json.result.ok, 9);
        const w = emu.workers().find((x) => x.endpointId === put.endpoint_id)!;
        const pid = w.pid!;
        process.kill(pid, 'SIGKILL');
        await waitFor('the restart', () =>
            emu.workers().find((x) => x.id === w.id && x.restarts === 1 && x.state === 'IDLE' && x.pid !== pid),
        );
        assert.equal(pidAlive(pid), false);
        assert.equal((await callRemote(emu.url, K, put.endpoint_id, 'square', { x: 4 })).json.result.ok, 16);
        assert.match(emu.logs(put.endpoint_id).join('\n'), /exited \(signal SIGKILL\); restarting/);
    });

    void test('stop/start the deployment: workers STOPPED, /route/ says Stopped, then ready again', async () => {
        const put = await deploy(emu.url, K, packCase('basic'), { tag: 'stopstart' });
        await callRemote(emu.url, K, put.endpoint_id, 'square', { x: 1 });
        const stop = await call(emu.url, K, 'POST', `/api/v0/deployment/${put.deployment_id}/stop/`);
        assert.deepEqual(stop.json, { success: true, endpoint_state: 'stopped' });
        await waitFor(
            'no live process',
            () =>
                emu
                    .workers()
                    .filter((w) => w.endpointId === put.endpoint_id)
                    .every((w) => w.state === 'STOPPED' && w.pid === undefined) || undefined,
        );
        const ep = (await call(emu.url, K, 'GET', `/api/v0/endptjobs/${put.endpoint_id}/`)).json.result;
        assert.equal(ep.endpoint_state, 'stopped');
        const route = await call(emu.url, ep.api_key, 'POST', '/route/', {
            endpoint: ep.endpoint_name,
            api_key: ep.api_key,
            cost: 100,
            request_idx: 0,
            replay_timeout: 60,
        });
        assert.equal(route.json.status, 'Stopped');
        const start = await call(emu.url, K, 'POST', `/api/v0/deployment/${put.deployment_id}/start/`);
        assert.deepEqual(start.json, { success: true, endpoint_state: 'active' });
        assert.equal((await callRemote(emu.url, K, put.endpoint_id, 'square', { x: 5 })).json.result.ok, 25);
    });

    void test('ttl: torn down after ttl seconds without a heartbeat; the heartbeat keeps it', async () => {
        const kept = await deploy(emu.url, K, packCase('basic'), { tag: 'ttl-kept', ttl: 5 });
        // Beat from the start: the ttl runs from the PUT until the first heartbeat.
        const beat = setInterval(
            () => void call(emu.url, K, 'POST', `/api/v0/deployment/${kept.deployment_id}/heartbeat/`),
            300,
        );
        try {
            const gone = await deploy(emu.url, K, packCase('basic'), { tag: 'ttl-gone', ttl: 1 });
            await waitFor(
                'ttl teardown',
                async () =>
                    (await call(emu.url, K, 'GET', `/api/v0/deployment/${gone.deployment_id}/`)).status === 404
                        ? true
                        : undefined,
                10_000,
            );
            const show = await call(emu.url, K, 'GET', `/api/v0/deployment/${kept.deployment_id}/`);
            assert.equal(show.status, 200);
            assert.equal(typeof show.json.deployment.last_client_heartbeat, 'number');
            assert.equal(emu.workers().filter((w) => w.endpointId === gone.endpoint_id).length, 0);
        } finally {
            clearInterval(beat);
        }
    });

    void test('faults: status for the next N calls, delay, dropped connection, malformed JSON, failed upload', async () => {
        emu.faults.add({ path: '/api/v0/deployments/', method: 'GET', status: 503, times: 2 });
        assert.equal((await call(emu.url, K, 'GET', '/api/v0/deployments/')).status, 503);
        assert.equal((await call(emu.url, K, 'GET', '/api/v0/deployments/')).status, 503);
        assert.equal((await call(emu.url, K, 'GET', '/api/v0/deployments/')).status, 200);
        emu.faults.add({ path: '/pubkey/', delayMs: 300 });
        const t0 = Date.now();
        assert.equal((await call(emu.url, undefined, 'GET', '/pubkey/')).status, 200);
        assert.ok(Date.now() - t0 >= 290);
        emu.faults.add({ path: '/route/', drop: true });
        await assert.rejects(call(emu.url, K, 'POST', '/route/', { endpoint: 'x', api_key: K }));
        emu.faults.add({ path: '/api/v0/endptjobs/', malformed: true });
        const bad = await call(emu.url, K, 'GET', '/api/v0/endptjobs/?client_id=me');
        assert.equal(bad.status, 200);
        assert.equal(bad.json, undefined);
        // Admin API over HTTP: needs the admin token.
        const noAdmin = await call(emu.url, K, 'POST', '/__emulator/faults', { path: '/__s3/', status: 500 });
        assert.equal(noAdmin.status, 401);
        const added = await call(emu.url, emu.adminToken, 'POST', '/__emulator/faults', {
            path: '/__s3/',
            status: 500,
        });
        assert.equal(added.status, 200);
        const packed = packCase('system-python');
        const put = await call(emu.url, K, 'PUT', '/api/v0/deployments/', packed.put);
        assert.equal((await upload(put.json.upload_url, put.json.upload_fields, packed.tar)).status, 500);
        assert.equal((await upload(put.json.upload_url, put.json.upload_fields, packed.tar)).status, 204);
        assert.equal(
            (await call(emu.url, emu.adminToken, 'POST', '/__emulator/faults', { path: 'no-slash', status: 500 }))
                .status,
            400,
        );
        assert.deepEqual((await call(emu.url, emu.adminToken, 'GET', '/__emulator/faults')).json.faults, []);
    });
});

void describe('emulator: trust, scripts, restart and shutdown', () => {
    void test('an untrusted emulator refuses deployments and never starts a worker', async () => {
        const emu = await startEmulator({ apiKeys: [K], allowWorkers: false });
        try {
            const r = await call(emu.url, K, 'PUT', '/api/v0/deployments/', packCase('basic').put);
            assert.equal(r.status, 403);
            assert.equal(r.json.error, 'workers_not_allowed');
            assert.deepEqual(emu.workers(), []);
        } finally {
            await emu.stop();
        }
    });

    void test('only loopback addresses are accepted', async () => {
        await assert.rejects(startEmulator({ host: '0.0.0.0' }), /only listens on loopback/);
    });

    void test('state survives a restart (--state); stop() leaves no process, run-step children included', async () => {
        const stateDir = tmpDir('emu-state-');
        const first = await startEmulator({ stateDir, allowScripts: true });
        const key = first.generatedKey!;
        assert.ok(key);
        let put: { deployment_id: number; endpoint_id: number };
        const pids: number[] = [];
        try {
            const config = {
                name: 'my-app',
                pip_installs: [],
                apt_gets: [],
                envs: [['GREETING', 'hi']],
                runs: ['sleep 300 & echo $! > sleeper.pid'],
            };
            put = await deploy(
                first.url,
                key,
                packCase(
                    'basic',
                    (s) => s.replace('return x * x', 'import os\n    return os.environ["GREETING"] * x'),
                    config,
                ),
            );
            assert.equal(
                (await callRemote(first.url, key, put.endpoint_id, 'square', { x: 2 })).json.result.ok,
                'hihi',
            );
            for (const w of first.workers()) if (w.pid) pids.push(w.pid);
            const workerDir = / in (\S+)/.exec(
                first.logs(put.endpoint_id).find((l) => / starting /.test(l)) ?? '',
            )?.[1];
            assert.ok(workerDir?.startsWith(path.join(stateDir, 'workers', 'worker-')), 'the log names the folder');
            const sleeperFile = path.join(workerDir!, 'root', 'app', 'sleeper.pid');
            const sleeper = Number(fs.readFileSync(sleeperFile, 'utf8').trim());
            if (first.runtime.sandbox) {
                // Inside the sandbox's pid namespace the file holds the inner pid: find the host's (NSpid: host inner).
                const host = fs
                    .readdirSync('/proc')
                    .filter((d) => /^\d+$/.test(d))
                    .find((d) => {
                        try {
                            const ns = /^NSpid:\s+(.*)$/m.exec(fs.readFileSync(`/proc/${d}/status`, 'utf8'))?.[1];
                            const ids = (ns ?? '').split(/\s+/);
                            return (
                                ids.length === 2 &&
                                Number(ids[1]) === sleeper &&
                                fs.readFileSync(`/proc/${d}/cmdline`, 'utf8') === 'sleep\u0000300\u0000'
                            );
                        } catch {
                            return false;
                        }
                    });
                assert.ok(host, 'the run step started its sleeper');
                pids.push(Number(host));
            } else {
                pids.push(sleeper);
            }
            assert.ok(pids.every(pidAlive));
        } finally {
            await first.stop();
        }
        assert.deepEqual(pids.filter(pidAlive), [], 'every worker process and its children are gone');

        const second = await startEmulator({ stateDir });
        try {
            assert.equal(second.generatedKey, key, 'the generated key is kept');
            const list = await call(second.url, key, 'GET', '/api/v0/deployments/');
            assert.deepEqual(
                list.json.deployments.map((d: { id: number }) => d.id),
                [put.deployment_id],
            );
            const r = await callRemote(second.url, key, put.endpoint_id, 'square', { x: 3 });
            assert.equal(r.json.result.ok, 'hihihi');
            const same = await call(second.url, key, 'PUT', '/api/v0/deployments/', packCase('basic').put);
            assert.equal(same.json.action, 'soft_update');
        } finally {
            await second.stop();
        }
        assert.equal(
            second.workers().every((w) => w.pid === undefined),
            true,
        );
    });

    void test('with scripts allowed, a failing run step puts the worker in ERROR', async () => {
        const emu = await startEmulator({ apiKeys: [K], allowScripts: true });
        try {
            const put = await deploy(emu.url, K, packCase('full-image'));
            const w = await workerState(emu, put.endpoint_id, 'ERROR');
            assert.match(w.msg ?? '', /Run step 'echo setup && nvidia-smi' failed/);
        } finally {
            await emu.stop();
        }
    });
});
