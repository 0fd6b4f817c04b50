"""A scene classifier: nearest-centroid over colour features, with the model loaded once per worker.

The model lives in ./assets (copied into the deployment with `image.copy`) and is loaded by a context class when
the worker starts, not per request. Stdlib only, so it runs on the local emulator's Python workers as well; a real
service would load a CNN in `SceneModel.__aenter__` the same way.
"""

import colorsys
import json
import math
import os
import random

from vastai import Deployment
from vastai.data.query import gpu_ram, num_gpus, reliability

ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assets")

app = Deployment(name="scene-classifier", tag="v1", version_label="0.3.0")


@app.context()
class SceneModel:
    async def __aenter__(self):
        with open(os.path.join(ASSETS, "model.json"), encoding="utf-8") as f:
            model = json.load(f)
        with open(os.path.join(ASSETS, "labels.txt"), encoding="utf-8") as f:
            self.descriptions = dict(line.rstrip("\n").split("\t", 1) for line in f if line.strip())
        self.version = model["version"]
        self.centroids = model["centroids"]
        return self

    async def __aexit__(self, *exc):
        self.centroids = {}
        return None

    def features(self, pixels):
        n = len(pixels)
        mean = [sum(p[i] for p in pixels) / (255.0 * n) for i in range(3)]
        hsv = [colorsys.rgb_to_hsv(*(c / 255.0 for c in p)) for p in pixels]
        brightness = sum(v for _, _, v in hsv) / n
        saturation = sum(s for _, s, _ in hsv) / n
        return mean + [brightness, saturation]

    def classify(self, pixels, top_k):
        x = self.features(pixels)
        distances = {label: math.dist(x, c) for label, c in self.centroids.items()}
        # Softmax over negative distances: a confidence score per label.
        weights = {label: math.exp(-8.0 * d) for label, d in distances.items()}
        total = sum(weights.values())
        ranked = sorted(weights.items(), key=lambda kv: kv[1], reverse=True)[:top_k]
        return [
            {"label": label, "score": round(w / total, 4), "description": self.descriptions.get(label, "")}
            for label, w in ranked
        ]


def random_image(size=24):
    """A noisy single-colour test image (for trying `classify` by hand)."""
    base = [random.randint(0, 255) for _ in range(3)]
    return [[max(0, min(255, c + random.randint(-30, 30))) for c in base] for _ in range(size * size)]


@app.remote(
    benchmark_generator=lambda: {
        "pixels": [[110, 165, 230], [120, 170, 235], [100, 160, 225], [115, 168, 232], [105, 162, 228]],
        "top_k": 3,
    },
    benchmark_runs=20,
)
async def classify(pixels: list, top_k: int = 3) -> dict:
    """Classifies an image given as a list of [r, g, b] pixels (0-255)."""
    if not pixels:
        raise ValueError("pixels must not be empty")
    model = app.get_context(SceneModel)
    return {"model_version": model.version, "predictions": model.classify(pixels, top_k)}


@app.remote()
async def labels() -> dict:
    """The labels the model knows, with descriptions."""
    return app.get_context(SceneModel).descriptions


image = app.image("vastai/base-image:@vastai-automatic-tag", storage=24)
image.copy("assets", "./assets")
image.require(num_gpus == 1, gpu_ram >= 12000, reliability > 0.98)
app.configure_autoscaling(cold_workers=1, max_workers=3, target_util=0.8)  #!VAST_IGNORE_CHANGES
app.ensure_ready()
