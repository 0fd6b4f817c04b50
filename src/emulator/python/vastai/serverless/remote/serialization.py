"""Argument/result serialization, as in the SDK's `serverless/remote/serialization.py` (same wire format)."""
import base64
from importlib import import_module
import builtins


def relativize_module(mod, root_module):
    if mod == root_module:
        return {"type": "relative", "path": []}
    elif mod.startswith(root_module):
        return {"type": "relative", "path": mod[len(root_module):].lstrip(".").split(".")}
    else:
        return {"type": "absolute", "path": mod.split(".")}


def derelativize_module(mod, root_module):
    if mod["type"] == "relative":
        prefix = [] if root_module == "__main__" else root_module.split(".")
        return ".".join(prefix + mod["path"])
    return ".".join(mod["path"])


def serialize(obj, root_module):
    if type(obj) in [int, str, float, type(None)]:
        return obj
    elif type(obj) is bytes:
        return {"type": "bytes", "contents": base64.b64encode(obj).decode("utf-8")}
    elif type(obj) in [list, tuple]:
        return {"type": type(obj).__name__, "contents": [serialize(c, root_module) for c in obj]}
    elif type(obj) is dict:
        return {"type": "dict", "contents": [[serialize(k, root_module), serialize(v, root_module)] for k, v in obj.items()]}
    elif hasattr(obj, "__dict__") and hasattr(obj, "__class__"):
        return {
            "type": "obj",
            "module": relativize_module(obj.__class__.__module__, root_module),
            "class": obj.__class__.__qualname__,
            "contents": {k: serialize(v, root_module) for k, v in obj.__dict__.items()},
        }
    raise TypeError(f"Object of type {type(obj)} is not JSON serializable!")


def deserialize(json, root_module, globals):
    if type(json) in [int, str, float, type(None)]:
        return json
    elif json["type"] == "bytes":
        return base64.b64decode(json["contents"])
    elif json["type"] in ["list", "tuple"]:
        return getattr(builtins, json["type"])(deserialize(c, root_module, globals) for c in json["contents"])
    elif json["type"] == "dict":
        return dict((deserialize(k, root_module, globals), deserialize(v, root_module, globals)) for k, v in json["contents"])
    elif json["type"] == "obj":
        modname = derelativize_module(json["module"], root_module)
        namespace = globals if modname == "" else import_module(modname).__dict__
        cls = namespace[json["class"]]

        def empty_init(_):
            pass

        old_init = cls.__init__
        cls.__init__ = empty_init
        obj = cls()
        cls.__init__ = old_init
        for k, v in json["contents"].items():
            setattr(obj, k, deserialize(v, root_module, globals))
        return obj
    raise TypeError(f"JSON does not correspond to known Vast deployment datatype: {json}")


def serialize_ok(obj, root_module):
    return {"ok": serialize(obj, root_module)}


def serialize_err(err, root_module):
    return {"err": serialize(err, root_module)}
