// The .vsix carries everything the extension needs offline: the bundles, both wasm files and the emulator's Python
// shim. The language server is then started from the unpacked .vsix, far from node_modules, to prove the bundle
// finds its wasm files next to itself. The package is staged in a temp folder from the current build, because a
// production rebuild of dist/ would race the other test files that run the bundles at the same time.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/paths';
import { BROKEN_APP, uriOf } from '../server/helpers';
import { LspClient } from '../server/lspClient';

void test('the .vsix holds the bundles, wasm and Python shim, and its server runs from the unpacked package', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vsix-'));
    try {
        const stage = path.join(tmp, 'stage');
        for (const f of [
            'package.json',
            '.vscodeignore',
            'README.md',
            'LICENSE',
            'dist',
            'media',
            'syntaxes',
            'docs',
        ]) {
            fs.cpSync(path.join(repoRoot, f), path.join(stage, f), { recursive: true });
        }
        const manifest = JSON.parse(fs.readFileSync(path.join(stage, 'package.json'), 'utf8')) as {
            scripts: Record<string, string>;
        };
        delete manifest.scripts['vscode:prepublish'];
        fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest));
        const vsix = path.join(tmp, 'ext.vsix');
        const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
        const { VSCE_PACKAGE_ARGS } = (await import(
            pathToFileURL(path.join(repoRoot, 'scripts', 'vsceArgs.mjs')).href
        )) as { VSCE_PACKAGE_ARGS: string[] };
        const pack = spawnSync(process.execPath, [vsce, ...VSCE_PACKAGE_ARGS, '--out', vsix], {
            cwd: stage,
            encoding: 'utf8',
        });
        assert.equal(pack.status, 0, `vsce failed:\n${pack.stdout}\n${pack.stderr}`);
        const unzip = spawnSync('unzip', ['-q', vsix, '-d', path.join(tmp, 'x')], { encoding: 'utf8' });
        assert.equal(unzip.status, 0, unzip.stderr);
        const ext = path.join(tmp, 'x', 'extension');
        for (const f of [
            'package.json',
            'dist/extension.js',
            'dist/server.js',
            'dist/analysisWorker.js',
            'dist/cli.js',
            'dist/tree-sitter.wasm',
            'dist/tree-sitter-python.wasm',
            'dist/python/vastai/__init__.py',
            'media/vast.svg',
        ]) {
            assert.ok(fs.existsSync(path.join(ext, f)), `${f} missing from the .vsix`);
        }
        assert.ok(!fs.existsSync(path.join(ext, 'node_modules')), 'dependencies are bundled, not shipped');
        // The extension's page is for users (what it does, screenshots), not the developers' set-up.
        const readmeName = fs.readdirSync(ext).find((f) => f.toLowerCase() === 'readme.md');
        assert.ok(readmeName, 'a README in the .vsix');
        const readme = fs.readFileSync(path.join(ext, readmeName), 'utf8');
        assert.match(readme, /## Get started/);
        assert.doesNotMatch(readme, /npm (start|test)/);
        for (const [, img] of readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) {
            assert.ok(fs.existsSync(path.join(ext, img!)), `screenshot ${img} missing from the .vsix`);
        }
        assert.ok(!fs.existsSync(path.join(ext, 'src')), 'sources stay out of the .vsix');

        const { client, child } = await LspClient.stdio(path.join(ext, 'dist', 'server.js'));
        try {
            const uri = uriOf(path.join(tmp, 'broken.py'));
            await client.open(uri, BROKEN_APP);
            const diags = await client.diagnosticsFor(uri);
            assert.ok(diags.diagnostics.some((d) => d.code === 'missing-benchmark'));
            // A document over the event loop's size is analysed in the worker thread, which loads its own parser
            // (the wasm files next to it in dist/).
            const large = uriOf(path.join(tmp, 'large.py'));
            await client.open(large, BROKEN_APP + `x = "${'a'.repeat(90)}"\n`.repeat(6000));
            const largeDiags = await client.diagnosticsFor(large);
            assert.ok(largeDiags.diagnostics.some((d) => d.code === 'missing-benchmark'));
            assert.ok(!client.logs.some((l) => l.includes('worker')), client.logs.join('\n'));
            await client.close(true);
        } finally {
            child.kill();
        }
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
});
