"""Readers: each format, globs, folders, order, compression, Parquet batches, WARC record kinds and counts."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import random
import re
import sys
import types
import zlib
from pathlib import Path

import hypothesis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from conftest import SEEDS, linear_time, made_id, masakhanews, run_cli
from hypothesis import settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaner.config import Config
from cleaner.io.readers import format_of, read_inputs
from cleaner.io.records import ReadStats
from cleaner.models import Document, Rejected

CONFIG = Config.load()
PAGE = "<html><head><title>Titre {n}</title></head><body><article><p>{body}</p></article></body></html>"


def _read(*inputs, fmt="auto", stats=None, config=CONFIG):
    return list(read_inputs([str(i) for i in inputs], config, fmt, stats))


def write_warc(path, gz=True):
    """A WARC with warcinfo, two HTML responses (one latin-1), a PNG response, a 404, a request, a WET conversion."""
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "test"}))

        def response(url, body, ctype, status="200 OK"):
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))

        response("https://www.example.fr/a", PAGE.format(n=1, body="Premier article.").encode(), "text/html; charset=utf-8")
        response("https://example.fr/b", PAGE.format(n=2, body="Été chaud.").encode("latin-1"), "text/html; charset=iso-8859-1")
        response("https://example.fr/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png")
        response("https://example.fr/missing", b"<html>gone</html>", "text/html", "404 Not Found")
        w.write_record(w.create_warc_record("https://example.fr/a", "request", payload=io.BytesIO(b"GET /a HTTP/1.1\r\n\r\n"),
                                            warc_content_type="application/http; msgtype=request"))
        w.write_record(w.create_warc_record("https://example.fr/c", "conversion", payload=io.BytesIO(b"Texte WET."),
                                            warc_content_type="text/plain"))


def test_format_by_extension():
    cases = {"a.txt": "txt", "a.HTML": "html", "a.htm": "html", "a.jsonl": "jsonl", "a.jsonl.gz": "jsonl",
             "a.jsonl.zst": "jsonl", "a.parquet": "parquet", "a.warc": "warc", "a.warc.gz": "warc",
             "a.wet": "warc", "a.wet.gz": "warc", "a.gz": None, "a.pdf": None}
    from pathlib import Path

    assert {name: format_of(Path(name)) for name in cases} == cases


def test_txt_and_html_files(tmp_path):
    (tmp_path / "a.txt").write_text("Un texte.", encoding="utf-8")
    (tmp_path / "b.html").write_text(PAGE.format(n=1, body="Corps."), encoding="utf-8")
    (tmp_path / "c.htm").write_bytes(b'<html><head><meta charset="windows-1252"></head><body>\x93cit\xe9\x94</body></html>')
    a, b, c = _read(tmp_path)
    assert (a.id, a.text, a.html) == ("a", "Un texte.", None)
    assert (b.id, b.text) == ("b", "") and "<p>Corps.</p>" in b.html
    assert "\u201ccité\u201d" in c.html and not c.warnings


def test_jsonl_plain_gz_zst_and_html_records(tmp_path):
    rows = [{"id": "x", "text": "Texte.", "url": "https://a.ma/x", "extra": 1}, {"id": "y", "html": "<p>Page</p>"}]
    data = "".join(json.dumps(r) + "\n" for r in rows).encode()
    (tmp_path / "a.jsonl").write_bytes(data)
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress(data))
    (tmp_path / "c.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(data))
    items = _read(tmp_path)
    assert [type(i) for i in items] == [Document] * 6
    x, y = items[4:]
    assert (x.text, x.url, x.meta, x.host) == ("Texte.", "https://a.ma/x", {"extra": 1}, "a.ma")
    assert (y.text, y.html) == ("", "<p>Page</p>")



def test_a_jsonl_file_whose_extension_belies_its_compression_is_read_as_its_content_is(tmp_path):
    """A `.jsonl.gz` of plain text was one rejection (`Not a gzipped file`), a `.jsonl` of gzip or zstd one too
    (`binary content, not JSONL`), every record lost: each is read as its first bytes say, as stdin is, its first
    record warned, naming the file."""
    data = "".join(json.dumps({"id": f"r{i}", "text": f"Texte {i}."}) + "\n" for i in range(3)).encode()
    for name, content, named, found in (("plain.jsonl.gz", data, "gzip", "uncompressed"),
                                        ("gz.jsonl", gzip.compress(data), "uncompressed", "gzip"),
                                        ("zst.jsonl.gz", zstandard.ZstdCompressor().compress(data), "gzip", "zstd")):
        path = tmp_path / name
        path.write_bytes(content)
        for lazy in (False, True):
            items = list(read_inputs([str(path)], CONFIG, lazy=lazy))
            docs = [i.parse(CONFIG) if lazy else i for i in items]
            assert [d.id for d in docs] == ["r0", "r1", "r2"] and all(isinstance(d, Document) for d in docs)
            assert [d.warnings for d in docs] == [
                (f"{path}: named as {named}, but its content is {found}: read as its content is",), (), ()]


def test_a_small_damaged_or_cut_zst_file_says_what_became_of_its_lines(tmp_path):
    """A .zst under 64 KB is decompressed on its first read, which raised before the damage was looked for: a flipped
    bit said only `unreadable: … doesn't match checksum`, where the README promises the lines lost; and a cut in its
    first block, of which zstd decompresses nothing, said only `truncated file` for every line lost (a QA pass)."""
    data = "".join(json.dumps({"id": f"z{i}", "text": f"Ligne numéro {i}."}) + "\n" for i in range(5)).encode()
    packed = bytearray(zstandard.ZstdCompressor(write_checksum=True).compress(data))
    (tmp_path / "t.jsonl.zst").write_bytes(packed[:-10])
    packed[len(packed) // 2] ^= 0x01
    (tmp_path / "s.jsonl.zst").write_bytes(packed)
    (cut,) = _read(tmp_path / "t.jsonl.zst")
    assert cut.detail == (f"{tmp_path / 't.jsonl.zst'}: unreadable: zstd stream ended inside a frame: truncated file "
                          "(nothing of it decompressed: zstd decompresses a block, of up to 128 KB, whole, and the cut "
                          "is in its first)")
    (flipped,) = _read(tmp_path / "s.jsonl.zst")
    assert flipped.detail.startswith(f"{tmp_path / 's.jsonl.zst'}: unreadable: zstd decompressor error: ")
    assert flipped.detail.endswith("(lines from 1 on were lost unread; that damaged zstd frame starts at byte 0 of the "
                                   "decompressed data)")


def test_a_cut_zst_file_says_so_as_a_cut_gz_does(tmp_path):
    """A .zst that ends inside a frame (cut in the middle, or only its checksum lost) gives the lines
    before the cut and a rejection saying it is truncated; a file of several frames is read whole."""
    lines = [json.dumps({"id": f"z{i}", "text": f"Ligne numéro {i}, un texte assez long pour rester."}) for i in range(2000)]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    packed = zstandard.ZstdCompressor(write_checksum=True).compress(data)
    for name, cut in (("half", len(packed) // 2), ("checksum", len(packed) - 2)):
        path = tmp_path / f"{name}.jsonl.zst"
        path.write_bytes(packed[:cut])
        items = _read(path)
        *kept, last = items
        assert all(not isinstance(i, Rejected) for i in kept) and [i.id for i in kept] == [f"z{i}" for i in range(len(kept))]
        where = f"unreadable after line {len(kept)}" if kept else "unreadable"  # not "after line 0"
        nothing = "" if kept else (" (nothing of it decompressed: zstd decompresses a block, of up to 128 KB, whole, "
                                   "and the cut is in its first)")
        assert last.reason == "bad_input" and last.detail == (
            f"{path}: {where}: zstd stream ended inside a frame: truncated file{nothing}")
    frames = tmp_path / "frames.jsonl.zst"
    half = len(lines) // 2
    frames.write_bytes(b"".join(zstandard.ZstdCompressor().compress(("\n".join(part) + "\n").encode("utf-8"))
                                for part in (lines[:half], lines[half:])))
    assert [i.id for i in _read(frames)] == [f"z{i}" for i in range(2000)]


def test_a_zst_file_broken_after_its_lines_keeps_them_as_a_gz_does(tmp_path):
    """A .zst whose frame is followed by junk, or whose later frame is damaged, gives every line decompressed
    before the fault, then one rejection naming the last: the lines of the 64 KB read that met the fault were
    lost, and not one said (one frame of 2,000 lines and junk: none kept, nor any of the frame before a damaged one)."""
    lines = [json.dumps({"id": f"z{i}", "text": f"Ligne {i}: {random.Random(i).random()}."}) for i in range(2000)]
    pack = zstandard.ZstdCompressor().compress
    frames = [pack(("\n".join(part) + "\n").encode()) for part in (lines[:1000], lines[1000:1500], lines[1500:])]
    damaged = bytearray(frames[1])
    damaged[4] = damaged[5] = 0xFF  # its frame header
    for name, data, whole in (("junk", pack(("\n".join(lines) + "\n").encode()) + b"garbage!", 2000),
                              ("damaged", frames[0] + bytes(damaged) + frames[2], 1000)):
        path = tmp_path / f"{name}.jsonl.zst"
        path.write_bytes(data)
        *kept, last = _read(path)
        assert [i.id for i in kept] == [f"z{i}" for i in range(whole)]
        assert last.reason == "bad_input" and last.detail.startswith(f"{path}: unreadable after line {whole}: zstd")


def _check_flipped(packed: bytes) -> bytes:
    """A gzip member or zstd frame with a bit of its check flipped: a gzip member's CRC (the 4 bytes before its length),
    a zstd frame's checksum (its last 4 bytes)."""
    at = len(packed) - (1 if packed.startswith(b"\x28\xb5\x2f\xfd") else 5)
    return packed[:at] + bytes([packed[at] ^ 1]) + packed[at + 1:]


def _numbered(first: int, last: int) -> str:
    """JSONL lines of short records `r<first>` to `r<last - 1>`."""
    return "".join(json.dumps({"id": f"r{i}", "text": f"Un texte numéro {i}."}) + "\n" for i in range(first, last))


@pytest.mark.parametrize("codec", ["utf-8", "utf-16"])
def test_the_lines_of_a_gz_member_whose_check_fails_are_rejected_not_kept(tmp_path, codec):
    """A gzip member's check (its CRC) is read at its end, once its lines were given: a file whose member fails it kept
    them as sound documents (one flipped bit made each `"id"` key of a member `"ui"`, 20 documents kept under made ids),
    the one word of it `unreadable after line 20`. The file is decompressed once before it is read: the lines of the
    damaged member are rejected, each carrying its text, the lines before it kept, in the workers' lazy reading too."""
    lines = [json.dumps({"id": f"r{i}", "text": f"Ligne numéro {i}. " + "Un texte. " * 800}) + "\n" for i in range(30)]
    parts = ["".join(lines[k:k + 10]).encode(codec if k == 0 else codec.replace("16", "16-le")) for k in (0, 10, 20)]
    packed = [gzip.compress(part, mtime=0) for part in parts]
    path = tmp_path / "d.jsonl.gz"
    path.write_bytes(packed[0] + _check_flipped(packed[1]) + packed[2])
    crc = zlib.crc32(parts[1])
    failed = f"CRC check failed {hex(crc ^ 1 << 24)} != {hex(crc)}"  # the CRC's last byte, bit 0 flipped
    for lazy in (False, True):
        items = list(read_inputs([str(path)], CONFIG, lazy=lazy))
        assert [(i.parse(CONFIG) if lazy else i).id for i in items[:10]] == [f"r{i}" for i in range(10)]
        *damaged, last = items[10:]
        assert [(d.reason, d.detail, d.raw) for d in damaged] == [
            ("bad_input", f"{path}:{n + 1}: read from a gzip member whose check fails ({failed}): it may be altered, "
             "so it is not kept", lines[n].rstrip("\n")) for n in range(10, 20)]
        assert last.detail == (f"{path}: unreadable after line 20: {failed} (lines 11-20 were read from that damaged "
                               "gzip member, and rejected)")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-32-be"])
def test_the_lines_of_a_wide_gz_file_before_a_damaged_member_are_kept(tmp_path, codec):
    """A UTF-16 or UTF-32 file is read in blocks of 64 KB: one asked of gzip read on through the members to the damaged
    one, which raised, and what it gathered was thrown away: 3 members of 10 short lines, the third's CRC flipped, gave
    one rejection, `unreadable: CRC check failed`, the 20 sound lines lost with it, and the rejection of a line too
    large was lost too. A block now stops at a member's end: the sound lines are kept, the damaged member's rejected."""
    config = CONFIG.model_copy(update={"max_doc_chars": 100})
    text = ["\ufeff" + _numbered(0, 10), _numbered(10, 19) + json.dumps({"id": "r19", "text": "x" * 200}) + "\n",
            _numbered(20, 30)]
    packed = [gzip.compress(part.encode(codec)) for part in text]
    path = tmp_path / "d.jsonl.gz"
    path.write_bytes(packed[0] + packed[1] + _check_flipped(packed[2]))
    *items, last = _read(path, config=config)
    assert [i.id for i in items[:19]] == [f"r{i}" for i in range(19)]
    assert [i.reason for i in items[19:]] == ["too_large"] + ["bad_input"] * 10
    assert all("read from a gzip member whose check fails (CRC check failed" in i.detail for i in items[20:])
    assert last.detail.startswith(f"{path}: unreadable after line 30: CRC check failed")
    assert last.detail.endswith("(lines 21-30 were read from that damaged gzip member, and rejected)")


def test_the_lines_of_a_zst_frame_whose_checksum_fails_are_rejected_not_kept(tmp_path):
    """A zstd frame written with its checksum is checked at its end, as a gzip member is: a frame larger than a read
    (64 KB) gave its first lines as sound before its checksum failed. They are rejected; the frame before is kept; the
    lines of the 64 KB read that met the checksum were lost, and the rejection ending the file says so."""
    rng = random.Random(3)
    lines = [json.dumps({"id": f"z{i}", "text": " ".join(rng.choice(["un", "été", "à", "Genève", "vote"])
                                                          for _ in range(40))}) for i in range(3000)]
    pack = zstandard.ZstdCompressor(write_checksum=True).compress
    path = tmp_path / "d.jsonl.zst"
    frames = [pack(("\n".join(part) + "\n").encode()) for part in (lines[:100], lines[100:])]
    path.write_bytes(frames[0] + _check_flipped(frames[1]))
    items = _read(path)
    assert [i.id for i in items if isinstance(i, Document)] == [f"z{i}" for i in range(100)]
    *damaged, last = items[100:]
    assert damaged and all(d.detail.startswith(f"{path}:{n}: read from a zstd frame whose check fails (zstd "
                                               "decompressor error: Restored data doesn't match checksum)")
                           for n, d in enumerate(damaged, 101))
    assert last.detail.endswith(f"(lines 101-{100 + len(damaged)} were read from that damaged zstd frame, and "
                                "rejected; any more of it was lost unread)")


def test_the_lines_of_a_small_zst_frame_whose_checksum_fails_are_said_lost(tmp_path):
    """Frames smaller than a read are decompressed in one go, and the damaged one's lines were lost with the error:
    3 frames of 10 lines, the third's checksum flipped, kept 20 and said nothing of lines 21-30. They are said lost."""
    pack = zstandard.ZstdCompressor(write_checksum=True).compress
    frames = [pack(_numbered(k, k + 10).encode()) for k in (0, 10, 20)]
    path = tmp_path / "d.jsonl.zst"
    path.write_bytes(frames[0] + frames[1] + _check_flipped(frames[2]))
    *items, last = _read(path)
    assert [i.id for i in items] == [f"r{i}" for i in range(20)]
    assert last.detail == (f"{path}: unreadable after line 20: zstd decompressor error: Restored data doesn't match "
                           "checksum (lines from 21 on were lost unread; that damaged zstd frame starts at byte "
                           f"{len(_numbered(0, 20).encode()):,} of the decompressed data)")


def test_a_gz_file_is_judged_damaged_as_gzip_reads_it(tmp_path):
    """The first pass refused, as zlib does, what Python's gzip takes and reads whole: a reserved flag bit in a member's
    header, a wrong header CRC (FHCRC); every line of a sound file was rejected, the two sound members after the first
    too. It reads a header as gzip does (the data's CRC is checked all the same), and zero bytes between members."""
    packed = [gzip.compress(_numbered(k, k + 10).encode()) for k in (0, 10, 20)]
    first = packed[0]
    header_crc = first[:3] + bytes([first[3] | 0x02]) + first[4:10] + b"\0\0" + first[10:]
    for name, head in (("reserved", first[:3] + bytes([first[3] | 0x20]) + first[4:]), ("fhcrc", header_crc)):
        path = tmp_path / f"{name}.jsonl.gz"
        path.write_bytes(head + packed[1] + bytes(100) + packed[2])
        assert [i.id for i in _read(path)] == [f"r{i}" for i in range(30)], name


class _Counted(io.BytesIO):
    """A file that counts the bytes read from it (`read_bytes`)."""

    read_bytes = 0

    def read(self, size=-1):
        data = super().read(size)
        self.read_bytes += len(data)
        return data


def test_a_gz_file_of_many_members_is_read_once_to_be_checked():
    """The first pass over a .gz read a MB ahead for each member, and sought back over what it did not use: a file of
    one member a line (`gzip.open(path, "ab")` a record) of 20,000 lines took 5 s of CPU to check, not 0.2 s, and
    60,000 took 46 s. The file is read once (its members across the MBs read ahead, zeros between two), its damage
    found."""
    from cleaner.io.jsonl import damaged_part

    rng = random.Random(5)
    lines = [json.dumps({"id": f"r{i}", "text": rng.randbytes(150).hex()}) + "\n" for i in range(6000)]
    members = [gzip.compress(line.encode(), mtime=0) for line in lines]
    data = b"".join(members[:3000]) + bytes(5000) + b"".join(members[3000:-1]) + _check_flipped(members[-1])
    assert len(data) > 1 << 20
    with _Counted(data) as fh:
        damage = damaged_part(fh, "gzip")
        assert fh.read_bytes <= 1.1 * len(data)
    assert (damage.start, damage.end) == (len("".join(lines[:-1])), len("".join(lines)))
    assert damage.why.startswith("CRC check failed")


def test_only_the_lines_inside_a_damaged_member_are_rejected():
    """`Damage` has an end: a line past it is read as it is, not rejected with the member's (a line that holds bytes
    of it, at either end, is)."""
    from cleaner.io.jsonl import Damage, read_jsonl

    data = _numbered(0, 6).encode()
    ends = [len(_numbered(0, n).encode()) for n in range(7)]
    damage = Damage(ends[2] + 1, ends[4] - 1, "gzip member", "CRC check failed")
    items = list(read_jsonl(io.BufferedReader(io.BytesIO(data)), "d.jsonl", CONFIG, find_damage=lambda: damage))
    assert [i.reason if isinstance(i, Rejected) else i.id for i in items] == ["r0", "r1"] + ["bad_input"] * 2 + [
        "r4", "r5"]


def test_a_gzip_bomb_of_nuls_is_binary_before_it_is_decompressed_whole(tmp_path, monkeypatch):
    """A file found binary by its first bytes is not decompressed first to find a damaged member: a 2 MB gzip of 2 GB
    of NUL bytes was rejected in no time, then took 5 s (`damaged_part` ran before the binary check)."""
    from cleaner.io import jsonl

    passes = []
    monkeypatch.setattr(jsonl, "damaged_part", lambda *args: passes.append(args))
    path = tmp_path / "nul.jsonl.gz"
    path.write_bytes(gzip.compress(bytes(1 << 20)))
    assert [i.detail for i in _read(path)] == [f"{path}: binary content, not JSONL"]
    assert passes == []


def test_junk_after_sound_members_is_not_said_to_alter_their_lines(tmp_path, monkeypatch):
    """Junk after the last gzip member or zstd frame breaks the stream between two, not inside one: no line is said
    to be maybe altered (a file's rejection said so, `give it as a file …`, as did stdin's, whose members' checks
    passed)."""
    data = _numbered(0, 5).encode()
    for name, packed in (("x.jsonl.gz", gzip.compress(data) + b"x"), ("junk.jsonl.gz", gzip.compress(data) + b"junk"),
                         ("junk.jsonl.zst", zstandard.ZstdCompressor(write_checksum=True).compress(data) + b"junk")):
        path = tmp_path / name
        path.write_bytes(packed)
        monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BufferedReader(io.BytesIO(packed))))
        for where, items in ((str(path), _read(path)), ("<stdin>", _read("-"))):
            assert [i.id for i in items[:5]] == [f"r{i}" for i in range(5)], name
            assert re.fullmatch(rf"{re.escape(where)}: unreadable after line 5: [^()]*(\(b'(x|ju)'\))?",
                                items[5].detail), items[5].detail


def test_a_gz_member_whose_check_fails_on_stdin_says_its_lines_may_be_altered(monkeypatch):
    """stdin cannot be read twice: the lines of a member whose check fails were given before it; the rejection that
    ends the stream says they may be altered (it read as if every line before was sound)."""
    data = gzip.compress(_numbered(0, 5).encode())
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BufferedReader(io.BytesIO(_check_flipped(data)))))
    *kept, last = _read("-")
    assert [d.id for d in kept] == [f"r{i}" for i in range(5)]
    assert last.detail.startswith("<stdin>: unreadable after line 5: CRC check failed")
    assert last.detail.endswith("(the lines read from the gzip member it broke in may be altered, its check being at "
                                "its end: a stream is read once, so they were kept; give it as a file to have them "
                                "rejected)")


def _block_broken(frame: bytes, n: int) -> bytes:
    """A zstd frame whose block `n` (from 0) has the reserved block type: the frame breaks there, the blocks before it
    sound."""
    at = zstandard.frame_header_size(frame)
    for _ in range(n):
        head = int.from_bytes(frame[at:at + 3], "little")
        at += 3 + (1 if head >> 1 & 3 == 1 else head >> 3)  # an RLE block holds one byte
    return frame[:at] + bytes([frame[at] | 0x06]) + frame[at + 1:]


def test_a_zst_file_is_decompressed_first_only_when_a_frame_holds_a_checksum(tmp_path, monkeypatch):
    """A zstd frame without a checksum cannot be checked: decompressing the file first found only broken structure,
    which the reader finds too, at the cost of a second decompression. The first pass walks the frames' headers and
    runs only when one holds a checksum (a skippable frame or one without a checksum before it). A .zst that opens
    with a skippable frame (`pzstd` writes one) is zstd: it was `binary content, not JSONL`."""
    from cleaner.io import jsonl

    class Counted(jsonl.ZstdFrames):
        def __init__(self, raw):
            passes.append(raw)
            super().__init__(raw)

    monkeypatch.setattr(jsonl, "ZstdFrames", Counted)
    rng = random.Random(7)
    text = "".join(json.dumps({"id": f"r{i}", "text": rng.randbytes(100).hex()}) + "\n" for i in range(3000))
    plain = zstandard.ZstdCompressor().compress(text.encode())
    broken = _block_broken(plain, 3)
    summed = _check_flipped(zstandard.ZstdCompressor(write_checksum=True).compress(_numbered(3000, 3010).encode()))
    skippable = (0x184D2A50).to_bytes(4, "little") + (3).to_bytes(4, "little") + b"abc"
    lost = ("zstd decompressor error: Restored data doesn't match checksum (lines from 3001 on were lost unread; that "
            f"damaged zstd frame starts at byte {len(text):,} of the decompressed data)")
    for name, data, kept, ending, read in (("broken", broken, 1000, "zstd decompressor error: ", 1),
                                           ("skippable", skippable + plain + summed, 3000, lost, 2)):
        path = tmp_path / f"{name}.jsonl.zst"
        path.write_bytes(data)
        passes = []
        *items, last = _read(path)
        assert len(items) >= kept and [i.id for i in items] == [f"r{i}" for i in range(len(items))], name
        assert last.detail.startswith(f"{path}: unreadable after line {len(items)}: {ending}"), last.detail
        assert len(passes) == read, name


def test_the_lines_kept_from_a_zst_frame_without_checksum_that_breaks_are_said_maybe_altered(tmp_path):
    """A .zst none of whose frames holds a checksum is not checked before it is read: the lines of a frame read before
    it breaks are kept (a first pass rejected them), and the rejection that ends the file says they may be altered."""
    rng = random.Random(7)
    text = "".join(json.dumps({"id": f"r{i}", "text": rng.randbytes(100).hex()}) + "\n" for i in range(3000))
    path = tmp_path / "broken.jsonl.zst"
    path.write_bytes(_block_broken(zstandard.ZstdCompressor().compress(text.encode()), 3))
    *items, last = _read(path)
    assert items and [i.id for i in items] == [f"r{i}" for i in range(len(items))]
    assert last.detail == (f"{path}: unreadable after line {len(items)}: zstd decompressor error: Data corruption "
                           "detected (the lines read from the zstd frame it broke in may be altered, it holding no "
                           "checksum to check them by: they were kept)")


def test_the_library_messages_of_a_break_between_members_are_the_ones_told_by():
    """Junk after a gzip member or zstd frame is told from a break inside one by the libraries' words (`_between`):
    each provoked with the library, as the reader meets it, so a Python or zstandard that words it otherwise fails
    here, not in a rejection saying sound lines may be altered."""
    from cleaner.io.jsonl import _between, _opened

    member, frame = gzip.compress(b"{}\n"), zstandard.ZstdCompressor().compress(b"{}\n")
    for data, compression, words in ((member + b"junk", "gzip", "Not a gzipped file (b'ju')"),
                                     (member + member[:2] + b"\x07" + bytes(7), "gzip", "Unknown compression method"),
                                     (frame + b"junk", "zstd", "Unknown frame descriptor")):
        with pytest.raises((OSError, zstandard.ZstdError)) as caught:
            _opened(io.BytesIO(data), compression).read()
        assert words in str(caught.value) and _between(caught.value), caught.value


def test_utf16_and_utf32_files_with_a_byte_order_mark_are_text(tmp_path):
    """A text file saved as "Unicode" (UTF-16 with its byte order mark, as Windows does) or UTF-32 is
    read as text, not refused as binary; a page's BOM wins over its `<meta charset>`."""
    text = "Le conseil municipal a voté le budget.\n\nUn été à Genève."
    for codec in ("utf-16", "utf-16-be", "utf-32"):
        bom = {"utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
        (tmp_path / f"{codec}.txt").write_bytes(bom + text.encode(codec))
    page = PAGE.format(n=1, body="Un été à Genève.").replace("<head>", '<head><meta charset="iso-8859-1">')
    (tmp_path / "page.html").write_bytes(page.encode("utf-16"))
    items = {i.id: i for i in _read(tmp_path)}
    assert [(items[c].text, items[c].warnings) for c in ("utf-16", "utf-16-be", "utf-32")] == [(text, ())] * 3
    assert items["page"].html == page


def test_bytes_opening_with_utf16s_mark_that_are_no_utf16_are_read_as_utf8_the_mark_flagged(tmp_path):
    """Two stray bytes FF FE before an ASCII text, in a Parquet binary column or a `.txt` file, made it UTF-16, read
    pairwise as CJK ("椠癮污…", QA pass): bytes 9 in 10 printable ASCII after the mark are no UTF-16, of an odd count
    or an even one (a review), and are read as UTF-8, the two bytes flagged. A UTF-16 text, Latin or Japanese, whole
    or cut inside a character (an odd count), is UTF-16 as it was, and so is a short one in one script whose pairs
    are all printable ASCII ("ありがとう": its high bytes are all 0x30)."""
    from cleaner.io.decoding import decode_text

    stray = b"\xff\xfe invalid bytes in text column of a parquet file, assez long ici"
    pq.write_table(pa.table({"id": ["x6"], "text": [stray]}), tmp_path / "b.parquet")
    (tmp_path / "s.txt").write_bytes(stray)
    said = "invalid UTF-8 at byte 0, replaced with U+FFFD"
    assert [(d.text, d.warnings) for d in _read(tmp_path / "b.parquet", tmp_path / "s.txt")] == [
        ("\ufffd" * 2 + stray[2:].decode(), (f"{tmp_path / 'b.parquet'}:row 1: text: {said}",)),
        ("\ufffd" * 2 + stray[2:].decode(), (f"{tmp_path / 's.txt'}: {said}",))]
    even = b"\xff\xfe invalid bytes here in a text."
    assert decode_text(even, "w") == ("\ufffd" * 2 + even[2:].decode(), (f"w: {said}",))
    for text in ("Le conseil municipal a voté le budget.", "政府は閣議で予算案を了承した。ひらがなのぶんしょう",
                 "ありがとう", "こんにちは"):  # the last two's pairs printable ASCII, one high byte (a review)
        for codec in ("utf-16", "utf-16-be"):
            data = (codecs.BOM_UTF16_BE if codec == "utf-16-be" else b"") + text.encode(codec)
            assert decode_text(data, "w") == (text, ()), codec
            if len(text) > 5:
                assert decode_text(data[:-1], "w")[0] == text[:-1] + "\ufffd", codec
    for stray in (b"12", b"========", b"\r\n\r\n", b"yes\n", b"OK\n"):  # few bytes, no script (a review)
        assert decode_text(b"\xff\xfe" + stray, "w") == ("\ufffd" * 2 + stray.decode(), (f"w: {said}",)), stray


def test_a_parquet_binary_column_that_holds_no_text_is_not_flagged(tmp_path):
    """Every bytes field of a record was decoded and its invalid bytes flagged, so an image or embedding column warned
    `invalid UTF-8` on every row (a review): only the text-like fields are; the others go to `meta`, unflagged."""
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["Le conseil a voté.", "Le maire a parlé."],
                             "emb": [b"\x89PNG\xff\x00", b"\xfe\x01"]}), tmp_path / "e.parquet")
    assert [d.warnings for d in _read(tmp_path / "e.parquet")] == [(), ()]


def test_a_utf8_byte_order_mark_wins_over_the_charset_a_page_declares(tmp_path):
    """A page saved as UTF-8 with its mark by a Windows editor, its old `<meta charset="iso-8859-1">` (or
    HTTP's) left as it was, is UTF-8, as browsers read it: it was read as windows-1252, mojibake from
    "ï»¿" on, and trafilatura found no title."""
    from cleaner.io.decoding import decode_html

    page = PAGE.format(n=1, body="Un été à Genève.").replace("<head>", '<head><meta charset="iso-8859-1">')
    (tmp_path / "page.html").write_bytes(codecs.BOM_UTF8 + page.encode("utf-8"))
    [item] = _read(tmp_path / "page.html")
    assert (item.html, item.warnings) == (page, ())
    assert decode_html(codecs.BOM_UTF8 + page.encode("utf-8"), "p", "iso-8859-1") == (page, ())


def test_jsonl_in_utf16_or_utf32_is_read_line_by_line(tmp_path):
    """A JSONL file in UTF-16 (PowerShell's `>` writes it with a BOM and CRLF) or UTF-32, with or without
    a BOM, plain or gzipped, gives its records, not a malformed line per LF byte; a bad sequence is
    flagged naming the encoding and line, an over-long line is skipped unread and the next one read."""
    records = [{"id": f"r{i}", "text": f"Texte {i} : 漢字 😀, un été à Genève."} for i in range(3)]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    (tmp_path / "ps.jsonl").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    (tmp_path / "be.jsonl").write_bytes(("\n\n".join(lines)).encode("utf-16-be"))  # no BOM, blank lines, no last LF
    (tmp_path / "w.jsonl").write_bytes(("\n".join(lines) + "\n").encode("utf-32"))
    (tmp_path / "z.jsonl.gz").write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-16-le")))
    for name in ("ps", "be", "w", "z"):
        items = _read(tmp_path / (name + ".jsonl" + (".gz" if name == "z" else "")))
        assert [(i.id, i.text, i.warnings) for i in items] == [(r["id"], r["text"], ()) for r in records], name
    bad = codecs.BOM_UTF16_LE + "\n".join(lines).encode("utf-16-le").replace("é".encode("utf-16-le"), b"\x00\xd8", 1)
    (tmp_path / "bad.jsonl").write_bytes(bad)
    items = _read(tmp_path / "bad.jsonl")
    assert [i.id for i in items] == ["r0", "r1", "r2"]
    assert items[0].text == records[0]["text"].replace("é", "\ufffd", 1)
    at = len(lines[0][: lines[0].index("é")].encode("utf-16-le"))  # the byte order mark is not part of line 1
    assert items[0].warnings == (f"{tmp_path / 'bad.jsonl'}:1: invalid utf-16-le at byte {at}, replaced with U+FFFD",)
    config = CONFIG.model_copy(update={"max_doc_chars": 10})
    items = _read(tmp_path / "be.jsonl", config=config)
    assert [(type(i).__name__, i.reason if isinstance(i, Rejected) else "") for i in items] == [("Rejected", "too_large")] * 3
    assert "be.jsonl:5:" in items[2].detail


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_an_over_long_utf16_or_utf32_jsonl_line_is_skipped_whole_as_in_utf8(tmp_path, monkeypatch, codec):
    """A UTF-16 or UTF-32 line longer than a document of `max_doc_chars` could be is skipped unread, one `too_large`
    naming its line, as in UTF-8: the limit never fired (asked a byte more than it, the line reader, which cuts at a
    character, gave exactly it), so the line was cut into pieces of the limit's size, each a malformed line, and
    each later line was numbered past its place (a 3-line file read as 5 records; an id-less record's id took the
    wrong line); plain, compressed, on stdin, read lazily (`cleaner run`'s workers parse the lines) or not."""
    text = "Le gouvernement a présenté mercredi son projet de budget pour l'année prochaine."
    lines = [json.dumps({"id": "a", "text": text}), json.dumps({"id": "big", "text": "mot " * 5000}),
             json.dumps({"text": text + " Encore une phrase."})]
    data = ("\n".join(lines) + "\n").encode(codec)
    config = CONFIG.model_copy(update={"max_doc_chars": 1000})
    (tmp_path / "w.jsonl").write_bytes(data)
    (tmp_path / "w.jsonl.gz").write_bytes(gzip.compress(data))
    (tmp_path / "w.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(data))
    size = (len(lines[1]) + 1) * (4 if "32" in codec else 2)  # ASCII, its line feed too; no byte order mark
    files = [(str(tmp_path / f), str(tmp_path / f), "w") for f in ("w.jsonl", "w.jsonl.gz", "w.jsonl.zst")]
    for name, where, stem in [*files, ("-", "<stdin>", "<stdin>")]:
        for lazy in (False, True):
            monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BufferedReader(io.BytesIO(data))))
            items = [i.parse(config) if lazy and not isinstance(i, Rejected) else i
                     for i in read_inputs([name], config, lazy=lazy)]
            assert [(type(i).__name__, getattr(i, "reason", None)) for i in items] == [
                ("Document", None), ("Rejected", "too_large"), ("Document", None)], (name, lazy)
            assert items[1].detail == f"{where}:2: document is {size:,} bytes of JSON, over max_doc_chars=1,000"
            assert items[2].id == made_id(f"{stem}:3", text + " Encore une phrase.")


@pytest.mark.parametrize("text, made, runs", [
    # MasakhaNEWS (250 articles hold line breaks escaped twice by their scraper)
    ("é publié le 29 septembre 2021.\\nKerry Torrens est nutritionniste", "é publié le 29 septembre 2021.\nKerry Torrens est nutritionniste", 1),
    ("kana munhu\\nmumwe chete anobatwa", "kana munhu\nmumwe chete anobatwa", 1),
    ('samu nakasa."\\nYanzu haka', 'samu nakasa."\nYanzu haka', 1),
    ('Federer tok\\n"I dey so glad', 'Federer tok\n"I dey so glad', 1),
    ("keessa bahu hin barbaadne’’\\n\\n‘‘Achiin", "keessa bahu hin barbaadne’’\n\n‘‘Achiin", 1),
    ("ደጋፊ።\\n''ቲኬት", "ደጋፊ።\n''ቲኬት", 1),
    ('ብሏል፡፡"\\nቲኬት', 'ብሏል፡፡"\nቲኬት', 1),  # a quote closing a sentence ended in two word spaces, a stop
    ("97kcal/402kj\\n• 3,6g de protéines", "97kcal/402kj\n• 3,6g de protéines", 1),
    ("ushahidi wa ufisadi.  \\n \\nlakini", "ushahidi wa ufisadi.  \n\nlakini", 1),
    ("chake. Embed\\n\\nshare\\n\\n\\nNyaya Ina Michael", "chake. Embed\n\nshare\n\n\nNyaya Ina Michael", 2),  # a word between two runs
    # code and paths are left as they are
    ('printf("done\\n");', None, 0), ('a line ends with "\\n" in C', None, 0), ("x = '\\n'", None, 0), ("`\\n`", None, 0),
    ("lines.join(\\n)", None, 0), ("[\\n]", None, 0), ("C:\\new folder", None, 0), ("C:\\Users\\nina", None, 0), ("a\\n, b", None, 0),
    ("In C, the sequence \\n ends a line.", None, 0), ("Regex: use \\n or \\r\\n to match line ends.", None, 0),  # prose about code
])
def test_line_breaks_escaped_as_backslash_n_are_made_line_breaks(text, made, runs):
    """A scraper that escaped a text twice leaves `\\n` where its line breaks were: lines glued so that no
    line rule sees them ("Par John Sudworth\\nCorrespondant pour …": a byline). Such runs are made line
    breaks; those that read as code or a path are left."""
    from cleaner.io.decoding import escaped_breaks

    assert escaped_breaks(text) == (made or text, runs)


@pytest.mark.parametrize("text, made, count", [
    ("L&#39;Assemblée a voté &quot;oui&quot; &amp; le Sénat aussi", "L'Assemblée a voté \"oui\" & le Sénat aussi", 4),
    ("Il a dit&nbsp;: &laquo;&#xA0;non&#x2019;&raquo;", "Il a dit\xa0: «\xa0non’»", 5),
    ("caf&eacute; cr&egrave;me", "café crème", 2),
    ("AT&T et H&M, R&D; &notes &copy 2024", None, 0),  # no reference: no semicolon, or a word's own
    ("&bogus; &#1; &#0; &#xD800; &#99999999;", None, 0),  # no character, a control character, a surrogate, too long
    ("<p>L&#39;article</p>", None, 0), ("un avis <!-- caché --> l&#39;avis", None, 0),  # markup: its own references
    ("a < b &amp; c > d", "a < b & c > d", 1),  # a comparison is no tag
    ("&amp;#39; écrit deux fois", "&#39; écrit deux fois", 1),  # read once, as a browser shows it
    ("&notes; &copyright; &section;", None, 0),  # no name with its semicolon: not `&not` and "es;"
])
def test_html_character_references_in_a_text_are_read_as_a_browser_shows_them(text, made, count):
    """A scraper that kept a page's escapes leaves `&#39;` and `&quot;` in the text: a copy so written was never an
    exact duplicate of the article (0.52-0.61 by MinHash) and, longer, was the copy kept (a QA pass found it)."""
    from cleaner.io.decoding import unescaped_references

    assert unescaped_references(text) == (made or text, count)


def test_html_references_are_repaired_in_a_text_and_flagged_not_in_a_pages_html(tmp_path):
    """The text is repaired and flagged, and a copy so written is an exact duplicate of the plain one; a page's
    `html` is left to the parser (its references are markup's)."""
    from cleaner import Pipeline

    plain = "Le maire a annoncé l'ouverture d'une nouvelle école : « un grand jour » pour la ville, a-t-il dit."
    escaped = plain.replace("'", "&#39;").replace("«", "&laquo;").replace("»", "&raquo;")
    (tmp_path / "t.jsonl").write_text(json.dumps({"id": "a", "text": escaped}) + "\n"
                                      + json.dumps({"id": "p", "html": f"<p>{escaped}</p>"}) + "\n", encoding="utf-8")
    doc, page = _read(tmp_path / "t.jsonl")
    assert doc.text == plain
    assert doc.warnings == (f"{tmp_path / 't.jsonl'}:1: 4 HTML character references (such as &amp; or &#39;) read "
                            "as the characters they stand for",)
    assert page.html == f"<p>{escaped}</p>" and page.warnings == ()
    record = {"id": "r", "text": "la fin.&#13;Partager sur Facebook&#x2028;Le"}
    (tmp_path / "r.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (read,) = _read(tmp_path / "r.jsonl")  # read first, then a line break as the character itself would be
    assert read.text == "la fin.\nPartager sur Facebook\nLe"
    with Pipeline() as pipeline:
        result = pipeline.run([{"id": "escaped", "text": escaped}, {"id": "plain", "text": plain}])
    assert [(r.id, getattr(r, "reason", "kept")) for r in result.in_order] == [("escaped", "kept"),
                                                                                ("plain", "exact_duplicate")]


def test_escaped_line_breaks_are_repaired_on_reading_and_flagged_so_rules_see_the_lines(tmp_path):
    """MasakhaNEWS fra-dev-43: the byline was glued to the reporter's title by a `\\n`; once repaired,
    `fr.byline-role` lifts the author. Only the text is repaired, not a page's HTML (its scripts hold `\\n`
    in strings) nor a record's other fields."""
    from cleaner import clean

    text = ("Chine : les États-Unis peuvent-ils vivre dans le monde de Xi Jinping ?\n\nPar John Sudworth\\n"
            "Correspondant pour l'Amérique du Nord\\n\\nIl y a dix jours, Xi Jinping s'est présenté devant le "
            "congrès du Parti communiste chinois pour un discours de près de deux heures sur l'avenir du pays.")
    (tmp_path / "t.jsonl").write_text(json.dumps({"id": "a", "text": text, "title": "un\\ntitre"}) + "\n", encoding="utf-8")
    (doc,) = _read(tmp_path / "t.jsonl")
    assert doc.text == text.replace("\\n", "\n")
    assert doc.meta == {"title": "un\\ntitre"}
    assert doc.warnings == (f"{tmp_path / 't.jsonl'}:1: 2 line breaks written as \\n made line breaks",)
    (out,) = clean([{"id": "a", "text": text}])
    assert out.author == "John Sudworth"
    assert out.text.split("\n\n")[1].startswith("Il y a dix jours")  # the title under it goes too (fr.byline-role)


def test_a_repair_made_once_is_said_in_the_singular(tmp_path):
    """A QA pass read `1 byte order marks (U+FEFF) removed` and `1 line breaks written as \\n made line breaks` in
    records' warnings: each repair's count agrees with its noun."""
    text = "L&#39;avis du maire.\\nLe conseil a voté.\rPuis il est parti.\x00\u2028Fin\ufeff de la séance."
    (tmp_path / "t.jsonl").write_text(json.dumps({"id": "a", "text": text}) + "\n", encoding="utf-8")
    (doc,) = _read(tmp_path / "t.jsonl")
    assert doc.text == "L'avis du maire.\nLe conseil a voté.\nPuis il est parti.\nFin de la séance."
    assert [warning.split(": ", 1)[1] for warning in doc.warnings] == [
        "1 HTML character reference (such as &amp; or &#39;) read as the character it stands for",
        "1 line break made of a lone CR read as LF", "1 line separator (U+2028) read as LF",
        "1 line break written as \\n made a line break", "1 NUL character removed",
        "1 byte order mark (U+FEFF) removed"]


def test_raw_control_characters_inside_jsonl_strings_are_read_as_they_are_flagged(tmp_path):
    """A raw tab or CR inside a JSON string is invalid JSON (`\\t`), and the whole record was a rejection,
    `malformed JSON: Invalid control character`: a scraper that writes its lines by hand loses every record
    with a tab. They are read as `json.loads(strict=False)` reads them, flagged; a line cut inside a string
    (its line end the only control character) is still malformed, now said to be cut."""
    src = tmp_path / "raw.jsonl"
    src.write_bytes(b'{"id": "a", "text": "un\ttexte"}\n'
                    b'{"id": "b", "text": "deux\ttabs\tet\x01un\rCR", "title": "t\tx"}\n'
                    b'{"id": "c", "text": "un \\t \xc3\xa9chapp\xc3\xa9"}\n'
                    b'{"id": "d", "text": "coup\n')
    items = {i.id if isinstance(i, Document) else i.detail: i for i in read_inputs([src], Config.load())}
    assert items["a"].text == "un\ttexte"
    assert items["a"].warnings == (f"{src}:1: a raw tab inside a JSON string at column 24, where JSON writes an "
                                   "escape: read as it is",)
    assert items["b"].text == "deux\ttabs\tet\x01un\nCR"  # the CR then a line break, as in a text file
    assert items["b"].warnings[0] == (f"{src}:2: a raw tab inside a JSON string at column 26 (5 in all), where JSON "
                                      "writes an escape: read as it is")
    assert items["c"].text == "un \t échappé" and items["c"].warnings == ()  # an escape is JSON
    assert f"{src}:4: malformed JSON: Unterminated string starting at column 21" in items


def test_numbers_json_has_not_in_a_jsonl_line_are_written_as_null_flagged(tmp_path, in_process):
    """`NaN`, `Infinity`, `-Infinity` and a number past a float's range (`1e999`) are no JSON (RFC 8259), yet
    Python's `json` reads them, and the outputs wrote null in their place without a word. The record is kept,
    null written, and a warning names them (a line that also holds a raw tab says both); `--strict` stops."""
    src = tmp_path / "n.jsonl"
    src.write_bytes(b'{"id": "a", "text": "Un texte.", "score": NaN, "x": 1e999, "y": [-Infinity, 2.5, NaN]}\n'
                    b'{"id": "b", "text": "un\ttexte", "meta": {"z": Infinity}}\n'
                    b'{"id": "c", "text": "Un texte sans rien.", "n": 1.5e10}\n')
    a, b, c = _read(src)
    assert a.meta == {"score": None, "x": None, "y": [None, 2.5, None]}
    assert a.warnings == (f"{src}:1: 4 numbers JSON has not (NaN, 1e999, -Infinity): written as null",)
    assert b.meta == {"z": None} and b.warnings == (
        f"{src}:2: a raw tab inside a JSON string at column 24, where JSON writes an escape: read as it is",
        f"{src}:2: 1 number JSON has not (Infinity): written as null")
    assert (c.meta, c.warnings) == ({"n": 1.5e10}, ())
    proc = in_process("clean", str(src), "--out", str(tmp_path / "o.jsonl"), "--strict", "-q")
    assert proc.returncode == 3 and proc.stderr == (
        f"cleaner: --strict: stopped at bad input (id a): {src}:1: 4 numbers JSON has not (NaN, 1e999, -Infinity): "
        "written as null\n")


def test_the_encoding_setting_reads_input_that_does_not_say_its_own(tmp_path):
    """A cp1252 text file (a Windows tool's French) was read as UTF-8: every accent U+FFFD, flagged, the text
    lost. `encoding` (`--encoding`) names the encoding of input that does not say its own: .txt, JSONL lines,
    HTML without a charset, bytes given to the API. A byte order mark, UTF-16's zero bytes and a page's charset
    still win."""
    from cleaner import Pipeline

    text = "Le conseil municipal a voté le budget de l’année — après un long débat."
    (tmp_path / "a.txt").write_bytes(text.encode("cp1252"))
    (tmp_path / "b.jsonl").write_bytes(json.dumps({"id": "b", "text": text}, ensure_ascii=False).encode("cp1252") + b"\n")
    (tmp_path / "c.html").write_bytes(PAGE.format(n=3, body=text).encode("cp1252"))
    (tmp_path / "d.htm").write_bytes(b'<html><head><meta charset="utf-8"></head><body><p>' + text.encode() + b"</p></body></html>")
    (tmp_path / "e.txt").write_bytes(codecs.BOM_UTF8 + text.encode())
    (tmp_path / "f.txt").write_bytes(text.encode("utf-16-le"))
    cp1252 = Config.load(encoding="windows-1252")
    assert cp1252.encoding == "cp1252" and Config.load(encoding="utf-8-sig").encoding == "utf-8"  # a mark is read anyway
    got = {d.id: d for d in _read(tmp_path, config=cp1252)}
    assert [got[i].text for i in "abef"] == [text] * 4 and all(not got[i].warnings for i in "abcdef")
    assert text in got["c"].html and text in got["d"].html  # no charset: the setting; a charset: its own
    default = {d.id: d for d in _read(tmp_path)}
    assert default["a"].text.count("\ufffd") == 6 and default["a"].warnings == (
        f"{tmp_path / 'a.txt'}: invalid UTF-8 at byte 26, replaced with U+FFFD",)
    assert Pipeline(cp1252).prepare(text.encode("cp1252")).text == text  # bytes given to the API
    mixed = tmp_path / "m"  # valid UTF-8 is UTF-8 whatever the setting: a folder of both, a JSONL file of both
    mixed.mkdir()
    (mixed / "u.txt").write_bytes(text.encode())
    (mixed / "v.jsonl").write_bytes(b"".join(json.dumps({"id": f"v{i}", "text": text}, ensure_ascii=False).encode(codec)
                                             + b"\n" for i, codec in enumerate(("cp1252", "utf-8"))))
    assert [(d.id, d.text, d.warnings) for d in _read(mixed, config=cp1252)] == [("u", text, ()), ("v0", text, ()),
                                                                                 ("v1", text, ())]
    marked = tmp_path / "g.jsonl"  # a byte order mark says UTF-8 for the whole file, not its first line alone
    marked.write_bytes(codecs.BOM_UTF8 + "".join(json.dumps({"id": f"g{i}", "text": text}, ensure_ascii=False) + "\n"
                                                 for i in range(3)).encode())
    assert [(d.text, d.warnings) for d in _read(marked, config=cp1252)] == [(text, ())] * 3
    table = tmp_path / "p" / "h.parquet"  # a Parquet binary text, and bytes in a record given to the API
    table.parent.mkdir()
    pq.write_table(pa.table({"id": ["h"], "text": pa.array([text.encode("cp1252")], pa.binary())}), table)
    assert [(d.text, d.warnings) for d in _read(table, config=cp1252)] == [(text, ())]
    assert Pipeline(cp1252).prepare({"id": "i", "text": text.encode("cp1252")}).text == text
    cut = tmp_path / "cut.txt"  # UTF-8 with one bad byte (a file cut inside a character) is UTF-8, flagged
    whole = "国务院办公厅日前发布通知，要求各省在年底前完成基层政务服务平台的整合。" * 3
    cut.write_bytes(whole.encode()[:-1])
    (got,) = _read(cut, config=Config.load(encoding="gbk"))
    assert got.text == whole[:-1] + "\ufffd" and got.warnings == (
        f"{cut}: invalid UTF-8 at byte {len(whole.encode()) - 3}, replaced with U+FFFD",)
    jis = tmp_path / "jis.jsonl"  # ISO-2022-JP is 7-bit: all ASCII, yet not to be read as such
    jis.write_bytes(json.dumps({"id": "j", "text": "政府は閣議で予算案を了承した。"}, ensure_ascii=False).encode("iso2022_jp"))
    assert [d.text for d in _read(jis, config=Config.load(encoding="iso2022_jp"))] == ["政府は閣議で予算案を了承した。"]


@pytest.mark.parametrize("name", ["latin-1", "ISO-8859-1", "latin1", "l1", "ascii", "us-ascii"])
def test_an_encoding_the_web_reads_as_windows_1252_is_read_so(tmp_path, name):
    """`--encoding latin-1` read a Windows file's ’ “ ” … as C1 controls (U+0092, U+0093, U+0085), without a word
    (found by a QA pass): it is read as a page's `iso-8859-1` label is, as windows-1252 (the WHATWG Encoding
    Standard), and the five bytes windows-1252 leaves undefined stay the C1 controls of their number, as there."""
    (tmp_path / "lat.txt").write_bytes(b"Il a dit \x93oui\x94\x85 puis. C\x92est la fin. \x81\x8d\x8f\x90\x9d")
    config = Config.load(encoding=name)
    assert config.encoding == "cp1252"
    assert [(d.text, d.warnings) for d in _read(tmp_path / "lat.txt", config=config)] == [
        ("Il a dit “oui”… puis. C’est la fin. \x81\x8d\x8f\x90\x9d", ())]


@pytest.mark.parametrize("name, says", [
    ("utf-16", "'utf-16' is not a text encoding that reads and writes ASCII as ASCII, as JSONL needs; a file in UTF-16 "
               "or UTF-32 is read by its byte order mark or its zero bytes without this setting"),
    ("base64", "'base64' is not a text encoding that reads and writes ASCII as ASCII"),
    ("idna", "'idna' is not a text encoding"),  # it cannot replace an invalid byte: a traceback on the first input
    ("raw_unicode_escape", "'raw_unicode_escape' is not a text encoding"),  # it read \\u0022 as a quote, breaking JSON
    ("undefined", "'undefined' is not a text encoding"),
    ("hz", "'hz' is not a text encoding"),  # `~~` is one `~` in HZ, and `~{` starts GB2312
    ("utf-7", "'utf-7' is not a text encoding"),  # `+` starts an escape
    ("klingon", "unknown encoding 'klingon' (Python's codec names: utf-8, cp1252, latin-1, ...)"),
])
def test_an_encoding_jsonl_cannot_be_read_in_is_refused(name, says):
    from cleaner.config import ConfigError

    with pytest.raises(ConfigError, match=re.escape(f"config: encoding: {says}")):
        Config.load(encoding=name)


def test_a_binary_file_read_as_jsonl_is_one_rejection(tmp_path):
    """`--input-format jsonl` on a Parquet file gave one "malformed JSON" per byte "line" (about 80 for a
    small file; found by a QA pass); a text file that is binary was always one rejection."""
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["Un texte.", "Un autre texte."]}), tmp_path / "p.parquet")
    (item,) = _read(tmp_path / "p.parquet", fmt="jsonl")
    assert isinstance(item, Rejected) and (item.reason, item.detail) == ("bad_input", f"{tmp_path / 'p.parquet'}: binary content, not JSONL")


def test_lone_cr_line_breaks_are_line_breaks(tmp_path):
    """Old Mac files end lines in CR alone: read as LF (flagged), so line rules see the lines."""
    (tmp_path / "mac.txt").write_bytes("Le conseil a voté le budget.\r\rPartager :\r\rLes habitants approuvent.".encode())
    (doc,) = _read(tmp_path / "mac.txt")
    assert doc.text == "Le conseil a voté le budget.\n\nPartager :\n\nLes habitants approuvent."
    assert doc.warnings == (f"{tmp_path / 'mac.txt'}: 4 line breaks made of a lone CR read as LF",)
    (tmp_path / "dos.txt").write_bytes(b"Une ligne.\r\nUne autre.")
    (crlf,) = _read(tmp_path / "dos.txt")
    assert crlf.text == "Une ligne.\r\nUne autre." and crlf.warnings == ()  # CRLF is left to the whitespace rule


def test_ids_and_details_are_valid_unicode(tmp_path):
    """A lone surrogate in an id (a JSON escape) or a file name that is not UTF-8 (a surrogate escape in
    Python) becomes U+FFFD: ids and details are stored as SQLite text, which cannot hold it."""
    (tmp_path / "a.jsonl").write_text('{"id": "x\\udc00", "text": "Texte."}\n{"id": "y\\ud800"}\n', encoding="utf-8")
    (tmp_path / b"caf\xe9.txt".decode("utf-8", "surrogateescape")).write_bytes(b"")
    x, y, cafe = _read(tmp_path)
    assert (x.id, y.id, cafe.id) == ("x\ufffd", "y\ufffd", "caf\ufffd")
    assert cafe.detail.endswith("caf\ufffd.txt: empty document")


def test_a_byte_order_mark_is_not_text(tmp_path):
    """Files saved with a UTF-8 BOM (Windows tools): the first JSONL record is read, not rejected as
    malformed JSON, and a text file's text does not start with U+FEFF."""
    bom = b"\xef\xbb\xbf"
    (tmp_path / "a.jsonl").write_bytes(bom + b'{"id": "x", "text": "Texte."}\n' + bom + b'{"id": "y", "text": "Texte."}\n')
    (tmp_path / "b.txt").write_bytes(bom + b"Un texte.")
    (tmp_path / "c.txt").write_bytes(bom + b"Un \xff texte.")
    x, y, b, c = _read(tmp_path)
    assert (x.id, x.text, y.id, b.text) == ("x", "Texte.", "y", "Un texte.")
    assert c.text == "Un \ufffd texte." and c.warnings[0].endswith("c.txt: invalid UTF-8 at byte 6, replaced with U+FFFD")

def test_folders_recursive_sorted_and_globs(tmp_path):
    for rel in ["b/2.txt", "b/1.txt", "a.txt", "c/d/e.txt", "z.md"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"Texte {rel}.", encoding="utf-8")
    assert [i.id for i in _read(tmp_path)] == ["a", "b/1", "b/2", "c/d/e", "z.md"]  # unsupported: its whole name
    assert isinstance(_read(tmp_path)[-1], Rejected)
    assert [i.text for i in _read(tmp_path / "b" / "*.txt")] == ["Texte b/1.txt.", "Texte b/2.txt."]
    assert [i.id for i in _read(tmp_path / "b" / "*.txt")] == ["1", "2"]
    assert [i.id for i in _read(tmp_path / "**" / "*.txt")] == ["a", "b/1", "b/2", "c/d/e"]
    assert [i.id for i in _read(tmp_path / "b", tmp_path / "c" / "d" / "e.txt")] == ["1", "2", "e"]
    (missing,) = _read(tmp_path / "*.warc.gz")
    assert missing.reason == "bad_input" and missing.detail.endswith("*.warc.gz: no file matches")


def test_a_folder_leaves_out_names_starting_with_a_dot_as_a_glob_does(tmp_path):
    """A folder read every entry, a glob none starting with a dot: `.ipynb_checkpoints/story.txt` was kept and the
    user's `story` rejected as its `exact_duplicate`, `.git/HEAD` and macOS's `._story.txt` were rejections (found
    by a QA pass). A hidden file named as an input is read; a folder holding hidden entries alone is empty."""
    story = "Un article de presse assez long pour être gardé tel quel."
    for rel in ("story.txt", ".ipynb_checkpoints/story.txt", "._story.txt", ".git/HEAD", "sub/.hidden.txt"):
        (tmp_path / "hid" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "hid" / rel).write_text(story, encoding="utf-8")
    assert [i.id for i in _read(tmp_path / "hid")] == ["story"]
    assert [i.id for i in _read(tmp_path / "hid" / "**" / "*.txt")] == ["story"]
    assert [i.id for i in _read(tmp_path / "hid" / "sub" / ".hidden.txt")] == [".hidden"]
    (rejected,) = _read(tmp_path / "hid" / "sub")
    assert rejected.detail == f"{tmp_path / 'hid' / 'sub'}: an empty folder, no file to read (names starting with a dot are left out)"


def test_a_glob_reads_each_file_once_and_follows_no_link_to_a_folder(tmp_path):
    """`data/**` matches folders and the files in them: each file is read once. As in a folder, a link
    to a folder is not followed (it may loop): a match reached through one is left out and the link is
    one rejection."""
    for rel in ["g/a.txt", "g/sub/b.txt", "loop/d/x.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"Texte {rel}.", encoding="utf-8")
    (tmp_path / "g" / "linkdir").symlink_to(tmp_path / "g" / "sub")
    (tmp_path / "loop" / "d" / "up").symlink_to(tmp_path / "loop")
    for pattern in ("g/**", "g/*", "g/**/*"):
        items = _read(tmp_path / pattern)
        assert [i.id for i in items if not isinstance(i, Rejected)] == ["a", "sub/b"], pattern
        assert [i.detail for i in items if isinstance(i, Rejected)] == [
            f"{tmp_path}/g/linkdir: a link to a folder, not followed (give it as an input of its own)"], pattern
    items = _read(tmp_path / "loop" / "**" / "*.txt")
    assert [i.id for i in items if not isinstance(i, Rejected)] == ["d/x"]
    assert [i.detail for i in items if isinstance(i, Rejected)] == [
        f"{tmp_path}/loop/d/up: a link to a folder, not followed (give it as an input of its own)"]


def test_a_recursive_glob_over_links_back_to_their_folder_ends_and_rejects_each_link_once(tmp_path):
    """Python's glob follows links to folders under `**`: two links back to their folder (`d/x -> .`, `d/y -> .`)
    made `'d/**/*.txt'` list `d/x/y/x/...` without end, and `clean` (which expands the inputs' globs before
    reading, to check the output against them) hung. `**` does not enter such a link: it is one rejection, as in a
    folder. Run as a process, so that a hang is a failure."""
    import subprocess
    import sys

    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.txt").write_text("Un texte court.", encoding="utf-8")
    (folder / "x").symlink_to(".")
    (folder / "y").symlink_to(".")
    for pattern, below in ((f"{folder}/**/*.txt", ""), (f"{folder}/**", ""), (f"{tmp_path}/*/**/*.txt", "d/")):
        out = tmp_path / "out" / "o.jsonl"
        proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", pattern, "--out", str(out), "--quiet"],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr[-500:]
        assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == [f"{below}a"]
        rejects = [json.loads(line) for line in out.with_name("o.rejects.jsonl").read_text(encoding="utf-8").splitlines()]
        assert [(r["id"], r["detail"]) for r in rejects] == [
            (f"{below}{name}", f"{folder}/{name}: a link to a folder, not followed (give it as an input of its own)")
            for name in ("x", "y")], pattern


def test_the_recursive_glob_lists_what_pythons_glob_lists_where_no_link_leads_to_a_folder(tmp_path, monkeypatch):
    """`**` is expanded by cleaner (so as not to enter links to folders): elsewhere it matches what
    `glob.glob(recursive=True)` does, hidden names, links to files and broken links included."""
    import glob as globs

    from cleaner.io.readers import _glob

    monkeypatch.chdir(tmp_path)
    _glob_tree()
    for pattern in (*_GLOB_PATTERNS, f"{tmp_path}/**/*.txt"):
        assert sorted(map(os.path.normpath, _glob(pattern))) == sorted(
            map(os.path.normpath, globs.glob(pattern, recursive=True))), pattern


_GLOB_PATTERNS = ("**", "**/", "**/*.jsonl", "d/**", "d/**/", "d/**/e/**", "d/**/**/*.txt", "**/.*", "d/.*/**",
                  "*/**/*.txt", "h[[]1]/**", "a.jsonl/**", "**/f/**", "./**/*.txt")
"""Globs `_glob` is compared on with Python's glob, in the tree `_glob_tree` makes."""


def _glob_tree() -> None:
    """Files, hidden ones, a link to a file and a broken link, in the current folder, for `_GLOB_PATTERNS`."""
    for name in ("a.jsonl", ".h.jsonl", "d/c.jsonl", "d/e/f.jsonl", "d/e/f/z.txt", "d/.x/g.jsonl", "d/e/.y.txt",
                 "h[1]/q.txt"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text("{}\n", encoding="utf-8")
    Path("link.jsonl").symlink_to("d/c.jsonl")
    Path("d/e/broken.txt").symlink_to("nowhere.txt")


def test_the_recursive_glob_lists_a_link_to_a_folder_where_pythons_glob_listed_something_through_it(
        tmp_path, monkeypatch):
    """`**` does not enter a link to a folder: it listed every one it met, for `expand` to reject, so a link whose
    folder held nothing the glob matches (`latest -> 2024-05`, a venv) failed a `--strict` run that Python's glob,
    following the link, had passed (QA). It lists the link where Python's glob listed something through it: the
    same paths, each reached through a link given as that link (that has no links in it: a link in the folder a
    link leads to is not entered, and is matched by its name as a file is)."""
    import glob as globs

    from cleaner.io.readers import _glob

    monkeypatch.chdir(tmp_path)
    _glob_tree()
    for name in ("t/m.jsonl", "t/deep/n.txt", "t/.v/w.txt", "u/z.md", "u/sub/y.md"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text("{}\n", encoding="utf-8")
    for link, target in (("d/e/tot", "../../t"), ("d/tou", "../u"), ("tot", "t"), ("d/.hid", "../t"),
                         ("h[1]/here.txt", "../t/deep"), ("u/file.md", "z.md")):
        Path(link).symlink_to(target)
    links = {Path(link) for link in ("d/e/tot", "d/tou", "tot", "d/.hid", "h[1]/here.txt")}

    def through(path: str) -> Path:  # the link to a folder `path` is reached through, else `path`
        parts = Path(os.path.relpath(path)).parts
        return next((Path(*parts[:k]) for k in range(1, len(parts) + 1) if Path(*parts[:k]) in links), Path(path))

    for pattern in (*_GLOB_PATTERNS, "**/*.md", "d/**/*.md", "**/n.txt", "d/**/deep/*", "**/*/", "d/**/*/",
                    "*/**/*.md", "**/.v/*", "d/**/.h*/**", "**/here.txt", "**/m.jsonl/**", f"{tmp_path}/**/*.md"):
        assert sorted({through(path) for path in _glob(pattern)}) == sorted(
            {through(path) for path in globs.glob(pattern, recursive=True)}), pattern


def test_a_recursive_glob_passes_over_a_link_to_a_folder_where_it_matches_nothing(tmp_path, in_process):
    """A link to a folder under `**` failed a `--strict` run, as a rejection, even where the glob could match
    nothing there (Python's glob, which followed it, had listed nothing: QA). It is a rejection where the folder
    holds a match, and links back to their folder, not entered, end the walk."""
    folder = tmp_path / "d"
    (folder / "sub").mkdir(parents=True)
    (tmp_path / "other").mkdir()
    (folder / "a.jsonl").write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    (folder / "sub" / "b.jsonl").write_text('{"id": "b", "text": "y"}\n', encoding="utf-8")
    (tmp_path / "other" / "x.js").write_text("hi\n", encoding="utf-8")
    (folder / "linkother").symlink_to("../other")
    (folder / "x").symlink_to(".")
    (folder / "y").symlink_to(".")
    out = tmp_path / "out" / "o.jsonl"
    proc = in_process("clean", f"{folder}/**/*.jsonl", "--out", str(out), "--strict", "--quiet")
    assert proc.returncode == 3 and "(id x): " in proc.stderr, proc.stderr[-500:]  # x and y lead to d: a match
    (folder / "x").unlink()
    (folder / "y").unlink()
    proc = in_process("clean", f"{folder}/**/*.jsonl", "--out", str(out), "--strict", "--quiet")
    assert proc.returncode == 0, proc.stderr[-500:]
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["a", "b"]
    from cleaner.io.readers import expand

    (folder / "x").symlink_to(".")
    (folder / "y").symlink_to(".")
    assert expand(f"{folder}/**/deep") == [Path(f"{folder}/**/deep")]
    assert expand(f"{tmp_path}/*/**/c.jsonl") == [Path(f"{tmp_path}/*/**/c.jsonl")]
    assert [item.detail for item in expand(f"{folder}/**/*.js")] == [
        f"{folder}/linkother: a link to a folder, not followed (give it as an input of its own)"]


def test_a_link_to_a_folder_is_rejected_with_the_id_a_file_there_would_have(tmp_path):
    """A link to a folder in a folder input, or met by a glob, was rejected as `(no id)`, while a broken link beside
    it had the id a file there would have (`sub/broken` for `sub/broken.txt`): it has one too, its path below the folder or the glob's
    fixed folder."""
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_text("Un texte.", encoding="utf-8")
    (tmp_path / "in" / "sub" / "self").symlink_to("..")
    (tmp_path / "in" / "sub" / "broken.txt").symlink_to("nowhere.txt")
    for name in ("in", "in/**/*.txt", "in/*/*"):
        rejected = [(r.id, r.detail.rsplit(": ", 1)[-1]) for r in _read(tmp_path / name) if isinstance(r, Rejected)]
        assert rejected == [("sub/broken", "a broken link"),
                            ("sub/self", "a link to a folder, not followed (give it as an input of its own)")], name


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_pages_of_one_name_in_the_subfolders_of_an_input_folder_are_documents_of_their_own(tmp_path, in_process, engine):
    """A mirrored site is `index.html` in every folder: a document's id was its file's stem, so of three articles
    read as the folder `site`, two were `repeated_id` copies of `index` (found by a QA pass). A file a folder or a
    glob lists is named by its path below it, without the extension; one named as an input, by its stem."""
    texts = {}
    for k, folder in enumerate(["a", "b", "c/d"]):
        texts[folder] = f"Article {k}. " + " ".join(f"Le conseil {folder} a voté la mesure numéro {k * 10 + j}." for j in range(8))
        (tmp_path / "site" / folder).mkdir(parents=True)
        (tmp_path / "site" / folder / "index.html").write_text(
            f"<html><body><article><p>{texts[folder]}</p></article></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    run = run_cli if engine == "dask" else in_process  # a Dask run starts its LocalCluster's processes: not in this one
    proc = run("run", str(tmp_path / "site"), "--out", str(out), "--engine", engine, "--workers", "1", "-q")
    assert proc.returncode == 0, proc.stderr
    kept = {r["id"]: r["text"] for r in map(json.loads, (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines())}
    assert kept == {"a/index": texts["a"], "b/index": texts["b"], "c/d/index": texts["c/d"]}
    assert [i.id for i in _read(tmp_path / "site" / "*")] == ["a/index", "b/index", "c/d/index"]
    assert [i.id for i in _read(tmp_path / "site" / "b" / "index.html")] == ["index"]


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_files_whose_ids_would_be_alike_are_given_ids_of_their_own(tmp_path, in_process, engine):
    """`a/x.txt` beside `a/x.html` in a folder were both `a/x`, and `one/index.html two/index.html` named as inputs
    both `index`: all but one were `repeated_id` copies (found by a QA pass). Files of one folder that share an id
    keep their extension, files of other folders are named by their path below the folders' common parent, and a
    file whose id no other file shares keeps its own; the same on both engines."""
    pages = {"site/a/x.html": None, "site/a/x.txt": None, "site/a/y.txt": None, "site/top.txt": None,
             "one/index.html": None, "two/index.html": None, "one/solo.txt": None}
    for k, name in enumerate(pages):
        pages[name] = f"Article {k}. " + " ".join(f"Le conseil {name} a voté la mesure numéro {k * 10 + j}." for j in range(8))
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        body = f"<html><body><article><p>{pages[name]}</p></article></body></html>" if name.endswith(".html") else pages[name]
        (tmp_path / name).write_text(body, encoding="utf-8")
    inputs = [str(tmp_path / name) for name in ("site", "one/index.html", "two/index.html", "one/solo.txt")]
    out = tmp_path / "out"
    run = run_cli if engine == "dask" else in_process  # a Dask run starts its LocalCluster's processes: not in this one
    proc = run("run", *inputs, "--out", str(out), "--engine", engine, "--workers", "1", "-q")
    assert proc.returncode == 0, proc.stderr
    kept = {r["id"]: r["text"] for r in map(json.loads, (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines())}
    ids = ["a/x.html", "a/x.txt", "a/y", "top", "one/index", "two/index", "solo"]
    assert kept == dict(zip(ids, pages.values()))
    assert [i.id for i in _read(*inputs)] == ids
    (tmp_path / "two" / "index.htm").write_text("Un texte.", encoding="utf-8")
    (tmp_path / "copy" / "a").mkdir(parents=True)
    (tmp_path / "copy" / "a" / "y.txt").write_text("Un texte.", encoding="utf-8")
    assert [i.id for i in _read(tmp_path / "two" / "index.html", tmp_path / "two" / "index.htm")] == ["index.html", "index.htm"]
    assert [i.id for i in _read(tmp_path / "site", tmp_path / "copy")] == [
        "a/x.html", "a/x.txt", "site/a/y", "top", "copy/a/y"]


def test_a_file_two_inputs_name_is_read_once(tmp_path, in_process):
    """`data/*.txt data/a.txt`: the second naming is a rejection saying so, not a second read (whose every
    record would be a repeated_id); `cleaner run` reads it once, locally as on Dask."""
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(f"Le texte {name}, assez long pour rester dans le corpus.", encoding="utf-8")
    items = _read(tmp_path / "*.txt", tmp_path / "a.txt")
    assert [i.id for i in items if not isinstance(i, Rejected)] == ["a", "b"]
    assert [i.detail for i in items if isinstance(i, Rejected)] == [
        f"{tmp_path / 'a.txt'}: read for the input {str(tmp_path / '*.txt')!r}, also named by "
        f"{str(tmp_path / 'a.txt')!r}: read once"]
    for engine in ("local", "dask"):
        out = tmp_path / engine
        run = run_cli if engine == "dask" else in_process  # a Dask run starts its LocalCluster's processes
        proc = run("run", str(tmp_path / "*.txt"), str(tmp_path / "a.txt"), "--out", str(out), "--engine", engine,
                   "--workers", "1", "-q")
        assert proc.returncode == 0, proc.stderr
        assert len((out / "corpus.jsonl").read_text().splitlines()) == 2
        assert [json.loads(line)["detail"].endswith("read once") for line in (out / "rejects.jsonl").read_text().splitlines()] == [True]
        assert [f["path"] for f in json.loads((out / "manifest.json").read_text())["inputs"]] == [
            str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]


def test_a_file_named_first_that_run_reads_second_is_not_said_to_be_named_after(tmp_path, in_process):
    """`cleaner run a.txt '*.txt'` reads its inputs sorted, the glob first: the rejection of `a.txt` said it was
    `read for the earlier input '…/*.txt', named again by '…/a.txt'`, though the user named it first (QA pass)."""
    (tmp_path / "a.txt").write_text("Le texte a, assez long pour rester dans le corpus.", encoding="utf-8")
    out = tmp_path / "out"
    proc = in_process("run", str(tmp_path / "a.txt"), str(tmp_path / "*.txt"), "--out", str(out), "--workers", "1", "-q")
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line)["detail"] for line in (out / "rejects.jsonl").read_text().splitlines()] == [
        f"{tmp_path / 'a.txt'}: read for the input {str(tmp_path / '*.txt')!r}, also named by "
        f"{str(tmp_path / 'a.txt')!r}: read once"]


def test_a_link_to_a_file_read_already_says_so(tmp_path):
    """A folder holding a file and a link to it reads the file once; the link's rejection said it was
    "named by an earlier input too" when one input named both."""
    (tmp_path / "a.txt").write_text("Le texte a, assez long pour rester dans le corpus.", encoding="utf-8")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    items = _read(tmp_path)
    assert [i.id for i in items if not isinstance(i, Rejected)] == ["a"]
    assert [i.detail for i in items if isinstance(i, Rejected)] == [
        f"{tmp_path / 'b.txt'}: the same file as {tmp_path / 'a.txt'}, read already: read once"]


def test_a_hard_link_to_a_file_read_already_says_so(tmp_path):
    """A hard link is the file it links (its device and inode), as a symbolic link is: `a.jsonl a_hard.jsonl`
    read record `a` twice, as two files (found by a QA pass)."""
    (tmp_path / "a.jsonl").write_text('{"id":"a","text":"Le texte a, assez long pour rester."}\n', encoding="utf-8")
    os.link(tmp_path / "a.jsonl", tmp_path / "a_hard.jsonl")
    items = _read(tmp_path / "a.jsonl", tmp_path / "a_hard.jsonl")
    assert [i.id for i in items if not isinstance(i, Rejected)] == ["a"]
    assert [i.detail for i in items if isinstance(i, Rejected)] == [
        f"{tmp_path / 'a_hard.jsonl'}: the same file as {tmp_path / 'a.jsonl'}, read already: read once"]


def test_a_file_named_before_its_folder_is_said_the_right_way_round_with_its_id(tmp_path):
    """`tx/sub/nested.txt tx/sub`: the file named first is read, and the rejection named the folder as the earlier
    input (`named by an earlier input too ('tx/sub' again)`); it and a link's rejection had no id, where a broken
    link's had its file's (`names.file_id`), as a file read gives its document."""
    sub = tmp_path / "tx" / "sub"
    sub.mkdir(parents=True)
    (sub / "nested.txt").write_text("Un texte imbriqué, assez long pour rester dans le corpus.", encoding="utf-8")
    (sub / "other.txt").symlink_to("nested.txt")
    (sub / "broken.txt").symlink_to("nowhere.txt")
    items = _read(sub / "nested.txt", sub)
    assert [(i.id, isinstance(i, Rejected)) for i in items] == [
        ("nested", False), ("broken", True), ("nested", True), ("other", True)]
    assert items[2].detail == (f"{sub / 'nested.txt'}: read for the input {str(sub / 'nested.txt')!r}, "
                               f"also named by {str(sub)!r}: read once")


def test_a_link_listed_before_its_file_is_the_rejection_not_the_file(tmp_path):
    """In one folder (or glob), the file is read and a link to it is the rejection, whichever comes first in path
    order: `a_copy.txt` -> `story.txt` kept the link, as `a_copy`, and rejected the file itself."""
    folder = tmp_path / "sl"
    folder.mkdir()
    (folder / "story.txt").write_text("Le texte de l'histoire, assez long pour rester.", encoding="utf-8")
    (folder / "a_copy.txt").symlink_to("story.txt")
    for given in (folder, folder / "*.txt"):
        items = _read(given)
        assert [i.id for i in items if not isinstance(i, Rejected)] == ["story"]
        assert [i.detail for i in items if isinstance(i, Rejected)] == [
            f"{folder / 'a_copy.txt'}: the same file as {folder / 'story.txt'}, which is read instead: read once"]


def test_a_file_and_a_link_to_it_named_apart_keep_the_file_in_clean_and_run_alike(tmp_path, in_process):
    """`d/x.txt d/sub/link.txt`, two inputs: the file is read and the link is the rejection whatever their order.
    `run`, which reads its inputs sorted (`d/sub/link.txt` first), kept the link's document, `link`, and rejected
    the file itself, where `clean` kept `x` (found by a QA pass)."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "x.txt").write_text("Le texte de l'histoire, assez long pour rester.", encoding="utf-8")
    (tmp_path / "sub" / "link.txt").symlink_to("../x.txt")
    inputs = [str(tmp_path / "x.txt"), str(tmp_path / "sub" / "link.txt")]
    says = f"{tmp_path / 'sub' / 'link.txt'}: the same file as {tmp_path / 'x.txt'}"
    for given in (inputs, inputs[::-1]):
        items = _read(*given)
        assert [i.id for i in items if not isinstance(i, Rejected)] == ["x"], given
        assert [i.detail.startswith(says) for i in items if isinstance(i, Rejected)] == [True], given
    proc = in_process("run", *inputs, "--out", str(tmp_path / "out"), "-q")
    assert proc.returncode == 0, proc.stderr
    for name, ids in (("corpus.jsonl", ["x"]), ("rejects.jsonl", ["link"])):
        assert [json.loads(line)["id"] for line in (tmp_path / "out" / name).read_text().splitlines()] == ids


def test_a_corpus_read_again_makes_its_own_products_anew_not_meta(tmp_path, in_process):
    """A corpus record read again (`cleaner run` then `cleaner clean` of its corpus, twice): what cleaning made
    (`lang_score`, `langs`, `cluster`, `edits`, `warnings`) is made anew, not kept in `meta`, where old edits
    pointed into another text and, read once more, 375 of 984 MasakhaNEWS documents warned that `edits` was
    given both as a field and in `meta`. A record that is no output (it lacks keys every output has) keeps such
    keys in `meta`, as any field of its own."""
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in masakhanews(("fra", "hau"), 15)),
                      encoding="utf-8")
    assert in_process("run", str(source), "--out", str(tmp_path / "run"), "-q").returncode == 0
    corpus = [json.loads(line) for line in (tmp_path / "run" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert corpus and all("cluster" in r for r in corpus)
    made, previous = ("lang_score", "langs", "cluster", "edits", "warnings"), tmp_path / "run" / "corpus.jsonl"
    for name in ("once.jsonl", "twice.jsonl"):
        assert in_process("clean", str(previous), "--out", str(tmp_path / name), "-q").returncode == 0
        again = [json.loads(line) for line in (tmp_path / name).read_text(encoding="utf-8").splitlines()]
        assert [r.get("meta") for r in again] == [r.get("meta") for r in corpus]
        assert not any(key in (r.get("meta") or {}) for r in again for key in made)
        assert not any("given both" in warning for r in again for warning in r.get("warnings", []))
        previous = tmp_path / name
    users = tmp_path / "users.jsonl"
    users.write_text(json.dumps({"id": "u", "text": "Un texte.", "edits": 3, "warnings": ["w"], "cluster": "c"}) + "\n",
                     encoding="utf-8")
    (doc,) = _read(users)
    assert doc.meta == {"edits": 3, "warnings": ["w"], "cluster": "c"} and not doc.warnings


def test_input_format_overrides_the_extension(tmp_path):
    (tmp_path / "page.dat").write_text(PAGE.format(n=1, body="Corps."), encoding="utf-8")
    (doc,) = _read(tmp_path / "page.dat", fmt="html")
    assert doc.html and doc.id == "page"
    (rej,) = _read(tmp_path / "page.dat")
    assert "unsupported file type" in rej.detail


def test_a_parquet_row_is_named_alike_read_as_input_and_as_an_output(tmp_path):
    """A row was `a.parquet:row 2` read as input and `a.parquet: row 2` read back as an output (found by a QA pass)."""
    from cleaner.io.outputs import read_records

    path = tmp_path / "a.parquet"
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["Un texte.", ""]}), path)
    assert [where for where, _ in read_records(path)] == [f"{path}:row 1", f"{path}:row 2"]
    assert _read(path)[1].detail.startswith(f"{path}:row 2: ")


def test_a_null_field_is_not_given_and_stays_out_of_meta_in_jsonl_and_parquet(tmp_path):
    """A record's null `title`, `published`, `author` or `section` says nothing, as a null `source` or `url` does: it
    stood in `meta` as null, beside the field a rule found (seed 003's `meta.author: null` by `author: "M.A."`, from a
    Parquet file's mostly null columns: a QA pass)."""
    from cleaner import clean

    text = (SEEDS / "003_1b9d8ba135d1c973.txt").read_text(encoding="utf-8")
    nulls = dict.fromkeys(("title", "published", "author", "section", "source", "url", "lang"))
    (tmp_path / "n.jsonl").write_text(json.dumps({"id": "a", "text": text, **nulls}) + "\n", encoding="utf-8")
    pq.write_table(pa.table({"id": ["a"], "text": [text], **{k: pa.array([None], pa.string()) for k in nulls}}),
                   tmp_path / "n.parquet")
    for doc in _read(tmp_path / "n.jsonl", tmp_path / "n.parquet"):
        assert doc.meta == {}, doc.meta
        record = clean(doc).record()
        assert (record["published"], record["author"], "meta" in record) == ("2022-05", "M.A.", False)


def test_an_unsupported_file_is_rejected_with_its_whole_name_as_its_id(tmp_path):
    """`a.jsonl.bz2` and `a.jsonl.xz` were both rejected with the id `a.jsonl` (found by a QA pass)."""
    for name in ("d/sub/a.jsonl.bz2", "d/sub/a.jsonl.xz", "b.jsonl.xz"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"BZh91AY")
    assert [r.id for r in _read(tmp_path / "d", tmp_path / "b.jsonl.xz")] == ["sub/a.jsonl.bz2", "sub/a.jsonl.xz",
                                                                              "b.jsonl.xz"]


def test_a_made_id_names_the_file_as_every_format_does(tmp_path):
    """The place in a made id is the file's name without its compression and format extensions, for
    JSONL as for Parquet: a dated dump keeps its date (`news.2024-05-01:1:<hash>`)."""
    text = "Un texte assez long pour rester ici."
    (tmp_path / "news.2024-05-01.jsonl.gz").write_bytes(gzip.compress((json.dumps({"text": text}) + "\n").encode()))
    (tmp_path / "news.2024-05-02.ndjson").write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    pq.write_table(pa.table({"text": [text]}), tmp_path / "news.2024-05-03.parquet")
    ids = sorted(d.id for d in _read(tmp_path))
    assert ids == [made_id(f"news.2024-05-0{day}:1", text) for day in (1, 2, 3)]


def test_parquet_streams_batches_and_maps_columns(tmp_path):
    n = 2500
    table = pa.table({"id": [f"p{i}" for i in range(n)], "text": [f"Texte {i}." for i in range(n)],
                      "url": ["https://x.ma/"] * n, "score": list(range(n))})
    pq.write_table(table, tmp_path / "t.parquet", row_group_size=1000)
    items = _read(tmp_path / "t.parquet")
    assert [d.id for d in items] == [f"p{i}" for i in range(n)]
    assert (items[1234].text, items[1234].meta, items[1234].url) == ("Texte 1234.", {"score": 1234}, "https://x.ma/")


def test_parquet_rows_of_any_column_type_are_rejected_as_json_and_bytes_are_decoded(tmp_path, in_process):
    """A rejected row carries its raw record as JSON can hold it (timestamps, binary columns), never a
    traceback; a binary `html` column is decoded by its `<meta charset>`, a binary `text` as UTF-8."""
    import datetime as dt

    page = '<html><head><meta charset="latin-1"></head><body><article><p>Un été à Genève, très chaud.</p></article></body></html>'
    table = pa.table({
        "id": ["a", "b", "c"],
        "text": [b"Un texte en octets, assez long pour rester.", b"", None],
        "html": [None, None, page.encode("latin-1")],
        "crawled": [dt.datetime(2024, 5, 1, 8, 30)] * 3,
        "blob": [b"\x00\x01", b"\xff", b"ok"],
        "took": pa.array([dt.timedelta(seconds=5)] * 3, pa.duration("s")),
    })
    pq.write_table(table, tmp_path / "t.parquet")
    items = _read(tmp_path / "t.parquet")
    assert items[0].text == "Un texte en octets, assez long pour rester."
    assert items[0].meta == {"crawled": "2024-05-01T08:30:00", "blob": "\x00\x01", "took": 5.0}
    assert (items[1].reason, items[1].raw["crawled"], items[1].raw["text"]) == ("bad_input", "2024-05-01T08:30:00", "")
    assert items[2].html == page and items[2].text == ""
    out = in_process("clean", str(tmp_path / "t.parquet"), "--out", str(tmp_path / "o.jsonl"), "--workers", "1")
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert "Un été à Genève, très chaud." in (tmp_path / "o.jsonl").read_text(encoding="utf-8")


def test_a_parquet_binary_columns_warnings_name_the_field_after_a_colon_as_every_warning_does(tmp_path):
    """A binary `text` or `html` column's invalid bytes were flagged `p.parquet:row 1 text: invalid …`, without the
    colon every other warning has (`p.parquet:row 1: 1 NUL character removed`; QA pass), and a rejected row's detail
    quoted that label whole, where it names what reading warned of without the row."""
    where = f"{tmp_path / 'p.parquet'}:row"
    page = b"<html><body><p>Un caf\xe9 au lait, un soir.</p></body></html>"
    pq.write_table(pa.table({"id": ["a", "b", "c"], "text": [b"Un caf\xe9 au lait.\x00", None, b"\xff" + b"\x01" * 20],
                             "html": [None, page, None]}), tmp_path / "p.parquet")
    a, b, c = _read(tmp_path / "p.parquet")
    invalid = "invalid UTF-8 at byte {}, replaced with U+FFFD"
    assert a.warnings == (f"{where} 1: text: {invalid.format(6)}", f"{where} 1: 1 NUL character removed")
    assert b.warnings == (f"{where} 2: html: {invalid.format(21)}",)
    assert c.detail == f"{where} 3: binary content, not text (text: {invalid.format(0)})"


def test_values_json_has_no_form_for_go_to_meta_as_json_can_hold_them(tmp_path, in_process):
    """A Parquet `uuid` column gave `uuid.UUID`s, and pandas' records NumPy scalars: kept in `meta` as they
    were, they ended `cleaner clean` in a traceback when its line was written (`not JSON serializable`)."""
    import uuid

    import numpy as np

    from cleaner import clean

    key = uuid.UUID(int=7)
    pq.write_table(pa.table({"id": ["a"], "text": ["Un texte assez long."], "key": pa.array([key.bytes], pa.uuid())}),
                   tmp_path / "u.parquet")
    (item,) = _read(tmp_path / "u.parquet")
    assert item.meta == {"key": str(key)}
    out = in_process("clean", str(tmp_path / "u.parquet"), "--out", str(tmp_path / "o.jsonl"), "--workers", "1", "-q")
    assert out.returncode == 0 and json.loads((tmp_path / "o.jsonl").read_text())["meta"] == {"key": str(key)}, out.stderr
    record = {"id": "p", "text": "Un texte.", "n": np.int64(5), "ok": np.bool_(True), "x": np.float32("nan"), "v": np.arange(2)}
    assert clean(record).document.meta == {"n": 5, "ok": True, "x": None, "v": [0, 1]}


def test_parquet_values_python_cannot_hold_are_read_not_a_traceback(tmp_path):
    """pyarrow gives nanoseconds only through pandas, and no date past year 9999: such a column (a crawl
    time in nanoseconds) ended the run in a traceback. Nanoseconds are cut to microseconds, a value out of
    range is Arrow's text of it, and a time zone nobody knows makes the file one rejection."""
    pq.write_table(pa.table({
        "text": ["Un texte assez long.", "Un autre texte, assez long."],
        "crawled": pa.array([1_700_000_000_123_456_789, None], pa.timestamp("ns", tz="UTC")),
        "took": pa.array([1_500, 2_000_000_000], pa.duration("ns")),
        "until": pa.array([0, 10**12 * 400], pa.timestamp("s")),
    }), tmp_path / "t.parquet")
    first, second = _read(tmp_path / "t.parquet")
    assert first.meta == {"crawled": "2023-11-14T22:13:20.123456+00:00", "took": 1e-06, "until": "1970-01-01T00:00:00"}
    assert second.meta == {"crawled": None, "took": 2.0, "until": "<value out of range: 400000000000000000>"}
    pq.write_table(pa.table({"text": ["Un texte."], "at": pa.array([0], pa.timestamp("s", tz="Mars/Olympus"))}),
                   tmp_path / "z.parquet")
    (rejected,) = _read(tmp_path / "z.parquet")
    assert rejected.detail.startswith(f"{tmp_path / 'z.parquet'}: not a readable Parquet file: Cannot locate")


def test_a_file_that_is_not_parquet_is_not_said_to_be_read_after_row_0(tmp_path):
    """A `.parquet` file that is not Parquet was `unreadable Parquet after row 0: Parquet magic bytes not found`, as
    if part of it had been read (QA pass): no row was, so it is not a readable Parquet file."""
    (tmp_path / "x.parquet").write_bytes(b"PAR1 garbage")
    (rejected,) = _read(tmp_path / "x.parquet")
    assert rejected.detail.startswith(f"{tmp_path / 'x.parquet'}: not a readable Parquet file: Parquet magic bytes")


def test_parquet_streams_rows_before_a_broken_row_group(tmp_path):
    """Rows come out batch by batch: the rows before a corrupt row group are read, then one rejection."""
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"text": [f"texte numéro {i} " * 5 for i in range(5000)]}), path, row_group_size=2048)
    column = pq.ParquetFile(path).metadata.row_group(1).column(0)
    data = bytearray(path.read_bytes())
    start = column.dictionary_page_offset or column.data_page_offset
    data[start + 20 : start + column.total_compressed_size - 10] = b"\xff" * (column.total_compressed_size - 30)
    path.write_bytes(bytes(data))
    items = _read(path)
    assert [i.id for i in items[:2048]] == [made_id(f"t:{n}", f"texte numéro {n - 1} " * 5) for n in range(1, 2049)]
    assert len(items) == 2049
    assert items[-1].reason == "bad_input" and items[-1].detail.startswith(f"{path}: unreadable Parquet after row 2048")


def test_warc_documents_skips_and_counts(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    write_warc(path)
    stats = ReadStats()
    items = _read(path, stats=stats)
    assert [type(i) for i in items] == [Document] * 3
    a, b, wet = items
    assert a.id.startswith("<urn:uuid:") and a.url == "https://www.example.fr/a" and a.host == "example.fr"
    assert "Premier article." in a.html and a.text == ""
    assert "Été chaud." in b.html
    assert (wet.text, wet.url, wet.html) == ("Texte WET.", "https://example.fr/c", None)
    assert stats.as_dict() == {"files": {"warc": 1}, "skipped": {
        "warc request": 1, "warc response 404": 1, "warc response image/png": 1, "warc warcinfo": 1}}


def test_a_warc_response_without_its_http_headers_is_rejected_not_skipped(tmp_path):
    """A response record whose block is the page alone, without HTTP's status line and headers: warcio took
    the page's first words for a status line, and the page was skipped, counted as `warc response 1</title></head>`."""
    page = PAGE.format(n=1, body="Premier article.").replace("<body>", "\n<body>").encode()
    path = tmp_path / "bare.warc"
    path.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\nWARC-Target-URI: https://example.fr/a"
                     b"\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n" % (len(page), page))
    stats = ReadStats()
    [item] = _read(path, stats=stats)
    assert isinstance(item, Rejected) and item.reason == "bad_input" and not stats.skipped
    assert item.detail == (f"{path}: record 1 (https://example.fr/a): not an HTTP response: its block starts "
                           "'<html><head><title>Titre 1</title></head', not a status line")


def test_a_warc_record_with_a_wrong_content_length_is_flagged_not_kept_in_silence(tmp_path, capsys):
    """A Content-Length 40 bytes short: warcio reads that much of the page, prints three lines on stderr
    (naming no file), skips the line left over and goes on. The page was kept cut short, unflagged."""
    plain = tmp_path / "crawl.warc"
    write_warc(plain, gz=False)
    data = plain.read_bytes()
    at = data.index(b"Content-Length: ", data.index(b"WARC-Target-URI: https://www.example.fr/a"))
    end = data.index(b"\r\n", at)
    length = int(data[at + 16 : end])
    short = tmp_path / "short.warc"
    short.write_bytes(data[:at] + b"Content-Length: %d" % (length - 40) + data[end:])
    expected = _read(plain)
    items = _read(short)
    assert [i.id for i in items] == [i.id for i in expected] and items[1:] == expected[1:]
    assert items[0].warnings == (f"{short}: record 2 (https://www.example.fr/a): no blank line after its Content-Length "
                                 f"of {length - 40:,} bytes, so that is wrong: the document may be cut short or run into "
                                 "what follows, and the line after it was skipped",)
    assert capsys.readouterr().err == ""


def test_a_warc_target_uri_with_spaces_is_read_percent_encoded_under_a_warning_not_on_stderr(tmp_path, capfd, caplog):
    """warcio percent-encodes the spaces of a WARC-Target-URI and logs it (`Replacing spaces in invalid
    WARC-Target-URI: …` on stderr, once for the request and once for the response, naming no file), and the
    document's url came out rewritten with no word on it (found by a QA pass): the rewrite is a warning on the
    document, and nothing of warcio's reaches stderr or the log."""
    path = tmp_path / "crawl.warc"
    write_warc(path, gz=False)
    path.write_bytes(path.read_bytes().replace(b"https://example.fr/b", b"https://example.fr/un article"))
    pages = [i for i in _read(path) if isinstance(i, Document)]
    assert [p.url for p in pages] == ["https://www.example.fr/a", "https://example.fr/un%20article",
                                      "https://example.fr/c"]
    assert pages[1].warnings == (f"{path}: record 3 (https://example.fr/un%20article): its WARC-Target-URI holds "
                                 "spaces, read percent-encoded as its url: 'https://example.fr/un article'",)
    assert not pages[0].warnings and not caplog.records and capfd.readouterr().err == ""


def test_a_warc_gzipped_as_one_stream_is_read(tmp_path):
    """`gzip crawl.warc` makes one gzip stream, not a member per record: warcio refuses it (every record
    was lost, in one rejection holding warcio's 12-line message); it is read as one stream, with the same
    documents and counts as the plain file; cut short, it ends in one rejection, the records before kept."""
    plain = tmp_path / "crawl.warc"
    write_warc(plain, gz=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    stats, plain_stats = ReadStats(), ReadStats()
    expected = [i.model_dump() for i in _read(plain, stats=plain_stats)]
    assert [i.model_dump() for i in _read(whole, stats=stats)] == expected and len(expected) == 3
    assert stats.as_dict()["skipped"] == plain_stats.as_dict()["skipped"]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole.read_bytes()[: len(whole.read_bytes()) * 2 // 3])
    items = _read(cut)
    assert isinstance(items[-1], Rejected) and "cut.warc.gz: unreadable after record" in items[-1].detail
    assert "\n" not in items[-1].detail and all(isinstance(i, Document) for i in items[:-1])


def test_a_warc_gzipped_as_one_stream_and_cut_keeps_every_whole_record(tmp_path):
    """`GzipFile.read(16384)` on a cut stream raised before handing over what it had decompressed: the
    whole records of warcio's last block (here up to 8 pages of 2 KB) were lost, and the rejection named
    the record it broke in, not the last one read to its end."""
    plain = tmp_path / "crawl.warc"
    with open(plain, "wb") as fh:
        w = WARCWriter(fh, gzip=False)
        for n in range(40):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            body = PAGE.format(n=n, body=f"Article {n}: " + random.Random(n).randbytes(700).hex()).encode()
            w.write_record(w.create_warc_record(f"https://example.fr/{n}", "response", payload=io.BytesIO(body),
                                                http_headers=headers))
    data = plain.read_bytes()
    packed = gzip.compress(data)
    cut = tmp_path / "cut.warc.gz"
    for share in (0.6, 0.75, 0.9):
        cut.write_bytes(packed[: int(len(packed) * share)])
        there = len(zlib.decompressobj(31).decompress(cut.read_bytes()))
        starts = [k for k in range(1, len(data)) if data.startswith(b"WARC/1.", k)]
        whole = sum(start - 4 <= there for start in starts)  # a record ends 4 bytes (CRLF CRLF) before the next
        items = _read(cut)
        assert [type(i) for i in items] == [Document] * whole + [Rejected], share
        assert items[-1].detail.startswith(f"{cut}: unreadable after record {whole}: Compressed file ended")


def test_nul_and_lone_surrogates_in_a_records_html_are_flagged(tmp_path):
    """The html of a record is repaired as a text is, and each repair flagged (they went in silence)."""
    page = "<html><body><article><p>Le conseil\x00 municipal a voté le budget \ud800 de la ville.</p></article></body></html>"
    (tmp_path / "h.jsonl").write_text(json.dumps({"id": "h", "html": page}) + "\n", encoding="utf-8")
    (item,) = _read(tmp_path / "h.jsonl")
    assert "\x00" not in item.html and "\ufffd" in item.html
    assert item.warnings == (f"{tmp_path / 'h.jsonl'}:1: html: 1 NUL character removed",
                             f"{tmp_path / 'h.jsonl'}:1: html: lone surrogate escapes replaced with U+FFFD")


def test_mojibake_in_a_page_is_repaired_in_what_trafilatura_extracts_not_in_the_whole_page(tmp_path):
    """ftfy reads ~3 MB/s: on whole pages, in the reading process, it held a WARC run back. The page keeps its
    bytes' text; the text and title trafilatura extracts are repaired, and flagged with the page's url, or without
    one where it was read (it was its id)."""
    from cleaner.html import extract_html

    page = ("<html><head><title>Budget votÃ© Ã  Lyon</title></head><body><article><p>Les Ã©lÃ¨ves de lâ€™Ã©cole "
            "ont visitÃ© le musÃ©e de la ville avec leurs professeurs.</p></article></body></html>")
    (tmp_path / "m.html").write_text(page, encoding="utf-8")
    (item,) = _read(tmp_path / "m.html")
    assert item.html == page and item.warnings == ()
    out = extract_html(item, CONFIG)
    assert out.text.startswith("Les élèves de l’école ont visité le musée")
    assert out.meta["extracted"]["title"] == "Budget voté à Lyon"
    assert [w.split(" (")[0] for w in out.warnings] == [f"{tmp_path}/m.html: mojibake repaired by ftfy",
                                                        f"{tmp_path}/m.html <title>: mojibake repaired by ftfy"]


def test_lone_surrogates_in_url_source_or_meta_are_flagged(tmp_path):
    """Replaced with U+FFFD as before, and now said in `warnings`, as for the text (a NaN in meta is no
    such repair)."""
    record = '{"id": "s", "text": "Un texte.", "url": "http://x.example/\\ud800", "source": "ok", "k": "\\udc00", "n": NaN}'
    (tmp_path / "s.jsonl").write_text(record + "\n", encoding="utf-8")
    (item,) = _read(tmp_path / "s.jsonl")
    assert item.url == "http://x.example/\ufffd" and item.meta["k"] == "\ufffd"
    assert item.warnings == (f"{tmp_path / 's.jsonl'}:1: 1 number JSON has not (NaN): written as null",) + tuple(
        f"{tmp_path / 's.jsonl'}:1: {key}: lone surrogate escapes replaced with U+FFFD" for key in ("url", "meta"))


def test_lone_surrogates_in_an_id_or_a_field_meta_holds_are_flagged_by_its_name(tmp_path):
    """A `title` (or author, published, section) was flagged as `meta`, which the output has none of, and an id not
    at all: `a\\ud800` and `a\\udc00` both became `a\ufffd`, and `run` dropped one as a repeated id with nothing
    saying why (found by a QA pass)."""
    lines = ['{"id": "s", "text": "Un texte.", "title": "t\\udce9", "k": "\\ud800"}',
             '{"id": "a\\ud800", "text": "Un texte."}']
    (tmp_path / "s.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    first, second = _read(tmp_path / "s.jsonl")
    said = "lone surrogate escapes replaced with U+FFFD"
    assert first.warnings == tuple(f"{tmp_path / 's.jsonl'}:1: {key}: {said}" for key in ("title", "meta"))
    assert second.id == "a\ufffd" and second.warnings == (f"{tmp_path / 's.jsonl'}:2: id: {said}",)


def test_a_warc_body_cut_short_or_broken_says_so(tmp_path):
    """A body whose gzip or chunked encoding ends early, or a record the crawler marked `WARC-Truncated`,
    is kept with a warning naming the record (warcio gave the cut page as whole, without a word); a gzip
    encoding that does not decode, or a brotli one, is a rejection saying so (it was 'binary content'), but a body
    that reads as text is read as it is, flagged: one stored decoded under its gzip header (a WARC written from
    `requests`) was that rejection (found by a QA pass); whole bodies, raw deflate and a chunked header on a body
    stored de-chunked read as before."""
    import zlib

    page = ("<html><head><title>T</title></head><body><article>" + "".join(
        f"<p>Paragraphe {i} : le conseil municipal a voté le budget de la ville après un long débat.</p>" for i in range(40))
        + "<p>FIN DE L'ARTICLE.</p></article></body></html>").encode()

    def chunked(body: bytes) -> bytes:
        return b"".join(b"%x\r\n" % len(body[i:i + 500]) + body[i:i + 500] + b"\r\n" for i in range(0, len(body), 500)) + b"0\r\n\r\n"

    cases = {"gzip": (gzip.compress(page), "gzip"), "gzip-cut": (gzip.compress(page)[: len(gzip.compress(page)) // 2], "gzip"),
             "gzip-broken": (b"\x1f\x8b" + b"garbage" * 50, "gzip"), "deflate": (zlib.compress(page)[2:-4], "deflate"),
             "chunked": (chunked(page), None), "chunked-cut": (chunked(page)[:2000], None), "stored-dechunked": (page, None),
             "truncated": (page[:700], ""), "br": (bytes(range(256)) * 4, "br"), "gzip-stored-plain": (page, "gzip"),
             "deflate-stored-plain": (page, "deflate")}
    path = tmp_path / "k.warc.gz"
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for name, (body, encoding) in cases.items():
            extra = [("Content-Encoding", encoding)] if encoding else [] if encoding == "" else [("Transfer-Encoding", "chunked")]
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), *extra], protocol="HTTP/1.1")
            record = w.create_warc_record(f"https://x.example/{name}", "response", payload=io.BytesIO(body), http_headers=headers)
            if name == "truncated":
                record.rec_headers.add_header("WARC-Truncated", "length")
            w.write_record(record)
    items = {i.url.rsplit("/", 1)[1] if isinstance(i, Document) else i.detail.split("/")[-1].split(")")[0]: i for i in _read(path)}
    for name in ("gzip", "deflate", "chunked", "stored-dechunked"):
        assert items[name].html == page.decode() and items[name].warnings == (), name
    assert items["gzip-cut"].warnings[0].endswith("(https://x.example/gzip-cut): gzip body ends early: the page is cut short")
    assert items["chunked-cut"].warnings[0].endswith("chunked body ends before its last chunk: the page is cut short")
    assert page.decode().startswith(items["chunked-cut"].html) and len(items["chunked-cut"].html) < len(page)
    assert items["truncated"].warnings[0].endswith("the crawler cut this record short (WARC-Truncated: length)")
    assert isinstance(items["gzip-broken"], Rejected) and items["gzip-broken"].detail.endswith("its gzip Content-Encoding does not decode")
    for encoding in ("gzip", "deflate"):  # a body stored decoded under its header (`requests`), as warcio reads it
        name = f"{encoding}-stored-plain"
        assert items[name].html == page.decode() and items[name].warnings == (
            f"{path}: record {list(cases).index(name) + 1} (https://x.example/{name}): "
            f"its {encoding} Content-Encoding does not decode, but its body reads as text, not compressed (a crawler "
            "that stored it decoded): read as it is",)
    assert items["br"].detail.endswith(
        "(https://x.example/br): its br Content-Encoding is not read (gzip and deflate are)")


def test_a_warc_response_without_a_content_type_is_read_when_its_body_starts_as_a_page(tmp_path):
    """A 200 response without a Content-Type was skipped as `warc response no type` (found by a QA pass): its body is
    sniffed as browsers sniff it, a page read as one, flagged; anything else is skipped as before."""
    path = tmp_path / "u.warc.gz"
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for name, body in (("page", b"\n <!DOCTYPE html>" + PAGE.format(n=1, body="Un article sans type.").encode()),
                           ("image", b"\x89PNG\r\n\x1a\n" + bytes(100)), ("text", b"<paragraph> pas une page")):
            headers = StatusAndHeaders("200 OK", [("Server", "x")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(f"https://x.example/{name}", "response", payload=io.BytesIO(body),
                                                http_headers=headers))
    stats = ReadStats()
    (page,) = _read(path, stats=stats)
    assert "Un article sans type." in page.html and page.warnings == (
        f"{path}: record 1 (https://x.example/page): no Content-Type, but its body starts as an HTML page: read as "
        "one",)
    assert stats.as_dict()["skipped"] == {"warc response no type": 2}
    # one too large to be read is skipped as before, unread: it was a `too_large` rejection (a review), which stops
    # --strict, for 3 MB of an image
    stats = ReadStats()
    assert _read(path, stats=stats, config=Config.load(max_doc_chars=10)) == []
    assert stats.as_dict()["skipped"] == {"warc response no type": 3}


def test_a_records_html_is_capped_as_an_html_file_is(tmp_path):
    """A record's `html` of more than 4 x max_doc_chars characters is `too_large` at reading, unparsed,
    as an .html file of that many bytes is; the API says the same."""
    from cleaner import clean

    config = Config.load(max_doc_chars=100)
    page = "<html><body><p>" + "mot " * 100 + "</p></body></html>"
    (tmp_path / "p.jsonl").write_text(json.dumps({"id": "p", "html": page}) + "\n", encoding="utf-8")
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    by_record, by_file = _read(tmp_path / "p.jsonl", tmp_path / "p.html", config=config)
    api = clean({"id": "p", "html": page}, config)
    for item in (by_record, by_file, api):
        assert isinstance(item, Rejected) and (item.reason, item.stage) == ("too_large", "read")
    assert by_record.detail == f"{tmp_path / 'p.jsonl'}:1: HTML of {len(page)} characters, over 4 x max_doc_chars=100: not parsed"
    assert api.detail == f"document 0: HTML of {len(page)} characters, over 4 x max_doc_chars=100: not parsed"


def test_a_records_html_beside_its_text_is_kept_in_meta_unread(tmp_path):
    """A record with a text and an `html`: the text is cleaned, and the page, never parsed, is neither capped (a
    90-character text was `too_large` for a page of 607 beside it) nor dropped (it left no trace in the output: a QA
    pass found both); it goes to `meta` as any other field. A blank text still gives way to the page."""
    from cleaner import clean

    config = Config.load(max_doc_chars=100)
    page = "<html><head><title>Le Titre</title></head><body><p>" + "w" * 600 + "</p></body></html>"
    text = "Un texte propre et assez long pour le test."
    (tmp_path / "f.jsonl").write_text(json.dumps({"id": "f", "text": text, "html": page, "x": 1}) + "\n",
                                      encoding="utf-8")
    (item,) = _read(tmp_path / "f.jsonl", config=config)
    assert isinstance(item, Document) and item.html is None and item.meta == {"x": 1, "html": page}
    api = clean({"id": "f", "text": text, "html": page}, config)
    assert not isinstance(api, Rejected) and api.document.text == text and api.document.meta == {"html": page}
    made = clean(Document(id="d", text=text, html=page), config)  # a Document the caller built: the same (a review)
    assert made.document.html is None and made.document.meta == {"html": page} and not made.warnings
    for doc in ({"id": "m", "text": text, "html": page, "meta": {"html": "other"}},
                Document(id="m", text=text, html=page, meta={"html": "other"})):  # the field wins, warned, as any does
        made = clean(doc, config)
        assert made.document.meta == {"html": page} and made.warnings == (
            "document 0: meta: 'html' given both as a field of the record and in its 'meta', with other values: the "
            "field's value kept",)
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "b", "text": " ", "html": page}) + "\n", encoding="utf-8")
    (blank,) = _read(tmp_path / "b.jsonl", config=config)
    assert isinstance(blank, Rejected) and blank.reason == "too_large"


def test_a_file_of_records_that_gives_none_is_a_rejection(tmp_path):
    """An empty JSONL file, one of blank lines, a Parquet file of no rows and an empty WARC each give a
    rejection naming the file; a WARC whose records are all skipped (counted) gives none, nor does a
    file with records."""
    (tmp_path / "a.jsonl").write_bytes(b"")
    (tmp_path / "b.jsonl").write_text("\n  \n\n", encoding="utf-8")
    pq.write_table(pa.table({"id": pa.array([], pa.string()), "text": pa.array([], pa.string())}), tmp_path / "c.parquet")
    (tmp_path / "d.warc").write_bytes(b"")
    (tmp_path / "d2.warc.gz").write_bytes(gzip.compress(b""))  # gzip of nothing: no record, not a cut one
    with open(tmp_path / "e.warc", "wb") as fh:
        w = WARCWriter(fh, gzip=False)
        w.write_record(w.create_warcinfo_record("e.warc", {"software": "test"}))
    (tmp_path / "f.jsonl").write_text('{"id": "f", "text": "Un texte."}\n', encoding="utf-8")
    stats = ReadStats()
    items = _read(tmp_path, stats=stats)
    assert [(i.id, i.reason, i.detail) if isinstance(i, Rejected) else i.id for i in items] == [
        *((None, "bad_input", f"{tmp_path / name}: holds no records")
          for name in ("a.jsonl", "b.jsonl", "c.parquet", "d.warc", "d2.warc.gz")),
        "f"]
    assert stats.skipped == {"warc warcinfo": 1}


def test_charsets_as_http_and_html_read_them():
    """A Content-Type's charset parameter is found whatever its case and place; a charset Python does not
    know gives way to the page's `<meta>`; a `<meta>` naming UTF-16 means UTF-8 (the HTML standard)."""
    from cleaner.io.decoding import decode_html
    from cleaner.io.warc import _charset

    assert [_charset(v) for v in ("text/html; Charset=ISO-8859-1", 'text/html; charset="utf-8"; x=y',
                                  "text/html;charset=iso-8859-1; foo=bar", "text/html", "text/html; x=charset=a")] == [
        "ISO-8859-1", "utf-8", "iso-8859-1", None, None]
    page = '<html><head><meta charset="{}"></head><body><p>Un été à Genève.</p></body></html>'
    assert "Un été à Genève." in decode_html(page.format("iso-8859-1").encode("latin-1"), "p", "x-unknown")[0]
    text, warnings = decode_html(page.format("utf-16").encode("utf-8"), "p")
    assert "Un été à Genève." in text and warnings == ()
    for name in ("base64", "hex", "rot13", "zlib", "idna", "punycode", "undefined"):  # no way to read a page: UTF-8
        text, warnings = decode_html(page.format(name).encode("utf-8"), "p")
        assert "Un été à Genève." in text and warnings == (), name
        assert "Un été à Genève." in decode_html(page.encode("utf-8"), "p", name)[0], name  # given as HTTP's charset


def test_a_page_whose_meta_charset_is_no_text_encoding_is_read_not_a_crash(tmp_path, in_process):
    """`<meta charset="base64">` (a codec Python knows, bytes to bytes) ended the whole run in a LookupError
    traceback, the pages beside it lost; `idna` and `punycode` likewise in a UnicodeError (found by a QA
    pass). Such a page is read as UTF-8, and every page ends in the corpus."""
    LONG = ("Le conseil municipal a voté mardi soir le budget de la ville pour l'année prochaine, après un long "
            "débat sur les transports publics et les écoles du centre. ") * 3
    for n, name in enumerate(("base64", "idna", "punycode")):
        (tmp_path / f"p{n}.html").write_text(PAGE.format(n=n, body=f"Un article numéro {n} sur la ville de Genève. " + LONG)
                                             .replace("<head>", f'<head><meta charset="{name}">'), encoding="utf-8")
    (tmp_path / "ok.txt").write_text("Un texte qui reste.", encoding="utf-8")
    out = tmp_path / "o" / "out.jsonl"
    proc = in_process("clean", str(tmp_path / "p0.html"), str(tmp_path / "p1.html"), str(tmp_path / "p2.html"),
                      str(tmp_path / "ok.txt"), "--out", str(out), "--workers", "1")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    kept = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in kept] == ["p0", "p1", "p2", "ok"]
    assert all(f"numéro {n}" in r["text"] for n, r in enumerate(kept[:3]))


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_warc_is_rejected_naming_the_record(tmp_path, gz):
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_warc(path, gz=gz)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 5])
    items = _read(path)
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert len(rejected) == 1 and rejected[0].reason == "bad_input"
    assert str(path) in rejected[0].detail and "record" in rejected[0].detail and "truncated" in rejected[0].detail


def test_junk_after_a_warcs_records_is_named_in_a_short_detail(tmp_path):
    """Junk after the last record (2 MB of one byte, a tail of NUL bytes) is one rejection after the whole
    records whose detail quotes the junk cut short: warcio's message quotes the whole "first line", and the
    detail, its stderr line and rejects.jsonl took 2 MB (or hundreds of NULs)."""
    for name, gz, tail in (("big.warc", False, b"Y" * 2_000_000), ("nul.warc.gz", True, bytes(512))):
        path = tmp_path / name
        write_warc(path, gz=gz)
        path.write_bytes(path.read_bytes() + tail)
        *kept, last = _read(path)
        assert len(kept) == 3 and all(isinstance(i, Document) for i in kept)
        assert last.detail.startswith(f"{path}: unreadable after record 7: Invalid WARC record, first line: '")
        assert len(last.detail) < len(str(path)) + 200 and f"({len(tail):,} characters)" in last.detail


def test_a_damaged_gzip_member_of_a_warc_is_one_rejection_naming_it_and_the_records_after_it_are_read(tmp_path):
    """One damaged byte in a `.warc.gz` of a gzip member a record lost every record after it, in one rejection
    naming the record before it and quoting the next member's compressed bytes as a "first line" (found by a QA
    pass). The damaged member is the rejection, named with its record and byte, and reading goes on from the next
    member, whichever byte of the member is damaged; a gzip magic number inside compressed bytes is no member, but
    what lies past it is not known to be the same member, and is said so. A member whose deflate data do not read,
    no magic number past its start before the next member, was said to be its record `and what follows up to the
    next member` (a review: 30 of 120 fuzzed variants of a crawl)."""
    path = tmp_path / "crawl.warc.gz"
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for n in range(8):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            body = PAGE.format(n=n, body=f"Article {n} : le conseil municipal a voté le budget.").encode()
            w.write_record(w.create_warc_record(f"https://example.fr/{n}", "response", payload=io.BytesIO(body),
                                                http_headers=headers))
    whole = path.read_bytes()
    starts = [k for k in range(len(whole)) if whole.startswith(b"\x1f\x8b\x08", k)]
    fourth, fifth = starts[3], starts[4]
    for at in (fourth + 12, (fourth + fifth) // 2, fifth - 8, fifth - 1):  # deflate's start, middle, end; the CRC
        damaged = bytearray(whole)
        damaged[at] ^= 0xFF
        path.write_bytes(damaged)
        items = _read(path)
        kept = [i.url for i in items if isinstance(i, Document)]
        assert kept == [f"https://example.fr/{n}" for n in range(8) if n != 3], at
        (rejected,) = [i for i in items if isinstance(i, Rejected)]
        assert rejected.detail.startswith(_damaged_member(path, 4, fourth)), at
        assert rejected.detail.endswith(f"); read on from the next member, at byte {fifth:,}") and items[3] is rejected
    path.write_bytes(whole[:fourth + 20] + b"\x1f\x8b\x08" + whole[fourth + 23:])  # a magic number, then no member
    said = _read(path)[3].detail
    assert said.startswith(f"{path}: record 4 and what follows up to the next member are damaged: its gzip member, "
                           f"at byte {fourth:,}, does not read ("), said
    assert said.endswith(f"read on from the next member, at byte {fifth:,}")


def _damaged_member(path, number, at):
    """The start of the rejection of record `number`'s damaged member, at byte `at`, up to what warcio said."""
    return f"{path}: record {number} is damaged: its gzip member, at byte {at:,}, does not read ("


def _page_members(letters):
    """4 HTML responses of `letters` random letters each (3,500 compress to ~2 KB), the gzip member of each."""
    chars = random.Random(letters)
    members = []
    for n in range(4):
        body = PAGE.format(n=n, body="".join(chars.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(letters)))
        out = io.BytesIO()
        w = WARCWriter(out, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(f"https://ex.org/{n}", "response", payload=io.BytesIO(body.encode()),
                                            http_headers=headers))
        members.append(out.getvalue())
    return members


def _ending_at(member, at):
    """`member`, a gzip header's extra field (2 bytes of length, then as many zeros) making it end `at` bytes past a
    16 KB block of warcio's reading, when the file holds it first."""
    pad = (at - len(member) - 2) % (1 << 14)
    return member[:3] + bytes([member[3] | 0x04]) + member[4:10] + pad.to_bytes(2, "little") + bytes(pad) + member[10:]


@pytest.mark.parametrize("letters", [3_500, 170_000])  # a body of ~2 KB and of ~100 KB compressed
def test_a_damaged_gzip_member_of_a_real_page_is_named_and_the_records_after_it_are_read(tmp_path, capfd, letters):
    """A member damaged past the first 16 KB block warcio reads of it (a real page, or a small one across a block's
    end) lost every record after it (found by a QA pass): warcio wrote `Error -3 while decompressing data: incorrect
    data check` on stderr (no file named, once a block), gave nothing more of it, and read the rest of the file into
    the dead decompressor, so the record was `truncated` and the file ended there. The member is the rejection, with
    its record and byte, the records after it are read from the next member, and nothing of warcio's reaches stderr;
    when no member follows (the last one is damaged), the rejection says what was read before it."""
    path = tmp_path / "big.warc.gz"
    first, second, *rest = _page_members(letters)
    first = _ending_at(first, -1000)  # the second starts 1,000 bytes before a block's end
    for fraction in (0.1, 0.5, 0.9):  # deflate's data (its end damaged may decode, running into the next member)
        at = int(len(second) * fraction)
        for damage in (b"\xff" * 16, bytes([second[at] ^ 0x01])):
            path.write_bytes(b"".join((first, second[:at], damage, second[at + len(damage) :], *rest)))
            items = _read(path)
            where = (fraction, len(damage))
            assert [i.url for i in items if isinstance(i, Document)] == [f"https://ex.org/{n}" for n in (0, 2, 3)], where
            assert items[1].detail.startswith(_damaged_member(path, 2, len(first))), where
            assert items[1].detail.endswith(f"); read on from the next member, at byte {len(first + second):,}"), where
    last = rest[-1]
    path.write_bytes(b"".join((first, second, rest[0], last[: len(last) // 2], b"\xff" * 16, last[len(last) // 2 + 16 :])))
    *kept, unread = _read(path)
    assert len(kept) == 3 and unread.detail.startswith(f"{path}: unreadable after record 3: "), unread.detail
    assert "decompressing" not in capfd.readouterr().err


def test_a_page_read_whole_whose_gzip_member_then_does_not_read_is_rejected_not_kept_as_well(tmp_path):
    """A member whose CRC is damaged, its last block (warcio reads 16 KB at a time) holding only its end: the page
    was read whole before the error, and was kept as well as rejected as `record 2 is damaged`; its record is
    rejected only, as it is when its CRC is in the block its page ends in."""
    first, second, *rest = _page_members(60_000)
    first = _ending_at(first, 8 - len(second))  # the second ends 8 bytes into a block: its CRC and length
    damaged = second[:-6] + bytes([second[-6] ^ 0xFF]) + second[-5:]  # its CRC, 8 bytes from its end
    path = tmp_path / "crc.warc.gz"
    path.write_bytes(b"".join((first, damaged, *rest)))
    items = _read(path)
    assert [i.url for i in items if isinstance(i, Document)] == ["https://ex.org/0", "https://ex.org/2", "https://ex.org/3"]
    assert items[1].detail.startswith(f"{path}: record 2 is damaged: its gzip member, at byte {len(first):,}, ")


def test_a_gzip_member_that_runs_on_into_the_next_ones_is_its_records_damage_not_a_crash(tmp_path, monkeypatch):
    """A member whose deflate data, damaged, does not end ran on into the next members (a byte deleted near a
    member's end, found by a QA fuzzing pass): its page was kept, flagged for its Content-Length, warcio's offset of
    the next record fell before it (negative), and seeking there ended the run (`cleaner: [Errno 22] Invalid
    argument`, nothing written). The record is the rejection, at its own member, and the records after it are read;
    an OSError of the file past warcio is a rejection naming it, not the end of the run."""
    first, second, *rest = _page_members(3_500)
    record = zlib.decompress(second, 16 + zlib.MAX_WBITS)
    inflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    deflate = inflate.compress(record[:-40]) + inflate.flush(zlib.Z_SYNC_FLUSH)
    runs_on = second[:10] + deflate + b"\x00\xff\xff\x00\x00"  # a stored block of 65,535 bytes: the next members
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(b"".join((first, runs_on, *rest)))
    items = _read(path)
    assert [i.url for i in items if isinstance(i, Document)] == [f"https://ex.org/{n}" for n in (0, 2, 3)]
    assert items[1].detail == (f"{_damaged_member(path, 2, len(first))}it runs on past its record); read on from the "
                               f"next member, at byte {len(first + runs_on):,}")
    monkeypatch.setattr("cleaner.io.warc._next_member", lambda *_: -1)  # a seek before the file's start
    assert _read(path)[-1].detail == f"{path}: unreadable after record 2: Invalid argument"


def test_a_damaged_first_gzip_member_read_as_arc_is_its_records_damage_not_the_whole_file(tmp_path):
    """A damaged first member whose raw bytes hold a line of five words before their first newline (warcio reads a
    member that does not decompress as it is, and such a line as an ARC header) lost the whole file as `not a WARC
    file (record 1 reads as ARC, not read)`, the members after it unread (found by a QA fuzzing pass). It is its
    record's damage, and the records after it are read; a file of gzip members none of which opens a WARC record is
    still no WARC file."""
    first, *rest = _page_members(3_500)
    named = first[:3] + bytes([first[3] | 0x08]) + first[4:10] + b"x 1 2 3 4\n\0" + first[10:]  # FNAME: the line
    damaged = named[:-8] + bytes([named[-8] ^ 0xFF]) + named[-7:]  # its CRC
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(b"".join((damaged, *rest)))
    items = _read(path)
    assert [i.url for i in items if isinstance(i, Document)] == [f"https://ex.org/{n}" for n in (1, 2, 3)]
    assert items[0].detail == (f"{path}: record 1 is damaged: its gzip member, at byte 0, does not read (it reads as "
                               f"ARC, not WARC); read on from the next member, at byte {len(damaged):,}")
    path.write_bytes(gzip.compress(b"hello this is not a warc\n") + gzip.compress(b"nor is this\n"))
    assert [i.detail for i in _read(path)] == [f"{path}: not a WARC file (record 1 reads as ARC, not read)"]


def test_a_file_of_gzip_members_is_searched_for_a_warc_one_reading_each_byte_once_and_arc_ones_not_to_the_end(
        tmp_path, monkeypatch):
    """The search for the next member that opens a WARC record read 1 MB and 64 KB again at each gzip magic number it
    found, and past a record read as ARC (a damaged member read raw) it searched the whole file: a `.warc.gz` of
    10,000 ARC members (35 MB) took 1 s to refuse as no WARC file, not 0.04 s (a review). Each byte is read once (the
    64 KB past each MB twice), and past a record read as ARC only the next few members are looked at."""
    from cleaner.io.warc import _next_member

    noise = random.Random(2)
    arc = [gzip.compress(f"http://x.fr/{n} 1.2.3.4 20200101000000 text/html 4000\n".encode() + noise.randbytes(4000)
                         + b"\n", compresslevel=1) for n in range(500)]  # 2 MB
    path = tmp_path / "arc.warc.gz"
    path.write_bytes(b"".join((*arc, _page_members(3_500)[0])))
    read = _bytes_read(monkeypatch)
    assert _next_member(path, 0) == sum(map(len, arc))
    assert sum(read) < path.stat().st_size * 1.1
    read.clear()
    assert [i.detail for i in _read(path)] == [f"{path}: not a WARC file (record 1 reads as ARC, not read)"]
    assert sum(read) < path.stat().st_size * 2 / 3


def _bytes_read(monkeypatch):
    """A list of the lengths of what is read from then on from the files `Path.open` opens."""
    lengths = []
    opened = Path.open

    def counting(self, *args, **kwargs):
        fh = opened(self, *args, **kwargs)
        read = fh.read
        fh.read = lambda *size: lengths.append(len(data := read(*size))) or data
        return fh

    monkeypatch.setattr(Path, "open", counting)
    return lengths


def test_one_damaged_stretch_over_two_gzip_members_is_both_records_and_the_next_keep_their_numbers(tmp_path):
    """Damage over a member's end and the next one's header (a QA fuzzing pass) was one rejection naming the first
    record alone: the second was lost uncounted, and the records after it were numbered one too low, in the ids of
    records without a WARC-Record-ID too (`crawl:3:…` for record 4). Where each damaged member ends is found from
    where the one before does (their deflate data inflated): their records are named and counted; a member that does
    not read to its end (a header damaged too) is one record, but when a gzip magic number lies past its start before
    the next member, what follows it up to that member counts as one record, the least it may hold, said so."""
    members = [gzip.compress(re.sub(rb"WARC-Record-ID: [^\r]*\r\n", b"", gzip.decompress(member)))
               for member in _page_members(3_500)]
    first, second, third, fourth = members
    crc_damaged = second[:-8] + bytes([second[-8] ^ 0xFF]) + second[-7:]
    unknown_flag = third[:3] + bytes([third[3] | 0x20]) + third[4:]  # a reserved flag bit: zlib refuses the member
    at, resume = len(first), len(first + second + third)
    path = tmp_path / "crawl.warc.gz"
    no_trailer, no_header = second[:-8] + bytes(8), bytes(12) + third[12:]  # its trailer, then the next header
    a_magic_number = no_header[:100] + b"\x1f\x8b\x08" + no_header[103:]
    for middle, says in (((crc_damaged, unknown_flag), "records 2-3 are damaged: their gzip members"),
                         ((no_trailer, no_header), "records 2-3 are damaged: their gzip members"),
                         ((no_trailer, a_magic_number),
                          "records 2-3 and what follows up to the next member are damaged: their gzip members")):
        path.write_bytes(b"".join((first, *middle, fourth)))
        items = _read(path)
        assert [i.id.rsplit(":", 1)[0] for i in items if isinstance(i, Document)] == ["crawl:1", "crawl:4"], says
        (rejected,) = [i for i in items if isinstance(i, Rejected)]
        assert rejected.detail.startswith(f"{path}: {says}, from byte {at:,}, do not read ("), rejected.detail
        assert rejected.detail.endswith(f"; read on from the next member, at byte {resume:,}")


def test_a_damaged_warc_or_a_file_that_is_none_is_said_without_pythons_words(tmp_path):
    """What a WARC reader said of a file it cannot read showed Python's internals (found by a QA pass): a line
    warcio's ARC parser tried was quoted as the list of its words (`first line: '[\\'{"id":"a","text":"first\\',
    …]'`), and a header block cut short as `warcio: AttributeError: 'NoneType' object has no attribute
    'startswith'`. The line is quoted as the text it is; a file cut inside a header block ends inside that record,
    as a file cut elsewhere does, gzipped or not; a whole header block without the WARC-Target-URI warcio needs is a
    damaged record. A file with no record at all is "not a WARC file", as one read as ARC is: it read "unreadable
    after record 0: Unknown archive format" (session 46)."""
    (tmp_path / "j.jsonl").write_text('{"id":"a","text":"first file"}\n', encoding="utf-8")
    (item,) = _read(tmp_path / "j.jsonl", fmt="warc")
    assert item.detail == (f"{tmp_path / 'j.jsonl'}: not a WARC file (its first line: "
                           """'{"id":"a","text":"first file"}')""")
    for line in ("[1, 2]", "[foo]", "['a'", "[" * 5000 + "]" * 5000):  # a line of its own that opens and ends so
        (tmp_path / "b.warc").write_text(line + "\n", encoding="utf-8")
        detail = _read(tmp_path / "b.warc")[0].detail
        assert detail.startswith(f"{tmp_path / 'b.warc'}: not a WARC file (its first line: ")
    (tmp_path / "r.warc.gz").write_bytes(b"\x86\xc3\x9b")  # warcio reads it as Latin-1
    (item,) = _read(tmp_path / "r.warc.gz")
    assert item.detail.endswith(": not a WARC file (its first line: '\\x86Ã\\x9b')")
    for gz in (False, True):
        path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
        write_warc(path, gz=gz)
        whole = path.read_bytes()
        warc = gzip.decompress(whole) if gz else whole
        second = warc.index(b"WARC/1.0", 1)
        cut = warc[: warc.index(b"WARC-Target-URI", second)]
        path.write_bytes(gzip.compress(warc[:second]) + gzip.compress(cut[second:])[:-8] if gz else cut)
        size, at = path.stat().st_size, len(gzip.compress(warc[:second])) if gz else second
        assert _read(path)[-1].detail == f"{path}: ends inside record 2 (at byte {at:,} of {size:,}): truncated file"
    path = tmp_path / "no_uri.warc"
    path.write_bytes(broken := warc.replace(b"WARC-Target-URI", b"X-Target-URI"))
    second = broken.index(b"WARC/1.0", 1)  # each damaged record is one rejection: reading goes on at the next
    third = broken.index(b"WARC/1.0", second + 1)
    assert _read(path)[0].detail == (f"{path}: record 2 is damaged: its header block cannot be read (a response or "
                                     "request without a WARC-Target-URI?); read on from the next WARC header, at byte "
                                     f"{third:,} ({third - second} bytes skipped)")


def _page_record(n, extra=0):
    """A WARC response record of a page numbered `n`, its Content-Length `extra` bytes over its block's."""
    body = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><article><p>Article numero "
            + str(n).encode() + b", assez long pour rester dans le corpus du jour.</p></article></body></html>")
    return (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:r%d>\r\nWARC-Target-URI: https://a.fr/%d\r\n"
            b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n"
            % (n, n, len(body) + extra, body))


@pytest.mark.parametrize("gz", [False, True])
def test_damage_in_a_plain_warc_loses_only_itself_reading_on_from_the_next_header(tmp_path, gz):
    """In a `.warc`, or a `.warc.gz` of one gzip stream, junk between records, or a Content-Length too long (by 300
    bytes, or past the file's end), lost every record after it: junk said `unreadable after record 1: Invalid WARC
    record, …`, a page kept with the next record's headers in it was flagged for nothing but a lone CR, and one past
    the end was `truncated record: 1,5xx of 100,xxx bytes`, the records its bytes held lost, counted nowhere (a QA
    pass). Reading goes on from the next WARC header, the bytes skipped counted; in a `.warc`, a block that holds a
    record's end and the next one's header, its Content-Length proven wrong, is cut there, flagged (one gzip stream is
    not looked at ahead: each look decompressed it from the start)."""
    records = [_page_record(n) for n in range(1, 6)]
    cases = {"junk": records[:1] + [b"junk line one\r\njunk line two\r\n"] + records[1:],
             "long300": records[:1] + [_page_record(2, 300)] + records[2:],
             "huge": records[:1] + [_page_record(2, 100_000)] + records[2:]}
    for name, parts in list(cases.items())[: 1 if gz else None]:
        data = b"".join(parts)
        path = tmp_path / f"{name}.warc{'.gz' if gz else ''}"
        path.write_bytes(gzip.compress(data) if gz else data)
        items = _read(path)
        kept = [i for i in items if isinstance(i, Document)]
        assert [i.id for i in kept] == [f"<urn:r{n}>" for n in range(1, 6)], (name, items)
        assert all("WARC/1.0" not in i.html for i in kept)
        if name == "junk":
            (rej,) = [i for i in items if isinstance(i, Rejected)]
            at, resume = len(records[0]), len(records[0]) + 30
            assert rej.detail == (f"{path}: unreadable at byte {at:,}, after record 1: Invalid WARC record, first line: "
                                  f"'junk line one\\r\\n'; read on from the next WARC header, at byte {resume:,} "
                                  "(30 bytes skipped)")
        else:
            length = int(re.search(rb"Content-Length: (\d+)", parts[1])[1])
            assert len(items) == 5 and kept[1].warnings == (
                f"{path}: record 2 (https://a.fr/2): no blank line after its Content-Length of "
                f"{length:,} bytes, so that is wrong: its block "
                f"holds the end of the record and the next one's header, at byte {len(records[0]) + len(parts[1]):,}: "
                "it was cut there, and the next record read from there",)



_QUOTE = (b"<p>Un enregistrement WARC commence ainsi :</p><pre>\r\n\r\nWARC/1.0\r\nWARC-Type: response\r\n"
          b"Content-Length: 12\r\n\r\n</pre>")
"""A page's quote of a WARC record's end and header (`\r\n\r\nWARC/1.0\r\n`), a header block that parses included."""


def _quoting_record(n, extra=0, quote=_QUOTE):
    """A WARC response record of a page numbered `n` quoting a WARC header (`quote`), its Content-Length `extra`
    bytes over its block's."""
    record = _page_record(n).replace(b"</p></article>", b"</p>" + quote + b"</article>")
    length = int(re.search(rb"Content-Length: (\d+)", record)[1])
    return record.replace(b"Content-Length: %d" % length, b"Content-Length: %d" % (length + len(quote) + extra), 1)


@pytest.mark.parametrize("how", ["plain", "stream", "members"])
def test_a_warc_whose_pages_quote_a_warc_header_is_read_whole(tmp_path, how):
    """A valid WARC whose pages quote a record's end and header is read whole, unflagged, however it is compressed;
    so is a resource record holding a WARC file (skipped, its records not read as the file's)."""
    records = [_quoting_record(n) for n in range(1, 4)]
    inner = b"".join(_page_record(n) for n in range(7, 10))
    resource = (b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:x>\r\n"
                b"WARC-Target-URI: https://a.fr/x.warc\r\nContent-Type: application/warc\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n" % (len(inner), inner))
    parts = [records[0], resource, *records[1:]]
    path = tmp_path / ("q.warc" if how == "plain" else "q.warc.gz")
    path.write_bytes({"plain": b"".join(parts), "stream": gzip.compress(b"".join(parts)),
                      "members": b"".join(gzip.compress(p) for p in parts)}[how])
    stats = ReadStats()
    items = _read(path, stats=stats)
    assert [(i.id, i.warnings) for i in items] == [(f"<urn:r{n}>", ()) for n in range(1, 4)]
    assert all(b"<pre>" in i.html.encode() for i in items) and stats.skipped == {"warc resource": 1}


@pytest.mark.parametrize("gz", [False, True])
def test_a_damaged_record_is_its_own_not_the_valid_record_before_it(tmp_path, gz):
    """A valid record before a damaged one (its first line `WARX/1.0`), or before junk at the file's end, was cut at
    its page's quote of a WARC header and flagged, and the damage gave two rejections, one for a record that does not
    exist (a review): it is kept whole, unflagged, and the damage is one rejection."""
    records = [_quoting_record(n) for n in range(1, 4)]
    for name, data in {"next": records[0] + records[1].replace(b"WARC/1.0", b"WARX/1.0", 1) + records[2],
                       "nul": b"".join(records) + b"\0" * 20}.items():  # 3 records in, and junk
        path = tmp_path / f"{name}.warc{'.gz' if gz else ''}"
        path.write_bytes(gzip.compress(data) if gz else data)
        items = _read(path)
        kept = [i for i in items if isinstance(i, Document)]
        assert len(items) == {"next": 3, "nul": 4}[name] and [i.warnings for i in kept] == [()] * len(kept), items
        assert kept[0].id == "<urn:r1>" and _QUOTE.decode().split("\r\n")[2] in kept[0].html
        assert len([i for i in items if isinstance(i, Rejected)]) == 1


def test_a_wrong_content_length_is_cut_where_a_record_starts_not_at_a_quoted_header(tmp_path):
    """A Content-Length 300 bytes too long over a page quoting a WARC header was cut at the quote: the rest of the
    article made a rejection, `record 3 is damaged …`, and the records after it were numbered one too high (a
    review). It is cut where the next record starts (a header block whose own Content-Length ends a record)."""
    records = [_quoting_record(n) for n in range(1, 5)]
    path = tmp_path / "long.warc"
    path.write_bytes(records[0] + _quoting_record(2, 300) + records[2] + records[3])
    items = _read(path)
    assert [i.id for i in items] == [f"<urn:r{n}>" for n in range(1, 5)], items
    assert items[1].warnings[0].endswith(f"at byte {len(records[0]) + len(records[1]):,}: it was cut there, and the "
                                         "next record read from there")
    assert _QUOTE.decode().split("\r\n")[2] in items[1].html and "Fin" not in items[2].html[:10]


@pytest.mark.parametrize("gz", [False, True])
def test_junk_ending_on_the_line_of_a_warc_header_loses_only_itself(tmp_path, gz):
    """Junk ending on the line of the next record's header (`\x00\x01junkWARC/1.0`) lost every record after it,
    `unreadable after record 1`: the next header was looked for at a line's start (a review)."""
    records = [_page_record(n) for n in range(1, 4)]
    data = records[0] + b"\x00\x01junk" + records[1] + records[2]
    path = tmp_path / f"j.warc{'.gz' if gz else ''}"
    path.write_bytes(gzip.compress(data) if gz else data)
    first, rejected, *rest = _read(path)
    assert [i.id for i in (first, *rest)] == ["<urn:r1>", "<urn:r2>", "<urn:r3>"]
    assert rejected.detail.endswith(f"read on from the next WARC header, at byte {len(records[0]) + 6:,} "
                                    "(6 bytes skipped)")


def test_one_gzip_stream_of_pages_quoting_a_warc_header_is_read_in_linear_time(tmp_path):
    """A one-stream `.warc.gz` whose pages quote a WARC header was decompressed again from its start for each of them
    (10 MB: 0.43 s, then 30 s; a review): twice the records take about twice the time."""
    paths = {}
    for count in (150, 300):
        paths[count] = tmp_path / f"q{count}.warc.gz"
        quote = _QUOTE + b"<p>%s</p>" % (b"du texte " * 2000)  # 18 KB a page: decompressing is most of the time
        paths[count].write_bytes(gzip.compress(b"".join(_quoting_record(n, quote=quote) for n in range(count))))
    assert linear_time(lambda count: _read(paths[count]), 150, 300)


def test_records_in_are_documents_and_rejections_out_in_mutated_warcs(tmp_path):
    """Every record of a WARC mangled at random (bytes changed or taken out; seeded) comes out once at most, a
    document or a rejection, never a traceback: damage gave rejections for records that do not exist (a review)."""
    rng = random.Random(52)
    records = [_quoting_record(n) if n % 2 else _page_record(n) for n in range(1, 9)]
    for case in range(50):
        data = bytearray(b"".join(records))
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(data))
            if rng.random() < 0.5:
                data[at] = rng.randrange(256)
            else:
                del data[at : at + rng.randint(1, 40)]
        path = tmp_path / f"m{case}.warc"
        path.write_bytes(bytes(data))
        items = _read(path)
        ids = [i.id for i in items if isinstance(i, Document)]
        assert len(items) <= len(records) and len(set(ids)) == len(ids), (case, items)


def test_a_warc_cut_at_any_byte_loses_no_record_in_silence(tmp_path):
    """Cut anywhere, a WARC gives its whole records and a rejection for the one cut short, never a
    traceback: a header block cut short (no WARC-Target-URI yet, which warcio's parser trips on; an empty
    Content-Length, which it reads as 0) included. Only a cut in the blank lines after a record's
    content, which leaves every record whole, may give no rejection."""
    path = tmp_path / "crawl.warc"
    write_warc(path, gz=False)
    data = path.read_bytes()
    whole = [i.id for i in _read(path)]
    assert len(whole) == 3  # two HTML pages and the WET conversion
    cut_file = tmp_path / "cut.warc"
    given = 0
    for cut in range(1, len(data), 7):
        cut_file.write_bytes(data[:cut])
        items = _read(cut_file)
        rejected = [i for i in items if isinstance(i, Rejected)]
        read = [i.id for i in items if not isinstance(i, Rejected)]
        assert read == whole[: len(read)] and len(read) >= given, cut  # the whole records before the cut, none lost
        given = len(read)
        if rejected:  # one rejection, for the record cut short, after the whole ones
            assert len(rejected) == 1 and items[-1] is rejected[0] and rejected[0].reason == "bad_input", cut
        else:
            assert data[cut:].lstrip(b"\r\n").startswith(b"WARC/1.0") or not data[cut:].strip(), cut


def test_a_warc_record_without_an_id_is_named_by_its_place_not_by_the_path_as_typed(tmp_path, monkeypatch):
    """A record without a WARC-Record-ID was named by its place as typed, `crawl.warc: record 1`, or
    `/…/crawl.warc: record 1` when the file was named by its absolute path: two ids for one record, so a resumed run
    and `--engine dask` could disagree. It is named as a JSONL line without an id is, by the file's stem, the
    record's number and a hash of its block; and a record whose header block ends before its Content-Length named
    its place twice (`crawl.warc: record 2 (crawl.warc: record 2): …`). Found by a QA pass."""
    body = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            b"<html><body><article><p>Un article assez long pour rester dans le corpus.</p></article></body></html>")
    record = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://a.example/1\r\n"
              b"Content-Type: application/http; msgtype=response\r\n"
              b"Content-Length: %d\r\n\r\n%s\r\n\r\n" % (len(body), body))
    (tmp_path / "crawl.warc").write_bytes(record + b"WARC/1.0\r\n")
    monkeypatch.chdir(tmp_path)
    first, cut = _read("crawl.warc")
    assert [i.id for i in _read(tmp_path / "crawl.warc")] == [first.id, cut.id]
    assert isinstance(first, Document) and first.id == made_id("crawl:1", body[body.index(b"<html>"):].decode())
    assert cut.id == made_id("crawl:2", "")
    assert cut.detail == "crawl.warc: record 2: truncated record (no Content-Length)"


def test_cli_run_reads_quoted_globs_of_several_formats(tmp_path, in_process):
    write_warc(tmp_path / "crawl.warc.gz")
    (tmp_path / "x.jsonl").write_text(json.dumps({"id": "j", "text": "Un article en français."}) + "\n", encoding="utf-8")
    out = tmp_path / "o" / "out.jsonl"  # not where the glob reads (refused: the same command again would read it)
    proc = in_process("clean", str(tmp_path / "*.warc.gz"), str(tmp_path / "*.jsonl"), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(ids) == 4 and ids[-1] == "j" and all(i.startswith("<urn:uuid:") for i in ids[:3])


def test_glob_matching_agrees_with_glob_on_paths_that_are_there(tmp_path, monkeypatch):
    """`glob_matching` says of a path not written yet whether an input glob will read it; on a tree that
    is there it must say what `glob.glob(recursive=True)` lists: `**` across folders, hidden names only
    by a part that starts with a dot, a name that exists taken as it is."""
    import glob as globs

    from cleaner.io.readers import glob_matching

    monkeypatch.chdir(tmp_path)
    for name in ("a.jsonl", "b.txt", ".h.jsonl", "d/c.jsonl", "d/e/f.jsonl", "d/.x/g.jsonl", "d/e/.y.jsonl", "r[1].jsonl"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text("{}\n", encoding="utf-8")
    files = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    patterns = ["*.jsonl", "**/*.jsonl", "d/**", "d/*/*.jsonl", "**/.*.jsonl", "d/.*/*", "?.*", "d/**/f.*", "[ab].*",
                "r[[]1].jsonl", f"{tmp_path}/**/*.jsonl"]
    for pattern in patterns:
        listed = {os.path.normpath(p) for p in globs.glob(pattern, recursive=True)} & set(files)
        matched = {name for name in files if glob_matching(Path(name), [pattern]) == pattern}
        if pattern.startswith("/"):
            listed = {str(Path(p).relative_to(tmp_path)) for p in globs.glob(pattern, recursive=True) if Path(p).is_file()}
        assert matched == listed, pattern
    assert glob_matching(Path("new/corpus.jsonl"), ["-", "x.jsonl", "**/*.jsonl"]) == "**/*.jsonl"
    assert glob_matching(Path("a.jsonl"), ["a.jsonl"]) is None  # no glob: a name


def test_glob_matching_names_a_glob_that_reads_a_folder_holding_the_path(tmp_path, monkeypatch):
    """A glob that matches a folder reads it whole, but for names starting with a dot: `glob_matching` names it for a
    path below such a folder (`data/*` for `data/r9/corpus.jsonl`, which the same inputs read once written), with the
    links of the glob's fixed head and of the path followed as `expand` follows them."""
    from cleaner.io.readers import glob_matching

    monkeypatch.chdir(tmp_path)
    Path("data").mkdir()
    Path("link").symlink_to("data")
    for target, pattern in (("data/r9", "data/*"), ("data/r9/sub/corpus.jsonl", "data/*"), ("data/r9/x", "data/r?"),
                            ("data/r9/x", "link/*"), ("link/r9/x", "data/*"), ("data/.r9/x", "data/.*")):
        assert glob_matching(Path(target), [pattern]) == pattern, (target, pattern)
    for target, pattern in (("data/.r9/x", "data/*"), ("data/r9/.x/y", "data/*"), ("data/r9", "data/*.jsonl"),
                            ("data/r9/x", "other/*")):
        assert glob_matching(Path(target), [pattern]) is None, (target, pattern)


def test_a_parquet_binary_column_is_decoded_and_its_invalid_bytes_flagged_by_name(tmp_path):
    """A binary `url` column was decoded in silence, its invalid bytes U+FFFD without a warning, and kept in `meta`; a
    binary `text` was flagged as `row 1 text:` without the colon the other fields' warnings have. Each is decoded as a
    text is, the url the document's, and flagged with the column named."""
    table = tmp_path / "b.parquet"
    pq.write_table(pa.table({"id": ["b"], "text": pa.array([b"Un caf\xe9 au lait."], pa.binary()),
                             "url": pa.array([b"http://x.fr/\xe9"], pa.binary())}), table)
    (doc,) = _read(table)
    assert doc.text == "Un caf\ufffd au lait." and doc.url == "http://x.fr/\ufffd" and doc.meta == {}
    assert doc.warnings == tuple(f"{table}:row 1: {key}: invalid UTF-8 at byte {at}, replaced with U+FFFD"
                                 for key, at in (("text", 6), ("url", 12)))


def test_a_large_max_doc_chars_does_not_reserve_the_cap_for_each_file(tmp_path):
    """A text or HTML file was read with one `read(4 x max_doc_chars + 1)`, which reserves the whole cap first:
    with `max_doc_chars = 10^9`, 4 GB for a file of 50 bytes, a MemoryError where memory is short (here, 1 GB)."""
    import subprocess
    import sys

    (tmp_path / "a.txt").write_text("Un texte court, lu sous une limite de mémoire.", encoding="utf-8")
    (tmp_path / "b.html").write_text(PAGE.format(n=1, body="Une page courte."), encoding="utf-8")
    script = ("import resource, sys\n"
              "from cleaner.config import Config\n"
              "from cleaner.io.readers import read_inputs\n"
              "config = Config.load(max_doc_chars=10**9)\n"
              "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
              "print(sorted(type(item).__name__ for item in read_inputs(sys.argv[1:], config)))\n")
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path / "a.txt"), str(tmp_path / "b.html")],
                          capture_output=True, text=True)
    assert (proc.returncode, proc.stdout) == (0, "['Document', 'Document']\n"), proc.stderr[-500:]


def test_a_parquet_file_with_two_columns_of_one_name_is_refused_not_read_with_one_dropped(tmp_path):
    """Two columns named `text` (or any one name) were read as one row mapping: the first column's values
    were dropped without a word. The file is now one `bad_input` rejection naming the columns."""
    table = pa.Table.from_arrays([pa.array(["a", "b"]), pa.array(["Texte un.", "Texte deux."]), pa.array(["x", "y"]),
                                  pa.array([1, 2]), pa.array([3, 4])], names=["id", "text", "text", "n", "n"])
    pq.write_table(table, tmp_path / "t.parquet")
    (rej,) = _read(tmp_path / "t.parquet")
    assert isinstance(rej, Rejected) and rej.reason == "bad_input"
    assert rej.detail == f"{tmp_path / 't.parquet'}: more than one column named 'n', 'text'; 2 rows not read"



def test_a_parquet_file_of_one_row_without_a_text_column_says_1_row(tmp_path):
    """The rows not read are counted in the singular for one: it said `1 rows not read` (found by a QA pass)."""
    pq.write_table(pa.Table.from_arrays([pa.array(["a"]), pa.array(["Texte."])], names=["doc_id", "body"]),
                   tmp_path / "w.parquet")
    (rej,) = _read(tmp_path / "w.parquet")
    assert rej.detail == f"{tmp_path / 'w.parquet'}: no 'text' or 'html' column (columns: doc_id, body); 1 row not read"


def test_ids_details_and_order_made_from_file_names_do_not_depend_on_the_locale(tmp_path):
    """Under a Latin-1 locale, file names were read in Latin-1: `café.txt` gave the id `cafÃ©` (and details
    naming `cafÃ©.txt`) where a UTF-8 machine gives `café`, and a Parquet file of such a name was not found
    (pyarrow opens a name as UTF-8). Names are now read from their bytes as UTF-8 under any locale, so the
    same files give byte-identical outputs, in the same order."""
    import subprocess
    import sys

    folder = tmp_path / "entrées"
    folder.mkdir()
    (folder / "café.txt").write_text("Un texte au nom accentué.", encoding="utf-8")
    (folder / "page été.html").write_text(PAGE.format(n=1, body="Une page au nom accentué. " * 5), encoding="utf-8")
    (folder / "naïve.jsonl").write_text(json.dumps({"text": "Un record sans id."}) + "\n", encoding="utf-8")
    (folder / "vidé.txt").write_text("", encoding="utf-8")
    (folder / "lien é.txt").symlink_to(folder / "café.txt")
    pq.write_table(pa.table({"text": ["Une ligne de table."]}), folder / "résumé.parquet")
    write_warc(folder / "données.warc.gz")
    (folder / "\ue000.txt").write_text("Un nom hors du plan latin.", encoding="utf-8")  # bytes EE 80 80, sorted after
    with open(os.fsencode(folder) + b"/\xf0x.txt", "w", encoding="utf-8") as fh:  # this name, not UTF-8, as a UTF-8 machine does
        fh.write("Un nom qui n'est pas UTF-8.")
    # the Latin-1 locale, compiled here from glibc's sources (the `locales` package): a fresh machine has none built
    locales = tmp_path / "locales"
    locales.mkdir()
    made = subprocess.run(["localedef", "-i", "en_US", "-f", "ISO-8859-1", str(locales / "en_US.ISO-8859-1")],
                          capture_output=True, text=True, check=False)
    outputs = []
    for locale in ("C.UTF-8", "en_US.ISO-8859-1"):
        out = tmp_path / f"out-{locale}.jsonl"
        env = {**os.environ, "LC_ALL": locale, "LANG": locale, "LOCPATH": str(locales), "PYTHONUTF8": "0",
               "PYTHONCOERCECLOCALE": "0"}
        if locale == "C.UTF-8":  # built into glibc, not in LOCPATH
            del env["LOCPATH"]
        check = subprocess.run([sys.executable, "-c", "import sys; print(sys.getfilesystemencoding())"], env=env,
                               capture_output=True, text=True, check=True)
        assert check.stdout.strip() == ("utf-8" if locale == "C.UTF-8" else "iso8859-1"), (
            f"locale {locale} could not be built here (localedef: {made.stderr.strip()})")
        proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", os.fsencode(folder), "--out", os.fsencode(out),
                               "--workers", "1", "--quiet"], env=env, capture_output=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stderr.decode("latin-1")
        outputs.append((out.read_bytes(), (tmp_path / f"out-{locale}.rejects.jsonl").read_bytes()))
    assert outputs[0] == outputs[1]
    corpus, rejects = ([json.loads(line) for line in data.splitlines()] for data in outputs[1])
    ids = [record["id"] for record in corpus]
    assert [rid for rid in ids if not rid.startswith("<urn:uuid:")] == [
        "café", made_id("naïve:1", "Un record sans id."), "page été", made_id("résumé:1", "Une ligne de table."),
        "\ufffdx", "\ue000"]
    assert ids[1:4] == [rid for rid in ids if rid.startswith("<urn:uuid:")]  # données.warc.gz's three documents
    assert rejects == [
        {"id": "lien é", "stage": "read", "reason": "bad_input",
         "detail": f"{folder / 'lien é.txt'}: the same file as {folder / 'café.txt'}, read already: read once"},
        {"id": "vidé", "stage": "read", "reason": "bad_input", "detail": f"{folder / 'vidé.txt'}: empty document"}]


def test_stdin_named_twice_is_read_once_and_the_second_is_a_rejection_saying_so():
    """`cleaner clean - -` read stdin to its end, then read it again as a second input and rejected it as
    `<stdin>: holds no records`, a rejection for an input that held one record (found by a QA pass). As for a
    file named twice, the second `-` now says it was named again."""
    proc = run_cli("clean", "-", "-", "--out", "-", "--quiet", stdin=json.dumps({"id": "a", "text": "Un texte."}) + "\n")
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line)["id"] for line in proc.stdout.splitlines()] == ["a"]
    assert proc.stderr == "cleaner: rejected (no id): <stdin>: named by an earlier input too ('-' again): read once\n"


def test_a_key_given_twice_with_other_values_is_said_not_dropped_in_silence(tmp_path, in_process):
    """`{"id": "a", "text": "x", "text": "y"}` kept "y" and lost "x" without a word (JSON's parsers keep the last
    value): the last is still kept, and a warning names the key and the line, for the record's own keys and a
    nested object's; `--strict` stops there, as at any flagged record. A key given twice with one value loses
    nothing and is not said."""
    src = tmp_path / "d.jsonl"
    src.write_text('{"id": "a", "text": "Un premier texte.", "text": "Le second texte, gardé."}\n'
                   '{"id": "b", "text": "Le même texte.", "text": "Le même texte.", "meta": {"k": 1, "k": 2, "k": 2}}\n'
                   '{"id": "c", "id": "d", "text": "Un texte sans doublon de valeur.", "url": "u", "url": "u"}\n',
                   encoding="utf-8")
    a, b, d = _read(src)
    assert (a.id, a.text, a.warnings) == ("a", "Le second texte, gardé.",
                                          (f"{src}:1: key 'text' given 2 times, with other values: the last kept",))
    assert (b.text, b.meta, b.warnings) == ("Le même texte.", {"k": 2},
                                            (f"{src}:2: key 'k' of a nested object given 3 times, with other values: the last kept",))
    assert (d.id, d.url, d.warnings) == ("d", "u", (f"{src}:3: key 'id' given 2 times, with other values: the last kept",))
    proc = in_process("clean", str(src), "--out", str(tmp_path / "o.jsonl"), "--strict", "-q")
    assert proc.returncode == 3 and proc.stderr == (
        f"cleaner: --strict: stopped at bad input (id a): {src}:1: key 'text' given 2 times, with other values: the last kept\n")


def test_many_objects_with_a_key_given_twice_are_said_once_each_and_read_in_one_pass(tmp_path):
    """Each object with a key given twice was looked for from the first record on, through every nested object: a
    line (or a service's batch) of N such objects took N² steps, 16,000 of them 82 s (the service's event loop
    stalled, its health checks unanswered; found by a QA pass), and the record got one warning per object. It is
    now one walk of the line, and one warning per key, with the number of objects that gave it."""
    from cleaner.io.jsonl import loads

    src = tmp_path / "k.jsonl"
    src.write_text('{"id": "a", "text": "Un texte.", "meta": [' + ", ".join(['{"k": 1, "k": 2}'] * 20_000) + "]}\n"
                   '{"id": "b", "text": "Un texte.", "x": {"k": 1, "k": 2}}\n', encoding="utf-8")
    a, b = _read(src)
    assert a.warnings == (f"{src}:1: key 'k' of a nested object given 2 times, with other values: the last kept "
                          "(in 20000 objects)",)
    assert b.warnings == (f"{src}:2: key 'k' of a nested object given 2 times, with other values: the last kept",)
    batch = "[" + ", ".join(f'{{"id": "e{n}", "text": "x", "text": "y{n}"}}' for n in range(10_000)) + ", 5]"
    value, said = loads(batch)
    assert [r["text"] for r in value[:2]] == ["y0", "y1"] and len(said) == 10_001 and said[-1] == []
    assert said[:-1] == [["key 'text' given 2 times, with other values: the last kept"]] * 10_000


@pytest.mark.parametrize(("line", "paragraph", "said"), [
    ("\u2028", "\u2029", ("line separator (U+2028) read as LF", "paragraph separator (U+2029) read as a blank line")),
    ("\x0b", "\x0c", ("vertical tab read as LF", "form feed read as a blank line"))])
def test_line_and_paragraph_separators_in_a_text_are_line_breaks_the_rules_see(tmp_path, line, paragraph, said):
    """U+2028 and U+2029 stayed inside a text's "line", so a line rule did not see the noise behind one
    (`Partager sur Facebook\\u2028Le gouvernement…` kept its share bar; MasakhaNEWS has Amharic articles whose
    paragraphs are parted by two U+2028): read as LF and as a blank line, flagged, as a lone CR is, in a JSONL
    text, a `.txt` file and a text given to the API alike; a field (`source`, an id) keeps them as they are. So are
    a vertical tab (a word processor's line break inside a paragraph) and a form feed (a page break: pdftotext
    writes one a page; the language tagger read a text's pages as one paragraph)."""
    from cleaner import clean

    text = (f"Partager sur Facebook{line}Le gouvernement a présenté mardi un projet de loi sur l’école publique."
            f"{paragraph}Le texte sera débattu au parlement la semaine prochaine, après un long travail.")
    lines = ("Partager sur Facebook\nLe gouvernement a présenté mardi un projet de loi sur l’école publique.\n\n"
             "Le texte sera débattu au parlement la semaine prochaine, après un long travail.")
    src = tmp_path / "s.jsonl"
    src.write_text(json.dumps({"id": f"a{line}b", "text": text, "source": f"Le{paragraph}Monde"}) + "\n",
                   encoding="utf-8")
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    doc, page = _read(src, tmp_path / "t.txt")
    assert (doc.id, doc.text, doc.source, page.text) == (f"a{line}b", lines, f"Le{paragraph}Monde", lines)
    assert doc.warnings == tuple(f"{src}:1: 1 {what}" for what in said)
    (out,) = clean([{"id": "x", "text": text}])
    assert out.text == lines.split("\n", 1)[1] and [e.rule for e in out.edits] == ["fr.share-bar"]
    assert out.warnings == tuple(f"document 0: 1 {what}" for what in said)


def test_records_before_a_tail_of_nul_bytes_are_read_not_lost_as_binary(tmp_path):
    """A JSONL file cut short by a crash, its tail NUL bytes (a preallocated block): over 5% of its first 4,096
    bytes were controls, and the file was one `binary content, not JSONL` rejection, its three good records
    unread. A file that opens with a record is read line by line, the NUL tail one malformed line; a binary
    file (a Parquet one) read as JSONL stays one rejection."""
    records = "".join(json.dumps({"id": f"r{i}", "text": f"Le conseil a voté le budget {i}."}) + "\n" for i in range(3))
    src = tmp_path / "cut.jsonl"
    src.write_bytes(codecs.BOM_UTF8 + records.encode() + b"\0" * 60)
    *kept, tail = _read(src)
    assert [doc.id for doc in kept] == ["r0", "r1", "r2"]
    assert isinstance(tail, Rejected) and tail.detail == f"{src}:4: malformed JSON: Expecting value at column 1"
    pq.write_table(pa.table({"id": ["a"], "text": ["Un texte."]}), tmp_path / "p.parquet")
    (item,) = _read(tmp_path / "p.parquet", fmt="jsonl")
    assert item.detail == f"{tmp_path / 'p.parquet'}: binary content, not JSONL"


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_a_line_cut_short_is_malformed_at_its_end_not_at_column_1(tmp_path, end):
    """`{"id": "broken", "text": ` and its line feed was `malformed JSON: Expecting value at column 1`: the line was
    parsed with its line feed, and the place fell on the line after it. It is the column past the line's last
    character, a CRLF line's too (its CR was counted: column 27, a review); the rejection's raw line is as before,
    as read but for its line feed."""
    src = tmp_path / "m.jsonl"
    src.write_bytes(f'{{"id": "broken", "text": {end}{{"id": "b", "text": "Le conseil a voté le budget."}}{end}'
                    .encode())
    cut, kept = _read(src)
    assert cut.detail == f"{src}:1: malformed JSON: Expecting value at column 26"
    assert cut.raw == '{"id": "broken", "text": ' + end.removesuffix("\n") and kept.id == "b"


@settings(max_examples=300, deadline=None)
@hypothesis.given(st.text(st.sampled_from([*map(chr, range(32)), "a", " ", "é", "中", "\ud800", "\U0001f600"]),
                          max_size=120),
                  st.integers(0, 4_100), st.sampled_from([1, 16]))
def test_binary_is_told_by_the_control_characters_of_a_texts_first_4096(text, pad, least):
    """`looks_binary` counts the control characters (not tab, line breaks, vertical tab or form feed) among the first
    4,096 characters, whatever other characters stand beside them (it counts them in bytes)."""
    from cleaner.io.decoding import BINARY_SHARE, looks_binary

    for sample in (text, "x" * pad + text, text * 40):
        head = sample[:4096]
        controls = sum(c < " " and c not in "\t\n\x0b\x0c\r" for c in head)
        assert looks_binary(sample, least) == (controls >= least and controls > BINARY_SHARE * len(head))


def test_a_file_of_nul_bytes_is_binary_on_every_path_not_utf32_text(tmp_path, monkeypatch):
    """A file of NUL bytes (a block a crash left) read as JSONL is one `binary content, not JSONL`, as it is in a
    `.txt` or `.html` file: `json.detect_encoding` calls four NULs UTF-32-BE, and the file was read as UTF-32 text,
    a malformed line of all its NULs, its raw 1.5 times its size (a 9 MB gzip of 2 GB of them took 4 GB of memory and
    wrote 3.2 GB of rejects); compressed or on stdin too. The `.html` file's says how it starts, as an `html` field's
    does at extraction."""
    data = bytes(100_000)
    (tmp_path / "z.jsonl").write_bytes(data)
    (tmp_path / "z.jsonl.gz").write_bytes(gzip.compress(data))
    (tmp_path / "z.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(data))
    (tmp_path / "z.txt").write_bytes(data)
    (tmp_path / "z.html").write_bytes(data)
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BufferedReader(io.BytesIO(gzip.compress(data)))))
    for name, where, kind in [(str(tmp_path / f"z.{ext}"), str(tmp_path / f"z.{ext}"), kind)
                              for ext, kind in (("jsonl", "JSONL"), ("jsonl.gz", "JSONL"), ("jsonl.zst", "JSONL"),
                                                ("txt", "text"), ("html", "HTML"))] + [("-", "<stdin>", "JSONL")]:
        (item,) = _read(name)
        starts = f" (starts {bytes(8).decode()!r})" if kind == "HTML" else ""
        assert isinstance(item, Rejected) and (item.reason, item.detail) == (
            "bad_input", f"{where}: binary content, not {kind}{starts}"), name
        assert len(json.dumps(item.raw)) < 100, name


_LOOKS_HTML = "<stdin>: looks like HTML, not JSONL: use --input-format html to read it as one page"
_LOOKS_WARC = ("<stdin>: looks like WARC, not JSONL: warc cannot be read from stdin; give the file (.warc, .warc.gz) "
               "as an input")


@pytest.mark.parametrize("fmt", ["auto", "jsonl"])
def test_a_page_or_a_warc_file_on_stdin_is_one_rejection_saying_so_not_one_per_line(tmp_path, monkeypatch, fmt):
    """`cleaner clean - < page.html` gave one `malformed JSON: Expecting value at column 1` per line (481 for one page),
    and `zcat w.warc.gz | cleaner clean -` the same (a QA pass): stdin has no name to tell its format by, so a stream
    that opens (decompressed, after blanks, a byte order mark, comments) as an HTML page or a WARC file is one
    rejection saying what to do. A JSONL stream whose first line is malformed is still read line by line, as is one
    that opens as a page or a WARC but holds a line that opens as a record in its first 4 KB (a review)."""
    write_warc(tmp_path / "w.warc.gz")
    page = PAGE.format(n=1, body="Corps.").replace("><", ">\n<")
    streams = {
        "<!DOCTYPE html>\n" + page: _LOOKS_HTML,
        "\ufeff \n<!-- saved -->\n<!--[if IE]><p>old</p><![endif]-->\n" + page: _LOOKS_HTML,
        '<?xml version="1.0"?>\n<HTML lang="fr">\n<p>Un.</p>\n': _LOOKS_HTML,
        "<body>\n<p>Un.</p>\n": _LOOKS_HTML,
        '<html>\n<script type="application/ld+json">\n{\n  "@context": "https://schema.org"\n}\n</script>\n':
            _LOOKS_HTML,
    }
    cases = [(text.encode(), detail) for text, detail in streams.items()]
    cases += [(gzip.compress(cases[0][0]), _LOOKS_HTML), ((tmp_path / "w.warc.gz").read_bytes(), _LOOKS_WARC),
              (gzip.decompress((tmp_path / "w.warc.gz").read_bytes()), _LOOKS_WARC)]
    for data, detail in cases:
        monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BufferedReader(io.BytesIO(data))))
        assert [(item.reason, item.detail) for item in _read("-", fmt=fmt)] == [("bad_input", detail)], data[:40]
    record = json.dumps({"id": "a", "text": "Un texte."})
    for first in ("<header>Un.</header>", "<p>Un.</p>", "<htmlish>", "WAR", "oops", "<html>", "<!DOCTYPE html>",
                  "WARC/1.0"):  # a page's or a WARC's start and then records: they were lost in one rejection
        data = f"{first}\n{record}\n".encode()
        monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BufferedReader(io.BytesIO(data))))
        bad, doc = _read("-", fmt=fmt)
        assert bad.detail.startswith("<stdin>:1: malformed JSON") and doc.id == "a", first


def test_a_record_source_the_rules_replace_survives_in_meta():
    """A record's own `source` is a document field, not `meta`: when a rule lifted another source out of the text
    (`Publié dans Finances news le ...`), the record's value was gone without a trace, where a record's `title` or
    `author` stays in `meta`. It is kept as `meta.source` now; a source the field took as it was is not repeated."""
    from cleaner import clean

    byline = "Un article assez long pour être gardé par le nettoyeur, avec plusieurs phrases.\n"
    records = [{"id": "a", "source": "Other", "text": byline + "Publié dans Finances news le 13 - 12 - 2014"},
               {"id": "b", "source": "Same", "text": byline},
               {"id": "c", "source": "Other", "text": byline + "Publié dans Finances news le 13 - 12 - 2014",
                "meta": {"source": "First"}}]
    found = [(out.source, out.record().get("meta")) for out in clean(records)]
    assert found == [("Finances news", {"source": "Other"}), ("Same", None), ("Finances news", {"source": "First"})]


def test_a_byte_order_mark_inside_a_text_is_removed_and_counted_so_rules_see_the_line(tmp_path):
    """U+FEFF inside a text (a byte order mark left where files were joined: 466 MasakhaNEWS texts hold 3,049,
    `Na\\ufeff Simon Stone BBC Sport`, `በ\\ufeffናይሮቢ`) stayed in it, invisible, and hid its line from regex
    rules: `Partager\\ufeff sur Facebook` kept its share bar and 14 bylines kept their author. It is removed and
    counted, as NULs are, in a JSONL text, a `.txt` file and a text given to the API alike; a page's `html`
    (whose leading mark browsers and lxml skip) and a field keep theirs."""
    from cleaner import clean

    text = ("Partager\ufeff sur Facebook\nLe gouvernement a présenté mardi un projet de loi sur l’é\ufeffcole "
            "publique.\nLe texte sera débattu au parlement la semaine prochaine, après un long travail.")
    plain = text.replace("\ufeff", "")
    src = tmp_path / "s.jsonl"
    page = "\ufeff" + PAGE.format(n=1, body="Corps.")
    src.write_text(json.dumps({"id": "a", "text": text, "source": "Le\ufeffMonde"}) + "\n"
                   + json.dumps({"id": "h", "html": page}) + "\n", encoding="utf-8")
    (tmp_path / "t.txt").write_bytes(codecs.BOM_UTF8 + text.encode())
    doc, html, txt = _read(src, tmp_path / "t.txt")
    assert (doc.text, doc.source, txt.text, html.html) == (plain, "Le\ufeffMonde", plain, page)
    assert (doc.warnings, html.warnings) == ((f"{src}:1: 2 byte order marks (U+FEFF) removed",), ())
    assert txt.warnings == (f"{tmp_path / 't.txt'}: 2 byte order marks (U+FEFF) removed",)  # the leading one is decoding's
    (out,) = clean([{"id": "x", "text": text}])
    assert out.text == plain.split("\n", 1)[1] and [e.rule for e in out.edits] == ["fr.share-bar"]
    assert out.warnings == ("document 0: 2 byte order marks (U+FEFF) removed",)
    (only,) = clean(["\ufeff\ufeff \n"])
    assert isinstance(only, Rejected)  # it named no removed mark: an empty document names what reading removed
    assert only.detail == "document 0: empty document (2 byte order marks (U+FEFF) removed)"


def test_a_text_in_utf16_or_utf32_without_a_byte_order_mark_is_read_as_jsonl_in_it_is(tmp_path):
    """A `.txt` file in UTF-16 or UTF-32 without a byte order mark (Notepad++'s "UCS-2 LE BOM-less", a Python
    `encode("utf-16-le")`) was refused as `binary content, not text`, while a JSONL file in the same encoding
    was read (told by where the zero bytes of its first character are). A text is read so too when UTF-8 reads
    it as binary: a file, a Parquet binary `text` column and bytes given to the API alike; a UTF-8 text whose
    first byte is a stray NUL (which looks like UTF-16's zero byte) stays UTF-8, its NUL removed, and binary
    bytes that start as UTF-16 would stay binary."""
    from cleaner import clean

    text = "Le gouvernement a présenté mardi un projet de loi sur l’école publique.\nLe texte sera débattu."
    codecs_ = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
    for codec in codecs_:
        (tmp_path / f"{codec}.txt").write_bytes(text.encode(codec))
    (tmp_path / "odd.txt").write_bytes(text.encode("utf-16-le") + b"!")
    (tmp_path / "nul.txt").write_bytes(b"\x00" + text.encode())
    (tmp_path / "bytes.txt").write_bytes(bytes(range(256)) * 4)  # 00 01 reads as UTF-16: U+0001, U+0203, ...
    pq.write_table(pa.table({"id": ["p"], "text": [text.encode("utf-16-le")]}), tmp_path / "p.parquet")
    items = {item.id: item for item in _read(tmp_path)}
    assert [(items[c].text, items[c].warnings) for c in (*codecs_, "p")] == [(text, ())] * 5
    assert items["bytes"].detail == (  # naming its first invalid byte, as every rejection at read names its warnings
        f"{tmp_path / 'bytes.txt'}: binary content, not text (invalid UTF-8 at byte 128, replaced with U+FFFD)")
    assert (items["odd"].text, items["odd"].warnings) == (text + "\ufffd", (
        f"{tmp_path / 'odd.txt'}: invalid utf-16-le at byte {2 * len(text)}, replaced with U+FFFD",))
    assert (items["nul"].text, items["nul"].warnings) == (text, (f"{tmp_path / 'nul.txt'}: 1 NUL character removed",))
    (out,) = clean([text.encode("utf-16-be")])
    assert (out.text, out.warnings) == (text, ())


def test_a_line_that_is_no_object_is_named_by_json_s_word_for_what_it_holds(tmp_path, in_process):
    """`null` was "got NoneType" and `"x"` "got str", Python's names, where the line holds JSON; and a rejection
    without an id was said as `rejected -:`, which reads as the name of stdin (a QA pass)."""
    src = tmp_path / "n.jsonl"
    src.write_text('null\n"un texte"\n5\n2.5\ntrue\n[1]\n', encoding="utf-8")
    assert [r.detail.rsplit(", got ", 1)[1] for r in _read(src)] == [
        "null", "a string", "a number", "a number", "a boolean", "an array"]
    proc = in_process("clean", str(src), "--out", "-", "-q")
    assert proc.stderr.splitlines()[0] == f"cleaner: rejected (no id): {src}:1: a record must be a JSON object, got null"


@pytest.mark.parametrize(("name", "data"), [
    ("h.jsonl", '{"id": "c", "html": "\\ufeff"}\n{"id": "d", "html": "\\ufeff\\n "}\n'.encode()),
    ("bom.html", codecs.BOM_UTF8), ("bomws.html", codecs.BOM_UTF8 + b"\n "),
])
def test_html_of_a_byte_order_mark_alone_is_an_empty_document_whatever_holds_it(tmp_path, name, data):
    """A JSONL `html` of a byte order mark alone was `empty_extraction` ("empty page"), at extract; a page file of one
    `bad_input` ("empty document"), at reading (QA): both are empty HTML, `bad_input` at reading."""
    (tmp_path / name).write_bytes(data)
    out = list(read_inputs([tmp_path / name], Config()))
    assert out and all(isinstance(r, Rejected) and (r.stage, r.reason) == ("read", "bad_input")
                       and r.detail.endswith("empty document") for r in out), out


def test_a_gzip_compressed_html_page_is_read_decompressed_and_said(tmp_path):
    """A page wget saved as the server sent it (`Content-Encoding: gzip`) was `binary content, not HTML` (QA): it is
    read by its first bytes, as a JSONL file is, with a warning; one cut short is `bad_input` naming its gzip."""
    page = b"<html><head><title>T</title></head><body><p>The council voted on Tuesday.</p></body></html>"
    (tmp_path / "g.html").write_bytes(gzip.compress(page))
    (tmp_path / "cut.html").write_bytes(gzip.compress(page)[:40])
    read, cut = list(read_inputs([tmp_path / "g.html", tmp_path / "cut.html"], Config()))
    assert isinstance(read, Document) and read.html == page.decode(), read
    assert read.warnings == (f"{tmp_path / 'g.html'}: named as uncompressed, but its content is gzip: read as its "
                             "content is",)
    assert isinstance(cut, Rejected) and cut.reason == "bad_input" and "unreadable gzip content" in cut.detail, cut
