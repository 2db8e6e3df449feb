"""The HTML report: accessible structure, every figure of the sample report, keys and appendices."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from kpiboard.reports.html import print_html, render_html
from kpiboard.reports.model import Chart, Column, Comparator, KpiRow, Report, ValueCell
from kpiboard.reports.sample import sample_report

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    @property
    def words(self) -> str:
        return " ".join(self.text.split())

    def iter(self, tag: str | None = None, cls: str | None = None) -> Iterator[Node]:
        for c in self.children:
            if isinstance(c, Node):
                if (tag is None or c.tag == tag) and (
                        cls is None or cls in c.attrs.get("class", "").split()):
                    yield c
                yield from c.iter(tag, cls)

    def cells(self) -> list[Node]:
        """The element children (a row's cells)."""
        return [c for c in self.children if isinstance(c, Node)]

    def find(self, tag: str | None = None, cls: str | None = None) -> Node:
        return next(self.iter(tag, cls))


class TreeBuilder(HTMLParser):
    """A lenient tree from html.parser; fails on a closing tag that closes nothing."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.node = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.node)
        self.node.children.append(node)
        if tag not in VOID:
            self.node = node

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.node.tag == tag, f"</{tag}> closes <{self.node.tag}>"
        assert self.node.parent is not None
        self.node = self.node.parent

    def handle_data(self, data: str) -> None:
        self.node.children.append(data)


def parse(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.node is builder.root, f"<{builder.node.tag}> is never closed"
    return builder.root


@pytest.fixture(scope="module")
def report() -> Report:
    return sample_report()


@pytest.fixture(scope="module")
def html(report: Report) -> str:
    return render_html(report)


@pytest.fixture(scope="module")
def doc(html: str) -> Node:
    return parse(html)


def main_tables(doc: Node) -> list[Node]:
    return list(doc.iter("table", "kpi-main"))


def body_rows(table: Node) -> list[Node]:
    """The rows of a table's body (not those of the tables inside its cells)."""
    return [tr for tr in table.find("tbody").cells() if tr.tag == "tr"]


def row_of(doc: Node, ref: str, sub: str = "") -> Node:
    return next(tr for tr in doc.iter("tr") if tr.attrs.get("data-ref") == ref
                and tr.attrs.get("data-sub-measure", "") == sub)


def test_a_whole_accessible_document(html: str, doc: Node) -> None:
    assert html.startswith("<!DOCTYPE html>")
    assert doc.find("html").attrs["lang"] == "en"
    h1s = list(doc.iter("h1"))
    assert len(h1s) == 1
    assert h1s[0].words == "North Northamptonshire Council Performance Report - February 2024"
    assert len(list(doc.iter("main"))) == 1
    assert doc.find("title").words == h1s[0].words
    assert "<script" not in html.lower()
    assert "<style>" in html and "@page" in html  # standalone: the CSS travels with it


def test_one_table_per_group_with_caption_and_column_headers(report: Report,
                                                             doc: Node) -> None:
    groups = [(s.title, g.title) for s in report.sections for g in s.groups]
    tables = main_tables(doc)
    assert len(tables) == len(groups) == 3
    headings = [c.heading for c in report.columns]
    for table, (section, group) in zip(tables, groups, strict=True):
        caption = table.find("caption").words
        assert group in caption and section in caption and report.period_label in caption
        header = list(table.find("thead").iter("th"))
        assert [th.words for th in header] == headings
        assert all(th.attrs.get("scope") == "col" for th in header)
    titles = [h.words for s in doc.iter("section", "kpi-section") for h in s.iter("h3")]
    assert titles == [g for _, g in groups]
    assert [h.words for h in doc.find("main").iter("h2")] == [
        "Contents", "Key to status, direction of travel and terms", "Summary by status",
        "Place & Economy", "Adults & Housing", "Spotlight on exceptions",
        "KPIs not reported this period", "Projects"]


def test_every_row_has_its_ref_as_a_row_header(report: Report, doc: Node) -> None:
    row_headers = [th.words for t in main_tables(doc) for th in t.iter("th")
                   if th.attrs.get("scope") == "row"]
    refs = [r.ref for r in report.rows]
    assert [h for h in row_headers if h in refs] == refs == ["STP16", "STP31", "AFL15", "STP39"]
    for tr in (row_of(doc, r.ref) for r in report.rows):
        assert [c.tag for c in tr.cells()].count("td") + 1 == len(report.columns)


def test_sub_measures_follow_their_kpi_indented_and_marked(doc: Node) -> None:
    table = main_tables(doc)[1]
    rows = [(tr.attrs["data-ref"], tr.attrs.get("data-sub-measure", ""), tr.attrs["class"])
            for tr in table.find("tbody").iter("tr")]
    assert rows == [("STP31", "", "kpi-row"), ("STP31", "P1", "kpi-sub"),
                    ("STP31", "P4", "kpi-sub")]
    p1 = row_of(doc, "STP31", "P1")
    header = p1.find("th")
    assert header.attrs["scope"] == "row"
    assert header.words == "↳ STP31 P1 (sub-measure of STP31)"
    assert header.find("span", "kpi-sub-mark").attrs["aria-hidden"] == "true"
    assert "P1 (Target response time within 24 hours)" in p1.words
    assert "N/A (0 out of 0)" in p1.words and "? Dark grey" in p1.words


def test_status_is_text_and_symbol_as_well_as_colour(doc: Node) -> None:
    stp16 = row_of(doc, "STP16")
    status = stp16.find("td", "kpi-c-status").find("strong", "kpi-tag")
    assert status.words == "✖ Red"
    assert "background-color: #d4351c" in status.attrs["style"]
    assert "color: #ffffff" in status.attrs["style"]
    # the months carry their own statuses, again in words
    tags = [t.words for t in stp16.iter("strong", "kpi-tag")]
    assert tags == ["▲ Amber", "✖ Red", "✖ Red"]
    why = stp16.find("details", "kpi-why")
    assert why.find("summary").words == "Why STP16 is Red?"
    assert why.find("p").words.startswith("Red: 46.43% is 38.57 points below the 85% target")


def test_an_override_is_shown_as_one(report: Report) -> None:
    stp16 = report.sections[0].groups[0].rows[0]
    assert stp16.status is not None
    overridden = dataclasses.replace(stp16, status=dataclasses.replace(stp16.status,
                                                                       override=True))
    doc = parse(render_html(_with_rows(report, overridden)))
    tag = row_of(doc, "STP16").find("td", "kpi-c-status").find("strong", "kpi-tag")
    assert tag.words == "✖ Red (override)"
    assert "kpi-tag--override" in tag.attrs["class"]


def test_figures_in_their_columns(report: Report, doc: Node) -> None:
    cells = [td.words for td in row_of(doc, "STP16").cells() if td.tag == "td"]
    by_key = dict(zip([c.key for c in report.columns if c.key != "ref"], cells, strict=True))
    assert by_key["key_commitment"] == "Safe and thriving places"
    assert by_key["statutory"] == "Yes"
    assert by_key["benchmark"].startswith("87% (Mean Average CIPFA")
    assert [by_key[k] for k in ("ytd", "q1", "q2", "q3")] == ["75.91%", "73.91%", "84.54%",
                                                                "76.85%"]
    assert by_key["m0"] == "78.13% ▲ Amber"
    assert by_key["target"] == "85%" and by_key["tolerance"] == "80% - 85%"
    assert by_key["polarity"] == "Higher is better"
    assert row_of(doc, "STP31").find("td", "kpi-c-value").words == ""  # no YTD given


def test_revised_figures_are_marked_and_explained(doc: Node) -> None:
    feb = list(row_of(doc, "STP16").iter("td", "kpi-c-value"))[5]
    sup = feb.find("sup", "kpi-revised")
    assert sup.words == "revised (this figure was revised after it was first published)"
    assert "revised" not in list(row_of(doc, "STP16").iter("td", "kpi-c-value"))[4].words
    note = next(n for n in doc.iter() if n.attrs.get("id") == "kpi-revised-note")
    assert note.words == "revisedThe figure was revised after it was first published."


def test_direction_symbol_with_its_explanation(doc: Node) -> None:
    cell = row_of(doc, "STP16").find("td", "kpi-c-direction")
    assert cell.find("span", "kpi-dot").words == "↓R"
    hidden = cell.find("span", "kpi-visually-hidden").words
    assert "Performance has deteriorated from the last period" in hidden
    assert "46.43% is down 31.70 points" in hidden


def test_commentary_is_kept_as_html(html: str, doc: Node) -> None:
    assert "<p>Performance this month has dropped.</p><p>Recruitment continues.</p>" in html
    cell = row_of(doc, "STP16").find("td", "kpi-c-commentary")
    assert [p.words for p in cell.iter("p")] == ["Performance this month has dropped.",
                                                 "Recruitment continues."]


def test_text_from_the_model_is_escaped(report: Report) -> None:
    row = dataclasses.replace(report.sections[0].groups[0].rows[0],
                              name="<script>alert('x')</script> & more")
    html = render_html(_with_rows(report, row))
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in html


def test_the_keys(report: Report, doc: Node) -> None:
    keys = doc.find("section", "kpi-keys")
    rating = keys.find("ul", "kpi-key-list")
    items = list(rating.iter("li"))
    assert [i.words for i in items] == [
        "✔ Green - On target or better", "▲ Amber - Within tolerance",
        "✖ Red - Outside tolerance", "? Dark grey - Data missing",
        "◆ Turquoise - Tracking indicator only"]
    swatch = items[2].find("span", "kpi-swatch")
    assert swatch.words == "✖" and "background-color: #d4351c" in swatch.attrs["style"]
    headings = [h.words for h in keys.iter("h3")]
    assert headings == ["Progress Status Key", "Direction of Travel Key",
                        "Performance terminology"]
    direction = keys.find("table", "kpi-key-table")
    assert "Direction of Travel Key" in direction.find("caption").words
    rows = [(tr.find("th").words, tr.find("td").words) for tr in direction.iter("tr")]
    assert rows[1] == ("↓R", "Performance has deteriorated from the last period – Higher is "
                              "better")
    assert all(tr.find("th").attrs["scope"] == "row" for tr in direction.iter("tr"))
    assert "within 5% of the last period" in keys.words
    terms = keys.find("dl", "kpi-terms")
    assert [(d.find("dt").words, d.find("dd").words) for d in terms.iter("div")][:2] == [
        ("TBC", "To be confirmed"), ("n/a", "Not applicable")]


def test_the_summary_of_counts_by_status(doc: Node) -> None:
    table = doc.find("table", "kpi-summary-table")
    assert table.find("caption").words == ("Number of KPIs by status and directorate, "
                                           "February 2023/24")
    assert [th.words for th in table.find("thead").iter("th")] == [
        "Directorate", "✔ Green", "▲ Amber", "✖ Red", "? Dark grey", "◆ Turquoise", "Total"]
    rows = [[c.words for c in tr.cells()]
            for tr in table.find("tbody").iter("tr")]
    assert rows == [["Place & Economy", "1", "0", "1", "–", "–", "2"],
                    ["Adults & Housing", "–", "–", "–", "1", "1", "2"]]
    total = [c.words for c in table.find("tfoot").find("tr").cells()]
    assert total == ["All KPIs", "1", "0", "1", "1", "1", "4"]
    chart = doc.find("section", "kpi-summary").find("table", "kpi-chart-table")
    assert chart.find("caption").words == "KPIs by status"


def test_a_spotlight_for_each_exception(doc: Node) -> None:
    spotlights = list(doc.iter("article", "kpi-spotlight"))
    assert len(spotlights) == 1
    spot = spotlights[0]
    assert spot.find("h3").words == ("STP16: Percentage of minor planning applications "
                                     "determined within 8 weeks")
    assert spot.find("strong", "kpi-tag").words == "✖ Red"
    assert "38.57 points below the 85% target" in spot.words
    facts = {d.find("dt").words: d.find("dd").words for d in spot.find("dl").iter("div")}
    assert facts["February 2023/24"] == "46.43% ✖ Red"
    assert facts["Target"] == "85%" and facts["Tolerance"] == "80% - 85%"
    assert facts["Directorate / service"] == "Place & Economy – Growth & Regeneration"
    assert "Recruitment continues." in spot.find("div", "kpi-commentary").words
    assert spot.find("table", "kpi-chart-table").find("caption").words.startswith("STP16")


def test_kpis_not_reported_with_the_reason(doc: Node) -> None:
    section = doc.find("section", "kpi-not-reported")
    assert section.find("h2").words == "KPIs not reported this period"
    table = section.find("table")
    assert table.find("caption").words.startswith("KPIs with no value for February 2023/24")
    row = table.find("tbody").find("tr")
    assert row.find("th").attrs["scope"] == "row" and row.find("th").words == "STP39"
    assert "reporting resumes in April 2024" in row.words
    assert row.find("strong", "kpi-tag").words == "? Dark grey"


def test_projects(doc: Node) -> None:
    section = doc.find("section", "kpi-projects")
    cells = [c.words for c in section.find("tbody").find("tr").cells()]
    assert cells == ["Local Plan review", "Safe and thriving places", "▲ Amber",
                     "31 March 2025", "Consultation delayed by four weeks."]


def test_sections_left_out_when_empty(report: Report) -> None:
    html = render_html(dataclasses.replace(report, exceptions=(), not_reported=(), projects=(),
                                           summary=(), overall=None, summary_chart=None))
    for cls in ("kpi-spotlights", "kpi-not-reported", "kpi-projects", "kpi-summary"):
        assert f'class="{cls}"' not in html


def test_without_a_chart_renderer_charts_are_data_tables(doc: Node) -> None:
    figure = row_of(doc, "STP16").find("td", "kpi-c-chart").find("figure")
    table = figure.find("table", "kpi-chart-table")
    assert table.find("caption").words == "STP16 (Target: 85%)"
    assert [th.words for th in table.find("thead").iter("th")] == ["Period", "2022/23",
                                                                    "2023/24"]
    rows = [[c.words for c in tr.cells()]
            for tr in table.find("tbody").iter("tr")]
    assert len(rows) == 12
    assert rows[10] == ["Feb", "81%", "46.43%"] and rows[11] == ["Mar", "83%", "No value"]
    assert all(th.attrs["scope"] == "row" for th in table.find("tbody").iter("th"))


def fake_svg(chart: Chart) -> str:
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 4"><title>{chart.title}' \
           '</title><path d="M0 0L10 4"/></svg>'


def test_with_a_chart_renderer_each_svg_has_alt_text_and_its_data(report: Report) -> None:
    doc = parse(render_html(report, charts=fake_svg))
    figure = row_of(doc, "STP16").find("td", "kpi-c-chart").find("figure")
    wrapper = figure.find("div", "kpi-chart-svg")
    assert wrapper.attrs["role"] == "img"
    assert wrapper.attrs["aria-label"] == ("STP16: this year against last year by month, with "
                                           "the target of 85.")
    assert wrapper.find("svg").find("title").words == "STP16"
    details = figure.find("details", "kpi-chart-data")
    assert details.find("summary").words == "Chart data: STP16"
    assert len(list(details.find("tbody").iter("tr"))) == 12
    summary = doc.find("section", "kpi-summary").find("div", "kpi-chart-svg")
    assert summary.attrs["aria-label"] == "1 Green, 0 Amber, 1 Red, 1 Dark grey, 1 Turquoise."
    ids = [n.attrs["id"] for n in doc.iter() if "id" in n.attrs]
    assert len(ids) == len(set(ids))


def test_print_html_draws_charts_as_images_with_alt_text(report: Report) -> None:
    html = print_html(report, charts=fake_svg)
    doc = parse(html)
    img = row_of(doc, "STP16").find("td", "kpi-c-chart").find("img")
    assert img.attrs["alt"].startswith("STP16: this year against last year")
    assert img.attrs["src"].startswith("data:image/svg+xml;base64,")
    assert "<details" not in html  # print hides disclosures: they are not sent at all


def test_print_html_gives_the_commentary_a_row_beneath_its_kpi(report: Report) -> None:
    """In print, comments are a full-width row under their KPI's row, not an 18th column."""
    doc = parse(print_html(report))
    headings = [c.heading for c in report.columns if c.key != "commentary"]
    for table in main_tables(doc):
        assert [th.words for th in table.find("thead").iter("th")] == headings
        assert len(list(table.iter("col"))) == len(headings)
        widths = [float(col.attrs["style"].split(":")[1].strip(" %")) for col in
                  table.iter("col")]
        assert abs(sum(widths) - 100) < 0.1
        for tr in body_rows(table):  # every row spans the table's columns
            assert sum(int(c.attrs.get("colspan", "1")) for c in tr.cells()) == len(headings)
    stp16 = row_of(doc, "STP16")
    assert len(stp16.cells()) == len(headings)
    assert not list(stp16.iter("td", "kpi-c-commentary"))
    rows = body_rows(main_tables(doc)[0])
    comments = rows[rows.index(stp16) + 1]
    assert comments.attrs["class"] == "kpi-comments"
    label, text = comments.cells()
    assert (label.tag, label.attrs["scope"], label.attrs["colspan"]) == ("th", "row", "2")
    assert label.words == "Comments"  # the column's heading
    assert text.attrs["colspan"] == str(len(headings) - 2)  # from under the description on
    assert [p.words for p in text.iter("p")] == ["Performance this month has dropped.",
                                                 "Recruitment continues."]
    # a row with no commentary (STP31's sub-measures, AFL15, STP39) has no comments row
    assert [(tr.attrs["class"], tr.attrs.get("data-sub-measure", "")) for tr in
            body_rows(main_tables(doc)[1])] == [("kpi-row", ""), ("kpi-comments", ""),
                                                ("kpi-sub", "P1"), ("kpi-sub", "P4")]
    housing = body_rows(main_tables(doc)[2])
    assert [(tr.attrs["data-ref"], tr.attrs["class"]) for tr in housing] == [
        ("AFL15", "kpi-row"), ("STP39", "kpi-row")]


@pytest.mark.parametrize(("keys", "spans"), [
    (("ref", "description", "status", "commentary"), ("1", "2")),
    (("key_commitment", "description", "commentary"), ("1", "1")),
    (("ref", "commentary"), (None, "1")),  # one column left: the text alone
])
def test_the_comments_row_of_other_layouts(report: Report, keys: tuple[str, ...],
                                            spans: tuple[str | None, str]) -> None:
    columns = tuple(Column(k, k.title()) for k in keys)
    doc = parse(print_html(dataclasses.replace(report, columns=columns)))
    comments = next(doc.iter("tr", "kpi-comments"))
    label = [c.attrs["colspan"] for c in comments.cells() if c.tag == "th"]
    assert (label[0] if label else None, comments.find("td").attrs["colspan"]) == spans
    assert "Recruitment continues." in comments.words


def test_print_keeps_a_table_that_is_only_commentary(report: Report) -> None:
    columns = (Column("commentary", "Comments"),)
    doc = parse(print_html(dataclasses.replace(report, columns=columns)))
    assert not list(doc.iter("tr", "kpi-comments"))
    assert [th.words for th in main_tables(doc)[0].iter("th")] == ["Comments"]
    assert "Recruitment continues." in main_tables(doc)[0].words


@pytest.mark.parametrize("for_print", [False, True])
def test_cells_hold_no_stray_whitespace(report: Report, for_print: bool) -> None:
    """No newline from the last line of a partial template ends up in the main tables' cells
    (in the PDF each would be a text box of its own, in a thousand cells)."""
    doc = parse(print_html(report) if for_print else render_html(report))
    for table in main_tables(doc):
        for tr in body_rows(table):
            assert all(isinstance(c, Node) for c in tr.children)
            for cell in tr.cells():
                last = cell.children[-1] if cell.children else None
                assert not (isinstance(last, str) and last.isspace()), cell.attrs


def test_print_html_can_leave_the_stylesheet_out(report: Report) -> None:
    html = print_html(report, inline_css=False)
    assert "<style>" not in html and "@page" not in html
    assert "<style>" in print_html(report) and "@page" in print_html(report)


def test_a_fragment_for_a_page(report: Report) -> None:
    html = render_html(report, standalone=False)
    assert html.startswith('<div class="kpi-report">')
    assert "<html" not in html and "<style>" not in html and "<main" not in html
    doc = parse(html)
    assert len(list(doc.iter("h1"))) == 1 and len(main_tables(doc)) == 3


def test_scorecard_columns_map_to_months_comparators_and_outturns(report: Report) -> None:
    stp16 = report.sections[0].groups[0].rows[0]
    months = tuple(ValueCell(f"2023-{m:02}", f"M{m}", f"{m}0%") for m in range(9, 13))
    row = dataclasses.replace(
        stp16, months=months + stp16.months,
        comparators=(Comparator("Statistical neighbours", "81.2%"), Comparator("England", "84%")),
        previous_years=(ValueCell("2021/22", "2021/22", "88%"),))
    columns = (Column("ref", "Ref"), *(Column(f"m{i}", f"M{i}") for i in range(6)),
               Column("comparator0", "Neighbours"), Column("comparator1", "England"),
               Column("comparator2", "None given"), Column("previous0", "2021/22"),
               Column("previous1", "2022/23"), Column("q4", "Quarter 4"))
    doc = parse(render_html(dataclasses.replace(_with_rows(report, row), columns=columns)))
    cells = [td.words for td in row_of(doc, "STP16").cells() if td.tag == "td"]
    assert cells == ["90%", "100%", "110%", "120%", "78.13% ▲ Amber", "46.43% revised (this "
                     "figure was revised after it was first published) ✖ Red", "81.2%", "84%",
                     "", "88%", "", ""]


@pytest.mark.parametrize("key", ["q0", "q5", "month1", "ytd2", ""])
def test_an_unknown_column_is_an_error(report: Report, key: str) -> None:
    with pytest.raises(ValueError, match="column"):
        render_html(dataclasses.replace(report, columns=(*report.columns, Column(key, "?"))))


def test_no_django_settings_are_needed() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = ("from kpiboard.reports.html import render_html\n"
            "from kpiboard.reports.sample import sample_report\n"
            "print(len(render_html(sample_report())) > 10000)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "True"


def _with_rows(report: Report, *rows: KpiRow) -> Report:
    """``report`` with its first group's rows replaced by ``rows``."""
    first = report.sections[0]
    group = dataclasses.replace(first.groups[0], rows=rows)
    section = dataclasses.replace(first, groups=(group, *first.groups[1:]))
    return dataclasses.replace(report, sections=(section, *report.sections[1:]))
