"""RSA PKCS#1 v1.5 / SHA-256 signature verification in pure Python (the standard library has no RSA).

Enough to check the autoscaler's `/route/` signatures with the PEM public key from `/pubkey/`.
"""
import base64
import hashlib

# DER prefix of DigestInfo for SHA-256 (RFC 8017 section 9.2, note 1).
_SHA256_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")


def _read_tlv(der, i):
    tag = der[i]
    length = der[i + 1]
    i += 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(der[i : i + n], "big")
        i += n
    return tag, der[i : i + length], i + length


def _sequence_items(der):
    items, i = [], 0
    while i < len(der):
        tag, value, i = _read_tlv(der, i)
        items.append((tag, value))
    return items


def load_public_key(pem):
    """(n, e) from a PEM SubjectPublicKeyInfo (`BEGIN PUBLIC KEY`) or PKCS#1 (`BEGIN RSA PUBLIC KEY`) key."""
    lines = [l.strip() for l in pem.strip().splitlines() if l.strip() and not l.startswith("-----")]
    der = base64.b64decode("".join(lines))
    tag, body, _ = _read_tlv(der, 0)
    items = _sequence_items(body)
    if items and items[0][0] == 0x30:  # SPKI: AlgorithmIdentifier, then BIT STRING holding RSAPublicKey
        bits = items[1][1]
        _, rsa_body, _ = _read_tlv(bits[1:], 0)
        items = _sequence_items(rsa_body)
    n = int.from_bytes(items[0][1], "big")
    e = int.from_bytes(items[1][1], "big")
    return n, e


def verify(key, message, signature_b64):
    """True when `signature_b64` is a valid PKCS#1 v1.5 SHA-256 signature of `message` (bytes) under `key`."""
    n, e = key
    k = (n.bit_length() + 7) // 8
    try:
        sig = base64.b64decode(signature_b64, validate=True)
    except Exception:
        return False
    if len(sig) != k:
        return False
    s = int.from_bytes(sig, "big")
    if s >= n:
        return False
    em = pow(s, e, n).to_bytes(k, "big")
    digest = _SHA256_PREFIX + hashlib.sha256(message).digest()
    expected = b"\x00\x01" + b"\xff" * (k - len(digest) - 3) + b"\x00" + digest
    return em == expected
