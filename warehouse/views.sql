-- Views in the analyst's vocabulary, over the canonical report of each agency and year.
-- Replaced on every schema setup, so a change here reaches existing warehouses.

CREATE OR REPLACE VIEW canonical_cell AS
SELECT f.report_id, r.agency, r.division, r.year, r.format_version,
       f.table_id, f.row_id, f.col_id, c.row_label, c.col_label, c.unit, f.value, f.raw
FROM fact_cell f
JOIN report r ON r.report_id = f.report_id
LEFT JOIN cell c
  ON c.table_id = f.table_id AND c.row_id = f.row_id AND c.col_id = f.col_id
 AND c.formats IN ('both', r.format_version)
WHERE r.is_canonical;
COMMENT ON VIEW canonical_cell IS 'Every cell of the canonical report of each agency and year, with its labels';

CREATE OR REPLACE VIEW applications AS
SELECT report_id, agency, division, year, format_version,
       (max(value) FILTER (row_id = 'received_new' AND col_id = 'total'))::BIGINT AS received,
       (max(value) FILTER (row_id = 'received_new' AND col_id = 'natural_person'))::BIGINT AS from_natural_persons,
       (max(value) FILTER (row_id = 'received_new' AND col_id = 'commercial'))::BIGINT AS from_businesses,
       (max(value) FILTER (row_id = 'received_new' AND col_id = 'research'))::BIGINT AS from_research,
       (max(value) FILTER (row_id = 'received_new' AND col_id = 'public_interest'))::BIGINT AS from_public_interest,
       (max(value) FILTER (row_id = 'received_new' AND col_id = 'legal_service'))::BIGINT AS from_legal_services,
       (max(value) FILTER (row_id = 'received_new' AND col_id = 'other_org'))::BIGINT AS from_other_orgs,
       (max(value) FILTER (row_id = 'carried_over' AND col_id = 'total'))::BIGINT AS carried_over,
       (max(value) FILTER (row_id = 'result.total' AND col_id = 'total'))::BIGINT AS answered,
       (max(value) FILTER (row_id = 'carried_forward' AND col_id = 'total'))::BIGINT AS carried_forward
FROM canonical_cell
WHERE table_id = 't3'
GROUP BY ALL;
COMMENT ON VIEW applications IS 'Applications received per agency and year, by applicant type (t3 rows 一, 二, 四 and the total answered)';

CREATE OR REPLACE VIEW outcomes AS
SELECT report_id, agency, division, year, format_version,
       (max(value) FILTER (row_id = 'result.granted'))::BIGINT AS granted,
       (max(value) FILTER (row_id = 'result.partly_granted'))::BIGINT AS partly_granted,
       (sum(value) FILTER (row_id LIKE 'result.denied.%'))::BIGINT AS denied,
       (sum(value) FILTER (row_id LIKE 'result.unable.%'))::BIGINT AS unable,
       (sum(value) FILTER (row_id LIKE 'result.rejected.%'))::BIGINT AS rejected,
       coalesce(max(value) FILTER (row_id = 'result.other'),
                sum(value) FILTER (row_id LIKE 'result.other.%'))::BIGINT AS other,
       (max(value) FILTER (row_id = 'result.total'))::BIGINT AS total
FROM canonical_cell
WHERE table_id = 't3' AND col_id = 'total'
GROUP BY ALL;
COMMENT ON VIEW outcomes IS 'How applications were answered per agency and year (t3 总计 column): granted, partly granted, denied, unable, rejected, other';

CREATE OR REPLACE VIEW review_litigation AS
SELECT report_id, agency, division, year,
       (max(value) FILTER (row_id = 'review' AND col_id = 'total'))::BIGINT AS reviews,
       (max(value) FILTER (row_id = 'review' AND col_id = 'corrected'))::BIGINT AS reviews_corrected,
       (max(value) FILTER (row_id = 'litigation_direct' AND col_id = 'total'))::BIGINT AS lawsuits_direct,
       (max(value) FILTER (row_id = 'litigation_after_review' AND col_id = 'total'))::BIGINT AS lawsuits_after_review,
       (sum(value) FILTER (row_id LIKE 'litigation%' AND col_id = 'corrected'))::BIGINT AS lawsuits_corrected
FROM canonical_cell
WHERE table_id = 't4'
GROUP BY ALL;
COMMENT ON VIEW review_litigation IS 'Administrative reviews and lawsuits over disclosure per agency and year (t4)';

CREATE OR REPLACE VIEW check_failures AS
SELECT r.agency, r.year, r.title, r.source_url, k.rule, k.row_id, k.col_id, k.expected, k.actual
FROM check_result k
JOIN report r USING (report_id)
WHERE r.is_canonical AND k.passed = false;
COMMENT ON VIEW check_failures IS 'Consistency rules that the canonical reports break, with the expected and printed values';

CREATE OR REPLACE VIEW coverage AS
SELECT agency, year,
       count(*)                                        AS documents,
       count(*) FILTER (error IS NULL AND NOT needs_ocr) AS readable,
       count(*) FILTER (needs_ocr)                     AS needs_ocr,
       count(*) FILTER (error IS NOT NULL)             AS unreadable,
       bool_or(is_canonical)                           AS published
FROM report
GROUP BY ALL;
COMMENT ON VIEW coverage IS 'Per agency and year: how many documents were found, read, left for OCR, or unreadable';
