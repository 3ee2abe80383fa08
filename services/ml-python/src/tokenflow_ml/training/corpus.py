"""The distillation corpus: documentation that Debian packages install, in four languages.

Nothing is downloaded: `DEBIAN_PACKAGES` are installed with apt (the training command does it
when they are missing), and passages are drawn from them in a fixed order with a fixed seed, so
the same packages give the same corpus. The corpus itself is never committed.
"""

from __future__ import annotations

import random
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

DEBIAN_PACKAGES = (
    "python3-doc", "debian-reference-en", "debian-reference-de", "debian-reference-fr",
    "debian-reference-es", "manpages", "manpages-de", "manpages-fr", "manpages-es", "man-db",
    "groff-base",
)  # fmt: skip
PYTHON_DOCS = Path("/usr/share/doc/python3/html/_sources")
DEBIAN_REFERENCE = Path("/usr/share/debian-reference")
MAN_ROOT = Path("/usr/share/man")
MAN_LANGUAGES = ("", "de", "fr", "es")
MAN_PACKAGES = {"": "manpages", "de": "manpages-de", "fr": "manpages-fr", "es": "manpages-es"}

# Passage length in words: about 400-800 model tokens, one teacher forward pass each.
PASSAGE_WORDS = 320


@dataclass(frozen=True)
class Passage:
    source: str
    text: str


class _TextOfHtml(HTMLParser):
    BLOCKS = frozenset({"p", "div", "li", "pre", "h1", "h2", "h3", "h4", "tr", "br", "dt", "dd"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def man_text(page: Path) -> str:
    result = subprocess.run(
        ["man", "--no-hyphenation", "--no-justification", "-l", str(page)],
        capture_output=True, text=True, env={"MANWIDTH": "100", "PATH": "/usr/bin:/bin",
                                             "LANG": "C.UTF-8"}, timeout=30, check=False,
    )  # fmt: skip
    return re.sub(r".\x08", "", result.stdout)


def split_passages(text: str, words: int = PASSAGE_WORDS) -> Iterator[str]:
    """Runs of whole paragraphs of about `words` words."""
    current: list[str] = []
    count = 0
    for paragraph in re.split(r"\n\s*\n", text):
        n = len(paragraph.split())
        if n == 0:
            continue
        if count + n > words and current:
            yield "\n\n".join(current)
            current, count = [], 0
        current.append(paragraph.strip("\n"))
        count += n
    if count >= words // 4:
        yield "\n\n".join(current)


def _sample(files: list[Path], k: int, rng: random.Random) -> list[Path]:
    return sorted(rng.sample(files, min(k, len(files))))


def documents(per_source: int, seed: int) -> Iterator[tuple[str, str]]:
    """(source, text) for a fixed sample of each source's files."""
    rng = random.Random(seed)
    rst = sorted(PYTHON_DOCS.rglob("*.txt"))
    for path in _sample(rst, per_source, rng):
        yield "python-docs", path.read_text(errors="replace")
    for lang in ("en", "de", "fr", "es"):
        pages = sorted(DEBIAN_REFERENCE.glob(f"*.{lang}.html"))
        for path in _sample(pages, per_source, rng):
            yield f"debian-reference-{lang}", html_text(path.read_text(errors="replace"))
    for lang in MAN_LANGUAGES:
        pages = man_pages(MAN_PACKAGES[lang], lang)
        for path in _sample(pages, per_source, rng):
            yield f"man-{lang or 'en'}", man_text(path)


def man_pages(package: str, lang: str) -> list[Path]:
    """The man pages `package` itself installs (not whatever else is on the machine)."""
    listing = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=True)
    folder = f"{MAN_ROOT}/{lang}/man" if lang else f"{MAN_ROOT}/man"
    return sorted(Path(line) for line in listing.stdout.splitlines()
                  if line.startswith(folder) and Path(line).is_file())  # fmt: skip


def passages(per_source: int, per_document: int, seed: int) -> list[Passage]:
    """At most `per_document` passages from each sampled document, in a fixed order."""
    rng = random.Random(seed + 1)
    out: list[Passage] = []
    for source, text in documents(per_source, seed):
        chunks = list(split_passages(text))
        for chunk in sorted(rng.sample(chunks, min(per_document, len(chunks))), key=chunks.index):
            out.append(Passage(source, chunk))
    return out
