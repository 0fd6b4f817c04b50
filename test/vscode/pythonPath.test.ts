// vastDeployments.pythonPath inside a real VS Code: local workers run with the interpreter the embedded emulator was
// started with, so changing the setting restarts that emulator with the new one (its deployments stay: they live in
// its state folder).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VastDeploymentsApi } from '../../src/extension/testApi';
import { extensionApi, until } from './helpers';

suite('vastDeployments.pythonPath', function () {
    let api: VastDeploymentsApi;
    const config = () => vscode.workspace.getConfiguration('vastDeployments');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-python-'));

    suiteSetup(async () => {
        api = await extensionApi();
        await api.ready();
    });

    suiteTeardown(async () => {
        await config().update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** Asks the service (as the status poll does) until the emulator running is a new one; returns its URL. */
    async function newEmulator(than: string): Promise<string> {
        return until(
            'a restarted emulator',
            async () => {
                await api.refreshStatus();
                const url = await api.emulatorUrl();
                return url && url !== than ? url : undefined;
            },
            60_000,
        );
    }

    function logText(): string {
        const logs = fs.readdirSync(api.logDir()).filter((f) => f.endsWith('.log'));
        return logs.map((f) => fs.readFileSync(path.join(api.logDir(), f), 'utf8')).join('\n');
    }

    test('a change restarts the local emulator with that interpreter', async function () {
        this.timeout(150_000);
        await api.refreshStatus();
        const first = await until('the local emulator', () => api.emulatorUrl(), 60_000);
        // Another path to the same interpreter, so only the path tells which one the emulator was started with.
        const real = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
        const link = path.join(dir, 'python-for-workers');
        fs.symlinkSync(real, link);

        await config().update('pythonPath', link, vscode.ConfigurationTarget.Global);
        const second = await newEmulator(first);
        await until('the start line naming the interpreter', () =>
            logText().includes(`Starting the local emulator (workers use ${link}, from vastDeployments.pythonPath)`),
        );
        assert.ok(logText().includes('vastDeployments.pythonPath changed: restarting the local emulator'));

        await config().update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
        const third = await newEmulator(second);
        assert.notEqual(third, first);
    });
});
