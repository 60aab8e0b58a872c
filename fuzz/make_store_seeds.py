# Writes the seed blobs of fuzz/corpus/store_blob (layout: src/resumption/store_codec.h).
# Run from the repository root: python3 fuzz/make_store_seeds.py
import hashlib, struct, os
def v16(b): return struct.pack('>H', len(b)) + b
def v8(b): return struct.pack('>B', len(b)) + b
def entry(name, port, part, version, ident, sid, ems, psk, suite, lifetime, peer, alpn):
    e = v16(name) + struct.pack('>H', port) + bytes(range(32)) + v16(part)
    e += struct.pack('>H', version) + v16(ident) + v8(sid) + bytes([ems]) + v8(psk)
    e += struct.pack('>HII', suite, lifetime, 0x01020304)
    e += struct.pack('>qqq', 1700000000000, 1700000000, 1800000000)
    e += struct.pack('>II', 604800, 0) + v16(peer) + v8(alpn)
    return e
def ctx(c=b''):
    return hashlib.sha256(b'mactls ticket store context v1\0' + c).digest()
def header(flags, count, body_len):
    return b'MACTLSTS' + struct.pack('>HBB', 1, flags, 0) + ctx() + struct.pack('>II', count, body_len)
e13 = entry(b'example.com', 443, b'', 0x0304, b'\xaa' * 40, b'', 0, b'\x11' * 32, 0x1301, 7200, b'CN=example.com', b'h2')
e13b = entry(b'example.com', 443, b'', 0x0304, b'\xab' * 40, b'', 0, b'\x12' * 48, 0x1302, 3600, b'CN=example.com', b'')
e12 = entry(b'old.example', 8443, b'https://site.example', 0x0303, b'', b'\x22' * 32, 1, b'\x33' * 48, 0xc02f, 86400, b'CN=old.example', b'http/1.1')
out = 'fuzz/corpus/store_blob/'
def write(name, data): open(out + name, 'wb').write(data)
for name, ents in [('two-kinds', [e13, e12]), ('one-ticket', [e13]), ('three', [e13, e13b, e12]), ('empty', [])]:
    body = b''.join(ents)
    h = header(0, len(ents), len(body))
    blob = h + body
    write('unsealed-' + name, b'\x00' + blob + hashlib.sha256(blob).digest())
    write('digest-' + name, b'\x02' + blob)
    hs = header(1, len(ents), len(body)) + bytes(range(12))
    write('sealed-plain-' + name, b'\x03' + hs + body)
