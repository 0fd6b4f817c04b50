/** `package --json` over every SDK compat case: the PUT fields must equal what the SDK sent (compat/README.md). */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { compatCasesDir } from '../helpers/paths';
import { runCli } from './helpers';
import { AUTOSCALING_FIELDS } from '../../src/shared/autoscaling';

const EXACT = ['file_hash', 'search_params', 'image', 'storage', 'name', 'tag', 'ttl', 'version_label'];
const DOCKER = ['docker_login_user', 'docker_login_pass', 'docker_login_repo'];

/** `-p` tokens as a sorted set (they come from a Python set), the other tokens in order. */
function envParts(env: string): { ports: string[]; rest: string[] } {
    const t = env.split(' ');
    const ports: string[] = [];
    const rest: string[] = [];
    for (let i = 0; i < t.length; i++) {
        if (t[i] === '-p') ports.push(t[++i]!);
        else rest.push(t[i]!);
    }
    return { ports: ports.sort(), rest };
}

void describe('cli package --json matches the SDK for every compat case', () => {
    const cases = fs.readdirSync(compatCasesDir).sort();
    assert.ok(cases.length >= 6);
    for (const name of cases) {
        void test(name, async () => {
            const expected = JSON.parse(fs.readFileSync(path.join(compatCasesDir, name, 'expected.json'), 'utf8'));
            const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vd-pkg-')), 'pkg.tar.gz');
            const r = await runCli(['package', 'app.py', '--json', '--out', out], {
                cwd: path.join(compatCasesDir, name),
            });
            if (expected.error) {
                assert.notEqual(r.code, 0);
                assert.match(r.stderr, new RegExp(expected.error.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
                return;
            }
            assert.equal(r.code, 0, r.stderr);
            const got = JSON.parse(r.stdout);
            const put = expected.put;
            for (const k of [...EXACT, ...AUTOSCALING_FIELDS, ...DOCKER]) {
                if (put[k] === undefined) assert.equal(got[k], undefined, `${k} should be absent`);
                else assert.equal(got[k], put[k], k);
            }
            assert.deepEqual(envParts(got.env), envParts(put.env));
            assert.equal(got.file_size, fs.statSync(out).size, 'file_size is the size of the archive built');
            assert.deepEqual(Object.keys(got).sort(), Object.keys(put).sort(), 'same set of PUT fields');
        });
    }
});
