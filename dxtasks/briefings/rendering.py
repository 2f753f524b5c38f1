"""HTML and PDF of a briefing: the template, then WeasyPrint with the static-only fetcher."""

import dataclasses
import time
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from .content import BriefingSpec, build_content

STYLESHEET = "briefings/briefing.css"


@dataclasses.dataclass
class RenderedBriefing:
    pdf: bytes
    page_count: int
    directive_count: int
    data_seconds: float  # queries and Python building the content
    template_seconds: float  # Django template to HTML
    layout_seconds: float  # WeasyPrint: parse, style, lay out
    write_seconds: float  # WeasyPrint: PDF serialisation (fonts subset and embedded)
    refused_urls: list[str]

    @property
    def total_seconds(self) -> float:
        return self.data_seconds + self.template_seconds + self.layout_seconds + self.write_seconds


def date_formats(language: str) -> tuple[str, str]:
    """The edition's date and time formats (settings.BRIEFINGS_DATE_FORMATS, _DATETIME_FORMATS); else Vietnamese."""
    dates, datetimes = settings.BRIEFINGS_DATE_FORMATS, settings.BRIEFINGS_DATETIME_FORMATS
    return dates.get(language, dates["vi"]), datetimes.get(language, datetimes["vi"])


def render_html(spec: BriefingSpec, content: dict) -> str:
    date_format, datetime_format = date_formats(spec.language)
    return render_to_string(
        "briefings/briefing.html",
        {**content, "date_format": date_format, "datetime_format": datetime_format},
    )


def stylesheet_path() -> Path:
    found = finders.find(STYLESHEET)
    if found:
        return Path(found)
    collected = Path(settings.STATIC_ROOT or "") / STYLESHEET  # a deployment with collected files only
    if settings.STATIC_ROOT and collected.is_file():
        return collected
    raise FileNotFoundError(f"static file {STYLESHEET} not found")


def render(spec: BriefingSpec) -> RenderedBriefing:
    """Make the PDF, timing each stage (the benchmark prints them)."""
    # Imported here, not at module level: WeasyPrint costs 1–2 s to import and the
    # URLconf reaches this module, so every web process would pay it at its first request.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from .fetcher import StaticFilesFetcher

    # The briefing's language, not the caller's: workers and commands have no request.
    with translation.override(spec.language):
        started = time.perf_counter()
        content = build_content(spec)
        built = time.perf_counter()
        html = render_html(spec, content)
        templated = time.perf_counter()

    fetcher = StaticFilesFetcher()
    fonts = FontConfiguration()
    stylesheet = CSS(filename=str(stylesheet_path()), url_fetcher=fetcher, font_config=fonts)
    # base_url is the stylesheet's folder, so no relative URL in the HTML can escape the static roots
    document = HTML(string=html, base_url=str(stylesheet_path().parent) + "/", url_fetcher=fetcher).render(
        stylesheets=[stylesheet], font_config=fonts
    )
    laid_out = time.perf_counter()
    pdf = document.write_pdf()
    written = time.perf_counter()
    return RenderedBriefing(
        pdf=pdf,
        page_count=len(document.pages),
        directive_count=content["directive_count"],
        data_seconds=built - started,
        template_seconds=templated - built,
        layout_seconds=laid_out - templated,
        write_seconds=written - laid_out,
        refused_urls=fetcher.refused,
    )
