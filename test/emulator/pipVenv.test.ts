/**
 * `allowPip`: a deployment's `pip_install(...)` packages go into its own venv and its workers run there, with the
 * SDK's worker and the built-in one, sandboxed and not. Offline: the package is a wheel this test builds, found
 * through PIP_NO_INDEX/PIP_FIND_LINKS in the emulator's environment (pip gets that environment).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../src/emulator';
import { sharedDir } from '../helpers/paths';
import { buildWheel, pipOffline } from '../helpers/wheels';
import { call, callRemote, deploy, packCase, packLocal, tmpDir, waitFor } from './helpers';

const SDK_PATH = path.join(sharedDir, 'oracle');

const K = 'pip-venv-key';
const PKG = 'vast-tiny-pkg';

/** The basic case, importing the package; `marker` makes a code-only change. */
function packWith(pip: string[], marker: string) {
    return packCase(
        'basic',
        (s) =>
            s
                .replace('from vastai import Deployment', 'import vast_tiny_pkg\nfrom vastai import Deployment')
                .replace('    return x * x', `    return f"{vast_tiny_pkg.VALUE}:${marker}:{x * x}"`),
        {
            name: 'my-app',
            pip_installs: pip,
            apt_gets: [],
            envs: [],
            // A run step's `python` is the venv's (PATH), as a Vast container's python has the pip installs.
            runs: ['python -c "import vast_tiny_pkg; print(\'run step imports vast_tiny_pkg\', vast_tiny_pkg.VALUE)"'],
        },
    );
}

/** Deploys `packed` as a soft update of tag `local`, rolls the workers and waits until a call answers `expected`. */
async function softUpdate(
    emu: EmulatorHandle,
    endpointId: number,
    packed: ReturnType<typeof packLocal>,
    expected: string,
) {
    const soft = await deploy(emu.url, K, packed, { tag: 'local' });
    assert.equal(soft.action, 'soft_update');
    const upd = await call(emu.url, K, 'POST', '/update_workers/', { workergroup_id: soft.workergroup_id, api_key: K });
    assert.equal(upd.status, 200, upd.text);
    await waitFor(
        `a call answering ${expected}`,
        async () => {
            const x = await callRemote(emu.url, K, endpointId, 'square', { x: 3 });
            return x.json?.result?.ok === expected ? x : undefined;
        },
        90_000,
    );
}

function settled(emu: EmulatorHandle, endpointId: number, versionId?: number) {
    return waitFor(
        'a worker in IDLE or ERROR',
        () =>
            emu
                .workers()
                .find(
                    (w) =>
                        w.endpointId === endpointId &&
                        (versionId === undefined || w.versionId === versionId) &&
                        (w.state === 'IDLE' || w.state === 'ERROR'),
                ),
        90_000,
    );
}

const venvsOf = (state: string, depId: number): string[] => {
    const root = path.join(state, 'venvs');
    return fs.existsSync(root) ? fs.readdirSync(root).filter((n) => n.startsWith(`dep-${depId}-`)) : [];
};

const count = (text: string, re: RegExp): number => text.match(new RegExp(re.source, 'g'))?.length ?? 0;

let restoreEnv = (): void => undefined;
before(() => {
    const wheels = tmpDir('emu-wheels-');
    buildWheel(wheels, PKG, '1.2.3');
    restoreEnv = pipOffline(wheels);
});
after(() => restoreEnv());

const variants: [string, { worker: 'sdk' | 'builtin'; sdkPath?: string; noSandbox?: boolean }][] = [
    ["the SDK's worker", { worker: 'sdk', sdkPath: SDK_PATH }],
    ['the built-in worker', { worker: 'builtin' }],
    ['the built-in worker without a sandbox', { worker: 'builtin', noSandbox: true }],
];

for (const [name, opts] of variants) {
    void describe(`emulator --allow-pip: ${name}`, { timeout: 300_000 }, () => {
        let emu: EmulatorHandle;
        let state: string;
        before(async () => {
            state = tmpDir('emu-pip-state-');
            // The warm spare runs the plain interpreter: a worker that needs a venv must not take it.
            emu = await startEmulator({
                apiKeys: [K],
                python: '/usr/bin/python3',
                stateDir: state,
                allowPip: true,
                allowScripts: true,
                warmWorker: 'eager',
                ...opts,
            });
        });
        after(async () => {
            await emu.stop();
        });

        void test('installs the pip list into a venv the worker runs in; a code-only update reuses it', async () => {
            const put = await deploy(emu.url, K, packWith([`${PKG}==1.2.3`], 'v1'));
            const w = await settled(emu, put.endpoint_id);
            assert.equal(w.state, 'IDLE', w.msg ?? '');
            const r = await callRemote(emu.url, K, put.endpoint_id, 'square', { x: 3 });
            assert.deepEqual(r.json, { result: { ok: '1.2.3:v1:9' } });
            let logs = emu.logs(put.endpoint_id).join('\n');
            assert.equal(count(logs, /\[pip\] Successfully installed vast-tiny-pkg-1\.2\.3/), 1, logs);
            assert.match(
                logs,
                /pip packages vast-tiny-pkg==1\.2\.3: installed in the deployment's virtual environment/,
            );
            assert.doesNotMatch(logs, /skipped pip install/);
            assert.match(logs, /run step imports vast_tiny_pkg 1\.2\.3/);
            assert.doesNotMatch(logs, /a warm process/, 'a venv worker starts cold, with the venv python');
            assert.equal(venvsOf(state, put.deployment_id).length, 1);

            const soft = await deploy(emu.url, K, packWith([`${PKG}==1.2.3`], 'v2'));
            assert.equal(soft.action, 'soft_update');
            const upd = await call(emu.url, K, 'POST', '/update_workers/', {
                workergroup_id: soft.workergroup_id,
                api_key: K,
            });
            assert.equal(upd.status, 200, upd.text);
            const r2 = await waitFor(
                'the new code served',
                async () => {
                    const x = await callRemote(emu.url, K, put.endpoint_id, 'square', { x: 3 });
                    return x.json?.result?.ok === '1.2.3:v2:9' ? x : undefined;
                },
                60_000,
            );
            assert.deepEqual(r2.json, { result: { ok: '1.2.3:v2:9' } });
            logs = emu.logs(put.endpoint_id).join('\n');
            assert.equal(count(logs, /\[pip\] Successfully installed/), 1, 'no second install:\n' + logs);
            assert.match(logs, /\[pip\] reusing the deployment's virtual environment/);
            assert.equal(venvsOf(state, put.deployment_id).length, 1);

            const del = await call(emu.url, K, 'DELETE', `/api/v0/deployment/${put.deployment_id}/`);
            assert.equal(del.status, 200, del.text);
            await waitFor('the venv deleted with the deployment', () => venvsOf(state, put.deployment_id).length === 0);
        });

        void test('a pip path inside the deployment installs from its unpacked files; its content keys the venv', async () => {
            const put = await deploy(emu.url, K, packLocal('a', 'm1'), { tag: 'local' });
            const w = await settled(emu, put.endpoint_id);
            assert.equal(w.state, 'IDLE', w.msg ?? '');
            const r = await callRemote(emu.url, K, put.endpoint_id, 'square', { x: 3 });
            assert.deepEqual(r.json, { result: { ok: 'a:m1:9' } });
            let logs = emu.logs(put.endpoint_id).join('\n');
            assert.match(logs, /\[pip\] unpacked 2 file\(s\) of the deployment for pip in \S+\/app/);
            assert.equal(count(logs, /\[pip\] Successfully installed vast-local-pkg-0\.1/), 1, logs);

            // The module changed, the package did not: the venv is reused.
            await softUpdate(emu, put.endpoint_id, packLocal('a', 'm2'), 'a:m2:9');
            logs = emu.logs(put.endpoint_id).join('\n');
            assert.equal(count(logs, /\[pip\] Successfully installed/), 1, 'no second install:\n' + logs);
            assert.match(logs, /\[pip\] reusing the deployment's virtual environment/);

            // The package changed with the same pip list: installed again, from the new files.
            await softUpdate(emu, put.endpoint_id, packLocal('b', 'm2'), 'b:m2:9');
            logs = emu.logs(put.endpoint_id).join('\n');
            assert.equal(count(logs, /\[pip\] Successfully installed vast-local-pkg-0\.1/), 2, logs);
        });

        void test("a package pip cannot install fails the worker with pip's reason", async () => {
            const put = await deploy(emu.url, K, packWith(['not-a-real-pkg-xyz'], 'bad'), { tag: 'bad' });
            const w = await settled(emu, put.endpoint_id);
            assert.equal(w.state, 'ERROR');
            assert.match(
                w.msg ?? '',
                /^pip install not-a-real-pkg-xyz failed \(exit code 1\): No matching distribution found for not-a-real-pkg-xyz\n/,
            );
            assert.match(w.msg ?? '', /Could not find a version that satisfies the requirement not-a-real-pkg-xyz/);
            assert.equal(w.restarts, 0);
            const logs = emu.logs(put.endpoint_id).join('\n');
            assert.match(
                logs,
                /\[pip\] ERROR: Could not find a version that satisfies the requirement not-a-real-pkg-xyz/,
            );
            assert.equal(venvsOf(state, put.deployment_id).length, 0, 'a failed venv is not kept');
        });
    });
}

void describe('emulator --allow-pip: a restart with the same state folder', { timeout: 300_000 }, () => {
    void test("keeps the deployments' venvs: the restarted worker reuses its venv, no second install", async () => {
        const state = tmpDir('emu-pip-restart-');
        const opts: EmulatorOptions = {
            apiKeys: [K],
            python: '/usr/bin/python3',
            stateDir: state,
            allowPip: true,
            worker: 'builtin',
        };
        let emu = await startEmulator(opts);
        let put: { endpoint_id: number; deployment_id: number };
        try {
            put = await deploy(emu.url, K, packWith([`${PKG}==1.2.3`], 'kept'));
            const w = await settled(emu, put.endpoint_id);
            assert.equal(w.state, 'IDLE', w.msg ?? '');
            assert.match(emu.logs(put.endpoint_id).join('\n'), /\[pip\] Successfully installed/);
        } finally {
            await emu.stop();
        }
        emu = await startEmulator(opts);
        try {
            const w = await settled(emu, put.endpoint_id);
            assert.equal(w.state, 'IDLE', w.msg ?? '');
            const logs = emu.logs(put.endpoint_id).join('\n');
            assert.match(logs, /\[pip\] reusing the deployment's virtual environment/);
            assert.doesNotMatch(logs, /\[pip\] Successfully installed/);
            assert.deepEqual(venvsOf(state, put.deployment_id).length, 1);
        } finally {
            await emu.stop();
        }
    });
});
