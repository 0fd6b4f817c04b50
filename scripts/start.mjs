// `npm start`: try the extension on a fresh machine with no Vast account. Builds the extension, starts VS Code's
// server build (installed once into .cache/) with the extension under development and the repo's examples/ open,
// target "local": the extension starts its embedded local emulator (src/extension/emulatorHost.ts) on first need,
// so Deploy, Benchmark and Tear down run real local Python workers. Prints the URL to open; Ctrl+C stops everything.
// Options: --port N (default: a free one), --fresh (forget the profile: settings, emulator state), --workspace DIR,
// --verbose (the server's log lines).
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './vscode/install.mjs';
import { shutdownAll, shutdownSignal, startVscode } from './vscode/runSuite.mjs';
import { baseSettings } from './vscode/settings.mjs';

const { values: opts } = parseArgs({
    options: {
        port: { type: 'string' },
        fresh: { type: 'boolean', default: false },
        workspace: { type: 'string' },
        verbose: { type: 'boolean', default: false },
    },
});
const note = (m) => console.log(`[start] ${m}`);
// Kept between runs (git-ignored): the profile holds user settings, the API key's secret storage and the embedded
// emulator's state (deployments survive a restart; their workers do not).
const profileDir = join(repoRoot, '.cache', 'vscode', 'start-profile');
if (opts.fresh) rmSync(profileDir, { recursive: true, force: true });

note('building the extension (node esbuild.mjs)');
const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

const workspace = resolve(opts.workspace ?? join(repoRoot, 'examples'));
// Workers run the SDK's own worker, as on Vast, when the SDK is at hand: the oracle copy beside this repo (with
// Debian's python3, which has its dependencies: scripts/setup.sh). Otherwise the emulator's built-in worker.
const oracle = resolve(repoRoot, '..', 'shared', 'oracle');
const sdkWorker =
    existsSync(join(oracle, 'vastai')) &&
    spawnSync('/usr/bin/python3', ['-c', 'import vastai.serverless.server'], {
        env: { ...process.env, PYTHONPATH: oracle },
        stdio: 'ignore',
    }).status === 0;
const workerSettings = sdkWorker
    ? { 'vastDeployments.pythonPath': '/usr/bin/python3', 'vastDeployments.emulator.sdkPath': oracle }
    : {};
const vscode = await startVscode({
    workspace,
    profileDir,
    port: opts.port ? Number(opts.port) : undefined,
    settings: {
        ...baseSettings(),
        // The examples are this repo's own code: no trust prompt.
        'security.workspace.trust.enabled': false,
        'vastDeployments.target': 'local',
        ...workerSettings,
    },
    onLog: (line) => {
        // Offline, the server's failed marketplace look-ups are expected noise.
        if (opts.verbose || (/error/i.test(line) && !/ENOTFOUND|getaddrinfo/.test(line))) {
            console.log(`[vscode server] ${line}`);
        }
    },
});

console.log(`
  Vast Deployments: VS Code ${vscode.vscodeVersion} with the extension and ${workspace}

  Open in a browser on this machine:

    ${vscode.url}

  (On a remote machine, forward the port first, e.g. ssh -L ${new URL(vscode.url).port}:127.0.0.1:${new URL(vscode.url).port} host.)
  Target: local emulator, started by the extension on first use; ${
      sdkWorker
          ? `workers run the SDK's own worker from ${oracle}
  with /usr/bin/python3 (settings vastDeployments.emulator.sdkPath and vastDeployments.pythonPath)`
          : `workers run the emulator's built-in worker with python3
  (setting vastDeployments.pythonPath: an interpreter with \`vastai\` installed runs the SDK's own worker)`
  }. Press Ctrl+C to stop everything.
`);

// Ctrl+C / SIGTERM: runSuite.mjs stops the server and everything under it (extension host, emulator, workers).
const { code, signal } = await vscode.exited;
if (shutdownSignal()) await new Promise(() => {}); // the signal handler is stopping everything and exits
note(`the VS Code server exited (code ${code}, signal ${signal}); stopping`);
await shutdownAll();
process.exit(1);
