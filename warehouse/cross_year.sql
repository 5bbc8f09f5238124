-- The cross-year checks of the reports a load touched (table changed_report: every report row
-- the load removed or added; run by the loader inside each load, after the agency dimension).
-- A report of year N is checked against its agency's report of N−1 and is the N−1 of the
-- check of N+1, so both pairs are recomputed: a backfill loads years in any order.
-- cell_read: the cells the cross-year terms read (report_id, table_id, row_id, col_id, value),
-- from the wide tables' columns of those cells in the partitions the pairs can read
-- (writing.refresh_derived: a few columns of one row a report, not fact_cell's 200 rows).
DELETE FROM cross_year_check
WHERE report_id IN (SELECT report_id FROM changed_report)
   OR previous_report_id IN (SELECT report_id FROM changed_report);
INSERT INTO cross_year_check BY NAME
WITH pair AS (
    SELECT cur.report_id, cur.agency_id, cur.agency, cur.year, cur.title, cur.source_url,
           prev.report_id AS previous_report_id
    FROM report cur
    JOIN report prev ON prev.agency_id = cur.agency_id AND prev.year = cur.year - 1
     AND coalesce(prev.scope, 'own') = coalesce(cur.scope, 'own')
    WHERE cur.is_canonical AND prev.is_canonical
      AND (cur.report_id IN (SELECT report_id FROM changed_report)
           OR prev.report_id IN (SELECT report_id FROM changed_report))
), rule_term_cross AS (
    SELECT t.* FROM rule_term t JOIN rule r ON r.name = t.rule WHERE r.scope = 'cross_year'
), cell_read AS (
    {cells}
), term AS (
    SELECT p.*, t.rule, t.row_id, t.col_id, t.side, t.sign * f.value AS value
    FROM pair p
    CROSS JOIN rule_term_cross t
    LEFT JOIN cell_read f
      ON f.report_id = CASE WHEN t.years_back = 1 THEN p.previous_report_id ELSE p.report_id END
     AND f.table_id = t.table_id AND f.row_id = t.cell_row_id AND f.col_id = t.cell_col_id
), sides AS (
    SELECT report_id, agency_id, agency, year, title, source_url, previous_report_id, rule, row_id, col_id,
           CASE WHEN count(*) FILTER (side = 'expected' AND value IS NULL) = 0
                THEN sum(value) FILTER (side = 'expected') END AS expected,
           CASE WHEN count(*) FILTER (side = 'actual' AND value IS NULL) = 0
                THEN sum(value) FILTER (side = 'actual') END AS actual
    FROM term
    GROUP BY ALL
)
SELECT s.report_id, s.agency_id, s.agency, s.year, s.previous_report_id, s.rule, s.row_id,
       s.col_id, s.expected, s.actual, abs(s.expected - s.actual) < 1e-6 AS passed, r.soft,
       s.title, s.source_url
FROM sides s
JOIN rule r ON r.name = s.rule;
