# SPDX-License-Identifier: MIT
"""A small TCP fault proxy for the chaos run (tests/chaos/chaos.py) and
test_lossy_link.py: it sits between vigil and the XMPP server's component
port on 127.0.0.1 and, on request, cuts, delays, stalls or slows the
component connection.

It runs its own asyncio loop in a thread, so the driver may block (a
SIGKILL, a server restart) while connections go on being forwarded.

Faults (inject(kind)):
  drop       every open connection closed at once (FIN both ways)
  reset      the next chunk in either direction is cut in the middle (half
             of it forwarded, inside a stanza) and both sides are reset
             (RST: SO_LINGER 0)
  half_open  open connections stay open but nothing goes through any more,
             in either direction (what is written vanishes, as with a dead
             peer); new connections pass. After `seconds` the server's side
             is reset, as the server's TCP would give up on a dead peer
             (Prosody does not ping components: until then it refuses
             vigil's new stream with <conflict/>)
  swallow    as half_open, but only what vigil writes vanishes: what the
             server sends still arrives (a request reaches vigil, its
             answer and what the change causes are lost on the way)
  delay      every chunk waits 0.2-1.2 s before it is forwarded, in order,
             for `seconds`
  slow       every chunk is forwarded a few bytes at a time for `seconds`
  block      new connections are refused (closed at once) until unblock();
             used while the server restarts, so that the clients are back
             before vigil is

Filters (test_lossy_link.py), on whole chunks: a stanza split between two
reads is not seen (the servers write a small stanza in one go):
  watch(name, pattern)  counts the matches of a regular expression (bytes)
                        in what vigil writes: proxy.counts[name]
  mute(pattern)         removes its matches from what the server sends (a
                        service that swallows what vigil asks of it)
"""
import asyncio
import random
import re
import socket
import struct
import threading
import time


class Conn:
    def __init__(self, proxy, client_reader, client_writer):
        self.proxy = proxy
        self.cr, self.cw = client_reader, client_writer
        self.sr = self.sw = None
        self.stalled = False
        self.swallow_out = False  # what vigil writes vanishes; the server's still comes
        self.cut_next = False
        self.closed = False

    def _reset(self, writer):
        sock = writer.get_extra_info('socket')
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            except OSError:
                pass
        writer.transport.abort()

    def close(self, reset=False):
        if self.closed:
            return
        self.closed = True
        for w in (self.cw, self.sw):
            if w is None:
                continue
            if reset:
                self._reset(w)
            else:
                w.close()
        self.proxy.conns.discard(self)

    async def run(self):
        try:
            self.sr, self.sw = await asyncio.open_connection('127.0.0.1', self.proxy.upstream)
        except OSError:
            self.close()
            return
        await asyncio.gather(self.pump(self.cr, self.sw, True), self.pump(self.sr, self.cw, False),
                             return_exceptions=True)
        self.close()

    async def pump(self, reader, writer, outbound):
        p = self.proxy
        try:
            while not self.closed:
                data = await reader.read(65536)
                if not data:
                    break
                if self.stalled or (outbound and self.swallow_out):
                    continue  # half-open: what is written vanishes
                if outbound:
                    for name, pattern in p.watches:
                        p.count(name, len(pattern.findall(data)))
                else:
                    for pattern in p.mutes:
                        data, n = pattern.subn(b'', data)
                        p.count('muted', n)
                if self.cut_next and len(data) > 1:
                    writer.write(data[:len(data) // 2])
                    await writer.drain()
                    p.count('cut', 1)
                    self.close(reset=True)
                    break
                now = time.monotonic()
                if now < p.delay_until:
                    await asyncio.sleep(random.uniform(0.2, 1.2))
                if time.monotonic() < p.slow_until:
                    i = 0
                    while i < len(data):
                        step = random.randint(1, 7)
                        writer.write(data[i:i + step])
                        i += step
                        await writer.drain()
                        await asyncio.sleep(0.002)
                    continue
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            if not (self.stalled or self.swallow_out):
                self.close()


class FaultProxy:
    def __init__(self, upstream_port):
        self.upstream = upstream_port
        self.port = None
        self.conns = set()
        self.blocked = False
        self.delay_until = 0.0
        self.slow_until = 0.0
        self.counts = {}
        self.watches = []  # (name, compiled pattern): see watch()
        self.mutes = []
        self.accepted = 0
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self.thread = threading.Thread(target=self._main, daemon=True)
        self.thread.start()
        self._ready.wait(10)

    def count(self, what, n=1):
        self.counts[what] = self.counts.get(what, 0) + n

    def _main(self):
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._accept, '127.0.0.1', 0))
        self.port = self.server.sockets[0].getsockname()[1]
        self._ready.set()
        self.loop.run_forever()

    async def _accept(self, reader, writer):
        if self.blocked:
            writer.close()
            return
        self.accepted += 1
        conn = Conn(self, reader, writer)
        self.conns.add(conn)
        await conn.run()

    def _call(self, fn):
        fut = asyncio.run_coroutine_threadsafe(fn(), self.loop)
        return fut.result(10)

    def inject(self, kind, seconds=3.0):
        async def act():
            now = time.monotonic()
            if kind == 'drop':
                for c in list(self.conns):
                    c.close()
            elif kind == 'reset':
                for c in list(self.conns):
                    c.cut_next = True
            elif kind in ('half_open', 'swallow'):
                stalled = list(self.conns)
                for c in stalled:
                    c.stalled = kind == 'half_open'
                    c.swallow_out = kind == 'swallow'
                    self.conns.discard(c)  # forgotten: new connections pass

                def give_up():  # the server's TCP giving up on a dead peer
                    for c in stalled:
                        if c.sw is not None and not c.sw.is_closing():
                            c._reset(c.sw)
                self.loop.call_later(seconds, give_up)
            elif kind == 'delay':
                self.delay_until = now + seconds
            elif kind == 'slow':
                self.slow_until = now + seconds
            elif kind == 'block':
                self.blocked = True
            elif kind == 'unblock':
                self.blocked = False
        self._call(act)

    def watch(self, name, pattern):
        self.watches.append((name, re.compile(pattern, re.S)))

    def mute(self, pattern):
        self.mutes.append(re.compile(pattern, re.S))

    def reset_stragglers(self):
        """A reset asked for on a quiet connection: cut it now (no chunk
        came to cut in the middle)."""
        async def act():
            for c in list(self.conns):
                if c.cut_next:
                    c.close(reset=True)
        self._call(act)

    def stop(self):
        async def act():
            self.server.close()
            for c in list(self.conns):
                c.close()
        try:
            self._call(act)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)
