// `npm test`: build, lint, the node test suites, then the in-VS Code suite, stopping at the first red step.
// Output streams through unchanged; the pass/fail counts of node's runner (`# pass N`) and of mocha (`N passing`)
// are added up so the run ends with one plain `N passed, N failed` line for people and CI alike.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const steps = [
    ['build', ['run', 'build']],
    ['lint', ['run', 'lint']],
    ['unit', ['run', 'test:unit']],
    ['vscode', ['run', 'test:vscode']],
];
const counts = { passed: 0, failed: 0 };
const patterns = [
    [/^# pass (\d+)$/, 'passed'],
    [/^# fail (\d+)$/, 'failed'],
    [/^\s+(\d+) passing\b/, 'passed'],
    [/^\s+(\d+) failing\b/, 'failed'],
];

function run(name, args) {
    return new Promise((resolve) => {
        const child = spawn('npm', args, { stdio: ['ignore', 'pipe', 'inherit'] });
        createInterface({ input: child.stdout }).on('line', (line) => {
            process.stdout.write(`${line}\n`);
            for (const [re, key] of patterns) {
                const m = re.exec(line);
                if (m) counts[key] += Number(m[1]);
            }
        });
        child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
        child.on('error', (e) => {
            console.error(`${name}: ${e.message}`);
            resolve(1);
        });
    });
}

let status = 0;
for (const [name, args] of steps) {
    status = await run(name, args);
    if (status !== 0) {
        console.error(`npm test: step "${name}" failed (exit ${status})`);
        break;
    }
}
// A red step whose runner printed no failure count still must not read as all green.
if (status !== 0 && counts.failed === 0) counts.failed = 1;
console.log(`${counts.passed} passed, ${counts.failed} failed`);
process.exit(status);
