/**
 * Every golden vector captured from the SDK (../shared/compat/cases): our spec, hash, search_params, env, PUT body
 * and tarball must match what `python app.py` sent, as compat/README.md defines "match".
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPackage, hashPackage, loadSpecs, putBody } from '../../src/pipeline/packaging';
import { compatCasesDir } from '../helpers/paths';
import { readWithPython } from './pythonTar';
import { copyCase } from './tempCopy';

interface Expected {
    error: string | null;
    put: Record<string, unknown> & { env: string; file_hash: string };
    tar: [string, string, number, number, string, string, number, string][];
}

const urls = { webserverUrl: 'https://console.vast.ai', autoscalerUrl: 'https://run.vast.ai' };
const cases = fs.readdirSync(compatCasesDir).sort();
const temps: string[] = [];
after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** `-p` tokens as a set (they come from a Python set), every other token in order. */
function splitEnv(env: string): { ports: string[]; rest: string[] } {
    const t = env.split(' ');
    const ports: string[] = [];
    const rest: string[] = [];
    for (let i = 0; i < t.length; i += 2) ((t[i] === '-p' ? ports : rest) as string[]).push(`${t[i]} ${t[i + 1]}`);
    return { ports: ports.sort(), rest };
}

void test('there are compat cases', () => assert.ok(cases.length >= 6));

for (const name of cases) {
    void describe(`compat case ${name}`, () => {
        const expected = JSON.parse(
            fs.readFileSync(path.join(compatCasesDir, name, 'expected.json'), 'utf8'),
        ) as Expected;
        const dir = copyCase(path.join(compatCasesDir, name));
        temps.push(dir);
        const file = path.join(dir, 'app.py');

        void test('spec, hash, PUT body and tarball match the SDK', async () => {
            const specs = await loadSpecs(file);
            assert.equal(specs.length, 1);
            const r = (specs[0] as (typeof specs)[0]).result;
            if (expected.error !== null) {
                assert.equal(r.ok, false);
                if (!r.ok) assert.equal(r.errors[0]?.message, expected.error);
                return;
            }
            assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors));
            const spec = r.value;

            assert.equal(await hashPackage(spec), expected.put.file_hash, 'hash-only file_hash');
            const built = await buildPackage(spec);
            temps.push(path.dirname(built.filePath));
            assert.equal(built.fileHash, expected.put.file_hash, 'file_hash while building');
            assert.equal(built.fileSize, fs.statSync(built.filePath).size);

            const body = putBody(spec, built.fileHash, built.fileSize, urls);
            assert.deepEqual(Object.keys(body).sort(), Object.keys(expected.put).sort(), 'PUT fields');
            for (const [k, v] of Object.entries(expected.put)) {
                if (k === 'env' || k === 'file_size') continue;
                assert.deepEqual(body[k], v, `PUT ${k}`);
            }
            assert.equal(body.file_size, built.fileSize);
            assert.deepEqual(splitEnv(body.env as string), splitEnv(expected.put.env), 'env tokens');

            const out = path.join(dir, '.extracted');
            const py = readWithPython(built.filePath, out);
            const ours = new Map(py.entries.map((e) => [e[0], e]));
            assert.deepEqual([...ours.keys()].sort(), expected.tar.map((e) => e[0]).sort(), 'entry names');
            for (const e of expected.tar) {
                const o = ours.get(e[0]);
                assert.ok(o);
                const isDir = o[8] === '5';
                // Directory entries' modes may differ (README); everything else must be equal.
                assert.deepEqual(
                    isDir ? [o[0], o[2], o[3], o[4], o[5]] : o.slice(0, 8),
                    isDir ? [e[0], e[2], e[3], e[4], e[5]] : e,
                    e[0],
                );
            }
            // Python extracts every file to identical bytes (absolute names land under the target, filter='data').
            assert.equal(py.extracted['config.json'], sha(spec.configJson));
            assert.equal(py.extracted['deployment.py'], sha(fs.readFileSync(file)));
            for (const c of spec.copies) {
                const src = path.join(dir, c.src);
                const dst = path.normalize(c.dst.replace(/^\/+/, ''));
                if (fs.statSync(src).isFile()) assert.equal(py.extracted[dst], sha(fs.readFileSync(src)), c.dst);
                else {
                    for (const f of fs.readdirSync(src, { recursive: true }) as string[]) {
                        const p = path.join(src, f);
                        if (fs.statSync(p).isFile()) {
                            assert.equal(py.extracted[path.join(dst, f)], sha(fs.readFileSync(p)), p);
                        }
                    }
                }
            }
        });
    });
}
