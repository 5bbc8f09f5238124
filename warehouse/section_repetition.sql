-- Year-over-year text repetition (boilerplate) of the reports a load touched (table
-- changed_report: every report row the load removed or added; run by the loader inside each
-- load, after the cross-year checks): a section's sentences that also appear, word for word,
-- anywhere in the same agency's canonical report of the year before. A report of year N is
-- counted against its agency's report of N−1 and is the N−1 of N+1, so both are recounted: a
-- backfill loads years in any order. Sentences are the text split on 。！？；, with all
-- whitespace removed (PDF lines wrap mid-sentence); empty pieces are not sentences. Each
-- occurrence counts.
DELETE FROM section_repetition
WHERE report_id IN (SELECT report_id FROM changed_report)
   OR EXISTS (SELECT 1 FROM changed_report c
              WHERE c.agency_id = section_repetition.agency_id AND c.year = section_repetition.year - 1);
INSERT INTO section_repetition BY NAME
WITH touched AS (
    SELECT report_id, agency_id, agency, division, year
    FROM report
    WHERE is_canonical AND agency_id IS NOT NULL
      AND (report_id IN (SELECT report_id FROM changed_report)
           OR EXISTS (SELECT 1 FROM changed_report c
                      WHERE c.agency_id = report.agency_id AND c.year = report.year - 1))
), pair AS (
    SELECT cur.*, prev.report_id AS previous_report_id
    FROM touched cur
    LEFT JOIN report prev ON prev.is_canonical AND prev.agency_id = cur.agency_id
     AND prev.year = cur.year - 1
), section AS (
    SELECT report_id, section_id, text
    FROM report_section
    WHERE report_id IN (SELECT report_id FROM pair UNION ALL SELECT previous_report_id FROM pair)
), sentence AS (
    -- A sentence is keyed by a 64-bit hash of (report, sentence): it is in the previous report
    -- when the hash of (previous report, sentence) is among the keys. Joins on numbers, not text.
    SELECT s.report_id, s.section_id, hash(hash(s.report_id), piece) AS key, piece
    FROM section s,
         unnest(string_split_regex(regexp_replace(s.text, '[\s\x{3000}\x{00A0}]+', '', 'g'),
                                   '[。！？；]')) AS t(piece)
    WHERE piece <> ''
), counted AS (
    SELECT p.report_id, p.previous_report_id, s.section_id, count(*) AS sentences,
           count(*) FILTER (hash(hash(p.previous_report_id), s.piece) IN (SELECT key FROM sentence))
                                                                     AS repeated
    FROM pair p
    JOIN sentence s ON s.report_id = p.report_id
    GROUP BY ALL
)
SELECT p.report_id, p.previous_report_id, p.agency_id, p.agency, p.division, p.year, s.section_id,
       coalesce(c.sentences, 0)::INTEGER                             AS sentences,
       CASE WHEN p.previous_report_id IS NOT NULL
            THEN coalesce(c.repeated, 0)::INTEGER END                AS repeated,
       CASE WHEN p.previous_report_id IS NOT NULL
            THEN c.repeated / nullif(c.sentences, 0) END             AS repetition_rate
FROM pair p
JOIN section s ON s.report_id = p.report_id
LEFT JOIN counted c ON c.report_id = p.report_id AND c.section_id = s.section_id
 AND c.previous_report_id IS NOT DISTINCT FROM p.previous_report_id;
