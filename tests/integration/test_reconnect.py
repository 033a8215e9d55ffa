# SPDX-License-Identifier: MIT
"""Losing the server: restart, a hung server."""
import signal

from harness import connect, run


async def test_server_restart(env):
    """Prosody stopped and restarted: vigil is back in the room on its own within 15 s"""
    offset = len(env.vigil.log_text())
    env.prosody.restart()
    env.vigil.wait_log(r'connection to \S+ lost|stream error', timeout=10, after=offset)
    env.vigil.wait_log(r'joined \S+ as vigil', timeout=15, after=offset)
    c = await connect(env.prosody, 'carol')
    try:
        await c.join()
        await c.wait_occupant('vigil')
    finally:
        await c.stop()


async def test_server_down_for_a_while(env):
    """Prosody down for several seconds: vigil retries with backoff and comes back"""
    offset = len(env.vigil.log_text())
    env.prosody.stop()
    env.vigil.wait_log(r'reconnecting in \d+ ms \(attempt 3\)', timeout=20, after=offset)
    env.prosody.start()
    env.vigil.wait_log(r'joined \S+ as vigil', timeout=15, after=offset)
    assert env.vigil.running()


async def test_hung_server(env):
    """a server that stops answering is noticed by pings, and vigil returns after it wakes"""
    offset = len(env.vigil.log_text())
    env.prosody.signal(signal.SIGSTOP)
    try:
        env.vigil.wait_log(r'silent for .* after a ping', timeout=20, after=offset)
    finally:
        env.prosody.signal(signal.SIGCONT)
    env.vigil.wait_log(r'joined \S+ as vigil', timeout=30, after=offset)
    c = await connect(env.prosody, 'carol')
    try:
        await c.join()
        await c.wait_occupant('vigil')
    finally:
        await c.stop()


if __name__ == '__main__':
    run([test_server_restart, test_server_down_for_a_while, test_hung_server])
