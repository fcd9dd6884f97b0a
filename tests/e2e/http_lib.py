"""Shared helpers of the HTTP end-to-end tests (tests/e2e/http_*.py).

Each test script makes its own registry in a temporary directory with the
real `wam` binary ($WAM), starts `wam serve` on 127.0.0.1 with an ephemeral
port, talks to it with http.client, and prints TAP: one `ok N - ...` or
`not ok N - ...` line per case and the plan at the end. The server is
stopped with SIGTERM when the script ends, whether it passed, failed or
crashed. Standard library only.
"""
import atexit
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import traceback
import urllib.parse

WAM = os.environ.get("WAM")

ROLES = ("viewer", "registrar", "armourer", "tracer", "monitor", "source_handler", "licensing", "auditor", "admin")


# ---- TAP ----


class Tap:
    """Numbers the cases and prints them; `done` prints the plan."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, *diag):
        """One case: passes when `cond` is true; `diag` lines are printed
        as comments under a failure."""
        self.n += 1
        desc = desc.replace("\n", " ")
        if cond:
            print(f"ok {self.n} - {desc}", flush=True)
        else:
            self.failed += 1
            print(f"not ok {self.n} - {desc}", flush=True)
            for d in diag:
                for line in str(d).splitlines() or [""]:
                    print(f"#   {line}", flush=True)
        return bool(cond)

    def skip(self, desc, why):
        self.n += 1
        print(f"ok {self.n} - {desc} # SKIP {why}", flush=True)

    def note(self, text):
        for line in str(text).splitlines():
            print(f"# {line}", flush=True)

    def eq(self, got, want, desc, *diag):
        return self.ok(got == want, desc, f"got:      {got!r}", f"expected: {want!r}", *diag)

    def done(self):
        print(f"1..{self.n}", flush=True)
        if self.failed:
            print(f"# {self.failed} of {self.n} failed", flush=True)


def main(body):
    """Runs `body(tap)`; a crash counts as one failed case. The exit status
    stays 0: the TAP lines carry the verdict."""
    tap = Tap()
    if not WAM:
        print("1..0 # SKIP WAM must name the wam binary")
        return 0
    try:
        body(tap)
    except Exception:  # report, stop the servers, print the plan
        tap.ok(False, "the test script ran to its end", *traceback.format_exc().splitlines())
        for s in Server.running:
            alive = "running" if s.proc.poll() is None else f"exited {s.proc.returncode}"
            tap.note(f"the server ({alive}) said:\n" + "\n".join(s.stderr().splitlines()[-20:]))
    finally:
        Server.stop_all()
        tap.done()
    return 0


# ---- the registry, through the CLI ----


class Registry:
    """A registry in a fresh temporary directory, removed at exit."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="wam-http-")
        atexit.register(shutil.rmtree, self.dir, True)
        self.db = os.path.join(self.dir, "reg.db")
        self.env = dict(os.environ)
        self.env.pop("WAM_DB", None)
        self.env["USER"] = "tester"

    def path(self, name):
        return os.path.join(self.dir, name)

    def run(self, *args, stdin=None, check=True):
        """Runs `wam --db REG --json ARGS`; returns (exit code, parsed
        stdout or None, stderr)."""
        p = subprocess.run([WAM, "--db", self.db, "--json", *args], input=stdin, capture_output=True,
                           text=True, env=self.env, cwd=self.dir, timeout=120)
        try:
            out = json.loads(p.stdout) if p.stdout.strip() else None
        except ValueError:
            out = p.stdout
        if check and p.returncode != 0:
            raise RuntimeError(f"wam {' '.join(args)} exited {p.returncode}: {p.stderr.strip()}")
        return p.returncode, out, p.stderr

    def wam(self, *args, stdin=None):
        return self.run(*args, stdin=stdin)[1]

    def human(self, *args, stdin=None):
        """`wam --db REG ARGS` without --json: (exit code, stdout, stderr)."""
        p = subprocess.run([WAM, "--db", self.db, *args], input=stdin, capture_output=True, text=True,
                           env=self.env, cwd=self.dir, timeout=120)
        return p.returncode, p.stdout, p.stderr

    def write(self, name, doc):
        """Writes `doc` (text, or a value as JSON) to file `name` in the
        registry's directory; returns its path."""
        path = self.path(name)
        with open(path, "w", encoding="utf-8") as f:
            if isinstance(doc, str):
                f.write(doc)
            else:
                json.dump(doc, f, ensure_ascii=False)
        return path

    def demo(self, items=300):
        self.run("demo", "--items", str(items), "--seed", "7")

    def token(self, name, role, sites=()):
        """A new API token; returns (secret, token id)."""
        args = ["token", "add", name, "--role", role]
        for s in sites:
            args += ["--site", s]
        out = self.wam(*args)
        return out["secret"], out["token"]["id"]

    def user(self, name, role, password, sites=()):
        """A new user (one Argon2 hash, ~0.1 s); returns its id."""
        args = ["user", "add", name, "--role", role, "--password-stdin"]
        for s in sites:
            args += ["--site", s]
        return self.wam(*args, stdin=password + "\n")["id"]


def cli_error(stderr):
    """The {"error": ...} a `wam --json` command printed last on standard
    error, or {"message": stderr} when there is none."""
    try:
        return json.loads(stderr.strip().splitlines()[-1])["error"]
    except (ValueError, IndexError, KeyError):
        return {"message": stderr}


# ---- the server ----


class Server:
    """`wam serve` on 127.0.0.1 with an ephemeral port."""

    running = []

    def __init__(self, reg, *extra, name="server"):
        self.reg = reg
        self.ready = reg.path(f"{name}.ready")
        self.access_log = reg.path(f"{name}.access.log")
        self.out = open(reg.path(f"{name}.out"), "w")
        self.err_path = reg.path(f"{name}.err")
        self.err = open(self.err_path, "w")
        self.proc = subprocess.Popen(
            [WAM, "--db", reg.db, "serve", "--listen", "127.0.0.1:0", "--ready-file", self.ready,
             "--access-log", self.access_log, *extra],
            stdout=self.out, stderr=self.err, env=reg.env, cwd=reg.dir)
        Server.running.append(self)
        self.sent = []  # (method, path, Response) of every request() made
        self.exit_code = None
        deadline = time.monotonic() + 15
        self.url = None
        while time.monotonic() < deadline:
            if os.path.exists(self.ready):
                text = open(self.ready).read()
                if text.endswith("\n"):  # written whole
                    self.url = text.strip()
                    break
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        if not self.url:
            self.stop()
            raise RuntimeError(f"wam serve did not start: {self.stderr()}")
        u = urllib.parse.urlsplit(self.url)
        self.host, self.port = u.hostname, u.port

    def stderr(self):
        if not self.err.closed:
            self.err.flush()
        return open(self.err_path).read()

    def stop(self, timeout=20):
        """SIGTERM, then waits; returns the exit code (SIGKILL after
        `timeout` seconds: the code is then negative)."""
        if self.exit_code is not None:
            return self.exit_code
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.exit_code = self.proc.returncode
        self.out.close()
        self.err.close()
        if self in Server.running:
            Server.running.remove(self)
        return self.exit_code

    @classmethod
    def stop_all(cls):
        for s in list(cls.running):
            s.stop()

    def log_lines(self):
        try:
            return [json.loads(line) for line in open(self.access_log) if line.strip()]
        except FileNotFoundError:
            return []

    # ---- requests ----

    def request(self, method, path, body=None, token=None, cookie=None, csrf=None, headers=None,
                ctype=None, timeout=60):
        """Sends one request on a new connection. `body`: a dict or list
        (sent as JSON), str or bytes (sent as is, `ctype` defaulting to
        application/json). Returns a Response."""
        h = {}
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = body
        if data is not None:
            h["Content-Type"] = ctype or "application/json"
        elif ctype:
            h["Content-Type"] = ctype
        if token:
            h["Authorization"] = f"Bearer {token}"
        if cookie:
            h["Cookie"] = f"wam_session={cookie}"
        if csrf:
            h["X-CSRF-Token"] = csrf
        h.update(headers or {})
        c = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            resp = Response(r.status, r.getheaders(), r.read())
            self.sent.append((method, path, resp))
            return resp
        finally:
            c.close()

    def raw(self, method, path, headers, body, chunked=False, midway=None):
        """Sends `body` over a plain socket, chunked or with a Content-Length,
        and carries on when the server stops reading (it may refuse a body
        before reading it all). With `midway`, the request says "Expect:
        100-continue" and the body is sent once the server has taken the
        request and answered 100, calling `midway()` when half of it is
        sent. Returns the Response, or None when there was no answer."""
        s = socket.create_connection((self.host, self.port), timeout=60)
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nConnection: close\r\n"
        for k, v in headers.items():
            head += f"{k}: {v}\r\n"
        head += "Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {len(body)}\r\n"
        if midway:
            head += "Expect: 100-continue\r\n"
        data = b""
        try:
            s.sendall((head + "\r\n").encode())
            while midway and b"\r\n\r\n" not in data:
                d = s.recv(4096)
                if not d:
                    break
                data += d
            if data.startswith(b"HTTP/1.1 100"):
                data = data.partition(b"\r\n\r\n")[2]
            half = len(body) // 2
            for n, part in enumerate((body[:half], body[half:])):
                for i in range(0, len(part), 65536):
                    piece = part[i:i + 65536]
                    s.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece)
                if midway and n == 0:
                    midway()
            if chunked:
                s.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # refused before the whole body was read: the answer is waiting
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    break
                data += d
        except OSError:
            pass
        s.close()
        if not data.startswith(b"HTTP/1.1 "):
            return None
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        resp = Response(int(lines[0].split()[1]), [tuple(x.strip() for x in h.split(":", 1)) for h in lines[1:]],
                        rest)
        self.sent.append((method, path, resp))
        return resp

    def get(self, path, token=None, **kw):
        return self.request("GET", path, token=token, **kw)

    def post(self, path, body, token=None, **kw):
        return self.request("POST", path, body=body, token=token, **kw)

    def session(self, name, password):
        """Signs `name` in with `password`: the keyword arguments (cookie,
        csrf) that make a request theirs, e.g. srv.post(path, body,
        **srv.session(...)); None when the sign-in is refused."""
        resp = self.post("/api/v1/session", {"name": name, "password": password})
        if resp.status != 201:
            return None
        for v in resp.header_all("Set-Cookie"):
            if v.startswith("wam_session="):
                return {"cookie": v.split(";")[0][len("wam_session="):], "csrf": resp.json.get("csrf", "")}
        return None


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def header(self, name):
        """The first header of that name (any case), or None."""
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def error(self):
        """The {"error": {...}} object, or {}."""
        if isinstance(self.json, dict) and isinstance(self.json.get("error"), dict):
            return self.json["error"]
        return {}

    def __repr__(self):
        text = self.body[:400].decode("utf-8", "replace")
        return f"HTTP {self.status} {text}"


# The console's English catalogue: an error's message_id must be one of its msg.* entries.
EN_CATALOGUE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "web", "i18n", "en.json")
_EN = None


def catalogued(e):
    """Why the sentence `e` ({message, message_id, args}) is not said by the catalogue, or None:
    its msg.<message_id> exists, has a {n} for each of its args, and filled with them reads as
    the English message (or its end, for a sentence said of a part: "weapon X: ...")."""
    global _EN
    if _EN is None:
        with open(EN_CATALOGUE, encoding="utf-8") as f:
            _EN = json.load(f)
    mid, args = e.get("message_id"), e.get("args")
    if not isinstance(mid, str) or not mid:
        return f"no message_id: {e!r}"
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        return f"args is not a list of strings: {e!r}"
    text = _EN.get("msg." + mid)
    if text is None:
        return f"msg.{mid} is not in web/i18n/en.json"
    holes = {int(n) for n in re.findall(r"\{(\d+)\}", text)}
    if holes != set(range(1, len(args) + 1)):
        return f"msg.{mid} has {{{sorted(holes)}}} for {len(args)} args"
    filled = text
    for n, a in enumerate(args, 1):
        filled = filled.replace("{%d}" % n, a)
    if all(len(a.encode()) < 159 for a in args) and not e.get("message", "").endswith(filled):
        return f"msg.{mid} filled with the args reads {filled!r}, not the message {e.get('message')!r}"
    return None


def error_shape(resp):
    """Why `resp` is not exactly {"error": {code, message[, field], message_id, args}} (code,
    message, field non-empty strings; message_id the id of msg.<message_id> in the console's
    catalogue, args the strings that fill it), or None when it is."""
    j = resp.json
    if not isinstance(j, dict) or set(j) != {"error"}:
        return f"the body is not {{\"error\": ...}} alone: {resp!r}"
    e = j["error"]
    keys = {"code", "message", "message_id", "args"}
    if not isinstance(e, dict) or not keys <= set(e) or not set(e) <= keys | {"field"}:
        return f"the error does not have exactly code, message, maybe field, message_id and args: {e!r}"
    if not all(isinstance(e[k], str) and e[k] for k in ("code", "message", "field") if k in e):
        return f"a member of the error is not a non-empty string: {e!r}"
    said = catalogued(e)
    if said:
        return said
    ctype = resp.header("Content-Type") or ""
    if not ctype.startswith("application/json"):
        return f"Content-Type is {ctype!r}"
    return None


def q(**params):
    """A query string from keyword arguments, percent-encoded."""
    return "?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
