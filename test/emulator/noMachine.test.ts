/**
 * A deployment whose `image.require(...)` matches no machine of the market: as on Vast, no worker is created and the
 * endpoint waits. The emulator's log and `/route/` say why; the CLI's `deploy --wait` fails at once with the reason
 * (instead of at its timeout) and `status` says it too. A hard update to requirements that match starts a worker.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { compatCasesDir } from '../helpers/paths';
import { deploy, packCase, projectCli, routeOnce, tmpDir, waitFor } from './helpers';

const K = 'no-machine-key';
const NONE = 'verified=true rentable=true rented=false gpu_name in RTX_4090,RTX_5090 num_gpus>=16';

const cli = (emu: EmulatorHandle, args: string[], cwd: string) => projectCli(emu.url, K, args, cwd);

void describe('emulator: no machine matches the requirements', { timeout: 120_000 }, () => {
    let emu: EmulatorHandle;
    before(async () => {
        emu = await startEmulator({ apiKeys: [K], worker: 'builtin' });
    });
    after(async () => {
        await emu.stop();
    });

    void test('no worker is created; the log and /route/ say why; requirements that match start one', async () => {
        const packed = packCase('basic');
        const put = await deploy(emu.url, K, packed, { search_params: NONE });
        const log = await waitFor('the reason in the log', () => {
            const l = emu.logs(put.endpoint_id).join('\n');
            return /no worker created/.test(l) ? l : undefined;
        });
        assert.match(
            log,
            /\[emulator\] no worker created: no machine in the market matches the deployment's image\.require\(\.\.\.\): no machine meets num_gpus>=16\. On Vast the endpoint waits/,
        );
        const { route } = await routeOnce(emu.url, K, put.endpoint_id);
        assert.equal(route.json.status, 'No workers: no machine matches the search_params');
        await new Promise((r) => setTimeout(r, 500));
        assert.deepEqual(
            emu.workers().filter((w) => w.endpointId === put.endpoint_id),
            [],
        );
        assert.equal((log.match(/no worker created/g) ?? []).length, 1, 'said once');

        const hard = await deploy(emu.url, K, packed);
        assert.equal(hard.action, 'hard_update');
        const w = await waitFor(
            'a ready worker',
            () => emu.workers().find((x) => x.endpointId === put.endpoint_id && x.state === 'IDLE'),
            60_000,
        );
        assert.equal(w.state, 'IDLE');
    });

    void test('CLI: deploy --wait fails at once with the reason; status says it', async () => {
        const dir = path.join(tmpDir('emu-nomachine-'), 'app');
        fs.cpSync(path.join(compatCasesDir, 'basic'), dir, { recursive: true });
        const app = path.join(dir, 'app.py');
        const src = fs.readFileSync(app, 'utf8');
        fs.writeFileSync(
            app,
            src
                .replace('import gpu_name,', 'import gpu_name, num_gpus,')
                .replace(
                    'image.require(gpu_name.in_([RTX_4090, RTX_5090]))',
                    'image.require(gpu_name.in_([RTX_4090, RTX_5090]), num_gpus >= 16)',
                )
                .replace('Deployment(name="my-app")', 'Deployment(name="no-machine")'),
        );
        const t0 = Date.now();
        const r = await cli(emu, ['deploy', app, '--yes', '--wait', '--timeout', '90'], dir);
        const seconds = (Date.now() - t0) / 1000;
        assert.equal(r.code, 1, r.out + r.err);
        assert.ok(seconds < 30, `failed after ${seconds} s, not at once`);
        assert.match(
            r.err,
            /Deploy failed at wait: no machine matches the deployment's image\.require\(\.\.\.\) \(search_params: [^)]*num_gpus>=16\) — Deployment \d+ is deployed, but no worker can be created: the endpoint waits, with no worker \(nothing bills\), until an offer matches\. Change image\.require/,
        );
        const s = await cli(emu, ['status', app], dir);
        assert.equal(s.code, 0, s.err);
        assert.match(
            s.out,
            /\n {2}workers: none: no machine matches the deployment's image\.require\(\.\.\.\) \(search_params: [^)]*\); the endpoint waits/,
        );
    });
});
