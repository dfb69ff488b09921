"""Seeds a fresh privacyIDEA 3.14 instance for mfa-assist's tests.

Usage (with the python printed by install.sh):

    $PY scripts/privacyidea/seed.py RUN_DIR PORT

RUN_DIR is wiped and filled with pi.cfg, keys, the SQLite DB, the logs and
admin.pw (the random password of the DB admin `admin`, mode 600). The server
is then started with PRIVACYIDEA_CONFIGFILE=RUN_DIR/pi.cfg (see start.sh).

Everything runs in this one process: each `pi-manage` call would pay about
1.5 s of imports, and there are seven of them.
"""

import os
import secrets
import shutil
import string
import sys
import uuid
from pathlib import Path

REALM = "testrealm"
RESOLVER = "localusers"
# Fixed, well-known passwords: they only guard a throwaway server on 127.0.0.1,
# and with login_mode=privacyIDEA they do not even log users in.
USERS = [("alice", "Alice"), ("bob", "Bob"), ("carol", "Carol")]


# pi.cfg is Python that Flask executes, so it can hook every SQLite
# connection of the server. The DB is thrown away after the run, so it does
# without an fsync per commit (about 10 ms each on a VM disk), and WAL lets
# the server's request threads read while another one writes.
SQLITE_TUNING = """
from sqlalchemy import event as _event
from sqlalchemy.engine import Engine as _Engine


@_event.listens_for(_Engine, "connect")
def _test_server_sqlite_pragmas(dbapi_connection, _record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=OFF")
"""


def policies(port: int) -> dict:
    push_url = f"http://127.0.0.1:{port}/ttype/push"
    return {
        # /auth for users checks tokens (TAP, TOTP, push), not the userstore password.
        "webui_login": ("webui", "login_mode=privacyIDEA"),
        "enroll_verify": ("enrollment", "verify_enrollment=totp hotp"),
        # "poll only" is built in: no Firebase project and no network are needed.
        "push_enroll": (
            "enrollment",
            "push_firebase_configuration=poll only, "
            f"push_registration_url={push_url}, push_ttl=10, push_ssl_verify=0",
        ),
        # The default codes contain % ' \ ` which survive JSON but not forms;
        # 12 alphanumerics are also what a person can type.
        "tap_format": ("enrollment", "registration.length=12, registration.contents=-s"),
        "user_selfservice": ("user", "enrollTOTP, enrollPUSH, delete, setdescription"),
    }


def wipe(run_dir: Path) -> None:
    # Refuse to empty a directory that was not made by this script: a typo
    # in RUN_DIR must not delete someone's work.
    if run_dir.exists():
        if any(run_dir.iterdir()) and not (run_dir / "pi.cfg").exists():
            sys.exit(f"seed.py: refusing to wipe {run_dir}: not empty and has no pi.cfg")
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)


def write_file(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def write_config(run_dir: Path, port: int) -> Path:
    cfg = run_dir / "pi.cfg"
    values = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{run_dir / 'pi.sqlite'}",
        "SECRET_KEY": secrets.token_hex(32),
        "PI_PEPPER": secrets.token_hex(16),
        "PI_ENCFILE": str(run_dir / "enckey"),
        "PI_AUDIT_KEY_PRIVATE": str(run_dir / "private.pem"),
        "PI_AUDIT_KEY_PUBLIC": str(run_dir / "public.pem"),
        "PI_AUDIT_SQL_TRUNCATE": True,
        "PI_LOGFILE": str(run_dir / "privacyidea.log"),
        # INFO makes /validate/check about 3x slower.
        "PI_LOGLEVEL": 30,
        # Signing every response and audit entry costs an RSA operation each;
        # the tests never check those signatures.
        "PI_NO_RESPONSE_SIGN": True,
        "PI_AUDIT_NO_SIGN": True,
        "PI_NODE": "localnode",
        # Without it the server reads /etc/privacyidea/uuid.txt.
        "PI_NODE_UUID": str(uuid.uuid4()),
        "PI_BASE_URL": f"http://127.0.0.1:{port}",
        "SUPERUSER_REALM": ["superuser"],
        # Production argon2 costs ~200 ms per hash; this is a test server.
        "PI_HASH_ALGO_PARAMS": {
            "argon2__rounds": 1,
            "argon2__memory_cost": 8,
            "argon2__parallelism": 1,
        },
    }
    text = "".join(f"{k} = {v!r}\n" for k, v in values.items()) + SQLITE_TUNING
    write_file(cfg, text.encode(), 0o600)
    return cfg


def write_keys(run_dir: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    write_file(run_dir / "enckey", secrets.token_bytes(96), 0o600)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    priv = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    pub = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    write_file(run_dir / "private.pem", priv, 0o600)
    write_file(run_dir / "public.pem", pub, 0o644)


def create_internal_resolver(db_path: Path) -> None:
    """What `pi-manage config resolver create_internal` does, for SQLite."""
    from privacyidea.lib.resolver import save_resolver
    from sqlalchemy import Column, Identity, Integer, MetaData, String, Table, create_engine

    save_resolver(
        {
            "resolver": RESOLVER,
            "type": "sqlresolver",
            "Server": "/",
            "Driver": "sqlite",
            "User": "",
            "Password": "",
            "Database": str(db_path).lstrip("/"),
            "Table": f"users_{RESOLVER}",
            "Limit": "500",
            "Editable": "1",
            "Map": '{"userid": "id", "username": "username", "email": "email", '
            '"password": "password", "phone": "phone", "mobile": "mobile", '
            '"surname": "surname", "givenname": "givenname", "description": "description"}',
        }
    )
    engine = create_engine(f"sqlite:///{db_path}")
    Table(
        f"users_{RESOLVER}",
        MetaData(),
        Column("id", Integer, Identity(), primary_key=True),
        Column("username", String(40), unique=True),
        Column("email", String(80)),
        Column("password", String(255)),
        Column("phone", String(40)),
        Column("mobile", String(40)),
        Column("surname", String(40)),
        Column("givenname", String(40)),
        Column("description", String(255)),
    ).metadata.create_all(engine)
    engine.dispose()


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: seed.py RUN_DIR PORT")
    run_dir = Path(sys.argv[1]).resolve()
    port = int(sys.argv[2])

    wipe(run_dir)
    cfg = write_config(run_dir, port)
    write_keys(run_dir)
    alphabet = string.ascii_letters + string.digits
    admin_pw = "".join(secrets.choice(alphabet) for _ in range(24))
    write_file(run_dir / "admin.pw", admin_pw.encode(), 0o600)

    os.environ["PRIVACYIDEA_CONFIGFILE"] = str(cfg)
    from flask_migrate import stamp
    from privacyidea.app import create_app
    from privacyidea.lib.auth import create_db_admin
    from privacyidea.lib.policy import set_policy
    from privacyidea.lib.realm import set_default_realm, set_realm
    from privacyidea.lib.user import create_user
    from privacyidea.models import db

    app = create_app(config_name="production", config_file=str(cfg), silent=True)
    with app.app_context():
        db.create_all()
        # Stamping the alembic revision keeps a later `pi-manage` schema upgrade
        # from trying to re-create the tables.
        stamp()
        db.session.commit()

        create_db_admin("admin", "admin@example.test", admin_pw)
        create_internal_resolver(run_dir / "pi.sqlite")
        set_realm(REALM, [{"name": RESOLVER}])
        set_default_realm(REALM)
        for name, given in USERS:
            create_user(
                RESOLVER,
                {
                    "username": name,
                    "givenname": given,
                    "surname": "Test",
                    "email": f"{name}@example.test",
                },
                password=f"{name}pw",
            )
        for name, (scope, action) in policies(port).items():
            set_policy(name=name, scope=scope, action=action, realm=REALM, active=True)
        db.session.commit()
    # create_app ran before the tables existed and logged a warning about the
    # node table; the server fixes that on start, so keep its log clean.
    (run_dir / "privacyidea.log").write_text("")


if __name__ == "__main__":
    main()
