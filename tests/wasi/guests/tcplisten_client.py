#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# tcplisten_client.py [--busy] SLIGHT TIER GUEST DIR OUT ERR -- runs `slight run
# --tcplisten 127.0.0.1:PORT GUEST` in DIR (output to OUT, ERR), connects, sends a
# line, checks the reply and slight's exit status. --busy: the port is taken and
# slight must fail (status 1) without running the guest. Every step has a
# timeout; exits 0 on success, 1 with a reason.
import socket
import subprocess
import sys
import time

LINE = b"hello from the runner"
CONNECT_TIMEOUT = 120  # slight compiles the guest before it accepts
IO_TIMEOUT = 30


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc):
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def attempt(slight, tier, guest, workdir, out, err):
    """Returns (status, message): status is 'ok', 'fail' or 'retry' (port taken)."""
    port = free_port()
    with open(out, "wb") as fo, open(err, "wb") as fe:
        proc = subprocess.Popen(
            [slight, "run", "--tier=" + tier, "--tcplisten", "127.0.0.1:%d" % port, guest],
            cwd=workdir, stdin=subprocess.DEVNULL, stdout=fo, stderr=fe)
    try:
        deadline = time.monotonic() + CONNECT_TIMEOUT
        conn = None
        while conn is None:
            if proc.poll() is not None:
                with open(err, "rb") as f:
                    if b"cannot listen" in f.read():
                        return "retry", "port %d taken" % port
                return "fail", "slight exited with %d before accepting" % proc.returncode
            if time.monotonic() > deadline:
                return "fail", "could not connect to port %d" % port
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=1)
            except OSError:
                time.sleep(0.1)
        with conn:
            conn.settimeout(IO_TIMEOUT)
            # In two pieces: the guest must gather the line across sock_recv calls.
            conn.sendall(LINE[:5])
            time.sleep(0.05)
            conn.sendall(LINE[5:] + b"\n")
            reply = b""
            while True:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                reply += chunk
        want = b"echo: " + LINE + b"\n"
        if reply != want:
            return "fail", "reply %r, expected %r" % (reply, want)
        try:
            rc = proc.wait(timeout=IO_TIMEOUT)
        except subprocess.TimeoutExpired:
            return "fail", "slight did not exit after the connection closed"
        if rc != 0:
            return "fail", "slight exited with %d" % rc
        return "ok", "port %d" % port
    except OSError as e:
        status = proc.poll()
        return "fail", "socket error: %s%s" % (
            e, "" if status is None else " (slight exited with %d)" % status)
    finally:
        stop(proc)


def busy(slight, tier, guest, workdir, out, err):
    """slight on a port another socket listens on: status 1, a message, no guest output."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        with open(out, "wb") as fo, open(err, "wb") as fe:
            try:
                rc = subprocess.run(
                    [slight, "run", "--tier=" + tier, "--tcplisten", "127.0.0.1:%d" % port,
                     guest], cwd=workdir, stdin=subprocess.DEVNULL, stdout=fo, stderr=fe,
                    timeout=IO_TIMEOUT).returncode
            except subprocess.TimeoutExpired:
                print("slight did not give up on a busy port")
                return 1
    with open(out, "rb") as fo, open(err, "rb") as fe:
        output, message = fo.read(), fe.read()
    if rc != 1 or b"cannot listen" not in message or output:
        print("status %d, stderr %r, stdout %r" % (rc, message, output))
        return 1
    print("port %d busy: status 1" % port)
    return 0


def main():
    args = sys.argv[1:]
    if args and args[0] == "--busy":
        return busy(*args[1:]) if len(args) == 7 else 2
    if len(args) != 6:
        print("usage: tcplisten_client.py [--busy] SLIGHT TIER GUEST DIR OUT ERR")
        return 2
    for _ in range(5):
        status, msg = attempt(*sys.argv[1:])
        if status != "retry":
            print(msg)
            return 0 if status == "ok" else 1
    print("no free port found")
    return 1


if __name__ == "__main__":
    sys.exit(main())
