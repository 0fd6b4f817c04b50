/**
 * Hard links, linked folders and file names that are not UTF-8, checked against the official SDK itself
 * (`sdk.py capture` on the same tree): the same tar entries in the same order, the same file_hash, or both refuse.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPackage, loadSpecs, PackagePlanError, planPackage } from '../../../src/pipeline/packaging';
import { sharedDir } from '../../helpers/paths';
import { readWithPython, type PyTarEntry } from '../../compat/pythonTar';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-links-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function app(dir: string, copies: [string, string][]): string {
    const lines = [
        'from vastai import Deployment',
        'app = Deployment(name="links")',
        '@app.remote(benchmark_dataset=[{"x": 1}])',
        'async def f(x):',
        '    return x',
        'image = app.image("img", storage=10)',
        ...copies.map(([s, d]) => `image.copy(${JSON.stringify(s)}, ${JSON.stringify(d)})`),
        'app.configure_autoscaling()',
        'app.ensure_ready()',
        '',
    ];
    const file = path.join(dir, 'app.py');
    fs.writeFileSync(file, lines.join('\n'));
    return file;
}

interface Capture {
    put: { file_hash: string } | null;
    tar: PyTarEntry[];
    error: string | null;
}

function sdkCapture(file: string): Capture {
    const out = path.join(path.dirname(file), '..', `${path.basename(path.dirname(file))}.sdk.json`);
    const r = spawnSync('/usr/bin/python3', [path.join(sharedDir, 'oracle', 'sdk.py'), 'capture', file, out], {
        encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(fs.readFileSync(out, 'utf8')) as Capture;
}

async function ours(file: string) {
    const spec = (await loadSpecs(file))[0]?.result;
    assert.ok(spec?.ok);
    return spec.value;
}

void test('hard links become link entries and a symlinked source folder a symlink entry, exactly as the SDK', async () => {
    const dir = path.join(root, 'tree');
    fs.mkdirSync(path.join(dir, 'data', 'sub'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'real', 'inner'), { recursive: true });
    // Several names in one folder, so the file system's listing order (not sorted) decides which name comes first.
    for (const n of ['b.txt', 'a.txt', 'zz', 'm m']) fs.writeFileSync(path.join(dir, 'data', n), `content ${n}`);
    fs.linkSync(path.join(dir, 'data', 'a.txt'), path.join(dir, 'data', 'sub', 'h.txt'));
    fs.linkSync(path.join(dir, 'data', 'zz'), path.join(dir, 'data', 'yy'));
    fs.writeFileSync(path.join(dir, 'real', 'r.txt'), 'r');
    fs.writeFileSync(path.join(dir, 'real', 'inner', 'q'), 'q');
    fs.symlinkSync('real', path.join(dir, 'linkdir'));
    fs.symlinkSync('../real', path.join(dir, 'data', 'ldir'));
    const file = app(dir, [
        ['data', './data'],
        ['data/a.txt', '/opt/a.txt'],
        ['linkdir', '/opt/linked'],
        ['data/zz', 'zz-again'],
    ]);
    const sdk = sdkCapture(file);
    assert.equal(sdk.error, null);
    const built = await buildPackage(await ours(file), { outFile: path.join(root, 'tree.tar.gz') });
    const py = readWithPython(built.filePath, '');
    assert.deepEqual(py.entries, sdk.tar, 'same entries, same order');
    assert.equal(built.fileHash, sdk.put?.file_hash);
    assert.ok(sdk.tar.some((e) => e[8] === '1') && sdk.tar.some((e) => e[0] === '/opt/linked' && e[8] === '2'));
    assert.ok(
        built.notes.some((n) => n.includes('linkdir') && n.includes('symlink to a folder')),
        built.notes.join('\n'),
    );
});

void test('hard links extract to the same content (Python tarfile, as the worker reads the archive)', async () => {
    const dir = path.join(root, 'hard');
    fs.mkdirSync(path.join(dir, 'data', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data', 'a.txt'), 'shared');
    fs.linkSync(path.join(dir, 'data', 'a.txt'), path.join(dir, 'data', 'sub', 'h.txt'));
    const file = app(dir, [
        ['data', './data'],
        ['data/a.txt', '/opt/a.txt'],
    ]);
    const built = await buildPackage(await ours(file), { outFile: path.join(root, 'hard.tar.gz') });
    const py = readWithPython(built.filePath, path.join(root, 'hard-x'));
    assert.deepEqual(py.entries, sdkCapture(file).tar);
    assert.equal(fs.readFileSync(path.join(root, 'hard-x', 'opt', 'a.txt'), 'utf8'), 'shared');
    assert.equal(fs.readFileSync(path.join(root, 'hard-x', 'data', 'sub', 'h.txt'), 'utf8'), 'shared');
});

void test('a file name that is not UTF-8 is refused with a clear message, as the SDK refuses it', async () => {
    const dir = path.join(root, 'badname');
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    fs.writeFileSync(Buffer.from(`${dir}/data/bad-\xff.txt`, 'latin1'), 'x');
    fs.writeFileSync(path.join(dir, 'data', 'ok.txt'), 'ok');
    const file = app(dir, [['data', './data']]);
    assert.match(sdkCapture(file).error ?? '', /UnicodeEncodeError/);
    const spec = await ours(file);
    const r = planPackage(spec);
    assert.ok(!r.ok);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]?.code, 'bad-name');
    assert.match(r.problems[0]?.message ?? '', /File name is not valid UTF-8: .*data\/bad-\\xff\.txt/);
    assert.doesNotMatch(r.problems[0]?.message ?? '', /\ufffd|ENOENT/);
    await assert.rejects(buildPackage(spec, { outFile: path.join(root, 'bad.tar.gz') }), PackagePlanError);
});
