/**
 * "Vast.ai: New Deployment…": starting points from a stdlib service to a Hugging Face pipeline. Each is a complete
 * deployment the language server finds no problem in (test/unit/extension/templates.test.ts), with a benchmark
 * dataset built from its benchmark function's parameters. vscode-free.
 */
import { sampleRow } from '../shared/sampleValues';

export interface Template {
    id: string;
    label: string;
    detail: string;
    /** The file name suggested in the new folder. */
    fileName: string;
    render(name: string): string;
}

/** The imports a template uses, no more: a new file should pass a linter's unused-import check as it is. */
function imports(query: string[]): string {
    return `from vastai import Deployment\nfrom vastai.data.query import ${query.join(', ')}\n`;
}
const GPU_QUERY = ['gpu_name', 'RTX_4090', 'RTX_5090'];

function benchmark(params: [string, string][]): string {
    return `@app.remote(benchmark_dataset=[${sampleRow(params)}])`;
}

const minimal: Template = {
    id: 'minimal',
    label: 'Minimal service (standard library only)',
    detail: 'One async function that echoes its input. Runs on the local emulator as is.',
    fileName: 'app.py',
    render: (name) => `"""${name}: the smallest deployment. Deploy it locally, benchmark it, then grow it."""

${imports(GPU_QUERY)}
app = Deployment(name="${name}")


${benchmark([['text', 'str']])}
async def echo(text: str) -> dict:
    """Returns the text and its length."""
    return {"text": text, "length": len(text)}


image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)
image.require(gpu_name.in_([RTX_4090, RTX_5090]))
app.configure_autoscaling(min_load=100, max_workers=2)

app.ensure_ready()
`,
};

const batch: Template = {
    id: 'batch',
    label: 'Batch text processing (standard library only)',
    detail: 'Top keywords of a batch of texts, with a second function. Runs on the local emulator as is.',
    fileName: 'app.py',
    render: (name) => `"""${name}: keywords of a batch of texts (standard library only)."""

import collections
import re

${imports(GPU_QUERY)}
WORD = re.compile(r"[a-z']+")

app = Deployment(name="${name}")


${benchmark([
    ['texts', 'list[str]'],
    ['top', 'int'],
])}
async def keywords(texts: list[str], top: int) -> list[list[str]]:
    """The \`top\` most frequent words of each text."""
    return [[w for w, _ in collections.Counter(WORD.findall(t.lower())).most_common(top)] for t in texts]


@app.remote()
async def count_words(text: str) -> int:
    """How many words a text has."""
    return len(WORD.findall(text.lower()))


image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)
image.require(gpu_name.in_([RTX_4090, RTX_5090]))
app.configure_autoscaling(min_load=100, max_workers=4)

app.ensure_ready()
`,
};

const huggingFace: Template = {
    id: 'huggingface',
    label: 'Hugging Face pipeline (transformers, GPU)',
    detail: 'Sentiment analysis with a transformers pipeline on a 12 GB+ GPU. Needs the packages on the worker.',
    fileName: 'app.py',
    render: (name) => `"""${name}: a Hugging Face transformers pipeline served on a Vast.ai GPU.

The model loads once per worker, on the first call. On the local emulator the worker needs \`transformers\` and
\`torch\` installed in its Python (setting vastDeployments.pythonPath).
"""

${imports(['gpu_name', 'gpu_ram', 'RTX_4090', 'RTX_5090'])}
MODEL = "distilbert-base-uncased-finetuned-sst-2-english"

app = Deployment(name="${name}")
_pipeline = None


def classifier():
    global _pipeline
    if _pipeline is None:
        from transformers import pipeline

        _pipeline = pipeline("sentiment-analysis", model=MODEL, device_map="auto")
    return _pipeline


${benchmark([['texts', 'list[str]']])}
async def classify(texts: list[str]) -> list[dict]:
    """A label and a score per text."""
    return classifier()(texts)


image = app.image("vastai/base-image:@vastai-automatic-tag", storage=32)
image.pip_install("transformers", "torch")
image.require(gpu_name.in_([RTX_4090, RTX_5090]), gpu_ram >= 12000)
app.configure_autoscaling(min_load=100, max_workers=2)

app.ensure_ready()
`,
};

export const TEMPLATES: readonly Template[] = [minimal, batch, huggingFace];

/** A deployment name from what the user typed: lower case, dashes, 1–63 characters. */
export function deploymentName(input: string): string {
    const n = input
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 63);
    return n || 'my-app';
}
