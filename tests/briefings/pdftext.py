"""Reading briefing PDFs back in tests."""

import io
import re

import pypdf


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, whitespace collapsed (table cells wrap anywhere)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_pages(data))


def embedded_fonts(data: bytes) -> set[tuple[str, str, bytes]]:
    """(BaseFont, font-file key, font program) of every font embedded in any page."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    found = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            candidates = [d.get_object() for d in descendants] if descendants else [font]
            for candidate in candidates:
                descriptor = candidate.get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in descriptor:
                        found.add((str(candidate["/BaseFont"]), key, descriptor[key].get_object().get_data()))
    return found


def attachments(data: bytes) -> dict:
    return dict(pypdf.PdfReader(io.BytesIO(data)).attachments)
