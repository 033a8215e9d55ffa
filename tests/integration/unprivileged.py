# SPDX-License-Identifier: MIT
"""Running a client that refuses root (poezio, Gajim) from a test that may
run as root (CI does): as the current user when that is not root, otherwise
as `nobody` through util-linux's setpriv. Nothing on the system is changed:
no user is created; the client's files live in a temporary directory that
the user owns and the test removes.
"""
import os
import pwd
import shutil
import stat
import tempfile


def reachable_by_others(path):
    """Whether every directory from / down to path lets others through."""
    path = os.path.realpath(path)
    while True:
        try:
            if not os.stat(path).st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
        parent = os.path.dirname(path)
        if parent == path:
            return True
        path = parent


class User:
    def __init__(self):
        self.reason = None  # why a client cannot be run as someone else, if so
        if os.geteuid() != 0:
            entry = pwd.getpwuid(os.geteuid())
            self.prefix = []
        else:
            setpriv = shutil.which('setpriv') or '/usr/bin/setpriv'
            try:
                entry = pwd.getpwnam('nobody')
            except KeyError:
                entry = None
                self.reason = 'running as root and there is no user "nobody" to run the client as'
            if not os.access(setpriv, os.X_OK):
                self.reason = 'running as root and setpriv (util-linux) is missing'
            self.prefix = ([setpriv, '--reuid=%d' % entry.pw_uid, '--regid=%d' % entry.pw_gid,
                            '--clear-groups'] if entry else [])
        self.name = entry.pw_name if entry else '?'
        self.uid = entry.pw_uid if entry else -1
        self.gid = entry.pw_gid if entry else -1

    def argv(self, argv):
        """argv run as this user (the environment is the caller's to give)."""
        return self.prefix + list(argv)

    def mkdtemp(self, prefix):
        """A temporary directory this user owns (0700), where the user can
        reach it: in TMPDIR when every directory above is open to others,
        else in /tmp."""
        base = tempfile.gettempdir()
        if self.prefix and not reachable_by_others(base):
            base = '/tmp'
        path = tempfile.mkdtemp(prefix=prefix, dir=base)
        self.own(path)
        return path

    def own(self, path):
        """Gives path, and everything under it, to this user."""
        if os.geteuid() != 0:
            return
        os.chown(path, self.uid, self.gid)
        for root, dirs, files in os.walk(path):
            for name in dirs + files:
                os.chown(os.path.join(root, name), self.uid, self.gid, follow_symlinks=False)

    def environ(self, home, **extra):
        """A minimal environment for a client whose HOME and XDG directories
        are under `home` (nothing of the caller's session leaks in: no D-Bus,
        no display, no keyring)."""
        env = {
            'PATH': '/usr/local/bin:/usr/bin:/bin',
            'HOME': home,
            'USER': self.name, 'LOGNAME': self.name,
            'SHELL': '/bin/sh',  # nobody's login shell is nologin; tmux would run that
            'XDG_CONFIG_HOME': os.path.join(home, '.config'),
            'XDG_DATA_HOME': os.path.join(home, '.local', 'share'),
            'XDG_CACHE_HOME': os.path.join(home, '.cache'),
            'XDG_RUNTIME_DIR': os.path.join(home, 'run'),
            'LANG': 'C.UTF-8', 'LC_ALL': 'C.UTF-8',
        }
        os.makedirs(env['XDG_RUNTIME_DIR'], mode=0o700, exist_ok=True)
        env.update(extra)
        return env
