"""Builds the offline data tiktoken and nltk would otherwise download (`setup.sh` runs it).

tiktoken caches `cl100k_base.tiktoken` under TIKTOKEN_CACHE_DIR as sha1(url); we rebuild that file
from the BPE ranks of the npm `tiktoken` package and check it with tiktoken's own expected hash.
llmlingua calls `nltk.sent_tokenize` (sentence-level filter), which needs `punkt_tab/english`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from tokenflow_ml.config import get_settings

CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
CL100K_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
# Common English abbreviations so "Dr. Smith" or "e.g. this" do not end a sentence.
PUNKT_ABBREVIATIONS = [
    "approx", "dept", "dr", "e.g", "est", "etc", "fig", "i.e", "inc", "jr", "ltd", "mr", "mrs",
    "ms", "no", "prof", "sr", "st", "u.s", "vs",
]  # fmt: skip


def tiktoken_cache_file(cache_dir: Path) -> Path:
    return cache_dir / hashlib.sha1(CL100K_URL.encode()).hexdigest()


def build_cl100k(npm_json: Path) -> bytes:
    """Decode the npm package's compressed ranks ("! <offset> <b64> <b64> ...") to .tiktoken."""
    data = json.loads(npm_json.read_text())
    ranks: dict[str, int] = {}
    for line in data["bpe_ranks"].split("\n"):
        if not line:
            continue
        _, offset, *tokens = line.split(" ")
        for i, token in enumerate(tokens):
            ranks[token] = int(offset) + i
    body = "".join(f"{t} {r}\n" for t, r in sorted(ranks.items(), key=lambda kv: kv[1]))
    content = body.encode()
    digest = hashlib.sha256(content).hexdigest()
    if digest != CL100K_SHA256:
        raise SystemExit(
            f"cl100k_base rebuilt from {npm_json} has sha256 {digest}, not the expected"
        )
    return content


def write_punkt(nltk_dir: Path) -> None:
    lang = nltk_dir / "tokenizers" / "punkt_tab" / "english"
    lang.mkdir(parents=True, exist_ok=True)
    for name in ("collocations.tab", "sent_starters.txt", "ortho_context.tab"):
        (lang / name).write_text("")
    (lang / "abbrev_types.txt").write_text("\n".join(PUNKT_ABBREVIATIONS) + "\n")


def check() -> None:
    """Loads both through the libraries themselves, as the service will (no network)."""
    settings = get_settings()
    settings.apply_environment()
    import nltk
    import tiktoken
    from tiktoken.load import load_tiktoken_bpe

    path = tiktoken_cache_file(settings.tiktoken_cache_dir)
    if not path.exists():
        raise SystemExit(f"missing {path}")
    load_tiktoken_bpe(CL100K_URL, expected_hash=CL100K_SHA256)
    enc = tiktoken.get_encoding("cl100k_base")
    assert enc.encode("hello world") == [15339, 1917], "cl100k_base round trip failed"
    assert enc.decode(enc.encode("Grüße, 世界!")) == "Grüße, 世界!"
    assert nltk.sent_tokenize("Dr. Smith arrived. He sat down.") == [
        "Dr. Smith arrived.",
        "He sat down.",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    build = sub.add_parser("build")
    build.add_argument("--tiktoken-json", type=Path, required=True)
    sub.add_parser("check")
    args = parser.parse_args(argv)
    settings = get_settings()
    if args.cmd == "build":
        target = tiktoken_cache_file(settings.tiktoken_cache_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(build_cl100k(args.tiktoken_json))
        write_punkt(settings.nltk_data_dir)
        check()
        print(f"offline data ready in {settings.data_dir}", file=sys.stderr)
    else:
        check()


if __name__ == "__main__":
    main()
