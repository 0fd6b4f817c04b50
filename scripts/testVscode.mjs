// `npm run test:vscode`: the extension-host suite inside VS Code's server build, workbench in headless Chromium.
// Two passes over the same compiled suite (test/vscode/index.ts picks the files of each pass):
//   trusted   - a temp copy of the fixture workspace, Workspace Trust off, the extension on the local emulator
//   untrusted - a temp copy of the same workspace, Workspace Trust on and the folder not trusted
//   launcher  - VS Code started as `npm start` starts it (no smoke-test driver), driven from the page with Playwright:
//               what only the page shows, e.g. notification toasts (scripts/vscode/launcherPass.mjs)
// Options: --pass trusted|untrusted|launcher (one pass only), --grep TEXT (mocha grep), --no-build (out/ and dist/ are fresh),
// --timeout MS (per pass; default 15 min). Artifacts (screenshots, server/browser logs): artifacts/vscode/.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureVscodeServer, repoRoot } from './vscode/install.mjs';
import { startLocalEmulator } from './vscode/emulator.mjs';
import { runLauncherPass } from './vscode/launcherPass.mjs';
import { runVscodeSuite } from './vscode/runSuite.mjs';
import { PASSES, copyWorkspace, passSettings } from './vscode/passes.mjs';

const { values: opts } = parseArgs({
    options: {
        pass: { type: 'string', multiple: true },
        grep: { type: 'string' },
        'no-build': { type: 'boolean', default: false },
        timeout: { type: 'string' },
    },
});
const passes = opts.pass ?? [...PASSES, 'launcher'];
const timeoutMs = Number(opts.timeout ?? process.env.VAST_VSCODE_TIMEOUT_MS ?? 15 * 60_000);
const started = Date.now();
const note = (m) => console.log(`[test:vscode] ${m}`);

function run(cmd, args) {
    const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0) {
        console.error(`[test:vscode] ${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
        process.exit(1);
    }
}

if (!opts['no-build']) {
    note('building (esbuild bundles + tsc to out/)');
    run(process.execPath, ['esbuild.mjs']);
    run(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']);
}
const install = await ensureVscodeServer({ note });
note(`VS Code ${install.vscodeVersion} server ready (${((Date.now() - started) / 1000).toFixed(1)} s so far)`);

let failed = 0;
for (const pass of passes) {
    if (pass === 'launcher') {
        const started = Date.now();
        const failures = await runLauncherPass({ grep: opts.grep ?? process.env.VAST_VSCODE_GREP });
        note(
            `pass launcher: ${failures === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
        if (failures) failed++;
        continue;
    }
    const settings = passSettings(pass);
    const workspace = copyWorkspace(pass);
    const emulator = pass === 'trusted' ? await startLocalEmulator({ log: note }) : undefined;
    try {
        const result = await runVscodeSuite({
            workspace: workspace.dir,
            label: pass,
            timeoutMs,
            settings,
            suiteConfig: {
                pass,
                grep: opts.grep ?? process.env.VAST_VSCODE_GREP,
                ...(emulator
                    ? { emulator: { url: emulator.url, apiKey: emulator.apiKey, adminToken: emulator.adminToken } }
                    : {}),
            },
        });
        note(`pass ${pass}: ${result.exitCode === 0 ? 'passed' : 'FAILED'} in ${(result.ms / 1000).toFixed(1)} s`);
        if (result.exitCode !== 0) failed++;
    } finally {
        await emulator?.stop();
        workspace.remove();
    }
}
note(
    `${passes.length - failed}/${passes.length} pass(es) green; total ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
process.exit(failed ? 1 : 0);
