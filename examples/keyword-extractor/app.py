"""Keyword extraction with RAKE-style phrase scoring (stdlib only).

Shows a single copied file (the stop-word list), environment variables set on the image and a tagged deployment:
change `tag` to get a separate endpoint (a "staging" beside "prod"), as the update tiers describe.
"""

import os
import re
from collections import defaultdict

from vastai import Deployment
from vastai.data.query import cpu_cores, cpu_ram, dph_total

HERE = os.path.dirname(os.path.abspath(__file__))
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
SPLIT = re.compile(r"[.,;:!?()\[\]\"\n]+")

app = Deployment(name="keyword-extractor", tag="staging", ttl=7200)


def load_stopwords() -> frozenset:
    with open(os.path.join(HERE, "stopwords.txt"), encoding="utf-8") as f:
        return frozenset(w.strip().lower() for w in f if w.strip())


STOPWORDS = load_stopwords()
MAX_PHRASE = int(os.environ.get("MAX_PHRASE_WORDS", "3"))


def candidate_phrases(text: str) -> list:
    phrases = []
    for chunk in SPLIT.split(text):
        current = []
        for word in WORD.findall(chunk.lower()):
            if word in STOPWORDS:
                if current:
                    phrases.append(current)
                current = []
            else:
                current.append(word)
        if current:
            phrases.append(current)
    # Long runs of content words are split into phrases of at most MAX_PHRASE words.
    return [p[i : i + MAX_PHRASE] for p in phrases for i in range(0, len(p), MAX_PHRASE)]


@app.remote(benchmark_dataset=[{"text": "Serverless GPU endpoints scale workers with load; cold workers keep models warm.", "top_n": 5}])
async def keywords(text: str, top_n: int = 10) -> list:
    """The top phrases of a text with their RAKE scores (word degree / frequency, summed over the phrase)."""
    phrases = candidate_phrases(text)
    freq, degree = defaultdict(int), defaultdict(int)
    for phrase in phrases:
        for word in phrase:
            freq[word] += 1
            degree[word] += len(phrase)
    scored = {" ".join(p): sum(degree[w] / freq[w] for w in p) for p in phrases}
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:top_n]
    return [{"phrase": phrase, "score": round(score, 3)} for phrase, score in ranked]


image = app.image("vastai/base-image:@vastai-automatic-tag", storage=8)
image.copy("stopwords.txt", "./stopwords.txt")
image.env(MAX_PHRASE_WORDS="3", LOG_LEVEL="info")
image.require(cpu_cores >= 4, cpu_ram >= 8000, dph_total < 0.5)
app.configure_autoscaling(max_workers=2, inactivity_timeout=600)  #!VAST_IGNORE_CHANGES
app.ensure_ready()
