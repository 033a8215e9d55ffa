# SPDX-License-Identifier: MIT
"""Times requests at vigil's own socket.

A latency measured by a client holds the server's queue in front of vigil as
well as vigil's work. This capture of the component connection on the
loopback interface (a packet socket, so root only, as the bench runs) tells
them apart: for each request whose id starts with a marker, the moment it
reached vigil's socket and the moment vigil's answer left it. The kernel
stamps each packet as it passes, so the capture's own delay (it runs niced
beside the load) does not count, as long as its buffer holds.
"""

import ctypes
import os
import re
import select
import socket
import struct
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_STATISTICS = 6
PACKET_OUTGOING = 4  # each packet on lo is seen going out and coming in: count it once
SO_ATTACH_FILTER = 26
SO_RCVBUFFORCE = 33
SO_TIMESTAMPNS = 35
ETHERNET_HEADER = 14


def port_filter(port):
    """Classic BPF for IPv4 TCP from or to `port` (what `tcpdump -dd 'ip and
    tcp port N'` prints): only the component connection is copied to us."""
    return [
        (0x28, 0, 0, 12),      # ldh [12]          ethertype
        (0x15, 0, 10, 0x800),  # jeq IPv4, else drop
        (0x30, 0, 0, 23),      # ldb [23]          protocol
        (0x15, 0, 8, 6),       # jeq TCP, else drop
        (0x28, 0, 0, 20),      # ldh [20]          fragment offset
        (0x45, 6, 0, 0x1fff),  # jset: a fragment, drop
        (0xb1, 0, 0, 14),      # ldxb 4*([14]&0xf) IP header length
        (0x48, 0, 0, 14),      # ldh [x+14]        source port
        (0x15, 2, 0, port),    # jeq port: keep
        (0x48, 0, 0, 16),      # ldh [x+16]        destination port
        (0x15, 0, 1, port),    # jeq port, else drop
        (0x06, 0, 0, 0x40000),  # keep the whole packet
        (0x06, 0, 0, 0),       # drop
    ]


def packet_socket(port):
    # protocol 0: nothing arrives before the filter is on and the socket
    # bound to lo with the protocol
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    program = b''.join(struct.pack('HBBI', *op) for op in port_filter(port))
    buf = ctypes.create_string_buffer(program)
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER,
                    struct.pack('HL', len(program) // 8, ctypes.addressof(buf)))
    sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.bind(('lo', ETH_P_ALL))
    return sock


def tcp_payload(data, ancillary):
    """(when the kernel saw it, source port, TCP payload) of a packet read
    from the packet socket, or None for one to pass over."""
    if len(data) < ETHERNET_HEADER + 20:
        return None
    at = None
    for level, kind, value in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            seconds, nanoseconds = struct.unpack('qq', value[:16])
            at = seconds + nanoseconds / 1e9
    tcp = ETHERNET_HEADER + (data[ETHERNET_HEADER] & 0x0f) * 4
    source = struct.unpack('!H', data[tcp:tcp + 2])[0]
    payload = data[tcp + (data[tcp + 12] >> 4) * 4:]
    return (at, source, payload) if payload and at is not None else None


def capture(port, marker, conn):
    """Run in a process of its own until `conn` has something to read; then
    send back ({id: [reached vigil, answer left]} in seconds since the
    epoch, packets dropped by the kernel). `port` is the server's component
    port: a packet from it goes to vigil."""
    os.nice(19)  # the kernel's timestamps do not wait for us
    sock = packet_socket(port)
    ids = re.compile(re.escape(marker.encode()) + rb'[0-9]+(?=[\'"])')
    times = {}
    tails = {True: b'', False: b''}  # an id cut between two packets
    stop_at = None  # once told to stop: what is queued is still read, for 2 s at most
    while stop_at is None or time.monotonic() < stop_at:
        if stop_at is None and conn.poll():
            stop_at = time.monotonic() + 2
        if not select.select([sock], [], [], 0 if stop_at else 0.2)[0]:
            if stop_at:
                break
            continue
        data, ancillary, _, address = sock.recvmsg(1 << 18, 64)
        packet = tcp_payload(data, ancillary) if address[2] == PACKET_OUTGOING else None
        if not packet:
            continue
        at, source, payload = packet
        to_vigil = source == port
        seen = tails[to_vigil] + payload
        for found in ids.finditer(seen):
            pair = times.setdefault(found.group().decode(), [None, None])
            slot = 0 if to_vigil else 1
            if pair[slot] is None:
                pair[slot] = at
        tails[to_vigil] = seen[-64:]
    _, drops = struct.unpack('II', sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
    sock.close()
    conn.send((times, drops))
