// Settings the embedded emulator starts with, inside a real VS Code: vastDeployments.pythonPath (the interpreter local
// workers run with), vastDeployments.emulator.sdkPath (where the SDK is, so workers run its own worker) and
// vastDeployments.emulator.runScripts (run steps). A change restarts that emulator with the new value; its deployments
// stay (they live in its state folder).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandResult } from '../../src/extension/types';
import type { VastDeploymentsApi } from '../../src/extension/testApi';
import { CommandId } from '../../src/shared/commands';
import { extensionApi, refOf, ScriptedUi, until, workspaceUri, writeDeployment } from './helpers';

const NAME = 'vscode-run-steps';

async function run(id: string, ...args: unknown[]): Promise<CommandResult> {
    return (await vscode.commands.executeCommand<CommandResult>(id, ...args))!;
}

suite('Settings the local emulator starts with', function () {
    let api: VastDeploymentsApi;
    const config = () => vscode.workspace.getConfiguration('vastDeployments');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-python-'));

    const ui = new ScriptedUi();
    const file = workspaceUri('runsteps/app.py');

    suiteSetup(async () => {
        api = await extensionApi();
        api.setUi(ui);
        await api.ready();
    });

    suiteTeardown(async () => {
        try {
            if (api.status(NAME)?.remote) await run(CommandId.tearDown, refOf(api, NAME));
        } finally {
            api?.setUi(undefined);
            await config().update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
            await config().update('emulator.runScripts', undefined, vscode.ConfigurationTarget.Global);
            await config().update('emulator.sdkPath', undefined, vscode.ConfigurationTarget.Global);
            await vscode.workspace.fs.delete(vscode.Uri.joinPath(file, '..'), { recursive: true });
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    /**
     * Asks the service (as the status poll does) until the emulator running is a new one (it keeps its port, so its
     * URL: told apart by the window's count of emulator starts); returns that count.
     */
    async function newEmulator(than: number): Promise<number> {
        return until(
            'a restarted emulator',
            async () => {
                await api.refreshStatus();
                const starts = api.emulatorStarts();
                return starts > than && (await api.emulatorUrl()) ? starts : undefined;
            },
            60_000,
        );
    }

    /** The running emulator's start count, once one runs. */
    async function running(): Promise<number> {
        await api.refreshStatus();
        await until('the local emulator', () => api.emulatorUrl(), 60_000);
        return api.emulatorStarts();
    }

    function logText(): string {
        const logs = fs.readdirSync(api.logDir()).filter((f) => f.endsWith('.log'));
        return logs.map((f) => fs.readFileSync(path.join(api.logDir(), f), 'utf8')).join('\n');
    }

    test('a change restarts the local emulator with that interpreter', async function () {
        this.timeout(150_000);
        const first = await running();
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
        await newEmulator(second);
    });

    test("emulator.sdkPath: the SDK's source folder makes workers run the SDK's own worker", async function () {
        this.timeout(150_000);
        // The official SDK beside the repo (../shared/oracle), with Debian's python3, which has its dependencies.
        const oracle = path.resolve(__dirname, '../../../../shared/oracle');
        assert.ok(fs.existsSync(path.join(oracle, 'vastai')), `the SDK oracle at ${oracle}`);
        const first = await running();
        await config().update('pythonPath', '/usr/bin/python3', vscode.ConfigurationTarget.Global);
        const second = await newEmulator(first);
        const builtin =
            /Local emulator listening on \S+; it runs the built-in worker \(\/usr\/bin\/python3 cannot import/;
        await until('the built-in worker, without the SDK', () => builtin.test(logText()));

        await config().update('emulator.sdkPath', oracle, vscode.ConfigurationTarget.Global);
        await newEmulator(second);
        await until("the SDK's worker", () =>
            /Local emulator listening on \S+; it runs the SDK's worker \(/.test(logText()),
        );
        assert.ok(logText().includes('vastDeployments.emulator.sdkPath changed: restarting the local emulator'));

        // Back to the defaults for the tests after this one.
        const third = await running();
        await config().update('emulator.sdkPath', undefined, vscode.ConfigurationTarget.Global);
        await config().update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
        await newEmulator(third);
    });

    test('emulator.runScripts: off, a run step is skipped; on, it runs before the worker starts', async function () {
        this.timeout(300_000);
        // The run step writes it, the benchmark reads it: a skipped step fails the worker's startup benchmark.
        const marker = `/tmp/vast-run-step-${process.pid}-${Date.now()}`;
        const text = [
            'from vastai import Deployment',
            '',
            `app = Deployment(name="${NAME}")`,
            '',
            '',
            '@app.remote(benchmark_dataset=[{"x": 2}])',
            'async def ran(x):',
            `    return open("${marker}").read().strip()`,
            '',
            '',
            'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
            `image.run_cmd("sh", "-c", "echo ran > ${marker}")`,
            'app.configure_autoscaling()',
            '',
        ].join('\n');
        await writeDeployment(api, file, NAME, text);
        const off = await run(CommandId.deploy, refOf(api, NAME));
        assert.equal(off.ok, false, off.message);

        const before = await running();
        await config().update('emulator.runScripts', true, vscode.ConfigurationTarget.Global);
        await newEmulator(before);
        const on = await run(CommandId.deploy, refOf(api, NAME));
        assert.equal(on.ok, true, on.message);
        fs.rmSync(marker, { force: true });
    });
});
