-- The example questions of the README, answered in SQL. One place for the README section
-- (python -m warehouse.examples prints it), the benchmark (each must answer in < 1 s on a
-- national-scale warehouse) and the tests (each runs on a small warehouse).
-- Each block: "-- name:", "-- question:", then one SELECT ending in ";". A query with a
-- LIMIT orders totally (ties broken by name), so every engine gives the same rows.
-- "The latest year" is the latest year loaded whose reports are due from every agency
-- (latest_due_year, views.sql), never the year in progress; coverage's years are the years
-- loaded (load_log), so its latest is read there (coverage_latest), not from coverage computed twice.

-- name: applications_by_county
-- question: How many applications did each county receive in the latest year whose reports are due?
SELECT coalesce(province, '?') AS province, coalesce(prefecture, '?') AS prefecture,
       coalesce(county, division, '?') AS county,
       count(*) AS agencies, sum(received) AS received, sum(answered) AS answered
FROM applications
WHERE year = (SELECT max(year) FROM applications WHERE year <= latest_due_year(current_date))
GROUP BY ALL
ORDER BY received DESC NULLS LAST, province, prefecture, county
LIMIT 20;

-- name: answers_by_year
-- question: How were applications answered, year by year (shares of all answered)?
SELECT year, sum(total) AS answered,
       round(100 * sum(granted) / sum(total), 1)        AS granted_pct,
       round(100 * sum(partly_granted) / sum(total), 1) AS partly_pct,
       round(100 * sum(denied) / sum(total), 1)         AS denied_pct,
       round(100 * sum(unable) / sum(total), 1)         AS unable_pct,
       round(100 * sum(rejected) / sum(total), 1)       AS rejected_pct,
       round(100 * sum(other) / sum(total), 1)          AS other_pct
FROM outcomes
GROUP BY year
ORDER BY year;

-- name: top_deniers
-- question: Which agencies denied the most applications in the latest year whose reports are due, and on what grounds?
SELECT agency, division, total, denied,
       round(100 * denied / nullif(total, 0), 1) AS denied_pct,
       denied_state_secret, denied_prohibited_by_law, denied_three_safeties_one_stability,
       denied_third_party_rights, denied_internal_affairs, denied_process_info,
       denied_enforcement_files, denied_admin_query
FROM outcomes
WHERE year = (SELECT max(year) FROM outcomes WHERE year <= latest_due_year(current_date))
ORDER BY denied DESC NULLS LAST, agency, division
LIMIT 20;

-- name: denial_grounds
-- question: On which grounds are applications denied, nationally, year by year?
SELECT year, sum(denied) AS denied,
       sum(denied_state_secret) AS state_secret, sum(denied_prohibited_by_law) AS prohibited_by_law,
       sum(denied_three_safeties_one_stability) AS three_safeties,
       sum(denied_third_party_rights) AS third_party_rights,
       sum(denied_internal_affairs) AS internal_affairs, sum(denied_process_info) AS process_info,
       sum(denied_enforcement_files) AS enforcement_files, sum(denied_admin_query) AS admin_query
FROM outcomes
GROUP BY year
ORDER BY year;

-- name: reports_not_adding_up
-- question: Which consistency rules do the canonical reports break, and how often, per year?
SELECT year, rule, count(DISTINCT report_id) AS reports, count(*) AS failures
FROM check_failures
GROUP BY ALL
ORDER BY year DESC, reports DESC;

-- name: worst_arithmetic
-- question: Which reports are furthest off their own balance rule (received + carried over = answered + carried forward)?
SELECT agency, year, col_id, expected, actual, abs(expected - actual) AS off_by, source_url
FROM check_failures
WHERE rule = 't3_balance'
ORDER BY off_by DESC, agency, year, col_id
LIMIT 20;

-- name: not_published
-- question: Who has not published a readable report for the latest year whose reports are due?
SELECT status, level, count(*) AS agencies, any_value(agency) AS for_example
FROM coverage_latest
WHERE status <> 'published'
GROUP BY ALL
ORDER BY agencies DESC;

-- name: coverage_by_year
-- question: How complete is the warehouse, year by year (agencies published, missing, unreadable, scans, not due yet)?
SELECT year,
       count(*) FILTER (status = 'published')  AS published,
       count(*) FILTER (status = 'missing')    AS missing,
       count(*) FILTER (status = 'unreadable') AS unreadable,
       count(*) FILTER (status = 'needs_ocr')  AS needs_ocr,
       count(*) FILTER (status = 'not_due')    AS not_due
FROM coverage
GROUP BY year
ORDER BY year;

-- name: year_over_year
-- question: Whose applications changed most from one year to the next?
SELECT cur.agency, cur.year, cur.received, prev.received AS previous_year,
       cur.received - prev.received AS change
FROM applications cur
JOIN applications prev ON prev.agency_id = cur.agency_id AND prev.year = cur.year - 1
WHERE cur.received IS NOT NULL AND prev.received IS NOT NULL
ORDER BY abs(change) DESC, cur.agency, cur.year
LIMIT 20;

-- name: denial_rate_by_kind
-- question: Which kinds of agency deny most often (denial rate by agency kind and level)?
SELECT coalesce(agency_kind, '?') AS kind, coalesce(level, '?') AS level,
       count(*) AS agency_years, sum(total) AS answered, sum(denied) AS denied,
       round(100 * sum(denied) / nullif(sum(total), 0), 1) AS denied_pct
FROM outcomes
GROUP BY ALL
HAVING sum(total) > 0
ORDER BY denied_pct DESC;

-- name: review_litigation_outcomes
-- question: How often do administrative reviews and lawsuits correct the agency?
SELECT year, sum(reviews) AS reviews, sum(reviews_corrected) AS reviews_corrected,
       round(100 * sum(reviews_corrected) / nullif(sum(reviews), 0), 1) AS review_corrected_pct,
       sum(lawsuits) AS lawsuits, sum(lawsuits_corrected) AS lawsuits_corrected,
       round(100 * sum(lawsuits_corrected) / nullif(sum(lawsuits), 0), 1) AS lawsuit_corrected_pct
FROM review_litigation
GROUP BY year
ORDER BY year;

-- name: carried_over_mismatch
-- question: Which agencies' carried-over applications differ from what they carried forward the year before?
SELECT agency, year, actual AS carried_over, expected AS previous_carried_forward,
       actual - expected AS difference
FROM cross_year_check
WHERE rule = 't3_carried_over_matches_previous_year' AND NOT passed
ORDER BY abs(difference) DESC, agency, year
LIMIT 20;

-- name: administrative_fees
-- question: Which agencies collected the most administrative fees (行政事业性收费, t2, 万元: all fees the agency charges, not the 信息处理费 of applications)?
SELECT agency, year, fees__amount_10k_yuan AS administrative_fees_10k_yuan
FROM t2_wide
WHERE fees__amount_10k_yuan > 0
ORDER BY administrative_fees_10k_yuan DESC, agency, year
LIMIT 20;

-- name: processing_fees
-- question: Which agencies charged applicants information-processing fees (信息处理费, 元, as section 6 states them)?
SELECT r.agency, r.year, f.value AS processing_fee_yuan, f.text AS stated_as
FROM narrative_figure f JOIN report r USING (report_id)
WHERE r.is_canonical AND f.figure = 'processing_fee_yuan' AND f.value > 0
ORDER BY processing_fee_yuan DESC, agency, year
LIMIT 20;

-- name: lowest_disclosure
-- question: Which agencies disclosed least (实质公开率: granted + partly granted ÷ answered), among those answering 20 or more?
SELECT agency, division, year, disclosed, answered, round(100 * disclosure_rate, 1) AS disclosure_pct
FROM disclosure_rate
WHERE year = (SELECT max(year) FROM disclosure_rate WHERE year <= latest_due_year(current_date)) AND answered >= 20
ORDER BY disclosure_rate, answered DESC, agency
LIMIT 20;

-- name: correction_rates_by_level
-- question: How often are agencies corrected on review (复议纠错率) and in court (诉讼败诉率), by level?
SELECT coalesce(level, '?') AS level, year,
       sum(reviews_corrected) AS reviews_corrected, sum(reviews_concluded) AS reviews_concluded,
       round(100 * sum(reviews_corrected) / nullif(sum(reviews_concluded), 0), 1) AS review_correction_pct,
       sum(lawsuits_corrected) AS lawsuits_corrected, sum(lawsuits_concluded) AS lawsuits_concluded,
       round(100 * sum(lawsuits_corrected) / nullif(sum(lawsuits_concluded), 0), 1) AS litigation_loss_pct
FROM correction_rate
GROUP BY ALL
ORDER BY level, year;

-- name: boilerplate
-- question: Whose reports repeat last year's text most (share of sentences copied from the previous report)?
SELECT agency, year, repeated, sentences, round(100 * repetition_rate, 1) AS repeated_pct
FROM report_repetition
WHERE repeated IS NOT NULL AND sentences >= 10
ORDER BY repeated_pct DESC, sentences DESC, agency, year
LIMIT 20;

-- name: format_versions
-- question: Which report formats were published each year (2021, 2019, pre-2019 prose)?
SELECT year, format_version, count(*) AS reports
FROM report
WHERE is_canonical
GROUP BY ALL
ORDER BY year, format_version;
