# SPDX-License-Identifier: MIT
"""The Debian package as an administrator meets it: built with
dpkg-buildpackage from the dist tarball's tree (`make distdir` into a
temporary directory, so nothing is written into the checkout), checked with
lintian --pedantic, installed with dpkg -i on this machine, configured by
editing /etc/vigil/vigil.conf and /etc/vigil/secret.env, run as the unit
would run it (the installed /usr/sbin/vigil as user vigil, the secret from
the environment file; there is no systemd here to start it) against the
test server; a threat filed; upgraded with dpkg -i to the same package
repacked with a higher version (dpkg-deb, the control file's Version bumped):
configuration and register kept, the threat still there; removed (register
and user kept), then purged (all gone).

Root only, and it changes the machine: it skips when not root, without the
packaging tools (tests/install-deps installs them), or when a vigil package,
user or directory is already there (it will not touch an installation it did
not make). Runs hold a lock, so two of them (Prosody's and ejabberd's) take
turns. Whatever happens, the package is purged at the end."""
import fcntl
import grp
import os
import pwd
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time

from harness import (SRCDIR, Server, Skip, Vigil, command_of, connect, file_threat,
                     form_values, run, tail)

BIN = '/usr/sbin/vigil'
CONF = '/etc/vigil/vigil.conf'
SECRET_ENV = '/etc/vigil/secret.env'
STATE = '/var/lib/vigil'
DB = os.path.join(STATE, 'vigil.db')
UNIT = '/lib/systemd/system/vigil.service'
WANTS = '/etc/systemd/system/multi-user.target.wants/vigil.service'
LOCK = '/run/lock/vigil-test-package.lock'
BUILDDIR = os.environ.get('VIGIL_BUILDDIR') or SRCDIR
NAME = 'Dialback spoofing on a federated link'


def skip_all(why):
    print('1..0 # SKIP ' + why)
    sys.exit(0)


def package_status():
    """dpkg's status of vigil ('' when dpkg knows nothing of it)."""
    p = subprocess.run(['dpkg-query', '-W', '-f=${Status}', 'vigil'],
                       capture_output=True, text=True)
    return p.stdout.strip() if p.returncode == 0 else ''


def present(status):
    return status and not status.endswith('not-installed')


def clean_env(**extra):
    """The environment for make and dpkg-buildpackage: none of the outer
    `make check`'s MAKEFLAGS (its TESTS=..., jobserver) or DEB_* leaks in."""
    env = {k: v for k, v in os.environ.items()
           if k not in ('MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'MAKEOVERRIDES', 'GNUMAKEFLAGS')
           and not k.startswith('DEB_')}
    env.update(extra)
    return env


def sh(argv, timeout=120, check=True, **kw):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL, **kw)
    if check and p.returncode != 0:
        raise AssertionError('%s exited %d:\n%s%s' % (' '.join(argv), p.returncode,
                                                     p.stdout[-3000:], p.stderr[-3000:]))
    return p


def read_env_file(path):
    """KEY=VALUE lines as systemd's EnvironmentFile= reads them (comments,
    optional quotes)."""
    out = {}
    with open(path) as f:
        for line in f:
            m = re.match(r'\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$', line.rstrip('\n'))
            if m:
                value = m.group(2).strip()
                if len(value) >= 2 and value[0] == value[-1] and value[0] in '"\'':
                    value = value[1:-1]
                out[m.group(1)] = value
    return out


def unit_exec_start():
    """argv of the installed unit's ExecStart=, which the test runs."""
    with open(UNIT) as f:
        m = re.search(r'^ExecStart=(.*)$', f.read(), re.M)
    return m.group(1).split()


def as_vigil(argv):
    """argv run as the packaged user vigil, as User=/Group= would."""
    return ['setpriv', '--reuid=vigil', '--regid=vigil', '--init-groups'] + argv


def unit_environ():
    """The environment the unit gives vigil: secret.env's variables."""
    env = {'PATH': '/usr/sbin:/usr/bin:/sbin:/bin', 'LANG': 'C.UTF-8'}
    env.update(read_env_file(SECRET_ENV))
    return env


class InstalledVigil(Vigil):
    """The installed binary with the installed configuration, run as user
    vigil in /var/lib/vigil (the unit's WorkingDirectory=), its log (the
    journal's part) in a temporary file."""

    def __init__(self, server, logdir):
        self.prosody = server
        self.dir = logdir
        self.config = CONF
        self.db = DB
        self.log_path = os.path.join(logdir, 'vigil.log')
        self.settings = {}

    def write_config(self):
        raise NotImplementedError('the test edits /etc/vigil/vigil.conf as an admin would')

    def start(self, env=None):
        env = unit_environ()
        env['VIGIL_CHECK_SENDS'] = '1'
        self._spawn(as_vigil(unit_exec_start()), self.log_path, env=env, cwd=STATE)
        return self


class PackageEnv:
    """Builds the package and its upgrade, starts the test server; the tests install."""

    def __init__(self):
        self.lock = open(LOCK, 'w')
        deadline = time.monotonic() + 900
        while True:  # the other server's run may hold it for a few minutes
            try:
                fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RuntimeError('%s still locked after 15 minutes' % LOCK)
                time.sleep(1)
        self.tmp = tempfile.mkdtemp(prefix='vigil-package-')
        self.prosody = self.server = None
        self.vigil = None
        try:
            self.build()
            self.prosody = self.server = Server().start()
            logdir = os.path.join(self.tmp, 'log')
            os.makedirs(logdir)
            self.vigil = InstalledVigil(self.server, logdir)
        except Exception:
            self.cleanup()
            raise

    def build(self):
        started = time.monotonic()
        # the tarball's files, exactly (EXTRA_DIST): what a user unpacks
        tree = os.path.join(self.tmp, 'v1', 'vigil')
        os.makedirs(os.path.dirname(tree))
        sh(['make', '-C', BUILDDIR, 'distdir', 'distdir=' + tree], timeout=300, env=clean_env())
        self.version1 = self.changelog_version(tree)
        self.version2 = self.version1 + '+upgrade1'
        env = clean_env(DEB_BUILD_OPTIONS='nocheck parallel=2')
        p = subprocess.run(['dpkg-buildpackage', '-us', '-uc', '-b'], cwd=tree, env=env,
                           stdin=subprocess.DEVNULL, stdout=open(tree + '.build.log', 'w'),
                           stderr=subprocess.STDOUT, timeout=600)
        if p.returncode != 0:
            raise RuntimeError('dpkg-buildpackage failed in %s:\n%s' % (
                tree, ''.join(tail(tree + '.build.log', 40))))
        arch = sh(['dpkg', '--print-architecture']).stdout.strip()
        self.deb1, self.deb2 = (os.path.join(self.tmp, 'v1', 'vigil_%s_%s.deb' % (
            re.sub(r'^\d+:', '', version), arch)) for version in (self.version1, self.version2))
        self.changes1 = self.deb1[:-4] + '.changes'
        self.repack(self.deb1, self.deb2, self.version2)
        self.build_seconds = time.monotonic() - started

    @staticmethod
    def changelog_version(tree):
        with open(os.path.join(tree, 'debian', 'changelog')) as f:
            return re.match(r'\S+ \(([^)]+)\)', f.readline()).group(1)

    def repack(self, deb, out, version):
        """deb unpacked and packed again as `version`: for dpkg, a newer
        release of the same files (its maintainer scripts, conffiles)."""
        root = os.path.join(self.tmp, 'repack')
        sh(['dpkg-deb', '-R', deb, root])
        control = os.path.join(root, 'DEBIAN', 'control')
        with open(control) as f:
            text = f.read()
        text, n = re.subn(r'^Version: .*$', 'Version: ' + version, text, count=1, flags=re.M)
        assert n == 1, control
        with open(control, 'w') as f:
            f.write(text)
        sh(['dpkg-deb', '--root-owner-group', '-b', root, out], timeout=300)

    def start_vigil(self, timeout=30):
        """(run() calls this after a failed test) only while it is installed
        and has a secret."""
        if not os.path.exists(BIN) or self.vigil.running() or \
                not read_env_file(SECRET_ENV).get('VIGIL_COMPONENT_SECRET'):
            return
        offset = len(self.vigil.log_text())
        self.vigil.start()
        self.vigil.wait_log(r'joined \S+ as ', timeout, after=offset)

    def logs(self):
        out = ['--- installed vigil log (last lines) ---'] + tail(self.vigil.log_path) \
            if self.vigil else []
        if self.server:
            out += ['--- server log (last lines) ---'] + tail(self.server.log_path, 20)
        return out

    def cleanup(self):
        """Whatever happened: vigil stopped, the package purged, the server
        stopped, the temporary tree gone, the lock released."""
        try:
            if self.vigil:
                self.vigil.stop()
            if present(package_status()):
                p = subprocess.run(['dpkg', '--purge', 'vigil'], capture_output=True, text=True,
                                   stdin=subprocess.DEVNULL, timeout=120)
                if p.returncode != 0:
                    print('# cleanup: dpkg --purge vigil failed: ' + (p.stdout + p.stderr)[-1500:])
            if self.server:
                self.server.cleanup()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.lock.close()


def mode_owner(path):
    st = os.stat(path)
    return (stat.S_IMODE(st.st_mode), pwd.getpwuid(st.st_uid).pw_name,
            grp.getgrgid(st.st_gid).gr_name)


def edit(path, pattern, replacement):
    """Changes a line in place, as an admin's editor would (mode and owner kept)."""
    with open(path) as f:
        text = f.read()
    new, n = re.subn(pattern, replacement, text, count=1, flags=re.M)
    assert n == 1, '%s: no line matches %r' % (path, pattern)
    with open(path, 'w') as f:
        f.write(new)


def schema_version():
    db = sqlite3.connect('file:%s?mode=ro' % DB, uri=True)
    try:
        return db.execute('PRAGMA user_version').fetchone()[0]
    finally:
        db.close()


# --- the tests ------------------------------------------------------------

async def test_lintian(env):
    """the package builds from the tarball's tree; lintian --pedantic finds nothing but its overrides"""
    if not shutil.which('lintian'):
        raise Skip('no lintian (tests/install-deps installs it)')
    p = sh(['lintian', '--pedantic', '-I', '-E', '--show-overrides', env.changes1],
           timeout=300, check=False)
    lines = [line for line in p.stdout.splitlines() if line.strip()]
    for line in lines:
        print('# lintian: ' + line)
    reported = [line for line in lines if not line.startswith(('O: ', 'N: '))]
    assert p.returncode == 0 and not reported, 'lintian:\n' + '\n'.join(reported) + p.stderr
    return 'figure: lintian tags = %d, overridden = %d; package built and repacked in %.0f s' % (
        len(reported), sum(line.startswith('O: ') for line in lines), env.build_seconds)


async def test_install(env):
    """dpkg -i: vigil, vigil(8), the conffiles (vigil.conf 0640 root:vigil, secret.env 0600), user vigil, /var/lib/vigil; the unit enabled, not started"""
    sh(['dpkg', '-i', env.deb1])
    assert package_status() == 'install ok installed', package_status()
    version = sh([BIN, '--version']).stdout
    assert re.match(r'vigil \d', version), version
    assert os.path.exists('/usr/share/man/man8/vigil.8.gz')
    assert os.path.exists('/usr/share/man/man5/vigil.conf.5.gz')
    conffiles = sh(['dpkg-query', '-W', '-f=${Conffiles}', 'vigil']).stdout
    assert CONF in conffiles and SECRET_ENV in conffiles, conffiles
    assert mode_owner(CONF) == (0o640, 'root', 'vigil'), mode_owner(CONF)
    assert mode_owner(SECRET_ENV) == (0o600, 'root', 'root'), mode_owner(SECRET_ENV)
    user = pwd.getpwnam('vigil')
    assert user.pw_uid < 1000 and user.pw_dir == STATE and user.pw_shell.endswith('nologin'), user
    assert mode_owner(STATE) == (0o750, 'vigil', 'vigil'), mode_owner(STATE)
    assert os.path.realpath(WANTS) == os.path.realpath(UNIT), 'not enabled: no %s' % WANTS
    with open('/var/lib/dpkg/info/vigil.postinst') as f:
        postinst = f.read()
    # enabled but not started: it has no secret yet; an upgrade restarts it
    # only if it was running
    assert 'deb-systemd-invoke start' not in postinst and 'try-restart' in postinst, postinst
    assert not any(os.stat('/proc/%s' % pid).st_uid == user.pw_uid
                   for pid in os.listdir('/proc') if pid.isdigit()), 'something runs as vigil'
    p = sh(['systemd-analyze', 'security', '--offline=true', '--no-pager', UNIT], check=False) \
        if shutil.which('systemd-analyze') else None
    m = p and re.search(r'Overall exposure level for \S+: ([0-9.]+) (\S+)', p.stdout)
    if m:
        assert float(m.group(1)) <= 2.0, p.stdout
        return 'figure: installed unit exposure %s %s' % (m.group(1), m.group(2))
    return None


async def test_documented_paths(env):
    """every installed path doc/INSTALL.md names exists after dpkg -i"""
    # The paths under /etc/vigil, /usr, /var/lib/vigil and /lib/systemd that
    # the guide names; not what vigil writes in /var/lib/vigil when it runs
    # (the register, the site), nor a placeholder (<...>, a word in capitals).
    with open(os.path.join(SRCDIR, 'doc', 'INSTALL.md')) as f:
        named = set(re.findall(r'(?<![\w.-])(/(?:etc/vigil|usr|var/lib/vigil|lib/systemd)'
                               r'(?:/[\w.@+<>-]+)*)', f.read()))
    named = {p.rstrip('.') for p in named if not re.search(r'[<>]|[A-Z]{2}', p)
             and not p.startswith(STATE + '/')}
    assert len(named) >= 5, named
    missing = sorted(p for p in named if not os.path.exists(p))
    assert not missing, 'named in doc/INSTALL.md, not installed: %s' % missing
    return '%d paths named, all installed' % len(named)


async def test_unconfigured(env):
    """with no secret set, the unit's ExecStart as user vigil refuses to start: exit 78 and what is missing"""
    assert read_env_file(SECRET_ENV).get('VIGIL_COMPONENT_SECRET') == '', SECRET_ENV
    p = sh(as_vigil(unit_exec_start()), env=unit_environ(), cwd=STATE, check=False, timeout=30)
    assert p.returncode == 78, (p.returncode, p.stderr)
    assert 'component.secret' in p.stderr and 'VIGIL_COMPONENT_SECRET' in p.stderr, p.stderr
    assert not os.path.exists(DB), 'a refused start created the database'
    return 'its message: %s' % p.stderr.strip()


async def test_configure_and_file(env):
    """configured as doc/INSTALL.md says (vigil.conf, secret.env), --check-config OK; the installed vigil as user vigil joins the room and a threat is filed"""
    edit(CONF, r'^port = .*$', 'port = %d' % env.server.component_port)
    edit(CONF, r'^#admins = .*$', 'admins = alice@localhost')
    edit(CONF, r'^#assessors = .*$', 'assessors = bob@localhost')
    edit(SECRET_ENV, r'^VIGIL_COMPONENT_SECRET=.*$',
         'VIGIL_COMPONENT_SECRET=%s' % env.server.secret)
    assert mode_owner(CONF) == (0o640, 'root', 'vigil')
    p = sh(as_vigil([BIN, '--check-config', '-c', CONF]), env=unit_environ(), check=False)
    assert p.returncode == 0 and 'configuration OK' in p.stdout, (p.returncode, p.stdout, p.stderr)
    env.start_vigil()
    alice = await connect(env.server, 'alice')
    try:
        tid = await file_threat(alice, name=NAME, likelihood='high', damage='medium')
    finally:
        await alice.stop()
    assert tid == 'T-1', tid
    assert mode_owner(DB)[1:] == ('vigil', 'vigil'), mode_owner(DB)
    env.schema = schema_version()
    assert env.schema > 0


async def test_upgrade(env):
    """dpkg -i of the repacked package (higher version): configuration and register kept; the new vigil opens the register and shows the threat"""
    assert env.vigil.stop() == 0
    sh(['dpkg', '-i', env.deb2])
    installed = sh(['dpkg-query', '-W', '-f=${Version}', 'vigil']).stdout
    assert installed == env.version2, (installed, env.version2)
    with open(CONF) as f:
        assert 'port = %d' % env.server.component_port in f.read(), 'the edited conffile was replaced'
    assert mode_owner(CONF) == (0o640, 'root', 'vigil'), mode_owner(CONF)
    assert read_env_file(SECRET_ENV)['VIGIL_COMPONENT_SECRET'] == env.server.secret
    env.start_vigil()
    bob = await connect(env.server, 'bob')
    try:
        values = form_values(command_of(await bob.command('show', fields={'id': 'T-1'})))
    finally:
        await bob.stop()
    assert values.get('name') == NAME and values.get('priority') == 'high', values
    assert schema_version() == env.schema, (schema_version(), env.schema)
    return '%s -> %s, schema version %d' % (env.version1, env.version2, env.schema)


async def test_remove_purge(env):
    """dpkg --remove keeps the register, the configuration and the user; dpkg --purge removes them all"""
    assert env.vigil.stop() == 0
    sh(['dpkg', '--remove', 'vigil'])
    assert not os.path.exists(BIN)
    assert os.path.exists(DB) and os.path.exists(CONF), 'remove took the register or the config'
    pwd.getpwnam('vigil')  # KeyError if remove took the user
    sh(['dpkg', '--purge', 'vigil'])
    assert not present(package_status()), package_status()
    left = [path for path in (STATE, '/etc/vigil', WANTS, UNIT) if os.path.lexists(path)]
    assert not left, 'left after purge: %s' % left
    for db, name in ((pwd.getpwnam, 'user'), (grp.getgrnam, 'group')):
        try:
            db('vigil')
            raise AssertionError('the %s vigil is left after purge' % name)
        except KeyError:
            pass


TESTS = [test_lintian, test_install, test_documented_paths, test_unconfigured,
         test_configure_and_file, test_upgrade, test_remove_purge]

if __name__ == '__main__':
    if os.geteuid() != 0:
        skip_all('not root: the test installs the Debian package on this machine')
    for tool in ('dpkg-buildpackage', 'dh', 'dh_installsysusers', 'setpriv', 'make'):
        if not shutil.which(tool):
            skip_all('%s is missing (tests/install-deps installs debhelper, dpkg-dev, '
                     'lintian)' % tool)
    status = package_status()
    if present(status):
        skip_all('a vigil package is installed here (%s): the test will not replace it; '
                 'dpkg --purge vigil to run it' % status)
    for what, exists in (('user vigil', lambda: pwd.getpwnam('vigil')),
                         ('group vigil', lambda: grp.getgrnam('vigil'))):
        try:
            exists()
            skip_all('a %s exists without the package: the purge would delete it' % what)
        except KeyError:
            pass
    for path in (STATE, '/etc/vigil'):
        if os.path.exists(path):
            skip_all('%s exists without the package: the purge would delete it' % path)
    run(TESTS, env_factory=PackageEnv)
