// The SDK's golden compat cases, analysed into the facts the deploy pipeline and the rules rely on.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { compatCasesDir } from '../../helpers/paths';
import { analyzePython, initPython } from '../../../src/shared/python/analyze';
import type { PyValue } from '../../../src/shared/model';
import { summarize, type DeploymentSummary } from './summary';

type Expected = Partial<DeploymentSummary>;

const cases: Record<string, Expected> = {
    basic: {
        variable: 'app',
        name: "'my-app'",
        remotes: ['async square(x:positional)'],
        benchmarks: ["square:dataset=[{'x': 2}]"],
        image: "image('vastai/base-image:@vastai-automatic-tag', storage=16)",
        imageVariable: 'image',
        imageCalls: ["require(gpu_name in ['RTX 4090', 'RTX 5090'])"],
        autoscaling: ['configure_autoscaling(min_load=1000)'],
        ensureReady: 1,
    },
    copies: {
        name: "'copy-demo'",
        tag: "'v2'",
        remotes: ['async echo(text:positional:str)'],
        benchmarks: ["echo:generator=lambda : {'text': 'hello'}"],
        imageCalls: [
            "copy('prompts.py', './prompts.py')",
            "copy('assets', './assets')",
            "copy('assets/model.bin', '/opt/model.bin')",
        ],
        autoscaling: ['configure_autoscaling()'],
    },
    'full-image': {
        call: "Deployment(name='llm-server', tag='prod', version_label='1.4.2', ttl=3600)",
        remotes: ['async generate(prompt:positional:str, max_tokens:positional=:int)', 'async health()'],
        benchmarks: ["generate:dataset=[{'prompt': 'Hello', 'max_tokens': 16}]"],
        contexts: ['class Model() [__aenter__, __aexit__]'],
        contextUses: ['Model'],
        image: "image('vllm/vllm-openai:v0.9.0', storage=80)",
        imageCalls: [
            "pip_install('transformers==4.52.0', 'accelerate')",
            "apt_get('git', 'curl')",
            "env(HF_HOME='/workspace/hf', GREETING='héllo wörld')",
            "run_script('echo setup && nvidia-smi')",
            "run_cmd('python', '-c', 'print('warm')')",
            'publish_port(8000)',
            "venv('/venv/main')",
            "require(gpu_name eq 'H100 SXM', num_gpus gte 2, cpu_cores gte 16, dph_total lt 4.5)",
        ],
        autoscaling: [
            'configure_autoscaling(cold_workers=1, max_workers=8, min_load=100, min_cold_load=50, target_util=0.8, ' +
                'cold_mult=2, max_queue_time=30.0, target_queue_time=10.0, inactivity_timeout=600)',
        ],
    },
    'ignore-changes': {
        name: "'ignore-demo'",
        benchmarks: ["double:dataset=[{'n': 1}, {'n': 2}]"],
        remotes: ['async double(n:positional:int)'],
        imageCalls: [],
        autoscaling: ['configure_autoscaling(min_load=10, max_workers=4)'],
    },
    'query-ops': {
        imageCalls: [
            "require(gpu_name notin ['RTX 3090'], gpu_name neq 'RTX A6000', gpu_ram gte 48000, gpu_ram lt 80500, " +
                "cpu_ram gt 64000, duration gte 259200, reliability gt 0.98, inet_down gte 500.5, geolocation in ['US', 'CA'], " +
                'compute_cap gte 800)',
        ],
        autoscaling: ['configure_autoscaling(target_util=0.95)'],
    },
    'system-python': {
        call: "Deployment(name='sys-py')",
        image:
            "image('myorg/private-image:1.0', storage=24, docker_login_user='bot', docker_login_pass='pw', " +
            "docker_login_repo='docker.io')",
        imageVariable: 'img',
        imageCalls: ['use_system_python()', 'require(num_gpus eq 1)'],
        autoscaling: ['configure_autoscaling(cold_workers=0, inactivity_timeout=-1)'],
    },
};

function analyzeCase(name: string) {
    return analyzePython(fs.readFileSync(path.join(compatCasesDir, name, 'app.py'), 'utf8'));
}

void describe('compat cases', () => {
    before(() => initPython());

    void test('every compat case has an expectation', () => {
        const dirs = fs
            .readdirSync(compatCasesDir)
            .filter((d) => fs.existsSync(path.join(compatCasesDir, d, 'app.py')));
        assert.deepEqual(dirs.sort(), Object.keys(cases).sort());
    });

    for (const [name, expected] of Object.entries(cases)) {
        void test(name, () => {
            const result = analyzeCase(name);
            assert.equal(result.deployments.length, 1);
            assert.equal(result.syntaxErrors.length, 0);
            assert.equal(result.mentionsVastai, true);
            const summary = summarize(result.deployments[0]!);
            const picked = Object.fromEntries(
                Object.keys(expected).map((k) => [k, summary[k as keyof DeploymentSummary]]),
            );
            assert.deepEqual(picked, expected);
        });
    }

    void test('query-ops: int and float kinds, server columns and term ranges', () => {
        const image = analyzeCase('query-ops').deployments[0]!.image!;
        const require = image.calls.find((c) => c.method === 'require')!;
        const terms = require.args.map((a) => {
            assert.equal(a.value.kind, 'query');
            const v = a.value as Extract<PyValue, { kind: 'query' }>;
            assert.equal(v.terms.length, 1);
            return v.terms[0]!;
        });
        const kinds = terms.map((t) => `${t.serverColumn}:${t.value.kind}`);
        assert.deepEqual(kinds, [
            'gpu_name:list',
            'gpu_name:str',
            'gpu_ram:int',
            'gpu_ram:int',
            'cpu_ram:int',
            'duration:int',
            'reliability:float',
            'inet_down:float',
            'geolocation:list',
            'compute_cap:int',
        ]);
        // `duration >= 86400 * 3` on line 21 (0-based), the term covers the whole comparison.
        const duration = terms[5]!;
        assert.deepEqual(duration.range, { start: { line: 21, character: 4 }, end: { line: 21, character: 25 } });
        assert.deepEqual(duration.value.range, {
            start: { line: 21, character: 16 },
            end: { line: 21, character: 25 },
        });
    });

    void test('full-image: UTF-16 ranges after non-ASCII characters', () => {
        const text = fs.readFileSync(path.join(compatCasesDir, 'full-image', 'app.py'), 'utf8');
        const env = analyzeCase('full-image').deployments[0]!.image!.calls.find((c) => c.method === 'env')!;
        const greeting = env.args[1]!;
        const line = text.split('\n')[greeting.range.start.line]!;
        assert.equal(
            line.slice(greeting.range.start.character, greeting.range.end.character),
            'GREETING="héllo wörld"',
        );
        // The closing parenthesis comes right after the value: columns count UTF-16 units, not UTF-8 bytes.
        assert.equal(env.argsRange.end.character, line.indexOf(')', line.indexOf('wörld')) + 1);
    });
});
