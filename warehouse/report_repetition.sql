-- report_repetition for the reports a load touched (table changed_report), after
-- section_repetition.sql recounted their sections: the same reports, summed over sections.
DELETE FROM report_repetition
WHERE report_id IN (SELECT report_id FROM changed_report)
   OR EXISTS (SELECT 1 FROM changed_report c
              WHERE c.agency_id = report_repetition.agency_id AND c.year = report_repetition.year - 1);
INSERT INTO report_repetition BY NAME
SELECT report_id, any_value(previous_report_id) AS previous_report_id,
       any_value(agency_id) AS agency_id, any_value(agency) AS agency,
       any_value(division) AS division, any_value(year) AS year,
       count(*)::INTEGER AS sections,
       sum(sentences)::INTEGER AS sentences,
       sum(repeated)::INTEGER AS repeated,   -- NULL for every section without a previous report
       sum(repeated) / nullif(sum(sentences), 0) AS repetition_rate
FROM section_repetition
WHERE report_id IN (SELECT report_id FROM changed_report)
   OR EXISTS (SELECT 1 FROM changed_report c
              WHERE c.agency_id = section_repetition.agency_id AND c.year = section_repetition.year - 1)
GROUP BY report_id;
