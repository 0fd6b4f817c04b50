"""Test helper: packs a compat case like the SDK's `create_deployment_tarball` + `compute_deployment_hash`.

argv: <case dir> <out .tar.gz> <config json> <copies json: [[src, dst], ...]>; prints {"file_hash", "file_size"}.
"""
import hashlib, io, json, os, re, sys, tarfile

case, out, config_json, copies = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
config = json.dumps(json.loads(config_json))

CLOSE = {b'"""': re.compile(rb'(?:[^\\]|\\.)*?"""'), b"'''": re.compile(rb"(?:[^\\]|\\.)*?'''")}
TOKEN = re.compile(rb'"""(?:[^\\]|\\.)*?"""|' rb"'''(?:[^\\]|\\.)*?'''|" rb'(""")|' rb"(''')|" rb'"(?:[^"\\\n]|\\.)*"|' rb"'(?:[^'\\\n]|\\.)*'|" rb"(#)")


def filtered(data):
    res, state = [], None
    for line in data.split(b"\n"):
        i, ignore = 0, False
        if state is not None:
            m = CLOSE[state].match(line)
            if m is None:
                res.append(line)
                continue
            i, state = m.end(), None
        for m in TOKEN.finditer(line, i):
            if m.group(1):
                state = b'"""'
                break
            if m.group(2):
                state = b"'''"
                break
            if m.group(3):
                ignore = line[m.start() + 1:].strip() == b"!VAST_IGNORE_CHANGES"
                break
        if not ignore:
            res.append(line)
    return b"\n".join(res)


h = hashlib.sha256()
h.update(config.encode())
h.update(b"./deployment.py")
h.update(filtered(open(os.path.join(case, "app.py"), "rb").read()))


def sanitize(info, name):
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    info.name = name
    return info


with tarfile.open(out, "w:gz") as tf:
    data = config.encode()
    info = tarfile.TarInfo("./config.json")
    info.size, info.mode = len(data), 0o644
    tf.addfile(sanitize(info, "./config.json"), io.BytesIO(data))
    app = os.path.join(case, "app.py")
    tf.addfile(sanitize(tf.gettarinfo(app, arcname="./deployment.py"), "./deployment.py"), open(app, "rb"))
    for src, dst in copies:
        src = os.path.normpath(os.path.join(case, src))
        if os.path.isdir(src):
            for root, dirs, files in os.walk(src):
                dirs.sort()
                rel = os.path.relpath(root, src)
                arc_root = dst if rel == "." else os.path.join(dst, rel)
                tf.addfile(sanitize(tf.gettarinfo(root, arcname=arc_root), arc_root))
                for f in sorted(files):
                    p = os.path.join(root, f)
                    arc = os.path.join(arc_root, f)
                    tf.addfile(sanitize(tf.gettarinfo(p, arcname=arc), arc), open(p, "rb"))
                    h.update(arc.encode())
                    h.update(open(p, "rb").read())
        else:
            tf.addfile(sanitize(tf.gettarinfo(src, arcname=dst), dst), open(src, "rb"))
            h.update(dst.encode())
            h.update(open(src, "rb").read())

print(json.dumps({"file_hash": h.hexdigest(), "file_size": os.path.getsize(out)}))
