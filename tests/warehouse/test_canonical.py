import polars as pl

from gongkai.assets.report.frames import build_frames


def canonical(frames):
    rows = frames.report.select("media", "is_correction", "is_canonical", "canonical_reason", "superseded_by",
                                "report_id").to_dicts()
    return rows


def test_html_page_is_canonical_over_its_pdf_twin(parsed_factory):
    html = parsed_factory("甲局", 2023, media="html")
    pdf = parsed_factory("甲局", 2023, media="pdf")
    rows = {r["media"]: r for r in canonical(build_frames([pdf, html], 2023))}
    assert rows["html"]["is_canonical"] and not rows["pdf"]["is_canonical"]
    assert rows["pdf"]["superseded_by"] == rows["html"]["report_id"]
    assert "preferred media" in rows["pdf"]["canonical_reason"]


def test_correction_supersedes_the_post_it_corrects(parsed_factory):
    original = parsed_factory("甲局", 2023, media="html", url="http://p/a.html")
    corrected = parsed_factory("甲局", 2023, media="pdf", url="http://p/b.pdf", correction=True)
    rows = {r["is_correction"]: r for r in canonical(build_frames([original, corrected], 2023))}
    assert rows[True]["is_canonical"]
    assert rows[False]["canonical_reason"] == "superseded by a correction (更正)"


def test_one_canonical_report_per_agency_and_year(parsed_factory):
    docs = [parsed_factory(a, 2023, media=m) for a in ("甲局", "乙局") for m in ("html", "pdf", "docx")]
    frames = build_frames(docs, 2023)
    per_agency = frames.report.group_by("agency").agg(pl.col("is_canonical").sum().alias("n"))
    assert sorted(per_agency.rows()) == [("乙局", 1), ("甲局", 1)]


def test_unreadable_copy_is_never_canonical(parsed_factory):
    bad = parsed_factory("甲局", 2023, media="html", error="truncated")
    good = parsed_factory("甲局", 2023, media="pdf")
    rows = {r["media"]: r for r in canonical(build_frames([bad, good], 2023))}
    assert rows["pdf"]["is_canonical"] and not rows["html"]["is_canonical"]


def test_same_bytes_at_a_new_url_are_one_report_at_the_new_url(parsed_factory):
    old = parsed_factory("甲局", 2023, url="http://127.0.0.1:40001/a.html", sha="ab" * 32,
                         fetched_at="2024-01-20T08:00:00+00:00")
    new = parsed_factory("甲局", 2023, url="http://127.0.0.1:40999/a.html", sha="ab" * 32,
                         fetched_at="2024-02-20T08:00:00+00:00")
    frames = build_frames([old, new], 2023)
    assert frames.report["source_url"].to_list() == ["http://127.0.0.1:40999/a.html"]
    assert frames.fact_cell["report_id"].n_unique() == 1
    assert frames.report["report_id"].to_list() == build_frames([old], 2023).report["report_id"].to_list()


def test_same_agency_year_and_cells_in_other_bytes_are_one_report(parsed_factory):
    old = parsed_factory("甲局", 2023, url="http://old.test/a.html", fetched_at="2024-01-20T08:00:00+00:00")
    new = parsed_factory("甲局", 2023, url="http://new.test/a.html", fetched_at="2024-02-20T08:00:00+00:00")
    assert old[0].sha256 != new[0].sha256
    frames = build_frames([new, old], 2023)
    assert frames.report["source_url"].to_list() == ["http://new.test/a.html"]


def test_other_cells_of_the_same_agency_and_year_stay_a_report_of_their_own(parsed_factory):
    first = parsed_factory("甲局", 2023, url="http://p.test/a.html", received=3)
    second = parsed_factory("甲局", 2023, url="http://p.test/b.html", received=4)
    assert build_frames([first, second], 2023).report.height == 2
