/** The pipeline against the local emulator: plan tiers, deploy, invoke, benchmark, lifecycle, teardown. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { RemoteCaller, RemoteFunctionError, VastClient } from '../../src/pipeline/api';
import { computePlan, deploy, loadBenchmark, loadDeployment, runBenchmark } from '../../src/pipeline/run';
import { fixturesDir } from '../helpers/paths';

const KEY = 'emu-pipeline-key-0123456789';

void describe('pipeline against the emulator', () => {
    let emu: EmulatorHandle;
    let client: VastClient;
    let file = '';
    const logs: string[] = [];
    const edit = (f: (s: string) => string) => fs.writeFileSync(file, f(fs.readFileSync(file, 'utf8')));

    before(async () => {
        emu = await startEmulator({ apiKeys: [KEY] });
        client = new VastClient({
            apiKey: KEY,
            webserverUrl: emu.url,
            autoscalerUrl: emu.url,
            log: (l) => logs.push(l),
        });
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-emu-'));
        file = path.join(dir, 'app.py');
        fs.copyFileSync(path.join(fixturesDir, 'pipeline', 'app.py'), file);
    });
    after(async () => {
        await emu.stop();
    });

    void test('new deployment: plan tier 4, deploy created + upload, wait for a ready worker', async () => {
        const spec = await loadDeployment(file);
        const plan = await computePlan(client, spec);
        assert.equal(plan.tier, 4);
        const r = await deploy(client, spec, { wait: true, pollMs: 200, waitTimeoutMs: 60_000 });
        assert.equal(r.action, 'created');
        assert.equal(r.uploaded, true);
        assert.ok(r.workers?.some((w) => w.status === 'IDLE'));
    });

    void test('identical again: tier 0 and action exists, nothing uploaded', async () => {
        const spec = await loadDeployment(file);
        assert.equal((await computePlan(client, spec)).tier, 0);
        const r = await deploy(client, spec);
        assert.equal(r.action, 'exists');
        assert.equal(r.uploaded, false);
    });

    void test('invoke through /route/ and the worker; exceptions name their class', async () => {
        const d = (await client.findDeployments('it-app', 'default'))[0]!;
        const caller = new RemoteCaller(client, d.endpoint_id!);
        const r = await caller.invoke('square', { x: 7 });
        assert.equal(r.value, 49);
        await assert.rejects(
            caller.invoke('boom', {}),
            (e: unknown) => e instanceof RemoteFunctionError && e.exceptionClass === 'ValueError',
        );
    });

    void test('benchmark: dataset items round-robin, stats per call', async () => {
        const bench = await loadBenchmark(file);
        assert.equal(bench.fname, 'square');
        assert.equal(bench.runs, 6);
        assert.deepEqual(bench.inputs, [{ x: 2 }, { x: 3 }]);
        const d = (await client.findDeployments('it-app', 'default'))[0]!;
        const res = await runBenchmark(client, d.endpoint_id!, {
            fname: bench.fname,
            inputs: bench.inputs,
            runs: bench.runs,
            concurrency: 3,
        });
        assert.equal(res.stats.runs, 6);
        assert.equal(res.stats.ok, 6, JSON.stringify(res.stats.errorCounts));
        assert.ok(res.stats.latency!.min <= res.stats.latency!.p50 && res.stats.latency!.p50 <= res.stats.latency!.max);
        assert.ok(res.stats.throughput > 0);
        assert.equal(res.warmup?.ok, true);
        assert.equal(res.example, 4);
        assert.doesNotThrow(() => JSON.parse(JSON.stringify(res)));
    });

    void test('autoscaling only (the line is #!VAST_IGNORE_CHANGES): tier 1', async () => {
        edit((s) => s.replace('min_load=1000', 'min_load=2000'));
        const spec = await loadDeployment(file);
        const plan = await computePlan(client, spec);
        assert.deepEqual(
            plan.changes.map((c) => c.field),
            ['min_load'],
        );
        assert.equal(plan.tier, 1);
        const r = await deploy(client, spec);
        assert.equal(r.action, 'autoscale_update');
        assert.equal(r.uploaded, false);
    });

    void test('code change: tier 2, soft_update uploads and triggers update_workers', async () => {
        edit((s) => s.replace('return x * x', 'return x * x * 1'));
        const spec = await loadDeployment(file);
        const plan = await computePlan(client, spec);
        assert.equal(plan.tier, 2);
        const r = await deploy(client, spec);
        assert.equal(r.action, 'soft_update');
        assert.equal(r.uploaded, true);
        assert.equal(r.updateWorkersTriggered, true);
    });

    void test('image change: tier 3 (the file changed too, so the hash did)', async () => {
        edit((s) => s.replace('@vastai-automatic-tag', '2.0'));
        const plan = await computePlan(client, await loadDeployment(file));
        assert.equal(plan.tier, 3);
        assert.deepEqual(
            plan.changes.map((c) => c.field),
            ['image', 'file_hash'],
        );
    });

    void test('new tag: tier 4 beside the existing one', async () => {
        edit((s) => s.replace('Deployment(name="it-app")', 'Deployment(name="it-app", tag="canary")'));
        const plan = await computePlan(client, await loadDeployment(file));
        assert.equal(plan.tier, 4);
        assert.equal(plan.label, 'new tag: new endpoint');
    });

    void test('stop, start, versions, logs, teardown', async () => {
        const d = (await client.findDeployments('it-app', 'default'))[0]!;
        assert.equal((await client.stopDeployment(d.id)).endpoint_state, 'stopped');
        assert.equal((await client.startDeployment(d.id)).endpoint_state, 'active');
        assert.ok((await client.deploymentVersions(d.id)).length >= 2);
        const logAnswer = (await client.getEndpointLogs(d.endpoint_id!, { tail: 5 })) as { lines: string[] };
        assert.ok(Array.isArray(logAnswer.lines));
        await client.deleteDeployment(d.id);
        assert.deepEqual(await client.findDeployments('it-app'), []);
        assert.ok(!logs.join('\n').includes(KEY));
    });
});
