-- gongkai warehouse: one narrow fact table keyed by report and canonical cell, with the
-- documents, sections and consistency checks beside it. Views (views.sql) carry the
-- analyst's vocabulary on top. The loader runs this file whenever it changes.
--
-- Storage: the tables partitioned by year (report, fact_cell, report_section, check_result,
-- narrative_figure and the wide t2/t3/t4_cells) keep their rows in immutable Parquet files, one
-- per table and year, beside the catalog file (<file>.parts/). Their shape — columns, types,
-- NOT NULL, comments — is declared here as empty tables in schema `layout`; the loader
-- enforces it on every file it writes and defines main.<table> as a view over the year files
-- with the same names, types and comments. Analysts query report, fact_cell, … as before.
-- The catalog tables (cell, agency, cross_year_check, load_log, part) live in the DuckDB file itself.

CREATE SCHEMA IF NOT EXISTS layout;

CREATE TABLE IF NOT EXISTS cell (
    table_id  VARCHAR NOT NULL,
    row_id    VARCHAR NOT NULL,
    col_id    VARCHAR NOT NULL,
    row_label VARCHAR NOT NULL,
    col_label VARCHAR NOT NULL,
    unit      VARCHAR NOT NULL,
    formats   VARCHAR NOT NULL,
    PRIMARY KEY (formats, table_id, row_id, col_id)
);
COMMENT ON TABLE cell IS 'The canonical cells of the report format (spec cells.csv): the dimension every fact_cell row points into.';
COMMENT ON COLUMN cell.unit IS 'count, or 10k_yuan (万元, decimal)';
COMMENT ON COLUMN cell.table_id IS 'Table of the form: t2 主动公开 (rules, licences, penalties, fees …), t3 依申请公开 (applications and how they were answered), t4 行政复议、行政诉讼';
COMMENT ON COLUMN cell.row_id IS 'Row of the table (dotted path, e.g. result.denied.state_secret)';
COMMENT ON COLUMN cell.col_id IS 'Column of the table (e.g. total = 总计, natural_person = 自然人)';
COMMENT ON COLUMN cell.row_label IS 'The row as the form prints it';
COMMENT ON COLUMN cell.col_label IS 'The column as the form prints it';
COMMENT ON COLUMN cell.formats IS 'which format versions have this cell: 2019, 2021 or both (a few t2 cells keep their code across formats under a reworded label, so a cell is keyed with its formats)';

-- The consistency rules, from the form's registry (assets/form/rules.py): the loader fills
-- both tables, so a new rule needs no edit here or in views.sql.
CREATE TABLE IF NOT EXISTS rule (
    name        VARCHAR PRIMARY KEY,
    description VARCHAR NOT NULL,
    soft        BOOLEAN NOT NULL,
    scope       VARCHAR NOT NULL,
    results     VARCHAR[] NOT NULL
);
COMMENT ON TABLE rule IS 'The consistency rules (勾稽关系) of the form''s registry: one asset check each';
COMMENT ON COLUMN rule.name IS 'The rule''s name, e.g. t3_balance';
COMMENT ON COLUMN rule.description IS 'What the rule asks, in words';
COMMENT ON COLUMN rule.soft IS 'A soft rule''s failures are findings of a weaker kind (reports disagree with themselves, agencies clean up their lists) and stay out of check_failures';
COMMENT ON COLUMN rule.scope IS 'report (checked on each report: check_result), cross_year (year N against N−1 of the same agency: cross_year_check) or hierarchy (an aggregate report against its members'' own reports: hierarchy_check)';
COMMENT ON COLUMN rule.results IS 'The check_result.rule names its findings carry (the narrative rule records one per figure: narrative_*)';

CREATE TABLE IF NOT EXISTS rule_term (
    rule        VARCHAR NOT NULL,
    row_id      VARCHAR NOT NULL,
    col_id      VARCHAR NOT NULL,
    side        VARCHAR NOT NULL,
    years_back  INTEGER NOT NULL,
    table_id    VARCHAR NOT NULL,
    cell_row_id VARCHAR NOT NULL,
    cell_col_id VARCHAR NOT NULL,
    sign        INTEGER NOT NULL
);
COMMENT ON TABLE rule_term IS 'A cross-year rule as sums of cells: on (row_id, col_id) of year N, the sum of sign × cell over side expected against side actual';
COMMENT ON COLUMN rule_term.years_back IS '0: the cell of year N''s report; 1: of year N−1''s report of the same agency';
COMMENT ON COLUMN rule_term.rule IS 'The rule (table rule) this term belongs to';
COMMENT ON COLUMN rule_term.row_id IS 'Row of the comparison this term is part of (the cell a failure is reported on)';
COMMENT ON COLUMN rule_term.col_id IS 'Column of the comparison this term is part of';
COMMENT ON COLUMN rule_term.side IS 'expected or actual: the side of the comparison the term is summed into';
COMMENT ON COLUMN rule_term.table_id IS 'Table of the cell the term reads';
COMMENT ON COLUMN rule_term.cell_row_id IS 'Row of the cell the term reads';
COMMENT ON COLUMN rule_term.cell_col_id IS 'Column of the cell the term reads';
COMMENT ON COLUMN rule_term.sign IS '+1 or −1: the cell is added or subtracted';

CREATE OR REPLACE TABLE layout.report (
    report_id        VARCHAR NOT NULL,
    partition_year   INTEGER NOT NULL,
    agency           VARCHAR,
    agency_norm      VARCHAR,
    agency_id        VARCHAR,
    division         VARCHAR,
    division_code    VARCHAR,
    province         VARCHAR,
    prefecture       VARCHAR,
    county           VARCHAR,
    level            VARCHAR,
    agency_kind      VARCHAR,
    scope            VARCHAR,
    scope_reason     VARCHAR,
    year             INTEGER,
    format_version   VARCHAR,
    title            VARCHAR,
    source           VARCHAR NOT NULL,
    source_url       VARCHAR,
    page_url         VARCHAR,
    media            VARCHAR,
    sha256           VARCHAR NOT NULL,
    size_bytes       BIGINT,
    fetched_at       TIMESTAMP,
    parsed_at        TIMESTAMP NOT NULL,
    is_correction    BOOLEAN NOT NULL DEFAULT false,
    is_canonical     BOOLEAN NOT NULL,
    canonical_reason VARCHAR,
    superseded_by    VARCHAR,
    cells_read       INTEGER NOT NULL,
    needs_ocr        BOOLEAN NOT NULL DEFAULT false,
    error            VARCHAR,
    warnings         VARCHAR[]
);
COMMENT ON TABLE layout.report IS 'One row per report document found (an HTML page and its PDF are two rows); exactly one is_canonical row per agency, year and scope among the readable ones.';
COMMENT ON COLUMN layout.report.report_id IS 'Stable id: hash of the content sha256 (the same bytes are one report at whatever URL)';
COMMENT ON COLUMN layout.report.partition_year IS 'The year partition this row is loaded under (the year the portal lists it for); reloading a year replaces exactly these rows';
COMMENT ON COLUMN layout.report.agency IS 'The agency name as the report (or else the portal) gives it';
COMMENT ON COLUMN layout.report.agency_norm IS 'The name with width and spacing normalised (NFKC, no whitespace); wording as published';
COMMENT ON COLUMN layout.report.agency_id IS 'The publishing agency (table agency): normalised name within its division';
COMMENT ON COLUMN layout.report.division IS 'Administrative division the agency sits in (resolved, or the source''s division)';
COMMENT ON COLUMN layout.report.division_code IS 'Division code (GB/T 2260, 12 digits) where resolved';
COMMENT ON COLUMN layout.report.province IS 'Province (省级) of the division, e.g. 江苏省; NULL where the division is not resolved';
COMMENT ON COLUMN layout.report.prefecture IS 'Prefecture (地级, e.g. 淮安市) of the division; NULL for a province-level agency or where not resolved';
COMMENT ON COLUMN layout.report.county IS 'County (县级, e.g. 沭阳县) of the division; NULL above county level or where not resolved';
COMMENT ON COLUMN layout.report.level IS 'province, prefecture, county or township';
COMMENT ON COLUMN layout.report.agency_kind IS 'government, general_office, or the department''s sector';
COMMENT ON COLUMN layout.report.scope IS 'What the figures cover: own (本级, the agency''s own work: the default) or aggregate (汇总, a whole city''s / county''s / province''s figures, its counties and departments included). The analyst views count own reports only, so nothing is counted twice; the *_all_scopes views hold both';
COMMENT ON COLUMN layout.report.scope_reason IS 'The evidence for scope: title, preamble (本报告由…汇总…), applications (全市各级行政机关共收到… / 本机关共收到…), figures (the sum of the own reports inside its division), or default (no area wording)';
COMMENT ON COLUMN layout.report.year IS 'The report year as the document itself states it (the year the activity happened, published early the next year)';
COMMENT ON COLUMN layout.report.format_version IS 'The form the tables follow: 2021 (the current form), 2019, or pre2019 (prose only, no tables)';
COMMENT ON COLUMN layout.report.title IS 'The document''s title (from the document, else the portal''s link)';
COMMENT ON COLUMN layout.report.source IS 'Name of the source (sources/*.toml) whose crawl found the document';
COMMENT ON COLUMN layout.report.source_url IS 'URL the document was fetched from (after redirects)';
COMMENT ON COLUMN layout.report.page_url IS 'Article page that linked the document, when it is an attachment';
COMMENT ON COLUMN layout.report.media IS 'html, pdf, docx, doc, wps or txt: how the document was read';
COMMENT ON COLUMN layout.report.size_bytes IS 'Size of the raw document in bytes';
COMMENT ON COLUMN layout.report.fetched_at IS 'When the crawl fetched (or revalidated) the document, UTC';
COMMENT ON COLUMN layout.report.parsed_at IS 'When the document was read into this row, UTC';
COMMENT ON COLUMN layout.report.is_correction IS 'The title says 更正/更新/修订: a post replacing an earlier one (preferred as canonical)';
COMMENT ON COLUMN layout.report.sha256 IS 'Key of the raw bytes in the raw store';
COMMENT ON COLUMN layout.report.is_canonical IS 'The report counted for its agency, year and scope (an agency''s own report and its area''s aggregate are each counted); the others stay queryable';
COMMENT ON COLUMN layout.report.canonical_reason IS 'Why this row is (or is not) the canonical one';
COMMENT ON COLUMN layout.report.superseded_by IS 'report_id of the canonical report that replaces this one';
COMMENT ON COLUMN layout.report.cells_read IS 'Number of table cells with a value (not NULL)';
COMMENT ON COLUMN layout.report.needs_ocr IS 'A scan without a text layer: found, not read (no cells) until OCR reads it';
COMMENT ON COLUMN layout.report.error IS 'Why the document could not be read (then it has no cells); NULL when it was read';
COMMENT ON COLUMN layout.report.warnings IS 'What the reader noticed and worked around (a split table, a misplaced row …), one line each';

-- Keys (report.report_id, fact_cell (report_id, table_id, row_id, col_id), report_section
-- (report_id, section_id)) and NOT NULL are checked by the loader before anything is written.
CREATE OR REPLACE TABLE layout.fact_cell (
    report_id      VARCHAR NOT NULL,
    partition_year INTEGER,
    agency         VARCHAR,
    year           INTEGER,
    table_id       VARCHAR NOT NULL,
    row_id         VARCHAR NOT NULL,
    col_id         VARCHAR NOT NULL,
    value          DOUBLE,
    raw            VARCHAR
);
COMMENT ON TABLE layout.fact_cell IS 'One row per report and canonical table cell (see cell); key report_id, table_id, row_id, col_id (unique, checked on load). value NULL means the cell was empty or unreadable, never zero.';
COMMENT ON COLUMN layout.fact_cell.partition_year IS 'The year partition of the report (report.partition_year)';
COMMENT ON COLUMN layout.fact_cell.value IS 'The number as printed (placeholders — - / 无 read as 0); NULL when empty';
COMMENT ON COLUMN layout.fact_cell.raw IS 'The cell text as printed';
COMMENT ON COLUMN layout.fact_cell.agency IS 'The agency as the report names it (report.agency), for reading the file alone';
COMMENT ON COLUMN layout.fact_cell.year IS 'The report year (report.year), for reading the file alone';

CREATE OR REPLACE TABLE layout.report_section (
    report_id  VARCHAR NOT NULL,
    section_id VARCHAR NOT NULL,
    text       VARCHAR NOT NULL
);
COMMENT ON TABLE layout.report_section IS 'The narrative of each report by section: preamble, s1 总体情况 … s6 其他需要报告的事项';
COMMENT ON COLUMN layout.report_section.section_id IS 'preamble (before section 一), s1 总体情况, s2 主动公开, s3 依申请公开, s4 行政复议、行政诉讼, s5 存在的主要问题及改进情况, s6 其他需要报告的事项';
COMMENT ON COLUMN layout.report_section.text IS 'The section''s text as read (headings and tables left out)';

CREATE OR REPLACE TABLE layout.check_result (
    report_id VARCHAR NOT NULL,
    partition_year INTEGER,
    agency    VARCHAR,
    year      INTEGER,
    rule      VARCHAR NOT NULL,
    row_id    VARCHAR,
    col_id    VARCHAR,
    expected  DOUBLE,
    actual    DOUBLE,
    passed    BOOLEAN,
    soft      BOOLEAN DEFAULT false,
    agency_id VARCHAR,
    is_canonical BOOLEAN,
    title     VARCHAR,
    source_url VARCHAR
);
COMMENT ON TABLE layout.check_result IS 'Consistency rules (勾稽关系) evaluated on each report: a failure is a finding about the report, never a reason to change its numbers';
COMMENT ON COLUMN layout.check_result.soft IS 'true for the narrative checks (narrative_*: a figure the text states against its table cell): reports disagree with themselves often, so these are findings of a weaker kind and stay out of check_failures';
COMMENT ON COLUMN layout.check_result.rule IS 'The rule (table rule: name, or one of its results, e.g. narrative_reviews)';
COMMENT ON COLUMN layout.check_result.passed IS 'true, false, or NULL when not assessable (an operand is NULL)';
COMMENT ON COLUMN layout.check_result.agency IS 'The agency as the report names it (report.agency)';
COMMENT ON COLUMN layout.check_result.year IS 'The report year (report.year)';
COMMENT ON COLUMN layout.check_result.row_id IS 'Row of the cell the rule compares; NULL for a rule over a whole column';
COMMENT ON COLUMN layout.check_result.col_id IS 'Column of the cell the rule compares (e.g. total); NULL for a rule over a whole row';
COMMENT ON COLUMN layout.check_result.agency_id IS 'report.agency_id of the report, copied at load (check_failures reads this table alone)';
COMMENT ON COLUMN layout.check_result.is_canonical IS 'report.is_canonical of the report, copied at load (check_failures counts canonical reports only)';
COMMENT ON COLUMN layout.check_result.title IS 'report.title of the report, copied at load';
COMMENT ON COLUMN layout.check_result.source_url IS 'report.source_url of the report, copied at load';
COMMENT ON COLUMN layout.check_result.expected IS 'What the rule expects (e.g. the sum of the parts)';
COMMENT ON COLUMN layout.check_result.actual IS 'What the report prints (e.g. its total)';

CREATE OR REPLACE TABLE layout.narrative_figure (
    report_id  VARCHAR NOT NULL,
    figure     VARCHAR NOT NULL,
    value      DOUBLE,
    text       VARCHAR,
    section_id VARCHAR
);
COMMENT ON TABLE layout.narrative_figure IS 'Figures the narrative states (收到申请 N 件 …), kept apart from the tables; the only figures pre-2019 reports have';
COMMENT ON COLUMN layout.narrative_figure.figure IS 'Which figure: applications_received, granted, denied, review_cases, litigation_cases, processing_fee_yuan (信息处理费, 元) … (assets/report/narrative.py)';
COMMENT ON COLUMN layout.narrative_figure.value IS 'The figure as stated; 0 for a statement that nothing happened (未收取信息处理费)';
COMMENT ON COLUMN layout.narrative_figure.text IS 'The sentence it was read from';
COMMENT ON COLUMN layout.narrative_figure.section_id IS 'The section the sentence is in (report_section.section_id)';

CREATE TABLE IF NOT EXISTS load_log (
    partition_year INTEGER NOT NULL,
    loaded_at      TIMESTAMP NOT NULL,
    reports        INTEGER NOT NULL,
    cells          BIGINT NOT NULL,
    run_id         VARCHAR
);
COMMENT ON TABLE load_log IS 'One row per load of a year partition: when, how much, by which Dagster run';
COMMENT ON COLUMN load_log.partition_year IS 'The year partition loaded';
COMMENT ON COLUMN load_log.loaded_at IS 'When the load committed (local time of the loader)';
COMMENT ON COLUMN load_log.reports IS 'Report rows the year holds after the load';
COMMENT ON COLUMN load_log.cells IS 'fact_cell rows the year holds after the load';
COMMENT ON COLUMN load_log.run_id IS 'The Dagster run that loaded it (NULL outside Dagster)';

CREATE TABLE IF NOT EXISTS agency (
    agency_id        VARCHAR PRIMARY KEY,
    name             VARCHAR NOT NULL,
    name_normalised  VARCHAR NOT NULL,
    names_published  VARCHAR[],
    division         VARCHAR,
    division_code    VARCHAR,
    province         VARCHAR,
    prefecture       VARCHAR,
    county           VARCHAR,
    level            VARCHAR,
    kind             VARCHAR,
    first_year       INTEGER,
    last_year        INTEGER,
    reports          INTEGER NOT NULL,
    canonical_reports INTEGER NOT NULL
);
COMMENT ON TABLE agency IS 'One row per publishing agency (normalised name within its division), rebuilt from the report rows on every load';
COMMENT ON COLUMN agency.name IS 'The name as published, in its latest report';
COMMENT ON COLUMN agency.name_normalised IS 'Width and spacing normalised (NFKC, no whitespace); wording as published (人民政府办公室 and 政府办 stay apart)';
COMMENT ON COLUMN agency.names_published IS 'Every spelling its reports used';
COMMENT ON COLUMN agency.division_code IS 'Division code (GB/T 2260) where resolved';
COMMENT ON COLUMN agency.level IS 'province, prefecture, county or township';
COMMENT ON COLUMN agency.kind IS 'government, general_office, or the department''s sector';
COMMENT ON COLUMN agency.agency_id IS 'Stable id of the agency: hash of its normalised name within its division (report.agency_id)';
COMMENT ON COLUMN agency.division IS 'Administrative division the agency sits in';
COMMENT ON COLUMN agency.province IS 'Province (省级) of the division; NULL where not resolved';
COMMENT ON COLUMN agency.prefecture IS 'Prefecture (地级) of the division; NULL for a province-level agency or where not resolved';
COMMENT ON COLUMN agency.county IS 'County (县级) of the division; NULL above county level or where not resolved';
COMMENT ON COLUMN agency.last_year IS 'Last report year found';
COMMENT ON COLUMN agency.first_year IS 'First report year found';
COMMENT ON COLUMN agency.reports IS 'Report documents found (any year, any copy)';
COMMENT ON COLUMN agency.canonical_reports IS 'Agency-years with a canonical report';

-- Filled by the loader (agency.sql) with the agency dimension, for the agencies each load
-- touches, so coverage reads one row per agency and year instead of grouping every report.
CREATE TABLE IF NOT EXISTS agency_year (
    agency_id  VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    documents  INTEGER NOT NULL,
    readable   INTEGER NOT NULL,
    needs_ocr  INTEGER NOT NULL,
    unreadable INTEGER NOT NULL,
    published  BOOLEAN NOT NULL,
    report_id  VARCHAR
);
COMMENT ON TABLE agency_year IS 'One row per agency and report year with a document found (coverage adds the years with none): how many documents, read or not, and the canonical report; rebuilt for the agencies each load touches';
COMMENT ON COLUMN agency_year.agency_id IS 'The agency (table agency)';
COMMENT ON COLUMN agency_year.year IS 'The report year (report.year; the year partition where the document states none)';
COMMENT ON COLUMN agency_year.documents IS 'Documents found for the agency and year (any copy, read or not)';
COMMENT ON COLUMN agency_year.readable IS 'Of those, documents read (no error, not a scan awaiting OCR)';
COMMENT ON COLUMN agency_year.needs_ocr IS 'Of those, scans without a text layer';
COMMENT ON COLUMN agency_year.unreadable IS 'Of those, documents that could not be read (report.error)';
COMMENT ON COLUMN agency_year.published IS 'One of them is canonical (report.is_canonical)';
COMMENT ON COLUMN agency_year.report_id IS 'A canonical report of the agency and year, when published';

-- Filled by the loader (cross_year.sql) for the reports each load touches, so a query reads
-- the results instead of joining fact_cell to itself across years (it was a view over fact_cell).
CREATE TABLE IF NOT EXISTS cross_year_check (
    report_id          VARCHAR NOT NULL,
    agency_id          VARCHAR,
    agency             VARCHAR,
    year               INTEGER,
    previous_report_id VARCHAR NOT NULL,
    rule               VARCHAR NOT NULL,
    row_id             VARCHAR NOT NULL,
    col_id             VARCHAR NOT NULL,
    expected           DOUBLE,
    actual             DOUBLE,
    passed             BOOLEAN,
    soft               BOOLEAN,
    title              VARCHAR,
    source_url         VARCHAR
);
-- (a warehouse set up before check_failures read these two here instead of joining report)
ALTER TABLE cross_year_check ADD COLUMN IF NOT EXISTS title VARCHAR;
ALTER TABLE cross_year_check ADD COLUMN IF NOT EXISTS source_url VARCHAR;
COMMENT ON TABLE cross_year_check IS 'The cross-year rules (table rule, scope cross_year) on each agency''s canonical reports of year N and N−1, e.g. t3_carried_over_matches_previous_year: expected = carried_forward of N−1, actual = carried_over of N (总计); passed NULL when a cell is empty. Computed when either year is loaded';
COMMENT ON COLUMN cross_year_check.previous_report_id IS 'The same agency''s canonical report of year N−1';
COMMENT ON COLUMN cross_year_check.rule IS 'The cross-year rule (table rule, scope cross_year)';
COMMENT ON COLUMN cross_year_check.row_id IS 'Row of the year-N cell compared';
COMMENT ON COLUMN cross_year_check.col_id IS 'Column of the year-N cell compared';
COMMENT ON COLUMN cross_year_check.expected IS 'Sum of the rule''s expected terms (e.g. carried_forward of N−1); NULL when a cell is empty';
COMMENT ON COLUMN cross_year_check.actual IS 'Sum of the rule''s actual terms (e.g. carried_over of N); NULL when a cell is empty';
COMMENT ON COLUMN cross_year_check.passed IS 'expected = actual; NULL when either is NULL';
COMMENT ON COLUMN cross_year_check.soft IS 'A soft rule (rule.soft): its failures stay out of check_failures';
COMMENT ON COLUMN cross_year_check.title IS 'report.title of the year-N report (check_failures reads this table alone)';
COMMENT ON COLUMN cross_year_check.source_url IS 'report.source_url of the year-N report';

-- Filled by the loader (section_repetition.sql) for the reports each load touches and the
-- reports of the year after them, so a query reads the counts instead of splitting every
-- section's text into sentences (it was a view: 11 s a query on the national lake).
CREATE TABLE IF NOT EXISTS section_repetition (
    report_id          VARCHAR NOT NULL,
    previous_report_id VARCHAR,
    agency_id          VARCHAR,
    agency             VARCHAR,
    division           VARCHAR,
    year               INTEGER,
    section_id         VARCHAR NOT NULL,
    sentences          INTEGER NOT NULL,
    repeated           INTEGER,
    repetition_rate    DOUBLE
);
COMMENT ON TABLE section_repetition IS 'Year-over-year text repetition per canonical report and section (report_section): repetition_rate = sentences also found word for word anywhere in the same agency''s canonical report of year N−1 ÷ the section''s sentences; sentences split on 。！？； with whitespace removed, each occurrence counted. NULL when there is no report of N−1 or the section has no sentence';
COMMENT ON COLUMN section_repetition.previous_report_id IS 'The same agency''s canonical report of year N−1; NULL when there is none (then repeated and repetition_rate are NULL)';
COMMENT ON COLUMN section_repetition.section_id IS 'preamble, s1 … s6 (report_section)';
COMMENT ON COLUMN section_repetition.sentences IS 'Sentences of the section (split on 。！？；, whitespace removed, empty pieces dropped): the denominator';
COMMENT ON COLUMN section_repetition.repeated IS 'Of those, sentences found in the previous report (any section): the numerator';
COMMENT ON COLUMN section_repetition.repetition_rate IS 'repeated ÷ sentences (0–1): 1 is a section copied whole from last year; NULL without a previous report or without sentences';

-- The same counts per report (report_repetition.sql, right after section_repetition): the
-- question "whose reports repeat last year's most" reads one row a report, not a grouping of
-- every section of every report (~16 M rows at national size).
CREATE TABLE IF NOT EXISTS report_repetition (
    report_id          VARCHAR NOT NULL,
    previous_report_id VARCHAR,
    agency_id          VARCHAR,
    agency             VARCHAR,
    division           VARCHAR,
    year               INTEGER,
    sections           INTEGER NOT NULL,
    sentences          INTEGER NOT NULL,
    repeated           INTEGER,
    repetition_rate    DOUBLE
);
COMMENT ON TABLE report_repetition IS 'section_repetition summed over each canonical report''s sections: one row a report with sections (repetition_rate = repeated ÷ sentences of the whole report)';
COMMENT ON COLUMN report_repetition.previous_report_id IS 'The same agency''s canonical report of year N−1; NULL when there is none (then repeated and repetition_rate are NULL)';
COMMENT ON COLUMN report_repetition.sections IS 'Sections of the report (report_section rows)';
COMMENT ON COLUMN report_repetition.sentences IS 'Sentences of all its sections: the denominator';
COMMENT ON COLUMN report_repetition.repeated IS 'Of those, sentences found in the previous report: the numerator';
COMMENT ON COLUMN report_repetition.repetition_rate IS 'repeated ÷ sentences (0–1); NULL without a previous report or without sentences';

CREATE TABLE IF NOT EXISTS part (
    table_name     VARCHAR NOT NULL,
    partition_year INTEGER NOT NULL,
    file           VARCHAR NOT NULL,
    path           VARCHAR NOT NULL,
    rows           BIGINT NOT NULL,
    columns        VARCHAR[] NOT NULL,
    written_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (table_name, partition_year)
);
COMMENT ON TABLE part IS 'The Parquet file holding each year of each partitioned table (report, fact_cell, …): the views main.<table> read exactly these files; a load writes new files and swaps in a catalog that lists them';
COMMENT ON COLUMN part.file IS 'Path under <warehouse file>.parts/: <table>/<year>-<load token>.parquet';
COMMENT ON COLUMN part.path IS 'Absolute path the views read';
COMMENT ON COLUMN part.table_name IS 'The partitioned table the file belongs to (report, fact_cell, t3_cells …)';
COMMENT ON COLUMN part.partition_year IS 'The year partition the file holds';
COMMENT ON COLUMN part.rows IS 'Rows in the file';
COMMENT ON COLUMN part.columns IS 'Columns the file has (files written before a column was added lack it; the view reads it as NULL)';
COMMENT ON COLUMN part.written_at IS 'When the file was written';
