"""Test helper: packs a folder with the official SDK's own `create_deployment_tarball` and `compute_deployment_hash`.

argv: <deployment .py> <out .tar.gz> <copies json: [[src, dst], ...]>; prints {"file_hash", "file_size"}.
Run with Debian's python3 and PYTHONPATH=../shared/oracle.
"""
import json, os, sys

from vastai.serverless.remote.base import Config
from vastai.serverless.remote.utils import compute_deployment_hash, create_deployment_tarball

module, out, copies = sys.argv[1], sys.argv[2], [tuple(c) for c in json.loads(sys.argv[3])]
config = Config(name="sdk-pack", pip_installs=[], apt_gets=[], envs=[], runs=[])
create_deployment_tarball(out, config, module, copies)
print(json.dumps({"file_hash": compute_deployment_hash(config, module, copies), "file_size": os.path.getsize(out)}))
