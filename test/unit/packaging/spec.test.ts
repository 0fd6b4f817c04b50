/** specFromModel on real source (through the analysis): values, the SDK's refusals in order, dynamic values. */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { specFromModel, SDK_ERRORS, type DeploymentSpec, type SpecError } from '../../../src/shared/packaging';
import { analyzePython, initPython } from '../../../src/shared/python/analyze';

before(() => initPython());

function spec(
    src: string,
    env?: Record<string, string>,
): { ok: true; value: DeploymentSpec } | { ok: false; errors: SpecError[] } {
    const d = analyzePython(src, env ? { env } : undefined).deployments[0];
    assert.ok(d, 'a deployment');
    return specFromModel(d, '/w/app.py');
}

const HEAD = 'from vastai import Deployment\n';
const REMOTE = '@app.remote()\nasync def f(x):\n    return x\n';

void describe('evaluation', () => {
    void test('unnamed deployment run as a script is __main__; config.json keeps ""', () => {
        const r = spec(
            `${HEAD}app = Deployment()\n${REMOTE}app.image("img:1", storage=10)\napp.configure_autoscaling()\n`,
        );
        assert.ok(r.ok);
        assert.equal(r.value.name, '__main__');
        assert.equal(r.value.configName, '');
        assert.equal(r.value.tag, 'default');
        assert.equal(r.value.storage, 10);
        assert.equal(r.value.configJson, '{"name": "", "pip_installs": [], "apt_gets": [], "envs": [], "runs": []}');
    });
    void test('image calls: env keeps first position on re-set, run_cmd is a list, ports dedupe, autoscaling merges', () => {
        const r = spec(
            `${HEAD}app = Deployment(name="n", ttl=60, version_label="v1")\n${REMOTE}` +
                'img = app.image("img:1", storage=20, docker_login_user="u")\n' +
                'img.env(A="1", B="ü").env(A="2")\nimg.pip_install("torch", "numpy==2.0")\nimg.apt_get("git")\n' +
                'img.run_script("echo hi")\nimg.run_cmd("python", "-c", "print(1)")\nimg.publish_port(8000)\nimg.publish_port(8000)\n' +
                'img.publish_port(3000, "tcp")\nimg.publish_port(9000, "udp")\nimg.venv("/v")\n' +
                'app.configure_autoscaling(max_workers=4, min_load=1.5)\napp.configure_autoscaling(max_workers=8, autoscaler_instance="alpha")\n',
        );
        assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
        const s = r.value;
        assert.deepEqual(s.envs, [
            ['A', '2'],
            ['B', 'ü'],
        ]);
        assert.deepEqual(s.runs, ['echo hi', ['python', '-c', 'print(1)']]);
        assert.deepEqual(s.ports, [
            { port: '3000', type: 'tcp' },
            { port: '8000', type: 'tcp' },
            { port: '9000', type: 'udp' },
        ]);
        assert.deepEqual(s.autoscaling, { max_workers: 8, min_load: 1.5, autoscaler_instance: 'alpha' });
        assert.deepEqual(s.dockerLogin, { docker_login_user: 'u' });
        assert.equal(s.ttl, 60);
        assert.equal(s.versionLabel, 'v1');
        assert.equal(s.venv, '/v');
        assert.equal(
            s.configJson,
            '{"name": "n", "pip_installs": ["torch", "numpy==2.0"], "apt_gets": ["git"], "envs": [["A", "2"], ["B", "\\u00fc"]], ' +
                '"runs": ["echo hi", ["python", "-c", "print(1)"]]}',
        );
    });
});

void describe('refusals', () => {
    void test("the SDK's ensure_ready errors come first, in the SDK's order, with its texts", () => {
        const r = spec(`${HEAD}app = Deployment(name="x")\n`);
        assert.ok(!r.ok);
        assert.deepEqual(
            r.errors.map((e) => e.message),
            [SDK_ERRORS.notBound, SDK_ERRORS.noImage, SDK_ERRORS.noAutoscaling],
        );
        assert.ok(r.errors.every((e) => e.sdk));
        assert.equal(SDK_ERRORS.noImage, 'Trying to deploy a deployment without an image configured.');
    });
    void test('a dynamic value is refused with the range of the expression', () => {
        const src = `${HEAD}import os\napp = Deployment(name="x")\n${REMOTE}img = app.image(os.environ["IMG"], storage=10)\napp.configure_autoscaling()\n`;
        const r = spec(src);
        assert.ok(!r.ok);
        const e = r.errors[0] as SpecError;
        assert.equal(e.sdk, false);
        assert.match(e.message, /cannot evaluate `os\.environ\["IMG"\]`/);
        assert.equal(e.range.start.line, 6);
        assert.equal(src.split('\n')[6]?.slice(e.range.start.character, e.range.end.character), 'os.environ["IMG"]');
    });
    void test('os.environ["X"] with X unset where the environment is known says so (Python raises KeyError)', () => {
        const src = `${HEAD}import os\napp = Deployment(name="x")\n${REMOTE}img = app.image(os.environ["IMG"], storage=10)\napp.configure_autoscaling()\n`;
        const r = spec(src, { OTHER: '1' });
        assert.ok(!r.ok);
        assert.equal(
            r.errors[0]?.message,
            'image reference: `os.environ["IMG"]` raises KeyError: IMG is not set in this environment',
        );
        assert.ok(spec(src, { IMG: 'img:1' }).ok);
    });
    void test('redefining a default query column is the SDK ValueError', () => {
        const r = spec(
            `${HEAD}from vastai.data.query import verified\napp = Deployment(name="x")\n${REMOTE}img = app.image("i", storage=1)\nimg.require(verified == False)\napp.configure_autoscaling()\n`,
        );
        assert.ok(!r.ok);
        assert.deepEqual(
            r.errors.map((e) => e.message),
            ["Cannot redefine op(s) {'eq'} for column 'verified'"],
        );
    });
    void test('numbers the PUT carries: sent when our JSON writes the digits json.dumps writes, else refused with why', () => {
        const at = (args: string, scaling = '') =>
            spec(
                `${HEAD}app = Deployment(name="x"${args})\n${REMOTE}app.image("i", ${scaling || 'storage=1'})\n` +
                    'app.configure_autoscaling()\n',
            );
        // [Deployment arguments, image arguments, storage/ttl sent or the refusal's text]
        const table: [string, string, number | RegExp][] = [
            ['', 'storage=16.0', 16],
            ['', 'storage=16.5', 16.5],
            ['', 'storage=1e16', 1e16],
            ['', 'storage=2**53', 2 ** 53],
            ['', 'storage=10**23', /storage is 100000000000000000000000: the SDK would send every digit.*1e\+23/],
            ['', 'storage=2**60', /storage is 1152921504606846976: .*would send 1152921504606847000 instead/],
            [', ttl=2**52', 'storage=1', 2 ** 52],
            // configure_autoscaling merges with dict.update: only the last value of a keyword is sent.
            ['', 'storage=1)\napp.configure_autoscaling(min_load=10**23)\napp.configure_autoscaling(min_load=5', 1],
            [
                '',
                'storage=1)\napp.configure_autoscaling(min_load=5)\napp.configure_autoscaling(min_load=10**23',
                /min_load is 1/,
            ],
            [', ttl=2**64', 'storage=1', /ttl is 18446744073709551616: .*would send 18446744073709552000 instead/],
        ];
        for (const [dep, img, want] of table) {
            const r = at(dep, img);
            if (typeof want === 'number') {
                assert.ok(r.ok, `${dep} ${img}: ${JSON.stringify(!r.ok && r.errors)}`);
                assert.equal(dep.includes('ttl') ? r.value.ttl : r.value.storage, want, `${dep} ${img}`);
            } else {
                assert.ok(!r.ok, `${dep} ${img} is refused`);
                assert.match(r.errors.map((e) => e.message).join('\n'), want, `${dep} ${img}`);
            }
        }
    });
    void test('a \\N{...} escape is refused with its reason, not "use a literal" (it is one)', () => {
        const table: [string, RegExp | undefined][] = [
            [
                '"\\N{BULLET}x"',
                /image reference: cannot evaluate `"\\N\{BULLET\}x"` in the editor: its \\N\{\.\.\.\} escape needs Unicode's character-name table/,
            ],
            ['\'a\' "\\N{BULLET}"', /its \\N\{\.\.\.\} escape/],
            ['"\\\\N{BULLET}"', undefined], // an escaped backslash, then plain text
            ['r"\\N{BULLET}"', undefined],
            ['f"{NAME:03d}"', /use a literal value/],
        ];
        for (const [ref, want] of table) {
            const r = spec(
                `${HEAD}NAME = 1\napp = Deployment(name="x")\n${REMOTE}app.image(${ref}, storage=1)\napp.configure_autoscaling()\n`,
            );
            if (want === undefined) assert.ok(r.ok, ref);
            else assert.match(r.ok ? '' : (r.errors[0]?.message ?? ''), want, ref);
        }
    });
    void test('unknown autoscaling keyword is the DeploymentConfig TypeError', () => {
        const r = spec(
            `${HEAD}app = Deployment(name="x")\n${REMOTE}app.image("i", storage=1)\napp.configure_autoscaling(max_worker=3)\n`,
        );
        assert.ok(!r.ok);
        assert.equal(
            r.errors[0]?.message,
            "DeploymentConfig.__init__() got an unexpected keyword argument 'max_worker'",
        );
    });
});
