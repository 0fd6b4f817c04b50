/** The project's own CLI (src/cli) against the emulator: deploy, benchmark and tear down every compat case. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { compatCasesDir } from '../helpers/paths';
import { call, CASES, projectCli, tmpDir } from './helpers';

const KEY = 'cli-key';

const cli = (emu: EmulatorHandle, args: string[], cwd: string) => projectCli(emu.url, KEY, args, cwd);

void describe('project CLI against the emulator', () => {
    let emu: EmulatorHandle;
    before(async () => {
        emu = await startEmulator({ apiKeys: [KEY] });
    });
    after(async () => {
        await emu.stop();
    });

    for (const name of Object.keys(CASES)) {
        void test(`${name}: deploy --wait, benchmark, invoke, teardown`, async () => {
            const dir = path.join(tmpDir('emu-cli-case-'), name);
            fs.cpSync(path.join(compatCasesDir, name), dir, { recursive: true });
            const app = path.join(dir, 'app.py');
            const dep = await cli(emu, ['deploy', app, '--yes', '--wait', '--timeout', '60', '--json'], dir);
            assert.equal(dep.code, 0, dep.err);
            const listed = (await call(emu.url, KEY, 'GET', '/api/v0/deployments/')).json.deployments;
            assert.equal(listed.length, 1);
            const bench = await cli(emu, ['benchmark', app, '--runs', '5', '--concurrency', '2', '--json'], dir);
            assert.equal(bench.code, 0, bench.err);
            const c = CASES[name]!;
            const inv = await cli(emu, ['invoke', app, c.fn, '--kwargs', JSON.stringify(c.kwargs), '--json'], dir);
            assert.equal(inv.code, 0, inv.err);
            assert.ok(inv.out.includes(JSON.stringify(c.result)), inv.out);
            const down = await cli(emu, ['teardown', app, '--yes'], dir);
            assert.equal(down.code, 0, down.err);
            assert.deepEqual((await call(emu.url, KEY, 'GET', '/api/v0/deployments/')).json.deployments, []);
            assert.equal(emu.workers().length, 0);
        });
    }
});
