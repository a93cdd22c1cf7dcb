#!/usr/bin/env python3
"""The demo's stand-in for an approver's authenticator app: prints the current TOTP code
(RFC 6238: HMAC-SHA-1, 6 digits, 30 s) of an approver enrolled with `vigil approver add`.

    python3 demo/totp.py APPROVERS_FILE NAME
"""
import base64
import hashlib
import hmac
import struct
import sys
import time
import tomllib

path, name = sys.argv[1], sys.argv[2]
with open(path, "rb") as f:
    secret = next(a["secret"] for a in tomllib.load(f)["approvers"] if a["name"] == name)
key = base64.b32decode(secret + "=" * (-len(secret) % 8))
digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
offset = digest[-1] & 15
print("%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000))
