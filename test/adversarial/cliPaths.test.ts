// Issue 12 items 12, 14 and 16: \`--out\` over an input is refused and every file stays intact; \`check DIR\` walks
// past a symlink loop; a missing file or a folder gets a one-line reason instead of raw ENOENT/EISDIR text.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../cli/helpers';
import { goodApp, makeWorkspace } from '../server/helpers';
import { ensureBundles } from './helpers';

const COPYING = goodApp('copying').replace(
    'app.configure_autoscaling',
    'image.copy("weights.txt", "weights.txt")\nimage.copy("data", "data")\napp.configure_autoscaling',
);

void test('--out naming the .py, a copied file or a place inside a copied folder is refused; files intact', async () => {
    ensureBundles();
    const ws = makeWorkspace({ 'app.py': COPYING, 'weights.txt': 'w', 'data/a.txt': 'a' });
    try {
        for (const out of ['app.py', 'weights.txt', './app.py', 'data/archive.tar.gz']) {
            const r = await runCli(['package', 'app.py', '--out', out], { cwd: ws.dir });
            assert.equal(r.code, 1, `${out}: ${r.stderr}`);
            assert.match(r.stderr, /error: --out .* (is an input of the package|is inside a copied folder)/, out);
        }
        assert.equal(fs.readFileSync(path.join(ws.dir, 'app.py'), 'utf8'), COPYING);
        assert.equal(fs.readFileSync(path.join(ws.dir, 'weights.txt'), 'utf8'), 'w');
        assert.ok(!fs.existsSync(path.join(ws.dir, 'data/archive.tar.gz')));
        const ok = await runCli(['package', 'app.py', '--out', 'pkg.tar.gz'], { cwd: ws.dir });
        assert.equal(ok.code, 0, ok.stderr);
        assert.ok(fs.statSync(path.join(ws.dir, 'pkg.tar.gz')).size > 0);
    } finally {
        ws.cleanup();
    }
});

void test('check DIR with a symlink loop: skipped, the rest is checked', async () => {
    ensureBundles();
    const ws = makeWorkspace({ 'app.py': goodApp('loop-neighbour') });
    try {
        fs.symlinkSync('loop.py', path.join(ws.dir, 'loop.py'));
        fs.symlinkSync('.', path.join(ws.dir, 'again'));
        const r = await runCli(['check', ws.dir]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /note: skipped .*loop\.py: a symbolic link loop/);
        assert.match(r.stderr, /1 file\(s\) checked/);
    } finally {
        ws.cleanup();
    }
});

void test('a missing file, a folder, a FIFO: one-line reasons', async () => {
    ensureBundles();
    const ws = makeWorkspace({ 'sub/x.txt': '' });
    try {
        const missing = await runCli(['package', 'nope.py'], { cwd: ws.dir });
        assert.equal(missing.code, 1);
        assert.equal(missing.stderr.trim(), `error: ${path.join(ws.dir, 'nope.py')}: no such file`);
        const folder = await runCli(['package', 'sub'], { cwd: ws.dir });
        assert.equal(folder.code, 1);
        assert.equal(folder.stderr.trim(), `error: ${path.join(ws.dir, 'sub')}: is a folder`);
        for (const r of [missing, folder]) assert.doesNotMatch(r.stderr, /ENOENT|EISDIR|open|read/);
    } finally {
        ws.cleanup();
    }
});
