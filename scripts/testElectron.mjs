// `npm run test:electron`: the same extension-host suite in desktop VS Code via @vscode/test-electron (it downloads
// VS Code into .vscode-test/ and needs a display: desktop machines, not this headless one; `npm run test:vscode`
// runs the suite here and in CI). Same passes as test:vscode: trusted (Workspace Trust off, local emulator) and
// untrusted. Screenshots are not taken here (suiteConfig's takeScreenshot resolves undefined without a runner).
// Options: --pass trusted|untrusted, --grep TEXT, --no-build, --vscode-version X (default: stable).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from './vscode/install.mjs';
import { startLocalEmulator } from './vscode/emulator.mjs';
import { PASSES, copyWorkspace, passSettings } from './vscode/passes.mjs';
import { SUITE_CONFIG_ENV } from './vscode/runSuite.mjs';

const { values: opts } = parseArgs({
    options: {
        pass: { type: 'string', multiple: true },
        grep: { type: 'string' },
        'no-build': { type: 'boolean', default: false },
        'vscode-version': { type: 'string' },
    },
});
const note = (m) => console.log(`[test:electron] ${m}`);

if (!opts['no-build']) {
    for (const args of [['esbuild.mjs'], [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']]) {
        const r = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'inherit' });
        if (r.status !== 0) process.exit(1);
    }
}

let failed = 0;
const passes = opts.pass ?? PASSES;
for (const pass of passes) {
    const workspace = copyWorkspace(pass);
    const profile = mkdtempSync(join(tmpdir(), `vast-electron-${pass}-`));
    const emulator = pass === 'trusted' ? await startLocalEmulator({ log: note }) : undefined;
    try {
        // A fresh profile per pass, its user settings written before start (Workspace Trust on or off).
        mkdirSync(join(profile, 'user', 'User'), { recursive: true });
        writeFileSync(join(profile, 'user', 'User', 'settings.json'), JSON.stringify(passSettings(pass), null, 4));
        const configPath = join(profile, 'suite-config.json');
        const config = {
            pass,
            label: pass,
            workspace: workspace.dir,
            artifactsDir: join(repoRoot, 'artifacts', 'electron'),
            grep: opts.grep ?? process.env.VAST_VSCODE_GREP,
            ...(emulator
                ? { emulator: { url: emulator.url, apiKey: emulator.apiKey, adminToken: emulator.adminToken } }
                : {}),
        };
        writeFileSync(configPath, JSON.stringify(config, null, 2) + '\n');
        const launchArgs = [
            workspace.dir,
            '--disable-extensions',
            '--user-data-dir',
            join(profile, 'user'),
            '--extensions-dir',
            join(profile, 'extensions'),
            ...(pass === 'trusted' ? ['--disable-workspace-trust'] : []),
        ];
        const code = await runTests({
            ...(opts['vscode-version'] ? { version: opts['vscode-version'] } : {}),
            extensionDevelopmentPath: repoRoot,
            extensionTestsPath: join(repoRoot, 'out', 'test', 'vscode', 'index.js'),
            launchArgs,
            extensionTestsEnv: { [SUITE_CONFIG_ENV]: configPath },
        }).catch((err) => {
            console.error(`[test:electron] pass ${pass}: ${err?.message ?? err}`);
            return 1;
        });
        note(`pass ${pass}: ${code === 0 ? 'passed' : 'FAILED'}`);
        if (code !== 0) failed++;
    } finally {
        await emulator?.stop();
        workspace.remove();
        rmSync(profile, { recursive: true, force: true });
    }
}
process.exit(failed ? 1 : 0);
