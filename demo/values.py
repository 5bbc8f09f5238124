"""Realistic random table values that satisfy the consistency rules, year after year.

An agency's years are generated in order so the cross-report rules hold too: carried_over of
year N is carried_forward of N-1, and in_force moves by issued - repealed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from gongkai.assets.form.spec import APPLICANTS, T4_COLS, T4_ROWS
from gongkai.demo.model import Cells, result_leaves

# Share of applications from each applicant kind, and of outcomes (before scaling).
_APPLICANT_WEIGHT = {"natural_person": 1.0, "commercial": 0.12, "research": 0.01,
                     "public_interest": 0.01, "legal_service": 0.06, "other_org": 0.03}
_OUTCOME_WEIGHT = {"result.granted": 40, "result.partly_granted": 8, "result.denied.state_secret": 0.3,
                   "result.denied.prohibited_by_law": 0.8, "result.denied.three_safeties_one_stability": 0.3,
                   "result.denied.third_party_rights": 1.5, "result.denied.internal_affairs": 1,
                   "result.denied.process_info": 1.5, "result.denied.enforcement_files": 0.5,
                   "result.denied.admin_query": 1, "result.unable.not_held": 22,
                   "result.unable.needs_creation": 5, "result.unable.unclear_after_amendment": 3,
                   "result.rejected.petition_complaint": 5, "result.rejected.duplicate": 3,
                   "result.rejected.publication": 0.7, "result.rejected.excessive_repeated": 1,
                   "result.rejected.confirm_or_reissue": 1.5, "result.other": 4,
                   "result.other.no_amendment": 3, "result.other.fee_unpaid": 0.3, "result.other.other": 2}


@dataclass
class AgencyState:
    """What one year hands to the next for one agency."""

    scale: float  # mean applications a year (0 = an agency that never gets any)
    big: bool = False  # a people's government: large t2 counts, rules
    carried: dict[str, int] = field(default_factory=lambda: dict.fromkeys(APPLICANTS, 0))
    rules_in_force: int = 0
    docs_in_force: int = 0


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:  # a normal approximation is plenty for display counts
        return max(0, round(rng.gauss(mean, mean ** 0.5)))
    k, p, target = 0, 1.0, pow(2.718281828459045, -mean)
    while True:
        p *= rng.random()
        if p <= target:
            return k
        k += 1


def t3_t4_values(rng: random.Random, st: AgencyState, fv: str) -> Cells:
    cells: Cells = {}
    leaves = result_leaves(fv)
    weights = [_OUTCOME_WEIGHT[leaf] for leaf in leaves]
    for col in APPLICANTS:
        handled = _poisson(rng, st.scale * _APPLICANT_WEIGHT[col])
        counts = dict.fromkeys(leaves, 0)
        for leaf in rng.choices(leaves, weights, k=handled):
            counts[leaf] += 1
        carried_over = st.carried[col]
        forward = _poisson(rng, handled * 0.04) if handled else 0
        received = handled + forward - carried_over
        if received < 0:  # more carried in than handled: keep the rest pending
            forward, received = forward - received, 0
        for leaf, n in counts.items():
            cells[f"t3|{leaf}|{col}"] = n
        cells.update({f"t3|received_new|{col}": received, f"t3|carried_over|{col}": carried_over,
                      f"t3|result.total|{col}": handled, f"t3|carried_forward|{col}": forward})
        st.carried[col] = forward
    for row in ["received_new", "carried_over", *leaves, "result.total", "carried_forward"]:
        cells[f"t3|{row}|total"] = sum(cells[f"t3|{row}|{c}"] for c in APPLICANTS)
    review_mean = st.scale * 0.03
    for row, mean in zip(T4_ROWS, (review_mean, review_mean * 0.4, review_mean * 0.3)):
        parts = [_poisson(rng, mean * w) for w in (0.6, 0.1, 0.15, 0.15)]
        for col, n in zip(T4_COLS, parts + [sum(parts)]):
            cells[f"t4|{row}|{col}"] = n
    return cells


def t2_values(rng: random.Random, st: AgencyState, fv: str) -> Cells:
    big = st.big
    licensing = rng.randint(2000, 90000) if big else rng.choice([0, rng.randint(1, 40), rng.randint(50, 900)])
    penalty = rng.randint(500, 30000) if big else rng.choice([0, rng.randint(1, 120)])
    coercion = rng.randint(10, 900) if big else rng.choice([0, 0, rng.randint(1, 12)])
    if fv == "2021":
        rules_issued = rng.randint(0, 3) if big else 0
        rules_repealed = rng.randint(0, min(1, st.rules_in_force)) if big else 0
        docs_issued = rng.randint(3, 25) if big else rng.randint(0, 3)
        docs_repealed = rng.randint(0, min(8, st.docs_in_force))
        st.rules_in_force += rules_issued - rules_repealed
        st.docs_in_force += docs_issued - docs_repealed
        fee = round(rng.uniform(800, 60000), 2) if big else rng.choice([0.0, round(rng.uniform(0.5, 300), 2)])
        return {"t2|rules|issued": rules_issued, "t2|rules|repealed": rules_repealed,
                "t2|rules|in_force": st.rules_in_force, "t2|normative_docs|issued": docs_issued,
                "t2|normative_docs|repealed": docs_repealed, "t2|normative_docs|in_force": st.docs_in_force,
                "t2|licensing|decisions": licensing, "t2|penalty|decisions": penalty,
                "t2|coercion|decisions": coercion, "t2|fees|amount_10k_yuan": fee}
    made = rng.randint(3, 25) if big else rng.randint(0, 3)
    st.docs_in_force += made
    rules_made = rng.randint(0, 2) if big else 0
    st.rules_in_force += rules_made
    cells: Cells = {"t2|rules|made": rules_made, "t2|rules|published": rules_made,
                    "t2|rules|public_total": st.rules_in_force, "t2|normative_docs|made": made,
                    "t2|normative_docs|published": made, "t2|normative_docs|public_total": st.docs_in_force}
    for rid, decisions in (("licensing", licensing), ("other_services", rng.randint(0, 400)),
                           ("penalty", penalty), ("coercion", coercion)):
        prev = rng.randint(5, 300) if big else rng.randint(0, 40)
        cells.update({f"t2|{rid}|items_prev_year": prev, f"t2|{rid}|items_change": rng.randint(-min(prev, 9), 9),
                      f"t2|{rid}|decisions": decisions})
    cells.update({"t2|fees|items_prev_year": rng.randint(0, 30) if big else rng.randint(0, 3),
                  "t2|fees|items_change": rng.randint(-2, 0),
                  "t2|procurement|items": (items := rng.randint(5, 300) if big else rng.randint(0, 12)),
                  "t2|procurement|amount_10k_yuan": round(rng.uniform(10, 90000 if big else 400), 4) if items else 0.0})
    return cells


def report_values(rng: random.Random, st: AgencyState, fv: str) -> Cells:
    return t2_values(rng, st, fv) | t3_t4_values(rng, st, fv)
