/**
 * The editor's two new reads against the local emulator over loopback: machines and prices (the offers search with a
 * deployment's own search_params, summarized), and a deployment's versions with the current and last healthy marks
 * after two deploys and a broken third one.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { searchSynthetic } from '../../src/emulator/market';
import { VastClient } from '../../src/pipeline/api';
import { deploy, loadDeployment } from '../../src/pipeline/run';
import { fetchOffers, marketInput, marketResult } from '../../src/pipeline/run/market';
import { readVersions } from '../../src/pipeline/run/versions';
import { offersQuery } from '../../src/shared/market/query';
import { NO_MATCH_WARNING } from '../../src/shared/market/summary';
import { fixturesDir } from '../helpers/paths';

const KEY = 'emu-versions-market-key-0123456789';

void describe('machines and versions against the emulator', () => {
    let emu: EmulatorHandle;
    let client: VastClient;
    let file = '';
    const edit = (f: (s: string) => string) => fs.writeFileSync(file, f(fs.readFileSync(file, 'utf8')));

    before(async () => {
        emu = await startEmulator({ apiKeys: [KEY] });
        client = new VastClient({ apiKey: KEY, webserverUrl: emu.url, autoscalerUrl: emu.url, log: () => {} });
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-versions-'));
        file = path.join(dir, 'app.py');
        fs.copyFileSync(path.join(fixturesDir, 'pipeline', 'app.py'), file);
        edit((s) =>
            s
                .replace('Deployment(name="it-app")', 'Deployment(name="it-versions")')
                .replace('storage=16)', 'storage=16)\nimage.require(gpu_ram >= 40000)')
                .replace(
                    'from vastai import Deployment',
                    'from vastai import Deployment\nfrom vastai.data.query import gpu_ram',
                )
                .replace(
                    'app.configure_autoscaling(min_load=1000)',
                    'app.configure_autoscaling(min_load=1000, max_workers=3)',
                ),
        );
    });
    after(async () => {
        await emu.stop();
    });

    void test('the deployment own search: count and prices from the synthetic market, labelled synthetic', async () => {
        const spec = await loadDeployment(file);
        assert.match(spec.searchParams, /gpu_ram>=40\b/);
        const input = marketInput(spec);
        assert.equal(input.maxWorkers, 3);
        const answer = await fetchOffers(client, input);
        assert.equal(answer.synthetic, true);
        assert.deepEqual(answer.query, offersQuery(spec.searchParams, 16));
        // The emulator's own filter, read directly: the client must report exactly what it answers.
        const direct = searchSynthetic(offersQuery(spec.searchParams, 16));
        assert.ok(typeof direct !== 'string' && direct.offers.length > 3);
        const r = marketResult(answer, input.maxWorkers);
        assert.equal(r.matches, direct.offers.length);
        const prices = direct.offers.map((o) => o.dph_total as number).sort((a, b) => a - b);
        assert.equal(r.perWorker, Math.round(prices[0]! * 1000) / 1000);
        assert.ok(r.atMax?.workers === 3 && r.atMax.dph >= 3 * r.perWorker!);
        assert.ok(
            answer.offers.every((o) => (o.gpu_ram as number) >= 40000),
            'only machines with 40 GB or more',
        );
        assert.equal(r.warning, undefined);
        assert.equal(r.synthetic, true);
    });

    void test('nothing matches: the warning, no price', async () => {
        const r = marketResult(await fetchOffers(client, { searchParams: 'gpu_ram>=10000000', storage: 16 }), 2);
        assert.equal(r.matches, 0);
        assert.equal(r.warning, NO_MATCH_WARNING);
        assert.equal(r.perWorker, undefined);
        assert.equal(r.atMax, undefined);
    });

    void test('versions: after two deploys the newest is current and last healthy; a broken third is current only', async () => {
        const first = await deploy(client, await loadDeployment(file), {
            wait: true,
            pollMs: 200,
            waitTimeoutMs: 60_000,
        });
        assert.equal(first.action, 'created');
        const id = first.deploymentId;
        let v = await readVersions(client, id);
        assert.equal(v.versions.length, 1);
        assert.ok(v.versions[0]!.current && v.versions[0]!.lastHealthy, JSON.stringify(v));

        edit((s) => s.replace('return x * x', 'return x * x * 1'));
        const second = await deploy(client, await loadDeployment(file), {
            wait: true,
            pollMs: 200,
            waitTimeoutMs: 60_000,
        });
        assert.equal(second.action, 'soft_update');
        // Ready means one worker is ready, maybe still on the old version for a moment: wait for the new one.
        const deadline = Date.now() + 30_000;
        for (;;) {
            v = await readVersions(client, id);
            if (v.versions[0]?.lastHealthy || Date.now() > deadline) break;
            await new Promise((r) => setTimeout(r, 200));
        }
        assert.equal(v.versions.length, 2);
        const [newest, oldest] = v.versions;
        assert.equal(newest!.hash, second.fileHash, 'newest first');
        assert.equal(oldest!.hash, first.fileHash);
        assert.deepEqual([newest!.current, newest!.lastHealthy], [true, true]);
        assert.deepEqual([oldest!.current, oldest!.lastHealthy], [false, false]);
        assert.ok(newest!.createdAt! >= oldest!.createdAt! && newest!.createdAt! > 1.7e9, 'created times in seconds');
        assert.equal(newest!.state, 'uploaded');

        // A version whose worker cannot start: current, while the last healthy stays the previous one.
        edit((s) => `import vd_module_that_does_not_exist  # the worker fails to import this version\n${s}`);
        const third = await deploy(client, await loadDeployment(file), { wait: false });
        v = await readVersions(client, id);
        assert.equal(v.versions.length, 3);
        assert.equal(v.versions[0]!.hash, third.fileHash);
        assert.deepEqual([v.versions[0]!.current, v.versions[0]!.lastHealthy], [true, false]);
        assert.deepEqual([v.versions[1]!.current, v.versions[1]!.lastHealthy], [false, true]);
        assert.equal(v.lastHealthyId, v.versions[1]!.id);
        await client.deleteDeployment(id);
    });
});
