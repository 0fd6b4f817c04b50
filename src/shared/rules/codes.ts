/** Every diagnostic code the rules emit, with its default severity and a one-line description. */
import type { Severity } from './types';

/** The `source` of every diagnostic. */
export const DIAGNOSTIC_SOURCE = 'vast';

/** A diagnostic code's metadata. */
export interface CodeInfo {
    severity: Severity;
    /** One line: what the code means (hover docs, settings descriptions, the README table). */
    doc: string;
}

/** All codes, keyed by code. */
export const CODES = {
    'invalid-source': {
        severity: 'error',
        doc: 'The file has a NUL byte, or is not UTF-8 and declares no other encoding: Python refuses to import it.',
    },
    'missing-benchmark': {
        severity: 'error',
        doc: 'No @remote function has benchmark_dataset or benchmark_generator; the worker dies at startup.',
    },
    'multiple-benchmarks': {
        severity: 'error',
        doc: 'More than one @remote function has a benchmark; the worker refuses to start.',
    },
    'no-remote-functions': {
        severity: 'error',
        doc: 'The deployment registers no @remote function, so ensure_ready() refuses it.',
    },
    'missing-image': { severity: 'error', doc: 'app.image(...) is never called (before ensure_ready).' },
    'missing-autoscaling': {
        severity: 'error',
        doc: 'app.configure_autoscaling(...) is never called (before ensure_ready); the SDK refuses to deploy.',
    },
    'remote-not-async': { severity: 'error', doc: 'A @remote function is not `async def`; the worker awaits it.' },
    'context-not-async-context-manager': {
        severity: 'error',
        doc: 'An @app.context() target is not a class with __aenter__ and __aexit__.',
    },
    'unknown-argument': {
        severity: 'error',
        doc: 'A keyword argument (or method) the SDK call does not accept.',
    },
    'invalid-argument-type': {
        severity: 'error',
        doc: 'An argument of the wrong type (e.g. storage="16"), or a required argument is missing.',
    },
    'benchmark-args-mismatch': {
        severity: 'error',
        doc: 'A benchmark key is not a parameter of the function, or a required parameter is not given.',
    },
    'empty-benchmark-dataset': { severity: 'error', doc: 'benchmark_dataset is an empty list.' },
    'remote-in-multiple-files': {
        severity: 'error',
        doc: '@remote functions of one Deployment are defined in several .py files; the SDK packages only one file.',
    },
    'ensure-ready-before-remote': {
        severity: 'error',
        doc: 'ensure_ready() runs before any @remote function is defined.',
    },
    'require-redefines-default': {
        severity: 'error',
        doc: 'require(...) sets an operator already set (verified/rentable/rented == are SDK defaults); the SDK raises.',
    },
    'copy-source-missing': { severity: 'error', doc: 'image.copy(src, ...) names a path that does not exist.' },
    'unsafe-copy-destination': {
        severity: 'error',
        doc: 'image.copy(..., dst) has `..` segments and would write outside the worker directory.',
    },
    'undefined-name': {
        severity: 'error',
        doc: 'A name in require(...) that the file never imports or assigns (e.g. RTX_4090): Python raises NameError.',
    },
    'env-unset-on-worker': {
        severity: 'warning',
        doc:
            'os.environ["X"] runs when a worker imports the file, and the image does not set X with .env(...): ' +
            'KeyError on every worker, though python3 app.py works where X is set.',
    },
    'unregistered-context': {
        severity: 'warning',
        doc: 'get_context(X) names a class that is not registered with @app.context().',
    },
    'cannot-follow': {
        severity: 'warning',
        doc: 'A call in a loop, try, or under a condition the editor cannot evaluate: Deploy refuses the file.',
    },
    'ignored-keyword': {
        severity: 'warning',
        doc: "A keyword Deployment(...) does not know: the SDK's **kwargs swallows it silently (a typo is lost).",
    },
    'unknown-gpu-name': { severity: 'warning', doc: 'A gpu_name value the SDK vocabulary does not know.' },
    'suspicious-units': {
        severity: 'warning',
        doc: 'gpu_ram / cpu_ram / gpu_total_ram below 1000: these are megabytes, not gigabytes.',
    },
    'fractional-storage': {
        severity: 'warning',
        doc:
            'app.image(storage=16.5): the SDK sends the fraction of a GB as is; whether Vast allocates or rounds it ' +
            'is not known (inferred).',
    },
    'unserializable-argument': {
        severity: 'warning',
        doc: 'A benchmark value the SDK serializer cannot send (bool, set...).',
    },
    'unnamed-deployment': {
        severity: 'warning',
        doc: 'Deployment has no name=; the SDK names it after the module (`__main__` as a script), so they collide.',
    },
    'duplicate-deployment': {
        severity: 'warning',
        doc: 'The same deployment name and tag appear more than once in the workspace.',
    },
    'secret-in-package': {
        severity: 'warning',
        doc: 'A copied path is or holds a secret (.env, private keys, *.pem, credentials files).',
    },
    'dynamic-value': {
        severity: 'information',
        doc: "A value the editor's Deploy needs cannot be read statically; write a literal there.",
    },
    'benchmark-dataset-last-item-only': {
        severity: 'information',
        doc: 'benchmark_dataset has several items but the current SDK only uses the last one.',
    },
} as const satisfies Record<string, CodeInfo>;

/** A diagnostic code. */
export type Code = keyof typeof CODES;

/** Every code, in table order. */
export const ALL_CODES = Object.keys(CODES) as Code[];

/** True when `code` is one of ours (for settings validation and `# vast: ignore[...]`). */
export function isCode(code: string): code is Code {
    return Object.prototype.hasOwnProperty.call(CODES, code);
}
