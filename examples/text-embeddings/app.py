"""A text-embedding service: hashed bag-of-words vectors, L2-normalised.

Stdlib only, so the same file runs on a GPU worker and on the local emulator's Python workers. Swap `embed_text`
for a real model (e.g. sentence-transformers) once the deployment works end to end.
"""

import hashlib
import math
import re

from vastai import Deployment
from vastai.data.query import gpu_name, gpu_ram, RTX_4090, RTX_5090

DIMENSIONS = 256
TOKEN = re.compile(r"[a-z0-9']+")

app = Deployment(name="text-embeddings")


def embed_text(text: str) -> list[float]:
    vector = [0.0] * DIMENSIONS
    for token in TOKEN.findall(text.lower()):
        digest = hashlib.sha256(token.encode("utf-8")).digest()
        index = int.from_bytes(digest[:4], "little") % DIMENSIONS
        vector[index] += 1.0 if digest[4] % 2 == 0 else -1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [round(v / norm, 6) for v in vector]


@app.remote(
    benchmark_dataset=[
        {
            "texts": [
                "The quick brown fox jumps over the lazy dog.",
                "Serverless GPUs scale with the load.",
                "Embeddings map text to vectors.",
            ]
        }
    ]
)
async def embed(texts: list[str]) -> dict:
    """Embeds a batch of texts; returns one vector per text."""
    return {"dimensions": DIMENSIONS, "vectors": [embed_text(t) for t in texts]}


@app.remote()
async def similarity(a: str, b: str) -> float:
    """Cosine similarity of two texts' embeddings."""
    va, vb = embed_text(a), embed_text(b)
    return round(sum(x * y for x, y in zip(va, vb)), 6)


image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)
image.require(gpu_name.in_([RTX_4090, RTX_5090]), gpu_ram >= 24000)
app.configure_autoscaling(min_load=100, max_workers=4)  #!VAST_IGNORE_CHANGES

app.ensure_ready()
