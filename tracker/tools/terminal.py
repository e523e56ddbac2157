"""What the command-line tools show on the terminal while they work (stdout stays for results).

Progress goes to stderr and only when stderr is a terminal: a person at a terminal sees that
long work is moving (the office sample takes a minute), a script or a pipe gets only the results.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn, TextIO

Progress = Callable[[int, int, str], None]  # (done, of, what is being done)


def interactive(stream: TextIO | None = None) -> bool:
    """Whether `stream` (default stderr) is a terminal a person watches."""
    stream = stream or sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or replaced by something without a tty
        return False


def stderr_bar(done: int, total: int, name: str) -> None:
    """A one-line progress bar on stderr, e.g. for `python -m tracker import` of many files."""
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[:40]:<40}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def bar() -> Progress | None:
    """stderr_bar on a terminal, None (quiet) in a pipe or a log file."""
    return stderr_bar if interactive() else None


@contextmanager
def working(message: str, *, every: float = 1.0) -> Iterator[None]:
    """While the block runs, '<message> … 12 s' on one stderr line, rewritten every `every`
    seconds, then '<message>: xong (14 s).' On anything but a terminal, nothing."""
    if not interactive():
        yield
        return
    started = time.monotonic()
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(every):
            sys.stderr.write(f"\r{message} … {time.monotonic() - started:.0f} s")
            sys.stderr.flush()

    sys.stderr.write(f"{message} …")
    sys.stderr.flush()
    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join()
        sys.stderr.write(f"\r{message}: xong ({time.monotonic() - started:.0f} s).\n")
        sys.stderr.flush()


# --- how a command ends: a Vietnamese message and an exit code, never a traceback -------------

USAGE_EXIT = 2
CLOSED_PIPE_EXIT = 141  # 128 + SIGPIPE, as a shell reports a command whose reader went away
INTERRUPTED_EXIT = 130  # 128 + SIGINT
CLOSED_PIPE = (
    "Lỗi: nơi nhận kết quả đã đóng trước khi lệnh in xong (ví dụ khi chuyển qua head); phần còn "
    "lại không được in."
)
INTERRUPTED = "Đã dừng lệnh theo yêu cầu (Ctrl+C); thao tác đang ghi dở không được lưu."
# argparse's own messages (Python 3.11), in the order they are tried; {0}, {1} … are the parts.
_ARGPARSE_MESSAGES = (
    (r"the following arguments are required: (.+)", "thiếu tham số bắt buộc: {0}"),
    (
        r"argument (\S+): invalid choice: '?([^']*)'? \(choose from (.+)\)",
        "tham số {0}: không có lựa chọn '{1}' (chọn một trong: {2})",
    ),
    (r"argument (\S+): invalid int value: '(.*)'", "tham số {0}: '{1}' không phải là số nguyên"),
    (r"argument (\S+): expected one argument", "tham số {0}: cần một giá trị đi kèm"),
    (r"unrecognized arguments: (.+)", "không hiểu tham số: {0}"),
    (
        r"argument (\S+): not allowed with argument (\S+)",
        "tham số {0}: không dùng cùng với tham số {1}",
    ),
    (r"argument (\S+): (.+)", "tham số {0}: {1}"),
)


def usage_error(message: str) -> str:
    """argparse's English error as a Vietnamese sentence (the original kept when unknown)."""
    for pattern, template in _ARGPARSE_MESSAGES:
        found = re.fullmatch(pattern, message.strip())
        if found:
            return template.format(*found.groups())
    return message


# argparse's own headings in its usage and help, in Vietnamese.
_HELP_WORDS = (
    ("usage: ", "Cách dùng: "),
    ("positional arguments:", "tham số vị trí:"),
    ("options:", "tùy chọn:"),
    ("show this help message and exit", "in hướng dẫn này rồi thoát"),
)


def _vietnamese(text: str) -> str:
    for english, vietnamese in _HELP_WORDS:
        text = text.replace(english, vietnamese)
    return text


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Vietnamese: its usage, help and errors (exit 2, no
    traceback)."""

    def format_usage(self) -> str:
        return _vietnamese(super().format_usage())

    def format_help(self) -> str:
        return _vietnamese(super().format_help())

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(
            USAGE_EXIT,
            f"Lỗi: {usage_error(message)}. Xem hướng dẫn: {self.prog} -h\n",
        )


def closed_pipe() -> int:
    """stdout's reader went away (`… | head`): no more output, one line on stderr, exit 141.
    stdout is pointed at /dev/null so that Python's final flush does not fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    with contextlib.suppress(OSError, ValueError):
        print(CLOSED_PIPE, file=sys.stderr)
    return CLOSED_PIPE_EXIT


def unexpected(exc: BaseException) -> int:
    """Any other error: what happened in one Vietnamese line, exit 1 ($TRACKER_DEBUG=1 shows
    the traceback for a developer)."""
    if os.environ.get("TRACKER_DEBUG") == "1":
        traceback.print_exception(exc)
    print(
        f"Lỗi không mong đợi ({type(exc).__name__}): {exc}. Lệnh dừng lại; dữ liệu đang ghi dở "
        "không được lưu. Nếu lỗi lặp lại, chạy lại với TRACKER_DEBUG=1 và gửi kết quả cho người "
        "phụ trách kỹ thuật.",
        file=sys.stderr,
    )
    return 1
