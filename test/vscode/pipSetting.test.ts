// vastDeployments.emulator.installPipPackages inside a real VS Code: the extension passes it to its embedded emulator
// (and a change reaches the running one), so a deployment's pip_install(...) package is installed into its venv when
// on, and skipped when off. Offline: the package is a wheel this suite builds; pip runs in the extension host's
// environment, where the suite points PIP_FIND_LINKS at it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandResult } from '../../src/extension/types';
import type { VastDeploymentsApi } from '../../src/extension/testApi';
import { CommandId } from '../../src/shared/commands';
import { buildWheel, pipOffline } from '../helpers/wheels';
import { extensionApi, refOf, ScriptedUi, workspaceUri, writeDeployment } from './helpers';

const NAME = 'vscode-pip';
const SETTING = 'emulator.installPipPackages';

async function run(id: string, ...args: unknown[]): Promise<CommandResult> {
    return (await vscode.commands.executeCommand<CommandResult>(id, ...args))!;
}

function source(marker: string): string {
    return [
        'import vast_tiny_pkg',
        'from vastai import Deployment',
        '',
        `app = Deployment(name="${NAME}")`,
        '',
        '',
        '@app.remote(benchmark_dataset=[{"x": 2}])',
        'async def version(x):',
        `    return f"{vast_tiny_pkg.VALUE}:${marker}:{x}"`,
        '',
        '',
        'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
        'image.pip_install("vast-tiny-pkg==4.5.6")',
        'app.configure_autoscaling()',
        '',
    ].join('\n');
}

suite('pip packages on the local emulator (installPipPackages)', function () {
    let api: VastDeploymentsApi;
    const ui = new ScriptedUi();
    const file = workspaceUri('pipdemo/app.py');
    const config = () => vscode.workspace.getConfiguration('vastDeployments');
    const wheels = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-wheels-'));
    let restoreEnv = (): void => undefined;
    const write = (marker: string) => writeDeployment(api, file, NAME, source(marker));

    suiteSetup(async () => {
        api = await extensionApi();
        api.setUi(ui);
        await api.ready();
        buildWheel(wheels, 'vast-tiny-pkg', '4.5.6');
        restoreEnv = pipOffline(wheels);
    });

    suiteTeardown(async () => {
        try {
            if (api.status(NAME)?.remote) await run(CommandId.tearDown, refOf(api, NAME));
        } finally {
            api?.setUi(undefined);
            await config().update(SETTING, undefined, vscode.ConfigurationTarget.Global);
            await vscode.workspace.fs.delete(vscode.Uri.joinPath(file, '..'), { recursive: true });
            fs.rmSync(wheels, { recursive: true, force: true });
            restoreEnv();
        }
    });

    test('a workspace cannot turn it on (machine scope: it runs pip as the user)', async function () {
        this.timeout(30_000);
        await config()
            .update(SETTING, true, vscode.ConfigurationTarget.Workspace)
            .then(
                () => undefined,
                () => undefined, // VS Code refuses to write a machine setting there: either way it must not apply
            );
        assert.equal(config().get(SETTING), false);
        await config()
            .update(SETTING, undefined, vscode.ConfigurationTarget.Workspace)
            .then(
                () => undefined,
                () => undefined,
            );
    });

    test('on: Deploy installs the package into the venv its worker runs in; turned off, the next worker lacks it', async function () {
        this.timeout(300_000);
        await config().update(SETTING, true, vscode.ConfigurationTarget.Global);
        await write('on');
        const on = await run(CommandId.deploy, refOf(api, NAME));
        assert.equal(on.ok, true, on.message);

        // The setting reaches the running emulator: a code change now starts a worker without the package.
        await config().update(SETTING, false, vscode.ConfigurationTarget.Global);
        await write('off');
        const off = await run(CommandId.deploy, refOf(api, NAME));
        assert.equal(off.ok, false, off.message);
        assert.match(off.message, /ModuleNotFoundError: No module named 'vast_tiny_pkg'/);
    });
});
