#!/usr/bin/env python3
"""An independent STUN Binding load client (not evertone's code): one UDP socket, WINDOW requests in
flight, for SECONDS; prints "answers=N rate=R/s lost=L". Several processes of it load a server from several
cores, as clients across the internet would.

usage: bench/stun_load.py HOST PORT WINDOW SECONDS
"""
import os
import socket
import struct
import sys
import time

host, port, window, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
MAGIC = 0x2112A442
# Binding requests (RFC 5389 6): type 0x0001, no attributes, the magic cookie, a 96-bit transaction id
requests = [struct.pack("!HHI", 0x0001, 0, MAGIC) + os.urandom(12) for _ in range(4096)]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.connect((host, port))
s.settimeout(0.2)
sent = answers = lost = 0
for _ in range(window):
    s.send(requests[sent & 4095]); sent += 1
end = time.monotonic() + seconds
start = time.monotonic()
while time.monotonic() < end:
    try:
        data = s.recv(2048)
    except socket.timeout:
        # the window's requests or answers were dropped: count them, start the window again
        lost += window
        for _ in range(window):
            s.send(requests[sent & 4095]); sent += 1
        continue
    if data[:2] == b"\x01\x01":  # Binding success response
        answers += 1
    s.send(requests[sent & 4095]); sent += 1
elapsed = time.monotonic() - start
print(f"answers={answers} rate={int(answers / elapsed)}/s lost={lost}")
