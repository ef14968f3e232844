"""A real OpenLDAP server (Debian's ``slapd``) for the directory sign-in tests (issue 17): started
on a free port with a throw-away database, loaded with ``ldapadd`` (ldap-utils), stopped after.
Laid out as tests/deploy/processes.py starts Redis: poll until it answers, no timing asserts."""

import shutil
import socket
import subprocess
import textwrap
import time
from pathlib import Path

from tests.deploy.processes import STARTUP_LIMIT_SECONDS, free_port

SLAPD = shutil.which("slapd") or ("/usr/sbin/slapd" if Path("/usr/sbin/slapd").exists() else None)
LDAPADD = shutil.which("ldapadd")
LDAPMODIFY = shutil.which("ldapmodify")
SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")

BASE_DN = "dc=city,dc=gov,dc=cn"
ADMIN_DN = f"cn=admin,{BASE_DN}"
ADMIN_PASSWORD = "directory-admin-secret"  # noqa: S105 — a throw-away test server
SCHEMA = ("core", "cosine", "inetorgperson", "nis")


def missing() -> str | None:
    """Why the directory tests cannot run here, or None."""
    if not SLAPD:
        return "slapd is not installed (Debian: apt-get install slapd ldap-utils; `make test` does)"
    if not LDAPADD:
        return "ldapadd is not installed (Debian: apt-get install ldap-utils)"
    if not (SCHEMA_DIR / "inetorgperson.schema").exists():
        return f"OpenLDAP's schema files are missing from {SCHEMA_DIR}"
    return None


class Slapd:
    def __init__(self, directory: Path):
        self.dir = directory
        self.port = free_port()
        self.process = None

    @property
    def uri(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    def _config(self) -> Path:
        data = self.dir / "data"
        data.mkdir(parents=True, exist_ok=True)
        lines = [f"include {SCHEMA_DIR}/{name}.schema" for name in SCHEMA]
        lines.append(f"pidfile {self.dir}/slapd.pid")
        if MODULE_DIR.exists():  # Debian builds the database backends as modules
            lines += [f"modulepath {MODULE_DIR}", "moduleload back_mdb"]
        lines += [
            "database mdb",
            "maxsize 10485760",
            f'suffix "{BASE_DN}"',
            f'rootdn "{ADMIN_DN}"',
            f"rootpw {ADMIN_PASSWORD}",
            f"directory {data}",
            "access to attrs=userPassword by anonymous auth by self write by * none",
            "access to * by * read",
        ]
        config = self.dir / "slapd.conf"
        config.write_text("\n".join(lines) + "\n")
        return config

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def start(self) -> None:
        # -d keeps slapd in the foreground (a child of the test), logging nothing at level 0.
        self.process = subprocess.Popen(  # noqa: S603 — a fixed local binary
            [SLAPD, "-f", str(self._config()), "-h", f"{self.uri}/", "-d", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
        while not self._answers():
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"slapd exited with {self.process.returncode}: {self.process.stdout.read()}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"slapd did not come up within {STARTUP_LIMIT_SECONDS} s")
            time.sleep(0.1)

    def _ldap_tool(self, tool: str, ldif: str) -> None:
        result = subprocess.run(  # noqa: S603 — a fixed local binary
            [tool, "-x", "-H", self.uri, "-D", ADMIN_DN, "-w", ADMIN_PASSWORD],
            input=ldif,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr

    def add(self, ldif: str) -> None:
        self._ldap_tool(LDAPADD, textwrap.dedent(ldif))

    def modify(self, ldif: str) -> None:
        self._ldap_tool(LDAPMODIFY, textwrap.dedent(ldif))

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
