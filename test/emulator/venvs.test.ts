/**
 * The per-deployment venvs on their own (src/emulator/venvs.ts): the time limit, a teardown during an install, a
 * chosen interpreter that is itself a venv, and reading the pip list from a stored tarball.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { selectSources } from '../../src/emulator/pipSources';
import { readPipInstalls, Venvs } from '../../src/emulator/venvs';
import { buildWheel, pipOffline } from '../helpers/wheels';
import { packCase, packLocal, tmpDir } from './helpers';

const PY = '/usr/bin/python3';

void describe('emulator venvs', () => {
    let restoreEnv = (): void => undefined;
    before(() => {
        const wheels = tmpDir('venv-wheels-');
        buildWheel(wheels, 'vast-unit-pkg', '0.1');
        restoreEnv = pipOffline(wheels);
    });
    after(() => restoreEnv());

    void test('an install over the time limit is killed, says so, and leaves nothing behind', async () => {
        const root = tmpDir('venvs-');
        const venvs = new Venvs({ python: PY, root, timeoutMs: 100 });
        const lines: string[] = [];
        await assert.rejects(
            venvs.ensure(1, ['vast-unit-pkg'], (l) => lines.push(l)),
            {
                message: /timed out after 0\.1 s \(the emulator's limit\)$/,
            },
        );
        assert.deepEqual(fs.readdirSync(root), []);
        assert.match(lines[0]!, /^\[pip\] creating a virtual environment for vast-unit-pkg/);
    });

    void test('a teardown during the install stops it and deletes the venv', async () => {
        const root = tmpDir('venvs-');
        const venvs = new Venvs({ python: PY, root });
        let removed = false;
        const p = venvs.ensure(4, ['vast-unit-pkg'], (l) => {
            if (!removed && l.startsWith('[pip] Looking in links')) {
                removed = true;
                venvs.remove(4);
            }
        });
        await assert.rejects(p, /^Error: pip install vast-unit-pkg stopped: the deployment was torn down$/);
        await assert.rejects(
            venvs.ensure(4, ['vast-unit-pkg'], () => undefined),
            /torn down/,
        );
        assert.deepEqual(fs.readdirSync(root), []);
    });

    void test('a chosen interpreter that is a venv keeps its own packages visible in the deployment venv', async () => {
        const parent = path.join(tmpDir('parent-venv-'), 'venv');
        execFileSync(PY, ['-m', 'venv', '--system-site-packages', '--without-pip', parent]);
        const site = execFileSync(path.join(parent, 'bin', 'python'), [
            '-c',
            'import site; print(site.getsitepackages()[0])',
        ])
            .toString()
            .trim();
        fs.writeFileSync(path.join(site, 'only_in_parent.py'), 'WHERE = "parent"\n');
        const venvs = new Venvs({ python: path.join(parent, 'bin', 'python'), root: tmpDir('venvs-') });
        const v = await venvs.ensure(2, ['vast-unit-pkg'], () => undefined);
        assert.equal(v.installed, true);
        const out = execFileSync(v.python, [
            '-c',
            'import only_in_parent, vast_unit_pkg; print(only_in_parent.WHERE, vast_unit_pkg.VALUE)',
        ]);
        assert.equal(out.toString().trim(), 'parent 0.1');
        const again = await venvs.ensure(2, ['vast-unit-pkg'], () => undefined);
        assert.deepEqual([again.installed, again.dir], [false, v.dir]);
    });

    void test('an editable local package (-e ./localpkg) is installed from the unpacked files kept in the venv', async () => {
        const blob = (value: string): string => {
            const f = path.join(tmpDir(), 'x.tar.gz');
            fs.writeFileSync(f, packLocal(value, 'm', ['-e', './localpkg']).tar);
            return f;
        };
        const venvs = new Venvs({ python: PY, root: tmpDir('venvs-') });
        const lines: string[] = [];
        const v = await venvs.ensure(5, ['-e', './localpkg'], (l) => lines.push(l), blob('a'));
        assert.equal(v.installed, true, lines.join('\n'));
        assert.ok(fs.existsSync(path.join(v.dir, 'app', 'localpkg', 'setup.py')));
        const value = (python: string): string =>
            execFileSync(python, ['-c', 'import vast_local_pkg; print(vast_local_pkg.VALUE)'], { cwd: tmpDir() })
                .toString()
                .trim();
        assert.equal(value(v.python), 'a');
        // Same pip list, same package: reused. Another package content: another venv.
        const same = await venvs.ensure(5, ['-e', './localpkg'], () => undefined, blob('a'));
        assert.deepEqual([same.installed, same.dir], [false, v.dir]);
        const other = await venvs.ensure(5, ['-e', './localpkg'], () => undefined, blob('b'));
        assert.notEqual(other.dir, v.dir);
        assert.equal(value(other.python), 'b');
    });

    void test("the pip list comes from the tarball's config.json; a malformed one is an error", async () => {
        const cfg = (pip: unknown) => ({ name: 'my-app', pip_installs: pip, apt_gets: [], envs: [], runs: [] });
        const write = (pip: unknown): string => {
            const f = path.join(tmpDir(), 'x.tar.gz');
            fs.writeFileSync(f, packCase('basic', undefined, cfg(pip)).tar);
            return f;
        };
        assert.deepEqual(await readPipInstalls(write(['torch==2.5.1', '--pre', 'x'])), ['torch==2.5.1', '--pre', 'x']);
        assert.deepEqual(await readPipInstalls(write([])), []);
        await assert.rejects(readPipInstalls(write(['ok', 3])), /pip_installs is not a list of strings/);
    });
});

void describe('emulator venvs: pip arguments naming files of the deployment', () => {
    const entries = new Map([
        ['config.json', 'c'],
        ['deployment.py', 'd'],
        ['pkg/setup.py', 's'],
        ['pkg/mod/__init__.py', 'i'],
        ['wheels/x-1-py3-none-any.whl', 'w'],
        ['requirements.txt', 'r'],
        ['models/big.bin', 'b'],
    ]);
    const cases: [string, string[], string[] | undefined][] = [
        ['index packages only', ['numpy==2.0', '--pre'], undefined],
        ['a folder', ['./pkg'], ['pkg/mod/__init__.py', 'pkg/setup.py']],
        ['a folder with a trailing slash, no ./', ['pkg/'], ['pkg/mod/__init__.py', 'pkg/setup.py']],
        ['editable', ['-e', './pkg'], ['pkg/mod/__init__.py', 'pkg/setup.py']],
        ['name @ file:', ['mod @ file:./pkg'], ['pkg/mod/__init__.py', 'pkg/setup.py']],
        ['--find-links=', ['--find-links=./wheels', 'x'], ['wheels/x-1-py3-none-any.whl']],
        ['a wheel file', ['./wheels/x-1-py3-none-any.whl'], ['wheels/x-1-py3-none-any.whl']],
        [
            'a requirements file: everything shipped but the module and config',
            ['-r', 'requirements.txt'],
            [
                'models/big.bin',
                'pkg/mod/__init__.py',
                'pkg/setup.py',
                'requirements.txt',
                'wheels/x-1-py3-none-any.whl',
            ],
        ],
        ['outside the folder', ['../pkg', '/opt/pkg', 'git+https://x/y'], undefined],
        ['the whole folder', ['.'], [...entries.keys()].sort()],
    ];
    for (const [name, packages, files] of cases) {
        void test(name, () => {
            assert.deepEqual(selectSources(packages, entries)?.files, files);
        });
    }

    void test("the digest follows the selected files' content, not other files", () => {
        const digest = (m: Map<string, string>): string | undefined => selectSources(['./pkg'], m)?.digest;
        const base = digest(entries);
        assert.equal(digest(new Map([...entries, ['deployment.py', 'changed']])), base);
        assert.notEqual(digest(new Map([...entries, ['pkg/setup.py', 'changed']])), base);
    });
});
