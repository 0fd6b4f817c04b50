// Environment reads in a real VS Code: a deployment file that reads os.environ deploys with the values of the .env
// file named in vastDeployments.envFile, and Deploy's plan lists what was read (secret-looking names masked). The
// files are written into the workspace copy and removed again, so the other suites' counts are untouched.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandResult } from '../../src/extension/types';
import type { VastDeploymentsApi } from '../../src/extension/testApi';
import { CommandId } from '../../src/shared/commands';
import { EXTENSION_ID, extensionApi, refOf, ScriptedUi, until, workspaceUri } from './helpers';

async function run(id: string, ...args: unknown[]): Promise<CommandResult> {
    return (await vscode.commands.executeCommand<CommandResult>(id, ...args))!;
}

const DEPLOYED = 'vscode-envfile';
const TOKEN = 'hf_dotenvSecretValue123';
const SOURCE = [
    'import os',
    'from vastai import Deployment',
    '',
    `app = Deployment(name="${DEPLOYED}")`,
    '',
    '',
    '@app.remote(benchmark_dataset=[{"x": 3}])',
    'async def square(x):',
    '    return x * x',
    '',
    '',
    'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
    // The worker runs this file too, without these variables: os.environ[...] would raise KeyError there.
    'image.env(HF_TOKEN=os.environ.get("VD_ENVFILE_TOKEN", ""), WHO=os.environ.get("VD_ENVFILE_WHO", "nobody"))',
    'image.env(MODE=os.getenv("VD_ENVFILE_MODE", "dev"))',
    'app.configure_autoscaling(cold_workers=1, max_workers=1)',
    '',
].join('\n');

/** The file_hash our CLI packages `file` to with `env` as its whole environment (as `python3 app.py` would). */
function cliHash(file: string, env: Record<string, string>): string {
    const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');
    const out = execFileSync(process.execPath, [cli, 'package', path.basename(file), '--json'], {
        cwd: path.dirname(file),
        env: { PATH: process.env.PATH ?? '', ...env },
        encoding: 'utf8',
    });
    return (JSON.parse(out) as { file_hash: string }).file_hash;
}

suite('Environment reads from vastDeployments.envFile (trusted)', function () {
    let api: VastDeploymentsApi;
    const ui = new ScriptedUi();
    const config = () => vscode.workspace.getConfiguration('vastDeployments');

    suiteSetup(async () => {
        api = await extensionApi();
        api.setUi(ui);
        await api.ready();
    });

    suiteTeardown(async () => {
        await config().update('envFile', undefined, vscode.ConfigurationTarget.Workspace);
        await config().update('confirmDeploy', undefined, vscode.ConfigurationTarget.Workspace);
        fs.rmSync(workspaceUri('envread').fsPath, { recursive: true, force: true });
        api?.setUi(undefined);
    });

    test('Deploy uses the .env values, its plan lists them with the token masked; a missing file refuses', async function () {
        this.timeout(180_000);
        const app = workspaceUri('envread/app.py');
        fs.mkdirSync(path.dirname(app.fsPath), { recursive: true });
        fs.writeFileSync(app.fsPath, SOURCE);
        fs.writeFileSync(
            workspaceUri('envread/deploy.env').fsPath,
            [
                '# read by Deploy through vastDeployments.envFile',
                `export VD_ENVFILE_TOKEN="${TOKEN}"`,
                "VD_ENVFILE_WHO='dotenv user' # a comment",
                '',
            ].join('\n'),
        );
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(app));
        await until(`${DEPLOYED} indexed`, () => api.deployments().some((d) => d.name === DEPLOYED));
        // In the editor the reads stay dynamic: an information note says where Deploy takes them from.
        const notes = await until('the dynamic-value notes on the env reads', () => {
            const found = vscode.languages.getDiagnostics(app).filter((d) => d.code === 'dynamic-value');
            return found.length === 3 ? found : undefined;
        });
        assert.ok(notes.every((d) => d.severity === vscode.DiagnosticSeverity.Information));
        assert.match(notes[0]!.message, /is read from the environment when deploying/);

        // A setting naming a file that is not there: a clear refusal naming the setting and the file, nothing sent.
        await config().update('envFile', 'envread/missing.env', vscode.ConfigurationTarget.Workspace);
        const refused = await run(CommandId.deploy, refOf(api, DEPLOYED));
        assert.equal(refused.refused, true, refused.message);
        assert.match(
            refused.message,
            /app\.py:13: reads VD_ENVFILE_TOKEN from the environment, but vastDeployments\.envFile cannot be used: envread\/missing\.env: no such file/,
        );

        await config().update('envFile', 'envread/deploy.env', vscode.ConfigurationTarget.Workspace);
        await config().update('confirmDeploy', 'always', vscode.ConfigurationTarget.Workspace);
        const deployed = await run(CommandId.deploy, refOf(api, DEPLOYED));
        assert.equal(deployed.ok, true, deployed.message);
        const detail = ui.last('confirm')?.detail ?? '';
        const listed = detail.slice(detail.indexOf('Environment variables read'));
        assert.deepEqual(listed.split('\n').slice(0, 4), [
            "Environment variables read (the extension host's environment and envread/deploy.env):",
            `\u2022 VD_ENVFILE_TOKEN = \u2022\u2022\u2022\u2022 (${TOKEN.length} characters)`,
            '\u2022 VD_ENVFILE_WHO = dotenv user',
            '\u2022 VD_ENVFILE_MODE (unset)',
        ]);
        assert.ok(!detail.includes(TOKEN), 'the token never shows in the plan');
        // What was deployed is what `python3 app.py` packages with those variables set (and not without the file's).
        const withFile = cliHash(app.fsPath, { VD_ENVFILE_TOKEN: TOKEN, VD_ENVFILE_WHO: 'dotenv user' });
        assert.equal(deployed.fileHash, withFile);
        assert.notEqual(cliHash(app.fsPath, { VD_ENVFILE_TOKEN: 'other', VD_ENVFILE_WHO: 'dotenv user' }), withFile);

        const down = await run(CommandId.tearDown, refOf(api, DEPLOYED));
        assert.equal(down.ok, true, down.message);
    });
});
