-- The agency dimension for the agencies a load touched (table changed_agency: every agency
-- whose report rows the load removed or added; run by the loader inside each load, after the
-- years are replaced). Attributes come from the agency's latest report that has them, over
-- all its reports in every year. The other agencies' rows stay as they are; so do their rows of
-- agency_year (documents per agency and year, which coverage reads).
DELETE FROM agency WHERE agency_id IN (SELECT agency_id FROM changed_agency);
INSERT INTO agency
SELECT agency_id,
       arg_max(agency, (coalesce(year, partition_year), is_canonical, report_id)) AS name,
       any_value(agency_norm) AS name_normalised,
       list(DISTINCT agency ORDER BY agency) AS names_published,
       arg_max(division, coalesce(year, partition_year)) FILTER (division IS NOT NULL) AS division,
       any_value(division_code) AS division_code,
       arg_max(province, coalesce(year, partition_year)) FILTER (province IS NOT NULL) AS province,
       arg_max(prefecture, coalesce(year, partition_year)) FILTER (prefecture IS NOT NULL) AS prefecture,
       arg_max(county, coalesce(year, partition_year)) FILTER (county IS NOT NULL) AS county,
       arg_max(level, coalesce(year, partition_year)) FILTER (level IS NOT NULL) AS level,
       arg_max(agency_kind, coalesce(year, partition_year)) FILTER (agency_kind IS NOT NULL) AS kind,
       min(year) AS first_year,
       max(year) AS last_year,
       count(*) AS reports,
       count(DISTINCT year) FILTER (is_canonical) AS canonical_reports
FROM report
WHERE agency_id IN (SELECT agency_id FROM changed_agency)
GROUP BY agency_id;
DELETE FROM agency_year WHERE agency_id IN (SELECT agency_id FROM changed_agency);
INSERT INTO agency_year BY NAME
SELECT agency_id, coalesce(year, partition_year) AS year,
       count(*)::INTEGER                                          AS documents,
       count(*) FILTER (error IS NULL AND NOT needs_ocr)::INTEGER AS readable,
       count(*) FILTER (needs_ocr)::INTEGER                       AS needs_ocr,
       count(*) FILTER (error IS NOT NULL)::INTEGER               AS unreadable,
       bool_or(is_canonical)                                      AS published,
       any_value(report_id) FILTER (is_canonical)                 AS report_id
FROM report
WHERE agency_id IN (SELECT agency_id FROM changed_agency)
GROUP BY ALL;
