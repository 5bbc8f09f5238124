"""Every figure of the report site as SQL over the analyst views: what it shows, what it is a
share of (its denominator), and the query. The site prints each query beside its figure, with
the page's scope written in, so an analyst can paste it into `gongkai sql` and get the same
numbers. No figure is computed in Python: the charts only draw these rows.

`{scope}` in a query is the page's filter on `year` and `agency_id` (every analyst view has
both); `{due_year}` is the latest year whose reports are due.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The latest year whose reports are due from every agency (warehouse/metrics.sql), so a year in
# progress never shows everyone as missing.
DUE_YEAR = "latest_due_year(current_date)"


@dataclass(frozen=True)
class Scope:
    """Which reports a page covers: some years, and a division with everything under it."""

    years: tuple[int, ...] = ()
    division: str | None = None  # a division code (320800) or a division name as stored

    def sql(self) -> str:
        terms = []
        if self.years:
            terms.append(f"year IN ({', '.join(str(int(y)) for y in sorted(self.years))})")
        if self.division:
            terms.append(f"agency_id IN (SELECT agency_id FROM agency WHERE {division_match(self.division)})")
        return " AND ".join(terms) or "true"


def division_match(division: str) -> str:
    """SQL matching the agencies in a division and under it: by code prefix for a code
    (320800 → every code starting 3208: the prefecture and its counties), else by name."""
    if re.fullmatch(r"\d{2,12}", division):
        prefix = division
        while len(prefix) > 2 and prefix.endswith("00"):
            prefix = prefix[:-2]
        return f"starts_with(division_code, '{prefix}')"
    return f"starts_with(division, '{division.replace(chr(39), chr(39) * 2)}')"


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    denominator: str  # what the figure's shares are of, or what its counts sum over
    sql: str

    def query(self, scope: Scope) -> str:
        return self.sql.strip().format(scope=scope.sql(), due_year=DUE_YEAR)


COVERAGE_BY_PROVINCE = Figure(
    "coverage_by_province", "Who published: share of known agencies with a readable report",
    "agencies known in the province (every agency that published a report in any loaded year); "
    "years up to the latest whose reports are due. Where the gazetteer places an agency in no "
    "province, its division as published stands in.",
    """
SELECT coalesce(province, division, '(no division)') AS province, year,
       count(*) AS agencies,
       count(*) FILTER (status = 'published') AS published,
       count(*) FILTER (status = 'missing') AS missing,
       count(*) FILTER (status IN ('unreadable', 'needs_ocr')) AS unreadable,
       count(*) FILTER (status = 'published') / count(*) AS published_share
FROM coverage
WHERE {scope} AND year <= {due_year}
GROUP BY ALL
ORDER BY province, year
""")

COVERAGE_BY_AGENCY = Figure(
    "coverage_by_agency", "Who published, who is missing, who is unreadable, year by year",
    "every agency known in the division × every loaded year up to the latest whose reports are due",
    """
SELECT agency, year, status, documents
FROM coverage
WHERE {scope} AND year <= {due_year}
ORDER BY agency, year
""")

NOT_PUBLISHED = Figure(
    "not_published", "Not published in the latest year whose reports are due",
    "agencies known in scope with no readable report for that year (missing: nothing found; "
    "unreadable: found, none read; needs_ocr: only scans found)",
    """
SELECT c.year, c.agency, c.division, c.status, c.documents, a.last_year AS last_published
FROM (SELECT * FROM coverage WHERE {scope}) c
JOIN agency a USING (agency_id)
WHERE c.status <> 'published'
  AND c.year = (SELECT max(year) FROM coverage WHERE {scope} AND year <= {due_year})
ORDER BY c.status, c.division, c.agency
""")

APPLICATIONS = Figure(
    "applications", "Applications received, answered and carried forward",
    "sums over the canonical report of each agency and year (reports per year in the tooltip); "
    "an empty cell adds nothing (it is not read as 0)",
    """
SELECT year, measure, count(value) AS reports, sum(value) AS applications
FROM (UNPIVOT (SELECT year, received, answered, carried_forward FROM applications WHERE {scope})
      ON received, answered, carried_forward INTO NAME measure VALUE value)
GROUP BY ALL
ORDER BY year, measure
""")

OUTCOMES = Figure(
    "outcomes", "How applications were answered (share of all answered)",
    "applications answered (t3 办理结果 总计) in the year, over the reports that print it",
    """
WITH answered AS (
    SELECT * FROM outcomes WHERE {scope} AND total > 0
)
SELECT year, outcome, sum(n) AS applications,
       sum(n) / any_value(t.answered) AS share, any_value(t.answered) AS answered
FROM (UNPIVOT (SELECT year, granted, partly_granted, denied, unable, rejected, other FROM answered)
      ON granted, partly_granted, denied, unable, rejected, other INTO NAME outcome VALUE n)
JOIN (SELECT year, sum(total) AS answered FROM answered GROUP BY year) t USING (year)
GROUP BY ALL
ORDER BY year, outcome
""")

SUBSTANTIVE_DISCLOSURE = Figure(
    "substantive_disclosure", "实质公开率: granted or partly granted, of all answered",
    "applications answered (t3 三（七）总计), over the reports whose 实质公开率 is defined (view "
    "disclosure_rate: answered above 0 and no cell empty)",
    """
SELECT year, count(*) AS reports, sum(disclosed) AS disclosed, sum(answered) AS answered,
       sum(disclosed) / sum(answered) AS rate
FROM disclosure_rate
WHERE {scope} AND disclosure_rate IS NOT NULL
GROUP BY year
ORDER BY year
""")

DENIAL_GROUNDS = Figure(
    "denial_grounds", "On which grounds applications were denied (share of all denials)",
    "applications denied (三（三）不予公开, the sum of its 8 grounds) in the year (view denial_rate_by_ground)",
    r"""
SELECT year, regexp_replace(ground_label, '^.*不予公开\s*', '') AS ground, sum(denied) AS applications,
       sum(denied) / sum(sum(denied)) OVER (PARTITION BY year) AS share,
       sum(sum(denied)) OVER (PARTITION BY year) AS denied
FROM denial_rate_by_ground
WHERE {scope}
GROUP BY year, ground_label
QUALIFY sum(sum(denied)) OVER (PARTITION BY year) > 0
ORDER BY year, ground
""")

CORRECTION_RATES = Figure(
    "correction_rates", "复议纠错率 and 诉讼败诉率: concluded reviews and lawsuits that corrected the agency",
    "administrative reviews and lawsuits concluded in the year (结果维持 + 结果纠正 + 其他结果; 尚未审结 "
    "left out), over the reports whose rate is defined (view correction_rate)",
    """
SELECT year, '复议纠错率 review' AS kind, sum(reviews_corrected) AS corrected,
       sum(reviews_concluded) AS concluded, sum(reviews_corrected) / sum(reviews_concluded) AS rate
FROM correction_rate WHERE {scope} AND review_correction_rate IS NOT NULL
GROUP BY year
UNION ALL
SELECT year, '诉讼败诉率 lawsuit', sum(lawsuits_corrected), sum(lawsuits_concluded),
       sum(lawsuits_corrected) / sum(lawsuits_concluded)
FROM correction_rate WHERE {scope} AND litigation_loss_rate IS NOT NULL
GROUP BY year
ORDER BY kind, year
""")

CARRY_OVER = Figure(
    "carry_over", "Carry-over rate: applications still open at the year's end",
    "the year's workload (一、本年新收 + 二、上年结转), over the reports whose rate is defined "
    "(view carry_over_rate)",
    """
SELECT year, count(*) AS reports, sum(carried_forward) AS carried_forward, sum(workload) AS workload,
       sum(carried_forward) / sum(workload) AS rate
FROM carry_over_rate
WHERE {scope} AND carry_over_rate IS NOT NULL
GROUP BY year
ORDER BY year
""")

REPETITION = Figure(
    "repetition", "Boilerplate: sentences repeated word for word from the agency's previous report",
    "sentences of the section in reports whose agency also has a report of the year before "
    "(view section_repetition)",
    """
SELECT section_id AS section, year, count(*) AS reports, sum(repeated) AS repeated,
       sum(sentences) AS sentences, sum(repeated) / sum(sentences) AS share
FROM section_repetition
WHERE {scope} AND repetition_rate IS NOT NULL
GROUP BY ALL
ORDER BY section, year
""")

CHECK_FAILURE_RATES = Figure(
    "check_failure_rates", "Reports breaking each consistency rule (勾稽关系)",
    "canonical reports of the year (every hard rule of table rule, the cross-year one included)",
    """
WITH reports AS (
    SELECT year, count(*) AS reports FROM report WHERE {scope} AND is_canonical GROUP BY year
), failing AS (
    SELECT year, rule, count(DISTINCT report_id) AS failing FROM check_failures WHERE {scope} GROUP BY ALL
)
SELECT r.year, u.name AS rule, coalesce(f.failing, 0) AS failing, r.reports,
       coalesce(f.failing, 0) / r.reports AS share
FROM reports r
CROSS JOIN (SELECT name FROM rule WHERE NOT soft) u
LEFT JOIN failing f ON f.year = r.year AND f.rule = u.name
ORDER BY r.year, u.name
""")

HIERARCHY = Figure(
    "hierarchy", "Areas' 汇总 reports against the sum of their members' own reports",
    "each aggregate (汇总) report's figure against the sum of the own (本级) reports loaded for the "
    "same year inside its division (view hierarchy_check, soft: members not loaded or not "
    "published make the sum smaller); the largest differences first",
    """
SELECT h.agency, h.division, h.year, h.row_id, h.col_id, h.actual AS printed, h.expected AS members_sum,
       h.difference, h.members, r.source_url, r.sha256, r.media
FROM (SELECT * FROM hierarchy_check WHERE {scope}) h
JOIN report r USING (report_id)
WHERE NOT h.passed
ORDER BY abs(h.difference) DESC, h.agency, h.year, h.row_id, h.col_id
LIMIT 20
""")

# Leaderboards: agency-years, each with its report (source URL and stored copy).
TOP_RECEIVED = Figure(
    "top_received", "Most applications received",
    "agency-years in scope; applications received (t3 新收政府信息公开申请数量 总计)",
    """
SELECT a.agency, a.division, a.year, a.received, a.answered, r.source_url, r.sha256, r.media
FROM (SELECT * FROM applications WHERE {scope}) a
JOIN report r USING (report_id)
WHERE a.received IS NOT NULL
ORDER BY a.received DESC, a.agency, a.division, a.year
LIMIT 15
""")

TOP_DENIAL_RATE = Figure(
    "top_denial_rate", "Highest denial rate (不予公开 of all answered; at least 20 answered)",
    "applications the agency answered that year (t3 办理结果 总计), 20 or more",
    """
SELECT o.agency, o.division, o.year, o.denied, o.total AS answered, o.denied / o.total AS denial_rate,
       r.source_url, r.sha256, r.media
FROM (SELECT * FROM outcomes WHERE {scope}) o
JOIN report r USING (report_id)
WHERE o.total >= 20 AND o.denied IS NOT NULL
ORDER BY denial_rate DESC, o.total DESC, o.agency, o.division, o.year
LIMIT 15
""")

TOP_CORRECTED = Figure(
    "top_corrected", "Most often corrected on review or in court",
    "administrative reviews and lawsuits over the agency's disclosure that year (t4 总计)",
    """
SELECT l.agency, l.division, l.year, l.reviews_corrected, l.reviews, l.lawsuits_corrected, l.lawsuits,
       r.source_url, r.sha256, r.media
FROM (SELECT * FROM review_litigation WHERE {scope}) l
JOIN report r USING (report_id)
WHERE coalesce(l.reviews_corrected, 0) + coalesce(l.lawsuits_corrected, 0) > 0
ORDER BY coalesce(l.reviews_corrected, 0) + coalesce(l.lawsuits_corrected, 0) DESC, l.agency, l.division, l.year
LIMIT 15
""")

TOP_CHECK_FAILURES = Figure(
    "top_check_failures", "Reports that do not add up",
    "canonical reports in scope; each broken hard rule counted once per row and column it fails on",
    """
SELECT f.agency, f.year, count(*) AS failures, string_agg(DISTINCT f.rule, ', ' ORDER BY f.rule) AS rules,
       r.source_url, r.sha256, r.media
FROM (SELECT * FROM check_failures WHERE {scope}) f
JOIN report r USING (report_id)
GROUP BY ALL
ORDER BY failures DESC, f.agency, f.year, r.source_url
LIMIT 15
""")

TOP_REPETITION = Figure(
    "top_repetition", "Most repeated from the year before (reports of 20 sentences or more)",
    "the report's sentences (every section), where the agency also has a report of the year before",
    """
SELECT s.agency, s.division, s.year, sum(s.repeated) AS repeated, sum(s.sentences) AS sentences,
       sum(s.repeated) / sum(s.sentences) AS share, r.source_url, r.sha256, r.media
FROM (SELECT * FROM section_repetition WHERE {scope} AND repetition_rate IS NOT NULL) s
JOIN report r USING (report_id)
GROUP BY ALL
HAVING sum(s.sentences) >= 20
ORDER BY share DESC, s.agency, s.division, s.year
LIMIT 15
""")

# A division page lists every canonical report of the division.
REPORTS = Figure(
    "reports", "Every canonical report",
    "canonical reports of the division's agencies in scope (one per agency and year)",
    """
SELECT a.agency, a.year, a.received, a.answered, o.denied,
       (SELECT count(*) FROM check_failures f WHERE f.report_id = a.report_id) AS check_failures,
       r.source_url, r.sha256, r.media
FROM (SELECT * FROM applications WHERE {scope}) a
JOIN outcomes o USING (report_id)
JOIN report r USING (report_id)
ORDER BY a.agency, a.year
""")

# The divisions that get a page of their own: every division an agency sits in.
DIVISIONS = Figure(
    "divisions", "Divisions", "agencies known in scope, by the division they sit in",
    """
SELECT coalesce(division_code, division) AS key, division, division_code, count(*) AS agencies
FROM agency
WHERE {scope} AND coalesce(division_code, division) IS NOT NULL
GROUP BY ALL
ORDER BY division
""")

SUMMARY = Figure(
    "summary", "What the warehouse holds", "everything in scope",
    """
SELECT count(*) FILTER (is_canonical) AS reports, count(*) AS documents,
       count(DISTINCT agency_id) AS agencies, min(year) AS first_year, max(year) AS last_year
FROM report
WHERE {scope}
""")
