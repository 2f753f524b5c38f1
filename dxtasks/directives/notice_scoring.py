"""How well the notice reader does on notices whose directives are known.

A notice `NAME.txt` has its expected directives in `NAME.expected.json`:
`{"reference": "YYYY-MM-DD", "directives": [{"lead", "due", "precision", "co"}, …]}`.
A proposed directive is right when its (lead agency, due date, precision)
matches an expected one not yet matched; recall and precision count those.
On the matched pairs, the co-ordinating agencies are right when the sets are
equal.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from .notices import Gazetteer, read_notice


@dataclass
class NoticeScore:
    name: str
    expected: int
    proposed: int
    matched: int
    co_right: int

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.proposed if self.proposed else 1.0

    @property
    def co_accuracy(self) -> float:
        return self.co_right / self.matched if self.matched else 1.0

    def as_json(self) -> dict:
        return {
            "notice": self.name,
            "expected": self.expected,
            "proposed": self.proposed,
            "matched": self.matched,
            "recall": round(self.recall, 3),
            "precision": round(self.precision, 3),
            "co_agencies_right": self.co_right,
            "co_accuracy": round(self.co_accuracy, 3),
        }


def _triple(lead, due, precision) -> tuple:
    return (lead, due, precision)


def score(name: str, text: str, expected: dict, gazetteer: Gazetteer) -> NoticeScore:
    reference = expected.get("reference")
    reading = read_notice(
        text, gazetteer=gazetteer, reference=datetime.date.fromisoformat(reference) if reference else None
    )
    wanted = [(_triple(e["lead"], e["due"], e["precision"]), set(e.get("co", []))) for e in expected["directives"]]
    used = [False] * len(wanted)
    matched = co_right = 0
    for proposal in reading.directives:
        triple = _triple(
            proposal.lead_agency, proposal.due_date.isoformat() if proposal.due_date else None, proposal.precision
        )
        for i, (want, co) in enumerate(wanted):
            if not used[i] and want == triple:
                used[i] = True
                matched += 1
                co_right += set(proposal.co_agencies) == co
                break
    return NoticeScore(name, len(wanted), len(reading.directives), matched, co_right)


def score_directory(directory: Path, gazetteer: Gazetteer) -> list[NoticeScore]:
    scores = []
    for path in sorted(directory.glob("*.txt")):
        expected_path = path.with_name(path.stem + ".expected.json")
        if expected_path.exists():
            expected = json.loads(expected_path.read_text(encoding="utf-8"))
            scores.append(score(path.name, path.read_text(encoding="utf-8"), expected, gazetteer))
    return scores


def total(scores: list[NoticeScore], name: str = "total") -> NoticeScore:
    return NoticeScore(
        name,
        sum(s.expected for s in scores),
        sum(s.proposed for s in scores),
        sum(s.matched for s in scores),
        sum(s.co_right for s in scores),
    )
