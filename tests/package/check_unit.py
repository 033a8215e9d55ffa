#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The packaging, checked without installing anything (TAP):

  1. the systemd unit (config/vigil.service, built from vigil.service.in, the
     one the Debian package installs) rates 2.0 or below, "OK", in
     `systemd-analyze security --offline=true` (systemd 252 and later);
  2. it has the directives that rating rests on, runs as the packaged user
     vigil, reads the secret from /etc/vigil/secret.env and does not restart
     on exit 78; no IPAddressDeny=, since the XMPP server may be remote;
  3. debian/control's Build-Depends names every package configure.ac says
     to install when a library is missing;
  4. every file under debian/ is in the dist tarball (Makefile.am's
     EXTRA_DIST), which tests/integration/test_package.py builds from.
Run by `make check` (VIGIL_SRCDIR, VIGIL_BUILDDIR) or by hand:
    python3 tests/package/check_unit.py SRCDIR BUILDDIR
"""
import os
import re
import shutil
import subprocess
import sys

from tap import check, report, skip

src = os.environ.get("VIGIL_SRCDIR") or (sys.argv[1] if len(sys.argv) > 1 else ".")
build = os.environ.get("VIGIL_BUILDDIR") or (sys.argv[2] if len(sys.argv) > 2 else ".")
UNIT = os.path.join(build, "config", "vigil.service")
MAX_EXPOSURE = 2.0

# directive -> the value it must have (None: present, any value)
REQUIRED = {
    "User": "vigil", "Group": "vigil",
    "ExecStart": None,
    "EnvironmentFile": None,  # -SYSCONFDIR/vigil/secret.env, below
    "StateDirectory": "vigil", "WorkingDirectory": "/var/lib/vigil",
    "RestartPreventExitStatus": "78",
    "UMask": "0077",
    "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
    "PrivateDevices": "yes", "DevicePolicy": "closed", "PrivateUsers": "yes",
    "NoNewPrivileges": "yes", "CapabilityBoundingSet": "",
    "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6",
    "SystemCallFilter": ["@system-service", "~@privileged"],
    "SystemCallArchitectures": "native",
    "MemoryDenyWriteExecute": "yes", "LockPersonality": "yes",
    "RestrictNamespaces": "yes", "RestrictRealtime": "yes", "RestrictSUIDSGID": "yes",
    "RemoveIPC": "yes", "ProtectClock": "yes", "ProtectHostname": "yes",
    "ProtectKernelLogs": "yes", "ProtectKernelModules": "yes",
    "ProtectKernelTunables": "yes", "ProtectControlGroups": "yes",
    "ProtectProc": "invisible", "ProcSubset": "pid",
}
# DynamicUser= would give the register to a fresh uid; IPAddressDeny= would
# cut vigil off a server on another host.
FORBIDDEN = ("DynamicUser", "IPAddressDeny", "IPAddressAllow")



def unit_directives(path):
    """{directive: [values]} of the [Service] section, in order."""
    out, section = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                section = line
                continue
            if section == "[Service]":
                key, _, value = line.partition("=")
                out.setdefault(key.strip(), []).append(value.strip())
    return out


# 1. systemd-analyze's rating
analyze = shutil.which("systemd-analyze")
what = "systemd-analyze security rates vigil.service %.1f or below (OK)" % MAX_EXPOSURE
if not os.path.exists(UNIT):
    check(False, what, ["%s is missing: make builds it from config/vigil.service.in" % UNIT])
elif not analyze:
    skip(what, "no systemd-analyze (Debian: systemd); the directives are still checked below")
else:
    p = subprocess.run([analyze, "security", "--offline=true", "--no-pager", UNIT],
                       capture_output=True, text=True, timeout=60)
    m = re.search(r"Overall exposure level for \S+: ([0-9.]+) (\S+)", p.stdout)
    if not m and "--offline" in p.stderr:
        skip(what, "this systemd-analyze has no --offline (systemd < 252): %s"
             % p.stderr.strip().splitlines()[-1])
    else:
        exposure = float(m.group(1)) if m else None
        worst = [line for line in p.stdout.splitlines() if line.startswith("\u2717")]
        check(m and exposure <= MAX_EXPOSURE and m.group(2) == "OK",
              what + (" (figure: exposure %s %s)" % (m.group(1), m.group(2)) if m else ""),
              (["what is still open:"] + worst) if m else
              ["no rating in its output:", p.stdout[-2000:], p.stderr[-2000:]])

# 2. the directives
if os.path.exists(UNIT):
    d = unit_directives(UNIT)
    wrong = []
    for key, want in REQUIRED.items():
        have = d.get(key)
        wants = want if isinstance(want, list) else [want]
        if have is None:
            wrong.append("%s= is missing" % key)
        elif want is not None and have != wants:
            wrong.append("%s=%s, expected %s" % (key, have, wants))
    wrong += ["%s= is set: %s" % (key, d[key]) for key in FORBIDDEN if key in d]
    if not re.match(r"/\S*/vigil -c /\S*/vigil/vigil.conf$", (d.get("ExecStart") or [""])[0]):
        wrong.append("ExecStart=%s: expected the installed vigil -c the installed config"
                     % d.get("ExecStart"))
    if not re.match(r"-/\S*/vigil/secret\.env$", (d.get("EnvironmentFile") or [""])[0]):
        wrong.append("EnvironmentFile=%s: expected -SYSCONFDIR/vigil/secret.env (optional)"
                     % d.get("EnvironmentFile"))
    check(not wrong, "the unit's directives: user vigil, secret.env, no restart on 78, "
          "sandboxed; no IP address filter (the server may be remote)", wrong)

# 3. Build-Depends against configure.ac
with open(os.path.join(src, "configure.ac")) as f:
    needed = sorted(set(re.findall(r"install (lib[a-z0-9.+-]+-dev)\b", f.read())))
with open(os.path.join(src, "debian", "control")) as f:
    control = f.read()
m = re.search(r"^Build-Depends:(.*?)(?=^\S|\Z)", control, re.M | re.S)
build_depends = set(re.findall(r"([a-z0-9][a-z0-9.+-]+)", re.sub(r"\([^)]*\)", "", m.group(1)))) \
    if m else set()
missing = [p for p in needed if p not in build_depends]
check(needed and not missing,
      "Build-Depends names every library configure.ac asks for (%s)" % ", ".join(needed),
      ["missing from debian/control: " + ", ".join(missing)] if missing else [])

# 4. debian/ in the dist tarball
with open(os.path.join(src, "Makefile.am")) as f:
    makefile = f.read()
listed = set(re.findall(r"(debian/\S+)", makefile))
files = sorted(os.path.relpath(os.path.join(root, name), src)
               for root, _, names in os.walk(os.path.join(src, "debian")) for name in names)
unlisted = [f for f in files if f not in listed]
check(files and not unlisted, "every file under debian/ is in EXTRA_DIST (%d files)" % len(files),
      ["not in Makefile.am: " + f for f in unlisted])

report()
