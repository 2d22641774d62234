"""What the engine checker tells people: a learner's report (text or JSON) and a teacher's grading table.

A ``Report`` holds every case's result; ``text(lang)`` writes it for a person, ``json()`` for tools,
``draw()`` draws a failing case's graph beside chainrule's. ``grade(folder)`` checks each
submission in its own process (``python -m autograd.reference --json``) and gathers one table.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .arguments import real
from .language import columns, resolve
from .messages import shown
from .reference_cases import CASES, CHECKS, ERROR, FAILING, MISSING, PASS, SKIPPED, checks_named
from .reference_messages import say

if TYPE_CHECKING:
    from .digraph import Digraph
    from .reference import Observation, Result
    from .reference_cases import Message

WIDTH = 100  # characters per line of the text report
SHOWN_WHERE = 3  # a case's inputs are written out when it has at most this many
CELLS = {PASS: "ok", "fail": "FAIL", "error": "ERR", "timeout": "TIME", MISSING: "-", SKIPPED: "skip"}
ROOT = str(Path(__file__).resolve().parent.parent)  # the folder holding the autograd package


@dataclass(frozen=True)
class Report:
    """The results of checking one engine, case by case, and what they add up to."""

    engine: str
    results: tuple[Result, ...]
    required: frozenset[str]
    lang: str
    timeout: float
    forked: bool  # cases ran in child processes (else in threads)
    load_error: tuple[str, str] | None = None  # the engine's module could not be loaded: the error, its traceback

    def failed(self, result: Result) -> bool:
        """Whether ``result`` fails the check: wrong, raised, timed out, or missing but required."""
        return result.status in FAILING or (result.status == MISSING and result.case.check in self.required)

    @property
    def passed(self) -> bool:
        """True when the engine loaded and nothing fails."""
        return self.load_error is None and not any(self.failed(r) for r in self.results)

    @property
    def exit_code(self) -> int:
        """0 when nothing fails, else 1: what ``python -m autograd.reference`` exits with."""
        return 0 if self.passed else 1

    def checks(self) -> dict[str, str]:
        """Each check's verdict: its first failing case's status, else MISSING if every case is, else PASS
        (ERROR for all when the engine could not be loaded)."""
        if self.load_error is not None:
            return dict.fromkeys(CHECKS, ERROR)
        verdicts = {}
        for check in CHECKS:
            statuses = [r.status for r in self.results if r.case.check == check]
            failing = [r.status for r in self.results if r.case.check == check and self.failed(r)]
            verdicts[check] = (failing[0] if failing else SKIPPED if SKIPPED in statuses else
                               MISSING if statuses and all(s == MISSING for s in statuses) else PASS)  # fmt: skip
        return verdicts

    def text(self, lang: str | None = None) -> str:
        """The report for a person, in ``lang`` (default: the language it was made in)."""
        lang = resolve(lang or self.lang)
        key = "runs_code_process" if self.forked else "runs_code_thread"
        lines = [say(lang, "title", {"engine": self.engine}), *_wrap(say(lang, key, {"timeout": f"{self.timeout:g}"})),
                 *_wrap(say(lang, "expected_from")), ""]  # fmt: skip
        if self.load_error is not None:
            lines += _wrap(say(lang, "load_failed", {"engine": self.engine, "error": self.load_error[0]}))
            lines += _indented(self.load_error[1], "  ")
        verdicts, width = self.checks(), max(columns(say(lang, f"status_{s}")) for s in CELLS)
        not_run = [check for check in CHECKS if verdicts[check] == SKIPPED]
        absent = [check for check in CHECKS if verdicts[check] == MISSING and check not in self.required]
        for check in CHECKS:
            results = [r for r in self.results if r.case.check == check]
            if results and check not in not_run + absent:
                lines += self._check_lines(lang, check, verdicts[check], results, width)
        for status, checks in ((MISSING, absent), (SKIPPED, not_run)):  # checks with nothing else to say: one line
            if checks:
                names = ", ".join(check if self._op_check(check) else say(lang, f"check_{check}") for check in checks)
                lines += _wrap(f"{_pad(say(lang, f'status_{status}'), width)} {names}: "
                               f"{self._why(lang, checks)}", "", " " * (width + 1))  # fmt: skip
        counts = {"passed": sum(r.status == PASS for r in self.results),
                  "failed": sum(self.failed(r) for r in self.results),
                  "missing": sum(r.status == MISSING and not self.failed(r) for r in self.results),
                  "skipped": sum(r.status == SKIPPED for r in self.results)}  # fmt: skip
        lines += ["", say(lang, "summary", {k: str(v) for k, v in counts.items()})]
        if counts["missing"]:
            lines += _wrap(say(lang, "missing_note"))
        lines.append(say(lang, "verdict_pass" if self.passed else "verdict_fail"))
        return "\n".join(lines)

    def _why(self, lang: str, checks: list[str]) -> str:
        """Why the cases of ``checks`` did not run, each reason once (the missing methods named together)."""
        messages = [message for r in self.results if r.case.check in checks for message in r.messages]
        names = dict.fromkeys(name for key, params in messages if key == "missing_attribute"
                              for name in params["names"].split(", "))  # fmt: skip
        said = [say(lang, "missing_attribute", {"names": ", ".join(names)})] if names else []
        said += dict.fromkeys(say(lang, key, params) for key, params in messages if key != "missing_attribute")
        return " ".join(said)

    def _op_check(self, check: str) -> bool:
        """Whether ``check`` tests one op's local derivatives: the op itself names it."""
        return any(r.case.op for r in self.results if r.case.check == check)

    def _check_lines(self, lang: str, check: str, verdict: str, results: list[Result], width: int) -> list[str]:
        """A check's verdict on one line, then what each case that did not pass says."""
        title = (say(lang, "check_op", {"op": check, "count": str(len(results))}) if self._op_check(check)
                 else say(lang, f"check_{check}"))  # fmt: skip
        mark = say(lang, f"status_{verdict}")
        if verdict == MISSING and check in self.required:
            mark += f" ({say(lang, 'required')})"
        lines, indent = [f"{_pad(mark, width)} {title}"], " " * (width + 1)
        groups: dict[tuple[str, str], list[Result]] = {}  # the same sentences for several cases are said once
        hints: set[str] = set()  # and so is the same hint
        for result in results:
            if result.status != PASS:
                texts = [(key, say(lang, key, params)) for key, params in result.messages]
                sentences = " ".join(text for key, text in texts if not (key.startswith("hint_") and text in hints))
                hints.update(text for key, text in texts if key.startswith("hint_"))
                groups.setdefault((result.status, sentences), []).append(result)
        for (status, sentences), group in groups.items():
            which = ("" if len(group) == len(results) else _case_text(group[0]) if len(group) == 1
                     else ", ".join(dict.fromkeys(r.case.name for r in group)))  # fmt: skip
            prefix = "" if status == verdict else say(lang, f"status_{status}") + " "
            lines += _wrap(prefix + (f"{which}: " if which else "") + sentences, indent)
            if group[0].traceback:
                lines += [f"{indent}{say(lang, 'traceback')}:", *_indented(group[0].traceback, indent + "  ")]
        return lines

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The report as plain data for tools (what ``json`` writes)."""
        lang = resolve(lang or self.lang)
        cases = [{
            "check": r.case.check, "case": r.case.name, "where": r.case.where, "status": r.status,
            "fails": self.failed(r), "messages": [say(lang, key, params) for key, params in r.messages],
            "node": r.node, "expected": _numbers(r.expected), "actual": _numbers(r.observed), "traceback": r.traceback,
        } for r in self.results]  # fmt: skip
        return {
            "engine": self.engine, "passed": self.passed, "exit_code": self.exit_code,
            "runs_your_code": say(lang, "runs_code_process" if self.forked else "runs_code_thread",
                                  {"timeout": f"{self.timeout:g}"}),
            "load_error": None if self.load_error is None else dict(zip(("error", "traceback"), self.load_error)),
            "required": sorted(self.required), "checks": self.checks(), "cases": cases,
        }  # fmt: skip

    def json(self, lang: str | None = None) -> str:
        """The report as JSON (non-finite numbers written as the strings "nan", "inf", "-inf")."""
        return json.dumps(self.to_dict(lang), indent=2)

    def draw(self, case: str | None = None, rankdir: str = "LR") -> Digraph:
        """The graph of a failing case (the first that has one, or the one named ``case``) as the learner's
        engine built it, beside chainrule's, with the node where they part and the ops it feeds outlined."""
        from .reference_draw import draw_comparison  # deferred: drawing needs graphviz

        drawable = [r for r in self.results if r.observed is not None and r.observed.graph is not None
                    and r.expected is not None and r.expected.graph is not None]  # fmt: skip
        chosen = [r for r in drawable if r.case.name == case] if case else [r for r in drawable if self.failed(r)]
        if not chosen:
            names = sorted({r.case.name for r in drawable if self.failed(r)})
            raise ValueError(f"Report.draw: no failing case {'named ' + repr(case) + ' ' if case else ''}has a graph "
                             f"to draw (an engine shows its graph through _prev and _op, or children and op); "
                             f"failing cases with a graph: {names}")
        return draw_comparison(chosen[0], self.lang, rankdir)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"<Report on {self.engine}: {'passed' if self.passed else 'FAILED'}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython and Jupyter show the text report."""
        printer.text(self.text())


def _case_text(result: Result) -> str:
    inputs = len(result.case.leaves) + len(result.case.constants)
    return f"{result.case.name} ({result.case.where})" if inputs <= SHOWN_WHERE else result.case.name


def _numbers(observation: Observation | None) -> dict[str, Any] | None:
    if observation is None:
        return None
    return {"data": {k: _json_number(v) for k, v in observation.data.items()},
            "grads": [{k: _json_number(v) for k, v in grads.items()} for grads in observation.grads]}  # fmt: skip


def _json_number(x: float | str) -> float | str:
    return x if isinstance(x, str) or math.isfinite(x) else repr(x)


def _wrap(text: str, indent: str = "", more: str | None = None) -> list[str]:
    """``text`` in lines at most WIDTH columns wide (Hangul counts two), the first indented by ``indent``,
    the rest by ``more``; a word longer than a line gets a line of its own."""
    lines, line = [], indent
    for word in text.split():
        if line.strip() and columns(f"{line} {word}") > WIDTH:
            lines.append(line)
            line = (indent + "  " if more is None else more) + word
        else:
            line = f"{line} {word}" if line.strip() else line + word
    return [*lines, line]


def _indented(text: str, indent: str) -> list[str]:
    return [indent + line for line in text.splitlines()]


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - columns(text), 0)


# ---------------------------------------------------------------- grading mode


@dataclass(frozen=True)
class Grades:
    """One row per submission: its report as JSON data, or why there is none."""

    folder: str
    rows: tuple[tuple[str, dict[str, Any] | None, Message], ...]  # name, report data, why there is none
    lang: str

    def text(self, lang: str | None = None) -> str:
        """The table: a row per submission, a column per check, then how many cases passed."""
        lang = resolve(lang or self.lang)
        header = [say(lang, "grade_submission"), *CHECKS, say(lang, "grade_passed")]
        table, notes = [header], []
        for name, report, why in self.rows:
            if report is None:
                table.append([name, *["?"] * len(CHECKS), ""])
                notes.append(say(lang, "grade_no_report", {"submission": name, "detail": say(lang, *why)}))
                continue
            required = set(report["required"])
            cells = [("MISS" if report["checks"][c] == MISSING and c in required else CELLS[report["checks"][c]])
                     for c in CHECKS]  # fmt: skip
            passed = sum(case["status"] == PASS for case in report["cases"])
            table.append([name, *cells, f"{passed}/{len(CASES)}"])
        widths = [max(columns(row[k]) for row in table) for k in range(len(header))]
        lines = [say(lang, "grade_title", {"count": str(len(self.rows)), "folder": self.folder}),
                 *_wrap(say(lang, "grade_runs")), ""]  # fmt: skip
        lines += ["  ".join(_pad(cell, w) for cell, w in zip(row, widths)).rstrip() for row in table]
        return "\n".join([*lines, "", *_wrap(say(lang, "grade_legend")), *notes])

    def json(self) -> str:
        """Every submission's report (null where there is none), by name."""
        return json.dumps({name: report for name, report, _ in self.rows}, indent=2)

    def __str__(self) -> str:
        return self.text()


def grade(folder: str | os.PathLike[str], *, attribute: str = "Value", require: Iterable[str] | str = (),
          lang: str | None = None, timeout: float = 5.0) -> Grades:  # fmt: skip
    """Check every ``.py`` file in ``folder`` (one submission each, its engine named ``attribute``).

    Each runs in its own process, ``python -m autograd.reference --json``, from chainrule's folder
    (so a submission named ``autograd.py`` shadows nothing); a submission that takes longer than every
    case's timeout together is stopped.
    """
    lang = resolve(lang)
    if not os.path.isdir(folder):
        raise NotADirectoryError(f"grade: {os.fspath(folder)!r} is not a folder of submissions (one .py file each)")
    paths = sorted(p for p in Path(folder).glob("*.py") if not p.name.startswith("_"))
    required = ",".join(sorted(checks_named(require, "grade: require")))
    timeout = real(timeout, "grade: timeout", low=0.0, low_open=True)
    environment = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))}
    limit = timeout * (len(CASES) + 10)
    rows: list[tuple[str, dict[str, Any] | None, Message]] = []
    for path in paths:
        command = [sys.executable, "-m", "autograd.reference", "--json", "--lang", lang, "--timeout", f"{timeout:g}",
                   *(["--require", required] if required else []), f"{path.resolve()}:{attribute}"]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=environment,
                                  timeout=limit, check=False)
            rows.append((path.stem, json.loads(done.stdout), ("", {})))
        except subprocess.TimeoutExpired:
            rows.append((path.stem, None, ("grade_stopped", {"seconds": f"{limit:g}"})))
        except json.JSONDecodeError:
            last = (done.stderr.strip().splitlines() or ["-"])[-1]
            rows.append((path.stem, None, ("grade_exit", {"code": str(done.returncode), "last": shown(last, 200)})))
    return Grades(os.fspath(folder), tuple(rows), lang)
